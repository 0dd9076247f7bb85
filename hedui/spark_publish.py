"""Write-audit-publish on Spark: per-run databases, an audit, published views, rollback.

A night builds into its own databases ``<ns>_r<YYYYMMDD>_<seq>_{raw,staging,...,marts,
restricted}`` (the run prefix). The audit reads the run's marts; publishing repoints the views
``<ns>_published.<mart>`` (and ``<ns>_published_restricted.identity``) at the run's tables with
``ALTER VIEW ... AS``, one statement per view, each an atomic metastore update: a reader's
query sees one night's table or the other, never a half-written one, and a query already
running keeps reading the tables it resolved. The run's working databases (raw, staging,
intermediate, seeds: personal data) are dropped once it is built. ``<ns>_meta.versions`` lists
the kept versions; the newest ``keep`` runs' databases stay, so a rollback only repoints views.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from hedui.audit import ID_PATTERN, AuditError
from hedui.publish import PublishConflict
from hedui.warehouse.outputs import published_outputs
from hedui.warehouse.spark import SqlRunner, databases, drop_databases, ident, lit

PUBLISHED_SCHEMAS = ("marts", "restricted")
WORK_SCHEMAS = ("raw", "staging", "intermediate", "seeds", "main")


@dataclass(frozen=True)
class SparkVersion:
    id: str
    run_date: str
    prefix: str  # the run's database prefix
    seq: int
    current: bool = False


def run_prefix(namespace: str, run_date: date, seq: int) -> str:
    return f"{namespace}_r{run_date.strftime('%Y%m%d')}_{seq:04d}_"


def _meta(namespace: str) -> str:
    return f"{ident(namespace + '_meta')}.`versions`"


def list_versions(spark: SqlRunner, namespace: str) -> list[SparkVersion]:
    """Kept versions, oldest first (empty before the first publish)."""
    if f"{namespace}_meta" not in databases(spark, f"{namespace}_meta"):
        return []
    if not spark.sql(f"SHOW TABLES IN {ident(namespace + '_meta')} LIKE 'versions'"):
        return []
    rows = spark.sql(f"SELECT id, run_date, prefix, seq, current FROM {_meta(namespace)}")
    return sorted(
        (SparkVersion(r[0], str(r[1]), r[2], int(r[3]), bool(r[4])) for r in rows),
        key=lambda v: v.seq,
    )


def current_version(spark: SqlRunner, namespace: str) -> SparkVersion | None:
    return next((v for v in list_versions(spark, namespace) if v.current), None)


def next_run(spark: SqlRunner, namespace: str, run_date: date) -> tuple[str, str]:
    """(version id, database prefix) of a new build of ``run_date``."""
    versions = list_versions(spark, namespace)
    built = databases(spark, f"{namespace}_r")
    seq = max([v.seq for v in versions] + [_seq(d) for d in built] + [0]) + 1
    return f"{run_date.isoformat()}-{seq:04d}", run_prefix(namespace, run_date, seq)


def _seq(database: str) -> int:
    parts = database.split("_")
    return int(parts[2]) if len(parts) > 2 and parts[2].isdigit() else 0


def drop_work(spark: SqlRunner, prefix: str) -> None:
    """Drop a run's working databases (everything but its marts and restricted identity)."""
    drop_databases(spark, [prefix + s for s in WORK_SCHEMAS])


def audit_spark(
    spark: SqlRunner, prefix: str, run_date: date, *, build_ok: bool = True, summary: str = ""
) -> dict[str, Any]:
    """The DuckDB audit's checks on the run's Spark marts; raise :class:`AuditError`."""
    problems: list[str] = [f"dbt build failed: {summary}"] if not build_ok else []
    marts_db = ident(prefix + "marts")
    marts = {r[1] for r in spark.sql(f"SHOW TABLES IN {marts_db}")} if build_ok else set()
    counts: dict[str, int] = {}
    day = f"DATE {lit(run_date)}"
    for output in published_outputs():
        if output.name not in marts:
            if output.required and build_ok:
                problems.append(f"mart {output.name} is missing")
            continue
        table = f"{marts_db}.{ident(output.name)}"
        counts[output.name] = int(
            spark.sql(f"SELECT count(*) FROM {table} WHERE run_date = {day}")[0][0]
        )
        if output.rows_required and counts[output.name] == 0:
            problems.append(f"mart {output.name} has no rows for {run_date}")
    if "dq_source_runs" in marts:
        broken = spark.sql(
            f"SELECT source FROM {marts_db}.`dq_source_runs` WHERE run_date = {day} "
            "AND rows_landed <> rows_loaded + rows_quarantined ORDER BY source"
        )
        if broken:
            problems.append("row accounting broken for " + ", ".join(r[0] for r in broken))
    if "household_verification" in marts:
        unexplained = spark.sql(
            f"SELECT count(*) FROM {marts_db}.`household_verification` WHERE run_date = {day} "
            "AND NOT complete AND size(missing_sources) = 0"
        )[0][0]
        if unexplained:
            problems.append(f"{unexplained} incomplete results name no missing source")
    leaks = _raw_ids(spark, marts_db, marts)
    if leaks:
        problems.append("raw ID numbers in published marts: " + "; ".join(leaks))
    if problems:
        raise AuditError("audit failed: " + " | ".join(problems))
    return {"audit": "passed", "counts": counts}


