"""The nightly build, audit, publish and report steps on Spark (``HEDUI_ENGINE=spark``).

Same inputs as the DuckDB steps (the validated Parquet zone and the run's dq tables), same
dbt project; the warehouse lives in Spark: each night builds into its own databases, is audited
there, and is published by repointing the ``<ns>_published`` views (hedui.spark_publish).
The Spark settings may come from the Airflow connection ``hedui_spark``
(hedui.warehouse.spark_connection). The namespace ``<ns>`` is ``HEDUI_SPARK_NAMESPACE``
(default ``hedui``); ``HEDUI_DBT_EXCLUDE`` (dbt selectors, space-separated) leaves nodes out of
the build, e.g. the data tests on a re-run.
"""

from __future__ import annotations

import os
import shutil
import time
from typing import Any

from hedui.progress import report
from hedui.run_context import RunContext
from hedui.warehouse.spark_connection import apply_airflow_connection


def namespace() -> str:
    apply_airflow_connection()
    return os.environ.get("HEDUI_SPARK_NAMESPACE", "hedui")


def _settings(ctx: RunContext):
    from hedui.warehouse.spark import spark_settings

    apply_airflow_connection()
    return spark_settings(ctx.root / "spark")


def build_step(ctx: RunContext) -> dict[str, Any]:
    """Load the raw layer as external tables of the run's databases, run one ``dbt build``
    there, then drop the run's working databases and raw zone (personal data)."""
    from hedui import spark_publish as sp
    from hedui.warehouse.dbt_runner import dbt_build
    from hedui.warehouse.spark import connect, load_spark

    settings, ns = _settings(ctx), namespace()
    started = time.perf_counter()
    with connect(settings) as spark:
        current = sp.current_version(spark, ns)
        version, prefix = sp.next_run(spark, ns, ctx.day)
        raw_zone = ctx.builds / "raw-zone" / version
        report("build on Spark: %s, raw zone %s", prefix, raw_zone)
        load_spark(
            spark,
            ctx.day,
            ctx.validated,
            ctx.dq,
            raw_zone,
            schema_prefix=prefix,
            history_from=f"{ns}_published" if current else None,
        )
        built = dbt_build(
            ctx.day,
            target="spark",
            schema_prefix=prefix,
            spark=settings.env(),
            target_path=ctx.builds / "dbt-target-spark",
            exclude=os.environ.get("HEDUI_DBT_EXCLUDE", "").split() or None,
        )
        sp.drop_work(spark, prefix)
    shutil.rmtree(raw_zone, ignore_errors=True)
    report(
        "build on Spark: %s in %.1f s",
        "done" if built.success else "FAILED",
        time.perf_counter() - started,
    )
    return {
        "engine": "spark",
        "version": version,
        "prefix": prefix,
        "success": built.success,
        "summary": "; ".join(built.failures[:20]) or (built.error or ""),
        "based_on": current.id if current else None,
    }


def audit_step(ctx: RunContext, built: dict[str, Any]) -> dict[str, Any]:
    """Audit the run's Spark marts (hedui.spark_publish.audit_spark); raises AuditError."""
    from hedui.spark_publish import audit_spark
    from hedui.warehouse.spark import connect

    with connect(_settings(ctx)) as spark:
        audited = audit_spark(
            spark, built["prefix"], ctx.day, build_ok=built["success"], summary=built["summary"]
        )
    report("audit on Spark: passed")
    keys = ("engine", "version", "prefix", "based_on")
    return {**{k: built[k] for k in keys}, **audited}


def publish_step(ctx: RunContext, audited: dict[str, Any]) -> dict[str, Any]:
    """Repoint the published views at the audited run; keep ``HEDUI_KEEP_VERSIONS`` runs."""
    from hedui.spark_publish import publish_spark
    from hedui.warehouse.spark import connect

    with connect(_settings(ctx)) as spark:
        version = publish_spark(
            spark,
            namespace(),
            audited["version"],
            audited["prefix"],
            ctx.day,
            keep=int(os.environ.get("HEDUI_KEEP_VERSIONS", "7")),
            based_on=audited.get("based_on"),
        )
    report("publish on Spark: version %s", version.id)
    return {"engine": "spark", "version": version.id, "published": f"{namespace()}_published"}


def report_step(ctx: RunContext, published: dict[str, Any]) -> dict[str, Any]:
    """The published night's mart row counts (the full summary reads the DuckDB warehouse)."""
    from hedui.spark_publish import current_version
    from hedui.warehouse.spark import connect

    with connect(_settings(ctx)) as spark:
        current = current_version(spark, namespace())
        rows = {
            r[1]: int(spark.sql(f"SELECT count(*) FROM `{namespace()}_published`.`{r[1]}`")[0][0])
            for r in spark.sql(f"SHOW VIEWS IN `{namespace()}_published`")
        }
    return {"engine": "spark", "version": current.id if current else None, "rows": rows}
