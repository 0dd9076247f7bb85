"""A publishable copy of a built warehouse: only the published schemas, nothing else.

The build file also holds raw, staging and intermediate tables, which carry ID numbers and
names; the published warehouse must not (docs/outputs.md). ``export_published`` writes a new DuckDB
file with the tables of ``marts`` and ``restricted`` only (freshly written, so no free block of
the build file travels with it).
"""

from __future__ import annotations

from pathlib import Path

from hedui import duck
from hedui.warehouse.raw_tables import quote

PUBLISHED_SCHEMAS = ("marts", "restricted")


def export_published(
    build: Path, out: Path, schemas: tuple[str, ...] = PUBLISHED_SCHEMAS
) -> dict[str, int]:
    """Copy every table of ``schemas`` from ``build`` into a new file ``out``; rows per table."""
    out = Path(out)
    if out.exists():
        raise FileExistsError(f"{out} exists; publish writes a new file")
    out.parent.mkdir(parents=True, exist_ok=True)
    con = duck.connect(out)
    counts: dict[str, int] = {}
    try:
        con.execute(f"ATTACH {_lit(str(Path(build).resolve()))} AS build (READ_ONLY)")
        tables = con.execute(
            "SELECT schema_name, table_name FROM duckdb_tables() "
            "WHERE database_name = 'build' AND schema_name IN "
            f"({', '.join(_lit(s) for s in schemas)}) ORDER BY 1, 2"
        ).fetchall()
        for schema in sorted({s for s, _ in tables}):
            con.execute(f"CREATE SCHEMA IF NOT EXISTS {quote(schema)}")
        for schema, table in tables:
            target = f"{quote(schema)}.{quote(table)}"
            con.execute(f"CREATE TABLE {target} AS SELECT * FROM build.{target}")
            row = con.execute(f"SELECT count(*) FROM {target}").fetchone()
            counts[f"{schema}.{table}"] = int(row[0]) if row else 0
        con.execute("DETACH build")
        con.execute("CHECKPOINT")
    finally:
        con.close()
    return counts


def _lit(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"
