"""Audit a staging warehouse before it may be published (the A of write-audit-publish)."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import duckdb

#: Marts a run must produce, with whether they must hold rows for the run date.
REQUIRED_MARTS: dict[str, bool] = {
    "household_verification": True,
    "verification_reports": False,
    "outreach_candidates": False,
    "dq_source_runs": True,
    "quarantine": False,
}
OPTIONAL_MARTS = ("low_income_population", "return_to_poverty_warnings", "recipient_reviews")

# An 18-character resident ID number standing on its own (not inside a longer token).
ID_PATTERN = r"(^|[^0-9A-Za-z])[1-9][0-9]{16}[0-9Xx]($|[^0-9A-Za-z])"


class AuditError(RuntimeError):
    """The staging warehouse failed its audit; it must not be published."""


def _tables(con: duckdb.DuckDBPyConnection, schema: str) -> set[str]:
    rows = con.execute(
        "SELECT table_name FROM information_schema.tables WHERE table_schema = ?", [schema]
    ).fetchall()
    return {r[0] for r in rows}


def _raw_id_columns(con: duckdb.DuckDBPyConnection, tables: set[str]) -> list[str]:
    """Text columns of the marts that hold something shaped like a raw ID number."""
    found = []
    cols = con.execute(
        "SELECT table_name, column_name FROM information_schema.columns "
        "WHERE table_schema = 'marts' AND data_type = 'VARCHAR'"
    ).fetchall()
    for table, column in cols:
        if table not in tables or column.endswith("_key"):
            continue
        hits = con.execute(
            f'SELECT count(*) FROM marts."{table}" WHERE regexp_matches("{column}", ?)',
            [ID_PATTERN],
        ).fetchall()[0][0]
        if hits:
            found.append(f"marts.{table}.{column} ({hits} rows)")
    return found


def audit_warehouse(
    staging: Path, run_date: date, *, build_ok: bool = True, build_summary: str = ""
) -> dict[str, Any]:
    """Check the build, the marts, row accounting and privacy; raise :class:`AuditError`."""
    problems: list[str] = []
    if not build_ok:
        problems.append(f"dbt build failed: {build_summary}")
    con = duckdb.connect(str(staging), read_only=True)
    try:
        marts = _tables(con, "marts")
        counts: dict[str, int] = {}
        for table, needs_rows in REQUIRED_MARTS.items():
            if table not in marts:
                problems.append(f"mart {table} is missing")
                continue
            counts[table] = con.execute(
                f"SELECT count(*) FROM marts.{table} WHERE run_date = ?", [run_date]
            ).fetchall()[0][0]
            if needs_rows and counts[table] == 0:
                problems.append(f"mart {table} has no rows for {run_date}")
        for table in OPTIONAL_MARTS:
            if table in marts:
                counts[table] = con.execute(
                    f"SELECT count(*) FROM marts.{table} WHERE run_date = ?", [run_date]
                ).fetchall()[0][0]
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
