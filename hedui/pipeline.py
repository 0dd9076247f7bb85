"""The nightly pipeline's steps as plain, tested functions.

The Airflow DAG (dags/hedui_nightly.py), ``hedui run`` and the tests all call these. Each step
takes a :class:`RunContext` (the run date and where the zones are) and returns a small JSON-able
dict: data moves as files and tables, never through XCom.
"""

from __future__ import annotations

import os
from dataclasses import asdict, dataclass
from datetime import date
from pathlib import Path
from typing import Any

from hedui.registry import source_names


@dataclass(frozen=True)
class RunContext:
    """One run: its date (the only clock) and the deployment's folders."""

    run_date: str
    workspace: str
    inbox: str
    warehouse: str
    connectors: str | None = None

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


def extract_source(ctx: RunContext, source: str) -> dict[str, Any]:
    """Land one source's delivery for the run date; a JSON-able landing result."""
    from hedui.landing import land_all

    config = Path(ctx.connectors) if ctx.connectors else None
    (result,) = land_all(ctx.day, Path(ctx.inbox), ctx.landing, config=config, sources=[source])
    return {
        "source": result.source,
        "status": result.status,
        "rows": result.rows or 0,
        "error": result.error,
    }


def extract_all(ctx: RunContext) -> list[dict[str, Any]]:
    return [extract_source(ctx, name) for name in source_names()]


def validate_step(ctx: RunContext, landed: list[dict[str, Any]]) -> dict[str, Any]:
    """Validate every source's landed delivery: quarantine, statuses, dq records, Data Docs."""
    from hedui.validation import validate_run

    statuses = {r["source"]: {"status": r["status"], "error": r.get("error")} for r in landed}
    run = validate_run(ctx.day, ctx.landing, ctx.validated, ctx.dq, landing_statuses=statuses)
    return {
        "statuses": run.statuses(),
        "unusable": run.unusable(),
        "dq_source_runs": str(run.dq_source_runs_path),
        "quarantine": str(run.quarantine_path),
        "data_docs": str(run.docs_index) if run.docs_index else None,
        "rows": {
            name: [s.rows_landed, s.rows_loaded, s.rows_quarantined]
            for name, s in run.sources.items()
        },
    }
