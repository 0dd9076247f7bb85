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


class SourceUnavailable(RuntimeError):
    """A source's channel could not be reached; raised so the orchestrator retries the extract."""


def extract_source(ctx: RunContext, source: str, *, final_attempt: bool = True) -> dict[str, Any]:
    """Land one source's delivery for the run date; a JSON-able landing result.

    A channel that cannot be reached (database down, network) raises :class:`SourceUnavailable`
    unless this is the ``final_attempt``: then the source is recorded as failed and the night
    goes on with the others.
    """
    from hedui.landing import land_all

    config = Path(ctx.connectors) if ctx.connectors else None
    (result,) = land_all(ctx.day, Path(ctx.inbox), ctx.landing, config=config, sources=[source])
    if result.status == "failed" and result.transient and not final_attempt:
        raise SourceUnavailable(f"{source} {ctx.run_date}: {result.error}")
    return {
        "source": result.source,
        "status": result.status,
        "rows": result.rows or 0,
        "error": result.error,
    }


def extract_all(ctx: RunContext) -> list[dict[str, Any]]:
    return [extract_source(ctx, name) for name in source_names()]


def validate_source_step(ctx: RunContext, landed: dict[str, Any]) -> dict[str, Any]:
    """Validate one source's landed delivery (the output of :func:`extract_source`)."""
    from hedui.validation import validate_source

    threads = os.environ.get("HEDUI_VALIDATE_THREADS")
    outcome = validate_source(
        ctx.day, landed["source"], ctx.landing, ctx.validated, ctx.dq,
        {"status": landed["status"], "error": landed.get("error")},
        threads=int(threads) if threads else None,
    )
    return {
        "source": outcome.source,
        "status": outcome.status,
        "rows": [outcome.rows_landed, outcome.rows_loaded, outcome.rows_quarantined],
        "message": outcome.message,
    }


def gather_validation_step(ctx: RunContext, outcomes: list[dict[str, Any]]) -> dict[str, Any]:
    """Assemble every source's outcome into the run's dq tables and Data Docs."""
    from hedui.validation import gather_run

    run = gather_run(ctx.day, ctx.dq, expected=[o["source"] for o in outcomes])
    return {
        "statuses": run.statuses(),
        "unusable": run.unusable(),
        "dq_source_runs": str(run.dq_source_runs_path),
        "quarantine": str(run.quarantine_path),
        "data_docs": str(run.docs_index) if run.docs_index else None,
    }


def staging_file(ctx: RunContext) -> Path:
    """The audited candidate for publishing: marts and the restricted identity table only."""
    return ctx.builds / f"{ctx.run_date}.duckdb"


def build_file(ctx: RunContext) -> Path:
    """The dbt build's working file (raw, staging and intermediate layers: personal data)."""
    return ctx.builds / f"{ctx.run_date}.build.duckdb"


def _remove_duckdb(path: Path) -> None:
    for stale in (path, path.with_name(path.name + ".wal")):
        stale.unlink(missing_ok=True)


def build_step(ctx: RunContext) -> dict[str, Any]:
    """Load the raw layer, run one ``dbt build``, export the publishable schemas.

    Everything is rebuilt from scratch into files of this run only, so a build killed half-way
    leaves nothing that a rerun or a reader could pick up.
    """
    from hedui.publish import published_token
    from hedui.warehouse import build_warehouse
    from hedui.warehouse.publishable import export_published

    work, staging = build_file(ctx), staging_file(ctx)
    work.parent.mkdir(parents=True, exist_ok=True)
    _remove_duckdb(work)
    _remove_duckdb(staging)
    based_on = published_token(Path(ctx.warehouse))
    previous = published_warehouse(ctx)
    _loaded, built = build_warehouse(
        ctx.day, ctx.validated, ctx.dq, work,
        previous=previous if previous.exists() else None,
        target_path=ctx.builds / "dbt-target",
    )
    summary = "; ".join(built.failures[:20]) or (built.error or "")
    if built.success:
        export_published(work, staging)
    _remove_duckdb(work)
    return {
        "staging": str(staging),
        "success": built.success,
        "summary": summary,
        "based_on": based_on,
    }


def published_warehouse(ctx: RunContext) -> Path:
    from hedui.publish import published_path

    return published_path(Path(ctx.warehouse))


def audit_step(ctx: RunContext, built: dict[str, Any]) -> dict[str, Any]:
    """Audit the staging warehouse; raise AuditError so nothing unaudited is published."""
    from hedui.audit import audit_warehouse

    report = audit_warehouse(Path(built["staging"]), ctx.day, build_ok=built["success"],
                             build_summary=built.get("summary", ""))
    return {"staging": built["staging"], "based_on": built.get("based_on"), **report}


def publish_step(ctx: RunContext, audited: dict[str, Any]) -> dict[str, Any]:
    """Publish the audited staging file by atomic swap (keeps the last versions)."""
    from hedui.publish import publish

    keep = int(os.environ.get("HEDUI_KEEP_VERSIONS", "7"))
    version = publish(
        Path(audited["staging"]), Path(ctx.warehouse), ctx.run_date, keep=keep,
        based_on=audited.get("based_on"),
    )
    Path(audited["staging"]).unlink(missing_ok=True)
    return {"version": version.id, "published": str(published_warehouse(ctx))}


def report_step(ctx: RunContext) -> dict[str, Any]:
    """Summarise the published run and write it to ``<workspace>/reports/<date>/summary.json``."""
    from hedui.alerts import run_degraded
    from hedui.summary import run_summary, write_summary

    summary = run_summary(published_warehouse(ctx), ctx)
    path = write_summary(summary, ctx.root / "reports" / ctx.run_date)
    alert = run_degraded(summary)
    return {"summary": str(path), "alert": alert["message"] if alert else None}