def _raw_ids(spark: SqlRunner, marts_db: str, marts: set[str]) -> list[str]:
    found = []
    for table in sorted(marts):
        for name, kind, *_ in spark.sql(f"DESCRIBE {marts_db}.{ident(table)}"):
            if not name or name.startswith("#") or name.endswith("_key"):
                continue
            if not (kind == "string" or kind.startswith(("array", "struct", "map"))):
                continue
            text = f"`{name}`" if kind == "string" else f"to_json(`{name}`)"
            hits = spark.sql(
                f"SELECT count(*) FROM {marts_db}.{ident(table)} "
                f"WHERE {text} RLIKE {lit(ID_PATTERN)}"
            )[0][0]
            if hits:
                found.append(f"marts.{table}.{name} ({hits} rows)")
    return found


def _repoint(spark: SqlRunner, namespace: str, prefix: str) -> None:
    """Point every published view at the run ``prefix``'s tables (a mart the run lacks loses
    its view)."""
    for schema, published in (("marts", "_published"), ("restricted", "_published_restricted")):
        target = ident(namespace + published)
        spark.sql(f"CREATE DATABASE IF NOT EXISTS {target}")
        tables = {r[1] for r in spark.sql(f"SHOW TABLES IN {ident(prefix + schema)}")}
        views = {r[1] for r in spark.sql(f"SHOW VIEWS IN {target}") if not r[2]}
        for table in sorted(tables):
            # ALTER VIEW is one metastore update; Spark's CREATE OR REPLACE VIEW drops the
            # view and creates it again, and a reader in between finds no view at all
            verb = "ALTER" if table in views else "CREATE"
            spark.sql(
                f"{verb} VIEW {target}.{ident(table)} AS "
                f"SELECT * FROM {ident(prefix + schema)}.{ident(table)}"
            )
        for view in sorted(views - tables):
            spark.sql(f"DROP VIEW IF EXISTS {target}.{ident(view)}")


def _write_versions(spark: SqlRunner, namespace: str, versions: list[SparkVersion]) -> None:
    spark.sql(f"CREATE DATABASE IF NOT EXISTS {ident(namespace + '_meta')}")
    spark.sql(
        f"CREATE TABLE IF NOT EXISTS {_meta(namespace)} "
        "(id STRING, run_date DATE, prefix STRING, seq BIGINT, current BOOLEAN) USING parquet"
    )
    values = ", ".join(
        f"({lit(v.id)}, DATE {lit(v.run_date)}, {lit(v.prefix)}, {v.seq}, {str(v.current).lower()})"
        for v in versions
    )
    spark.sql(f"INSERT OVERWRITE TABLE {_meta(namespace)} VALUES {values}")


def publish_spark(
    spark: SqlRunner,
    namespace: str,
    version_id: str,
    prefix: str,
    run_date: date,
    *,
    keep: int = 5,
    based_on: str | None = None,
) -> SparkVersion:
    """Publish the audited run ``prefix``: repoint the views, record the version, drop the
    databases of versions beyond the newest ``keep``. ``based_on`` is the version id that was
    current when the build read its history; if another publish or a rollback came in
    between, :class:`PublishConflict` is raised and nothing changes."""
    existing = list_versions(spark, namespace)
    current = next((v.id for v in existing if v.current), None)
    if current != based_on:
        raise PublishConflict(
            f"the published warehouse changed after the {run_date} build read it "
            f"({based_on} -> {current}); nothing was published, rerun this date"
        )
    _repoint(spark, namespace, prefix)
    seq = int(version_id.rsplit("-", 1)[1])
    version = SparkVersion(version_id, run_date.isoformat(), prefix, seq, True)
    kept = [SparkVersion(v.id, v.run_date, v.prefix, v.seq) for v in existing]
    kept = [*kept, version][-keep:]
    _write_versions(spark, namespace, kept)
    for old in existing:
        if old.id not in {v.id for v in kept}:
            drop_databases(spark, [old.prefix + s for s in PUBLISHED_SCHEMAS])
    return version


def rollback_spark(spark: SqlRunner, namespace: str, version_id: str | None = None) -> SparkVersion:
    """Repoint the published views at a kept version: the given one, or the one before the
    current."""
    versions = list_versions(spark, namespace)
    current = next((v for v in versions if v.current), None)
    if version_id is None:
        older = [v for v in versions if current is None or v.seq < current.seq]
        if not older:
            raise LookupError("no older version than the published one is kept")
        chosen = older[-1]
    else:
        matches = [v for v in versions if v.id == version_id]
        if not matches:
            raise LookupError(f"version {version_id!r} is not kept")
        chosen = matches[0]
    _repoint(spark, namespace, chosen.prefix)
    _write_versions(
        spark,
        namespace,
        [SparkVersion(v.id, v.run_date, v.prefix, v.seq, v.id == chosen.id) for v in versions],
    )
    return SparkVersion(chosen.id, chosen.run_date, chosen.prefix, chosen.seq, True)
