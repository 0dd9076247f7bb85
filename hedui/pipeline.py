"""The nightly pipeline's steps as plain functions: the CLI, the tests and the DAG call these."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from pathlib import Path


@dataclass(frozen=True)
class Workspace:
    """Where one deployment keeps its zones; every path derives from one root."""

    root: Path
    inbox: Path | None = None

    @property
    def inbox_dir(self) -> Path:
        return self.inbox or self.root / "inbox"

    @property
    def landing(self) -> Path:
        return self.root / "landing"

    @property
    def validated(self) -> Path:
        return self.root / "validated"

    @property
    def dq(self) -> Path:
        return self.root / "dq"


@dataclass
class RunSummary:
    run_date: date
    landing: list = field(default_factory=list)


def land_step(ws: Workspace, run_date: date, config: Path | None = None) -> list:
    """Extract every source for ``run_date`` into the landing zone."""
    from hedui.landing import land_all

    return land_all(run_date, ws.inbox_dir, ws.landing, config=config)
