"""The published warehouse's nights: one Parquet partition per run table and run date.

docs/outputs.md gives every published table the grain "× run". Copying every past night into each
night's build would make the nightly cost grow with the history (5M households a night), so the
nightly tables live beside the published DuckDB file, one immutable Parquet file per table and
run date::

    <warehouse>/nights/<table>/<run_date>/<version id>.parquet

A publish of run date D writes D's files only (from the audited staging file) and a new, small
DuckDB file whose ``marts.<table>`` is a view over the current file of every kept date, and whose
``marts.current_<table>`` reads the latest date's file alone. ``marts.published_nights`` is the
manifest (table, run_date, file, version_id, rows) the views are made of. Hence:

- re-running D writes new files for D (a new version id); every other date's file is untouched,
  byte for byte, and still named by the new manifest;
- readers see a whole night or the previous one: the views live in the published file, which is
  swapped in by one rename (hedui/publish.py); files are never written in place;
- versions and rollback keep working: a kept version's views name the files it was published
  with, and a file is deleted only when no kept version names it any more;
- retention (``keep_nights``) drops the oldest run dates from the new manifest; their files go
  once no kept version names them.

The tables of :data:`NIGHTLY_TABLES` are partitioned; everything else in the staging file (the
monitoring history tables, the latest night's detail marts, the restricted identity) is copied as
a table, as before.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import duckdb

from hedui.warehouse.raw_tables import quote

#: the published tables kept per run date (docs/outputs.md "× run"), each a view over its nights
NIGHTLY_TABLES = (
    "household_verification",
    "low_income_population",
    "return_to_poverty_warnings",
    "recipient_reviews",
    "outreach_candidates",
    "verification_reports",
    "verification_report_members",
    "source_as_of",
    "dq_source_runs",
    "quarantine",
    "run_deliveries",
    "cross_region_queries",
    "cross_region_partner_stats",
    "cross_region_waiting",
)
NIGHTS_DIR = "nights"
MANIFEST = "published_nights"
SCHEMA = "marts"
CURRENT_PREFIX = "current_"


@dataclass(frozen=True)
class Night:
    """One table's rows of one run date: a Parquet file under ``nights/``."""

    table: str
    run_date: str
    file: str  # relative to the warehouse directory
    version_id: str
    rows: int


def nights_dir(warehouse_dir: Path) -> Path:
    return Path(warehouse_dir) / NIGHTS_DIR


def read_manifest(database: Path) -> list[Night]:
    """The nights a published (or version) file's views are made of; [] when it has none."""
    if not Path(database).is_file():
        return []
    con = duckdb.connect(str(database), read_only=True)
    try:
        found = con.execute(
            "SELECT 1 FROM duckdb_tables() WHERE schema_name = ? AND table_name = ?",
            [SCHEMA, MANIFEST],
        ).fetchall()
        if not found:
            return []
        rows = con.execute(
            f"SELECT table_name, CAST(run_date AS VARCHAR), file, version_id, rows "
            f"FROM {SCHEMA}.{MANIFEST} ORDER BY table_name, run_date"
        ).fetchall()
    finally:
        con.close()
    return [Night(*r) for r in rows]


