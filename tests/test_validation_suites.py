"""Suites are generated from the registry; the SQL helpers agree with the Python reference."""

from __future__ import annotations

from datetime import date

import duckdb
import numpy as np
import pytest

from hedui.idnumbers import is_valid_id_number, is_valid_uscc, uscc_check_char
from hedui.registry import load_registry
from hedui.validation.business import SOURCE_RULES, WINDOW_COLUMNS
from hedui.validation.compiler import MACROS
from hedui.validation.suites import build_suite, stale_suites
from hedui.validation.windows import window_bounds
from hedui_testing.synthetic import id_numbers, usccs


def test_committed_suites_match_the_registry() -> None:
    assert stale_suites() == [], "run hedui.validation.write_suites() and commit expectations/"


def test_every_source_has_a_suite_with_reason_codes() -> None:
    registry = load_registry()
    assert set(SOURCE_RULES) <= set(registry)
    assert {n for n, s in registry.items() if s.kind == "window"} == set(WINDOW_COLUMNS)
    for name in registry:
        suite = build_suite(name)
        for e in suite.expectations:
            assert e.meta["check"] and e.meta["reason"]
            assert "reason_code" in e.meta or e.meta.get("level") == "source"


def test_windows() -> None:
    d = date(2026, 11, 27)
    assert window_bounds(d, 13, "period") == ("2025-10", "2026-10")
    assert window_bounds(d, 13, "date") == (date(2025, 10, 1), date(2026, 11, 26))
    assert window_bounds(date(2026, 1, 5), 1, "period") == ("2025-12", "2025-12")


@pytest.fixture(scope="module")
def con() -> duckdb.DuckDBPyConnection:
    connection = duckdb.connect()
    for macro in MACROS:
        connection.execute(macro)
    return connection


def _id_cases() -> list[str]:
    good = list(id_numbers(np.arange(0, 400, 37)))
    bad_check = [v[:17] + ("0" if v[17] != "0" else "1") for v in good]
    return [
        *good,
        *bad_check,
        good[0][:17],
        good[0] + "1",
        good[0][:17].lower() + "x",
        "120101199002301234",  # 30 February
        "120101000001011234",  # year 0
        "12010119900101123x",
        "abcdefghijklmnopqr",
        "",
    ]


def test_sql_id_check_agrees_with_python(con: duckdb.DuckDBPyConnection) -> None:
    for value in _id_cases():
        got = con.execute("SELECT coalesce(hd_valid_id(?), FALSE)", [value]).fetchone()[0]
        assert got == is_valid_id_number(value), value


def test_sql_uscc_check_agrees_with_python(con: duckdb.DuckDBPyConnection) -> None:
    good = list(usccs(np.arange(0, 300, 29)))
    first = "91120000MA05K1234"
    cases = [*good, first + uscc_check_char(first), first + "I", good[0][:17], "", good[0].lower()]
    cases += [v[:17] + ("0" if v[17] != "0" else "1") for v in good]
    for value in cases:
        got = con.execute("SELECT coalesce(hd_valid_uscc(?), FALSE)", [value]).fetchone()[0]
        assert got == is_valid_uscc(value), value
