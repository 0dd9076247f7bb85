"""The nightly pipeline's steps as plain, tested functions.

The Airflow DAG (dags/hedui_nightly.py), ``hedui run`` and the tests all call these. Each step
takes a :class:`RunContext` (the run date and where the zones are) and returns a small JSON-able
dict: data moves as files and tables, never through XCom.
"""

from __future__ import annotations

import os
import time
from pathlib import Path
from typing import Any

from hedui import pipeline_spark
from hedui.engine import engine
from hedui.progress import report
from hedui.registry import source_names
from hedui.run_context import RunContext


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
    report(
        "extract %s: %s, %s rows landed in %.1f s",
        source,
        result.status,
        f"{result.rows or 0:,}",
        result.duration_s or 0.0,
    )
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
    started = time.perf_counter()
    outcome = validate_source(
        ctx.day,
        landed["source"],
        ctx.landing,
        ctx.validated,
        ctx.dq,
        {"status": landed["status"], "error": landed.get("error")},
        threads=int(threads) if threads else None,
    )
    report(
        "validate %s: %s, %s landed = %s loaded + %s quarantined, in %.1f s",
        outcome.source,
        outcome.status,
        *(f"{n:,}" for n in (outcome.rows_landed, outcome.rows_loaded, outcome.rows_quarantined)),
        time.perf_counter() - started,
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

    started = time.perf_counter()
    run = gather_run(ctx.day, ctx.dq, expected=[o["source"] for o in outcomes])
    seconds = time.perf_counter() - started
    report("gather data quality: %d sources in %.1f s", len(outcomes), seconds)
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


def build_step(ctx: RunContext, lineage_parent: dict[str, str] | None = None) -> dict[str, Any]:
    """Load the raw layer, run one ``dbt build``, export the publishable schemas and the
    night's provenance (``marts.run_deliveries``: per mart, the deliveries it was built from).

    Everything is rebuilt from scratch into files of this run only, so a build killed half-way
    leaves nothing that a rerun or a reader could pick up. The dbt models' OpenLineage events
    go to the workspace's lineage (hedui.lineage), children of ``lineage_parent`` (the Airflow
    task run).
    """
    if engine() == "spark":
        return pipeline_spark.build_step(ctx)
    from hedui.publish import published_token
    from hedui.warehouse import build_warehouse
    from hedui.warehouse.provenance import delivery_rows, mart_sources, write_run_deliveries
    from hedui.warehouse.publishable import export_published

    work, staging = build_file(ctx), staging_file(ctx)
    work.parent.mkdir(parents=True, exist_ok=True)
    _remove_duckdb(work)
    _remove_duckdb(staging)
    based_on = published_token(Path(ctx.warehouse))
    previous = published_warehouse(ctx)
    started = time.perf_counter()
    report("build: load the raw layer, then dbt build")
    loaded, built = build_warehouse(
        ctx.day,
        ctx.validated,
        ctx.dq,
        work,
        previous=previous if previous.exists() else None,
        target_path=ctx.builds / "dbt-target",
    )
    summary = "; ".join(built.failures[:20]) or (built.error or "")
    if built.success:
        export_published(work, staging)
        write_run_deliveries(
            staging,
            ctx.day,
            mart_sources(ctx.builds / "dbt-target" / "manifest.json"),
            delivery_rows(ctx.landing, loaded.deliveries),
        )
    _remove_duckdb(work)
    _emit_lineage(ctx, lineage_parent)
    seconds = time.perf_counter() - started
    report("build: %s in %.1f s", "done" if built.success else "FAILED", seconds)
    if not built.success:
        report("build: failed: %s", summary or "dbt reported no failure")
    return {
        "staging": str(staging),
        "success": built.success,
        "summary": summary,
        "based_on": based_on,
    }


def _emit_lineage(ctx: RunContext, parent: dict[str, str] | None) -> None:
    """The build's dbt events; lineage is reported, never a reason to fail the night."""
    from hedui.lineage import emit_dbt_events
    from hedui.publish import published_path

    try:
        events = emit_dbt_events(
            ctx.builds / "dbt-target",
            ctx.root,
            parent=parent,
            warehouse=published_path(Path(ctx.warehouse)),
        )
        report("build: %d OpenLineage events of the dbt models", events)
    except Exception as exc:  # lineage must not stop a night
        report("build: OpenLineage events of the dbt models not emitted: %s", exc)


def published_warehouse(ctx: RunContext) -> Path:
    from hedui.publish import published_path

    return published_path(Path(ctx.warehouse))


def audit_step(ctx: RunContext, built: dict[str, Any]) -> dict[str, Any]:
    """Audit the staging warehouse; raise AuditError so nothing unaudited is published."""
    if built.get("engine") == "spark":
        return pipeline_spark.audit_step(ctx, built)
    from hedui.audit import audit_warehouse

    started = time.perf_counter()
    audited = audit_warehouse(
        Path(built["staging"]),
        ctx.day,
        build_ok=built["success"],
        build_summary=built.get("summary", ""),
    )
    report("audit: passed in %.1f s", time.perf_counter() - started)
    return {"staging": built["staging"], "based_on": built.get("based_on"), **audited}


def publish_step(
    ctx: RunContext, audited: dict[str, Any], *, approve: bool = False
) -> dict[str, Any]:
    """Publish the audited staging file by atomic swap (keeps the last ``HEDUI_KEEP_VERSIONS``
    versions and the newest ``HEDUI_KEEP_NIGHTS`` run dates; 0 or unset: every night), unless
    the publish gate holds it (hedui/publish_gate.py): then nothing is published, the staging
    file stays, and ``{"held": True, "report": path}`` is returned until the night is approved."""
    if audited.get("engine") == "spark":
        return pipeline_spark.publish_step(ctx, audited)
    from hedui import publish_gate as gate
    from hedui.publish import publish

    reports = ctx.root / "reports" / ctx.run_date
    (reports / gate.HELD_FILE).unlink(missing_ok=True)
    if not approve:
        result = gate.check(Path(audited["staging"]), published_warehouse(ctx), ctx.run_date)
        if result.held:
            pending = {"staging": audited["staging"], "based_on": audited.get("based_on")}
            path = gate.hold(result, reports, pending)
            print(result.report(), flush=True)
            return {"held": True, "report": str(path)}
    keep = int(os.environ.get("HEDUI_KEEP_VERSIONS", "7"))
    keep_nights = int(os.environ.get("HEDUI_KEEP_NIGHTS", "0")) or None
    version = publish(
        Path(audited["staging"]),
        Path(ctx.warehouse),
        ctx.run_date,
        keep=keep,
        based_on=audited.get("based_on"),
        keep_nights=keep_nights,
    )
    Path(audited["staging"]).unlink(missing_ok=True)
    report("publish: version %s", version.id)
    return {"version": version.id, "published": str(published_warehouse(ctx))}


def report_step(ctx: RunContext, published: dict[str, Any] | None = None) -> dict[str, Any]:
    """Summarise the published run and write it to ``<workspace>/reports/<date>/summary.json``
    (a night the publish gate held has no summary yet: its gate report says why)."""
    if published and published.get("engine") == "spark":
        return pipeline_spark.report_step(ctx, published)
    from hedui.alerts import run_degraded
    from hedui.summary import run_summary, write_summary

    if published and published.get("held"):
        return {"held": True, "report": published["report"]}

    summary = run_summary(published_warehouse(ctx), ctx)
    path = write_summary(summary, ctx.root / "reports" / ctx.run_date)
    alert = run_degraded(summary)
    return {"summary": str(path), "alert": alert["message"] if alert else None}
