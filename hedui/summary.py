"""The run summary: what a data engineer reads after a night's run (and what the demo prints)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import duckdb

from hedui import duck
from hedui.run_context import RunContext


def _rows(con: duckdb.DuckDBPyConnection, sql: str, params: list) -> list[tuple]:
    return con.execute(sql, params).fetchall()


def _has(con: duckdb.DuckDBPyConnection, table: str) -> bool:
    return bool(
        _rows(
            con,
            "SELECT 1 FROM information_schema.tables WHERE table_schema = 'marts' "
            "AND table_name = ?",
            [table],
        )
    )


def run_summary(published: Path, ctx: RunContext) -> dict[str, Any]:
    """Counts per source, tier, warning status, review code and outreach for the run date."""
    day = ctx.day
    con = duck.connect(published, read_only=True)
    try:
        out: dict[str, Any] = {"run_date": ctx.run_date, "published": str(published)}
        out["sources"] = [
            dict(zip(("source", "status", "landed", "loaded", "quarantined"), r, strict=True))
            for r in _rows(
                con,
                "SELECT source, status, rows_landed, rows_loaded, rows_quarantined "
                "FROM marts.dq_source_runs WHERE run_date = ? ORDER BY source",
                [day],
            )
        ]
        out["tiers"] = {
            t: {"households": n, "monthly_amount": float(a or 0), "incomplete": i}
            for t, n, a, i in _rows(
                con,
                "SELECT tier, count(*), sum(monthly_amount), count(*) FILTER (NOT complete) "
                "FROM marts.household_verification WHERE run_date = ? GROUP BY tier "
                "ORDER BY tier",
                [day],
            )
        }
        if _has(con, "return_to_poverty_warnings"):
            out["warnings"] = {
                f"{code} {status}": n
                for code, status, n in _rows(
                    con,
                    "SELECT warning_code, status, count(*) FROM marts.return_to_poverty_warnings "
                    "WHERE run_date = ? GROUP BY ALL ORDER BY ALL",
                    [day],
                )
            }
        if _has(con, "recipient_reviews"):
            out["reviews"] = dict(
                _rows(
                    con,
                    "SELECT review_code, count(*) FROM marts.recipient_reviews "
                    "WHERE run_date = ? AND evaluated GROUP BY ALL ORDER BY ALL",
                    [day],
                )
            )
        n, amount = _rows(
            con,
            "SELECT count(*), sum(monthly_amount) FROM marts.outreach_candidates "
            "WHERE run_date = ?",
            [day],
        )[0]
        out["outreach"] = {"households": n, "monthly_amount": float(amount or 0)}
        out["verification_reports"] = _rows(
            con, "SELECT count(*) FROM marts.verification_reports WHERE run_date = ?", [day]
        )[0][0]
    finally:
        con.close()
    docs = ctx.dq / ctx.run_date / "data_docs" / "index.html"
    out["data_docs"] = str(docs) if docs.exists() else None
    return out


def write_summary(summary: dict[str, Any], folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "summary.json"
    path.write_text(json.dumps(summary, indent=2, ensure_ascii=False, default=str) + "\n")
    return path
