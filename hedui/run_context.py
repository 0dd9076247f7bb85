"""One nightly run's date (the only clock) and the deployment's folders.

Its own module so that the pipeline steps and the run summary both use it without importing
each other.
"""

from __future__ import annotations

import os
from dataclasses import asdict, dataclass
from datetime import date
from pathlib import Path
from typing import Any

from hedui import duck


@dataclass(frozen=True)
class RunContext:
    """One run: its date (the only clock) and the deployment's folders."""

    run_date: str
    workspace: str
    inbox: str
    warehouse: str
    connectors: str | None = None

    def __post_init__(self) -> None:
        duck.use_workspace(self.workspace)  # DuckDB spills into <workspace>/spill

    @classmethod
    def create(
        cls,
        run_date: date | str,
        workspace: Path | str | None = None,
        inbox: Path | str | None = None,
        warehouse: Path | str | None = None,
        connectors: Path | str | None = None,
    ) -> RunContext:
        """Fill unset folders from HEDUI_* environment variables, then from the workspace."""
        ws = Path(workspace or os.environ.get("HEDUI_HOME", "hedui-data")).resolve()
        inbox = inbox or os.environ.get("HEDUI_INBOX") or ws / "inbox"
        warehouse = warehouse or os.environ.get("HEDUI_WAREHOUSE") or ws / "warehouse"
        connectors = connectors or os.environ.get("HEDUI_CONNECTORS")
        return cls(
            run_date=str(date.fromisoformat(str(run_date))),
            workspace=str(ws),
            inbox=str(Path(inbox).resolve()),
            warehouse=str(Path(warehouse).resolve()),
            connectors=str(connectors) if connectors else None,
        )

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @property
    def day(self) -> date:
        return date.fromisoformat(self.run_date)

    @property
    def root(self) -> Path:
        return Path(self.workspace)

    @property
    def landing(self) -> Path:
        return self.root / "landing"

    @property
    def validated(self) -> Path:
        return self.root / "validated"

    @property
    def dq(self) -> Path:
        return self.root / "dq"

    @property
    def builds(self) -> Path:
        """Where staging warehouse files are built before the audit and the publish."""
        return self.root / "builds"
