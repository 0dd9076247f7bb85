"""Copy a raw layer built in DuckDB into PostgreSQL with COPY (the portability target)."""

from __future__ import annotations

import tempfile
from pathlib import Path

import duckdb
import psycopg

from hedui.registry import load_registry
from hedui.warehouse.raw_tables import (
    EXTRA_TABLES,
    create_table_sql,
    extra_columns,
    quote,
    source_columns,
)

NULL_MARK = r"\N"
CHUNK = 1 << 20


def raw_tables() -> dict[str, list[tuple[str, str]]]:
    """Every raw table and its (column, neutral type) list."""
    tables = {name: source_columns(s) for name, s in load_registry().items()}
    tables.update({name: extra_columns(name) for name in EXTRA_TABLES})
    return tables


def copy_raw_to_postgres(
    con: duckdb.DuckDBPyConnection, duck_schema: str, conninfo: str, pg_schema: str
) -> None:
    """Replace every raw table of ``pg_schema`` with the DuckDB one (one transaction)."""
    with tempfile.TemporaryDirectory(prefix="hedui-pg-") as tmp, psycopg.connect(conninfo) as pg:
        pg.execute(f"CREATE SCHEMA IF NOT EXISTS {quote(pg_schema)}")
        for name, cols in raw_tables().items():
            target = f"{quote(pg_schema)}.{quote(name)}"
            pg.execute(f"DROP TABLE IF EXISTS {target} CASCADE")
            pg.execute(create_table_sql(target, cols, "postgres"))
            csv = Path(tmp) / f"{name}.csv"
            select = ", ".join(quote(c) for c, _ in cols)
            con.execute(
                f"COPY (SELECT {select} FROM {quote(duck_schema)}.{quote(name)}) TO '{csv}' "
                f"(FORMAT csv, HEADER false, NULLSTR '{NULL_MARK}')"
            )
            copy_sql = f"COPY {target} ({select}) FROM STDIN (FORMAT csv, NULL '{NULL_MARK}')"
            with pg.cursor() as cur, cur.copy(copy_sql) as copy, open(csv, "rb") as fh:
                while chunk := fh.read(CHUNK):
                    copy.write(chunk)
        pg.commit()