def write_published_file(
    staging: Path,
    out: Path,
    warehouse_dir: Path,
    run_date: str,
    version_id: str,
    *,
    previous: Path | None,
    keep_nights: int | None = None,
) -> list[Night]:
    """Write ``out``: the staging file's tables, with each nightly table's rows written to a
    new Parquet file per run date they hold (and ``run_date``, even when it has no rows) and
    replaced by views over every kept night; returns the new manifest. The nightly build's
    staging file holds ``run_date`` alone, so a publish replaces that night only. ``previous``
    is the published file whose manifest is carried forward (None: the first publish). A
    nightly table that file holds as a plain table (published before nights existed) is split
    into nights once."""
    warehouse_dir = Path(warehouse_dir).resolve()
    out = Path(out)
    if out.exists():
        raise FileExistsError(f"{out} exists; publish writes a new file")
    carried = {(n.table, n.run_date): n for n in (read_manifest(previous) if previous else [])}
    con = duckdb.connect(str(out))
    try:
        con.execute(f"ATTACH {_lit(str(Path(staging).resolve()))} AS staging (READ_ONLY)")
        tables = _tables(con, "staging")
        nightly = [t for s, t in tables if s == SCHEMA and t in NIGHTLY_TABLES]
        if previous is not None and Path(previous).is_file():
            carried.update(
                _migrate(con, previous, warehouse_dir, run_date, version_id, nightly, carried)
            )
        for table in nightly:
            carried.update(
                _split(
                    con,
                    f"staging.{SCHEMA}.{quote(table)}",
                    warehouse_dir,
                    table,
                    version_id,
                    always=run_date,
                )
            )
        manifest = _retain(list(carried.values()), keep_nights)
        for schema in sorted({s for s, _ in tables} | {SCHEMA}):
            con.execute(f"CREATE SCHEMA IF NOT EXISTS {quote(schema)}")
        for schema, table in tables:
            if schema == SCHEMA and table in NIGHTLY_TABLES:
                continue
            target = f"{quote(schema)}.{quote(table)}"
            con.execute(f"CREATE TABLE {target} AS SELECT * FROM staging.{target}")
        con.execute("DETACH staging")
        _write_manifest(con, manifest)
        _create_views(con, manifest, warehouse_dir)
        con.execute("CHECKPOINT")
    finally:
        con.close()
    return manifest


def remove_unreferenced(warehouse_dir: Path, manifests: Iterable[list[Night]]) -> list[Path]:
    """Delete every night file no manifest names (those of dropped versions and dates, and
    files a failed publish left); empty folders go too. Returns the deleted files."""
    root = nights_dir(warehouse_dir)
    if not root.is_dir():
        return []
    named = {(Path(warehouse_dir) / n.file).resolve() for m in manifests for n in m}
    removed = []
    for path in sorted([*root.glob("*/*/*"), *root.glob("*/*/.*")]):  # with .partial leftovers
        if path.resolve() not in named:
            path.unlink()
            removed.append(path)
    for folder in sorted(root.glob("*/*"), reverse=True) + sorted(root.glob("*")):
        if folder.is_dir() and not any(folder.iterdir()):
            folder.rmdir()
    return removed


def night_bytes(warehouse_dir: Path, manifest: list[Night], run_date: str) -> int:
    """Bytes of one run date's night files."""
    return sum(
        (Path(warehouse_dir) / n.file).stat().st_size for n in manifest if n.run_date == run_date
    )


# ---------------------------------------------------------------------------- internals


def _tables(con: duckdb.DuckDBPyConnection, catalog: str) -> list[tuple[str, str]]:
    return con.execute(
        "SELECT schema_name, table_name FROM duckdb_tables() WHERE database_name = ? "
        "AND schema_name IN ('marts', 'restricted') ORDER BY 1, 2",
        [catalog],
    ).fetchall()


def _write_night(
    con: duckdb.DuckDBPyConnection,
    source: str,
    warehouse_dir: Path,
    table: str,
    run_date: str,
    version_id: str,
) -> Night:
    """Write ``source``'s rows of ``run_date`` to a new Parquet file (atomically, by rename)."""
    relative = Path(NIGHTS_DIR) / table / run_date / f"{version_id}.parquet"
    path = warehouse_dir / relative
    for folder in reversed([*path.relative_to(warehouse_dir).parents][:-1]):
        (warehouse_dir / folder).mkdir(mode=0o700, exist_ok=True)  # personal data: owner only
    tmp = path.with_name(f".{path.name}.partial")
    tmp.unlink(missing_ok=True)
    con.execute(
        f"COPY (SELECT * FROM {source} WHERE run_date = ?::DATE) TO {_lit(str(tmp))} "
        "(FORMAT parquet, COMPRESSION zstd)",
        [run_date],
    )
    rows = con.execute(f"SELECT count(*) FROM read_parquet({_lit(str(tmp))})").fetchall()[0][0]
    os.chmod(tmp, 0o400)  # owner-read only, never written again; deleted with its last version
    os.replace(tmp, path)
    return Night(table, run_date, relative.as_posix(), version_id, int(rows))


