"""Audit a staging warehouse before it may be published (the A of write-audit-publish)."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import duckdb

from hedui import duck
from hedui.warehouse.outputs import published_outputs

# A resident ID number standing on its own (not inside a longer token): 18 characters (17 digits
# and a check character) or the old 15-digit form.
ID_PATTERN = r"(^|[^0-9A-Za-z])([1-9][0-9]{16}[0-9Xx]|[1-9][0-9]{14})($|[^0-9A-Za-z])"
# Types scanned: text, and anything that can hold text (lists, structs, maps, unions, JSON),
# cast to text.
_TEXT_LIKE = ("VARCHAR", "JSON", "BLOB")
_NESTED = ("[]", "STRUCT(", "MAP(", "UNION(")


class AuditError(RuntimeError):
    """The staging warehouse failed its audit; it must not be published."""


def _tables(con: duckdb.DuckDBPyConnection, schema: str) -> set[str]:
    rows = con.execute(
        "SELECT table_name FROM information_schema.tables WHERE table_schema = ?", [schema]
    ).fetchall()
    return {r[0] for r in rows}


def _text_like(data_type: str) -> bool:
    upper = data_type.upper()
    return upper in _TEXT_LIKE or upper.startswith("VARCHAR") or any(n in upper for n in _NESTED)


def _raw_id_columns(con: duckdb.DuckDBPyConnection, tables: set[str]) -> list[str]:
    """Text-like columns of the marts (lists and structs cast to text) that hold something
    shaped like a raw ID number, 15 or 18 characters."""
    found = []
    cols = con.execute(
        "SELECT table_name, column_name, data_type FROM information_schema.columns "
        "WHERE table_schema = 'marts'"
    ).fetchall()
    for table, column, data_type in cols:
        if table not in tables or column.endswith("_key") or not _text_like(data_type):
            continue
        text = f'CAST("{column}" AS VARCHAR)'
        hits = con.execute(
            f'SELECT count(*) FROM marts."{table}" WHERE regexp_matches({text}, ?)',
            [ID_PATTERN],
        ).fetchall()[0][0]
        if hits:
            found.append(f"marts.{table}.{column} ({hits} rows)")
    return found


def audit_warehouse(
    staging: Path, run_date: date, *, build_ok: bool = True, build_summary: str = ""
) -> dict[str, Any]:
    """Check the build, the marts, row accounting and privacy; raise :class:`AuditError`."""
    if not build_ok:  # a failed build exports nothing: there is no staging file to read
        raise AuditError(f"dbt build failed: {build_summary or 'no summary'}")
    problems: list[str] = []
    con = duck.connect(staging, read_only=True)
    try:
        marts = _tables(con, "marts")
        counts: dict[str, int] = {}
        for output in published_outputs():
            table = output.name
            if table not in marts:
                if output.required:
                    problems.append(f"mart {table} is missing")
                continue
            counts[table] = con.execute(
                f"SELECT count(*) FROM marts.{table} WHERE run_date = ?", [run_date]
            ).fetchall()[0][0]
            if output.rows_required and counts[table] == 0:
                problems.append(f"mart {table} has no rows for {run_date}")
        if "dq_source_runs" in marts:
            broken = con.execute(
                "SELECT source FROM marts.dq_source_runs WHERE run_date = ? "
                "AND rows_landed <> rows_loaded + rows_quarantined ORDER BY source",
                [run_date],
            ).fetchall()
            if broken:
                problems.append("row accounting broken for " + ", ".join(r[0] for r in broken))
        if "household_verification" in marts:
            unexplained = con.execute(
                "SELECT count(*) FROM marts.household_verification WHERE run_date = ? "
                "AND NOT complete AND len(missing_sources) = 0",
                [run_date],
            ).fetchall()[0][0]
            if unexplained:
                problems.append(f"{unexplained} incomplete results name no missing source")
        leaks = _raw_id_columns(con, marts)
        if leaks:
            problems.append("raw ID numbers in published marts: " + "; ".join(leaks))
    finally:
        con.close()
    if problems:
        raise AuditError("audit failed: " + " | ".join(problems))
    return {"audit": "passed", "counts": counts}
