"""Compare a built warehouse's marts with the generator's scenario ground truth."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path

import duckdb


def mart_rows(warehouse: Path, sql: str) -> list[dict]:
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        return con.sql(sql).pl().to_dicts()
    finally:
        con.close()


def _plain(value: object) -> object:
    return float(value) if isinstance(value, Decimal) else value


def _mismatches(expected: dict, got: dict | None) -> dict:
    if got is None:
        return {"row": "missing"}
    return {k: (v, _plain(got[k])) for k, v in expected.items() if _plain(got[k]) != v}


def compare_with_truth(warehouse: Path, truth: dict, day: date) -> list[str]:
    """Every scenario household's expected results of ``day`` against the marts (night
    ``day`` of a warehouse that keeps every night)."""
    night = f"run_date = DATE '{day.isoformat()}'"
    hv = {
        r["household_id"]: r
        for r in mart_rows(warehouse, f"select * from marts.household_verification where {night}")
    }
    reports = {
        r["request_id"]: r
        for r in mart_rows(warehouse, f"select * from marts.verification_reports where {night}")
    }
    outreach = {
        r["household_id"]: r
        for r in mart_rows(warehouse, f"select * from marts.outreach_candidates where {night}")
    }
    problems = []
    for code, sc in truth["scenarios"].items():
        state = sc["days"][day.isoformat()]
        hno = sc["household_no"]
        expected = state["household_verification"]
        if expected is None:
            if hno in hv:
                problems.append(f"{code}: unexpected household_verification row")
        elif diff := _mismatches(expected, hv.get(hno)):
            problems.append(f"{code} household_verification: {diff}")
        if (state["outreach"] is None) != (hno not in outreach):
            problems.append(f"{code}: outreach expected {state['outreach']}")
        elif state["outreach"] and (diff := _mismatches(state["outreach"], outreach[hno])):
            problems.append(f"{code} outreach: {diff}")
        report = state["verification_report"]
        if report is not None and (diff := _mismatches(report, reports.get(sc["request_id"]))):
            problems.append(f"{code} verification_report: {diff}")
    return problems