def _migrate(
    con: duckdb.DuckDBPyConnection,
    previous: Path,
    warehouse_dir: Path,
    run_date: str,
    version_id: str,
    nightly: list[str],
    carried: dict[tuple[str, str], Night],
) -> dict[tuple[str, str], Night]:
    """Nights of a previous file that holds nightly tables as plain tables (once): every date
    but ``run_date`` that the manifest does not already name."""
    con.execute(f"ATTACH {_lit(str(Path(previous).resolve()))} AS previous (READ_ONLY)")
    try:
        out: dict[tuple[str, str], Night] = {}
        plain = {t for s, t in _tables(con, "previous") if s == SCHEMA and t in nightly}
        for table in sorted(plain):
            skip = {run_date} | {d for t, d in carried if t == table}
            out.update(
                _split(
                    con,
                    f"previous.{SCHEMA}.{quote(table)}",
                    warehouse_dir,
                    table,
                    version_id,
                    skip=skip,
                )
            )
        return out
    finally:
        con.execute("DETACH previous")


def _split(
    con: duckdb.DuckDBPyConnection,
    source: str,
    warehouse_dir: Path,
    table: str,
    version_id: str,
    *,
    always: str | None = None,
    skip: set[str] | frozenset[str] = frozenset(),
) -> dict[tuple[str, str], Night]:
    """One night file per run date of ``source`` (and ``always``, even without rows: an empty
    night is still a night), leaving out the dates in ``skip``."""
    dates = {
        r[0]
        for r in con.execute(
            f"SELECT DISTINCT CAST(run_date AS VARCHAR) FROM {source} WHERE run_date IS NOT NULL"
        ).fetchall()
    }
    if always:
        dates.add(always)
    return {
        (table, day): _write_night(con, source, warehouse_dir, table, day, version_id)
        for day in sorted(dates - set(skip))
    }


def _retain(manifest: list[Night], keep_nights: int | None) -> list[Night]:
    """The newest ``keep_nights`` run dates of the manifest (all when None or 0)."""
    if not keep_nights:
        return sorted(manifest, key=lambda n: (n.table, n.run_date))
    dates = sorted({n.run_date for n in manifest})[-keep_nights:]
    return sorted((n for n in manifest if n.run_date in dates), key=lambda n: (n.table, n.run_date))


def _write_manifest(con: duckdb.DuckDBPyConnection, manifest: list[Night]) -> None:
    con.execute(
        f"CREATE TABLE {SCHEMA}.{MANIFEST} (table_name VARCHAR, run_date DATE, file VARCHAR, "
        "version_id VARCHAR, rows BIGINT)"
    )
    if manifest:
        con.executemany(
            f"INSERT INTO {SCHEMA}.{MANIFEST} VALUES (?, ?::DATE, ?, ?, ?)",
            [(n.table, n.run_date, n.file, n.version_id, n.rows) for n in manifest],
        )


def _create_views(con: duckdb.DuckDBPyConnection, manifest: list[Night], root: Path) -> None:
    """``marts.<table>`` over every night, ``marts.current_<table>`` over the latest one.
    Paths are absolute, so any reader (whatever its working directory) resolves them."""
    for table in sorted({n.table for n in manifest}):
        nights = [n for n in manifest if n.table == table]
        files = ", ".join(_lit(str(root / n.file)) for n in nights)
        latest = _lit(str(root / nights[-1].file))
        con.execute(
            f"CREATE VIEW {SCHEMA}.{quote(table)} AS "
            f"SELECT * FROM read_parquet([{files}], union_by_name = true)"
        )
        con.execute(
            f"CREATE VIEW {SCHEMA}.{quote(CURRENT_PREFIX + table)} AS "
            f"SELECT * FROM read_parquet({latest})"
        )


def _lit(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"
