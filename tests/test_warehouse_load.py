"""The raw layer: which deliveries a run loads, source status, pseudonyms (no dbt involved)."""

from __future__ import annotations

import hashlib
import hmac
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

import duckdb
import pytest

from hedui.registry import get_source
from hedui.warehouse.deliveries import plan_source, window_start
from hedui.warehouse.load import load_duckdb
from hedui.warehouse.pseudonyms import KEY_ENV, PseudonymKeyError, person_key, pseudonym_key
from hedui_testing.warehouse import write_delivery, write_dq_runs, write_run

D = date(2026, 11, 27)
KEY = "unit-test-secret"
PERSON = "120101195001011237"


@pytest.fixture(autouse=True)
def _key(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(KEY_ENV, KEY)


def _hukou(id_number: str = PERSON, household: str = "100000001", **kw: object) -> dict:
    row = {
        "id_number": id_number,
        "name": "张三",
        "gender": "1",
        "birth_date": date(1950, 1, 1),
        "household_no": household,
        "relation_to_head": "head",
        "district_code": "120101",
        "hukou_nature": "urban",
        "status": "normal",
    }
    return {**row, **kw}


def _query(path: Path, sql: str) -> list[tuple]:
    con = duckdb.connect(str(path), read_only=True)
    try:
        return con.sql(sql).fetchall()
    finally:
        con.close()


def test_snapshot_uses_latest_delivery_on_or_before_run_date(tmp_path: Path) -> None:
    for day in (D - timedelta(days=2), D, D + timedelta(days=1)):
        write_delivery(tmp_path, "vehicle", day, [])
    parts = plan_source(tmp_path, get_source("vehicle"), D)
    assert [p.day for p in parts] == [D]
    assert plan_source(tmp_path, get_source("vehicle"), D - timedelta(days=3)) == []


def test_window_source_uses_latest_delivery_only(tmp_path: Path) -> None:
    for day in (date(2026, 9, 30), D - timedelta(days=1), D):
        write_delivery(tmp_path, "tax", day, [])
    assert [p.day for p in plan_source(tmp_path, get_source("tax"), D)] == [D]


def test_deaths_keep_history_older_than_the_latest_window(tmp_path: Path) -> None:
    death = get_source("death")
    days = [date(2025, 1, 10), date(2025, 1, 20), date(2026, 3, 5), D - timedelta(days=1), D]
    for day in days:
        write_delivery(tmp_path, "death", day, [])
    parts = plan_source(tmp_path, death, D)
    assert [(p.day, p.before) for p in parts] == [
        (D, None),
        (date(2026, 3, 5), window_start(death, D)),
        (date(2025, 1, 20), window_start(death, date(2026, 3, 5))),
    ]


def test_window_start_of_period_and_date_sources() -> None:
    assert window_start(get_source("tax"), D) == "2025-10"
    assert window_start(get_source("death"), D) == date(2025, 10, 1)


def test_load_raw_layer(tmp_path: Path) -> None:
    validated, dq = tmp_path / "validated", tmp_path / "dq"
    old_death = {
        "id_number": "120101194001011238",
        "death_date": date(2024, 6, 1),
        "record_source": "cremation",
    }
    write_delivery(validated, "death", date(2025, 1, 15), [old_death])
    write_run(
        validated,
        dq,
        D,
        {
            "hukou": [_hukou()],
            "tax": [
                {
                    "id_number": PERSON,
                    "period": "2026-05",
                    "income_item": "wage",
                    "income": "1234.56",
                    "tax_paid": 0,
                }
            ],
            "verification_request": [
                {
                    "request_id": "R1",
                    "member_id_number": "120101199001011231",
                    "applicant": "1",
                    "authorization_no": None,
                    "purpose": "dibao",
                    "street_code": "120101001",
                    "requested_at": date(2026, 10, 15),
                }
            ],
        },
    )
    result = load_duckdb(tmp_path / "wh.duckdb", D, validated, dq)
    wh = tmp_path / "wh.duckdb"
    assert result.rows["hukou"] == 1 and result.rows["death"] == 1
    assert result.unusable() == []
    assert _query(wh, "select income, _delivery_date, _line from raw.tax") == [
        (Decimal("1234.5600"), D, 1)
    ]
    types = dict(
        _query(
            wh,
            "select column_name, data_type from information_schema.columns "
            "where table_schema = 'raw' and table_name = 'tax'",
        )
    )
    assert types["income"] == "DECIMAL(18,4)" and types["_delivery_date"] == "DATE"
    assert _query(wh, "select death_date, _delivery_date from raw.death") == [
        (date(2024, 6, 1), date(2025, 1, 15))
    ]
    identity = dict(_query(wh, "select id_number, person_key from raw.identity"))
    assert set(identity) == {PERSON, "120101199001011231"}
    expected = hmac.new(KEY.encode(), PERSON.encode(), hashlib.sha256).hexdigest()
    assert identity[PERSON] == expected == person_key(PERSON, KEY.encode())
    assert _query(wh, "select name from raw.identity where id_number = '120101199001011231'") == [
        (None,)
    ]


def test_source_status_failed_missing_and_late(tmp_path: Path) -> None:
    validated, dq = tmp_path / "validated", tmp_path / "dq"
    write_delivery(validated, "vehicle", D - timedelta(days=2), [])
    write_delivery(validated, "deposit", D - timedelta(days=1), [])  # earlier passed delivery
    write_delivery(validated, "hukou", D, [_hukou()])
    statuses = {"vehicle": "late", "deposit": "failed", "stock": "passed"}
    write_dq_runs(dq, D, {**statuses, "hukou": "passed"})
    result = load_duckdb(tmp_path / "wh.duckdb", D, validated, dq)
    rows = {
        r[0]: r[1:]
        for r in _query(
            tmp_path / "wh.duckdb",
            "select source, status, usable, data_as_of from raw.source_status",
        )
    }
    assert rows["hukou"] == ("passed", True, D)
    assert rows["vehicle"] == ("late", True, D - timedelta(days=2))
    assert rows["deposit"] == ("failed", False, D - timedelta(days=1))
    assert rows["stock"] == ("missing", False, None)  # "passed" but nothing validated
    assert "deposit" in result.unusable() and "vehicle" not in result.unusable()


def test_without_dq_record_a_delivery_of_the_day_counts_as_passed(tmp_path: Path) -> None:
    validated = tmp_path / "validated"
    write_delivery(validated, "hukou", D, [_hukou()])
    write_delivery(validated, "vehicle", D - timedelta(days=1), [])
    load_duckdb(tmp_path / "wh.duckdb", D, validated, tmp_path / "dq")
    rows = dict(_query(tmp_path / "wh.duckdb", "select source, status from raw.source_status"))
    assert rows["hukou"] == "passed" and rows["vehicle"] == "missing"


def test_reload_replaces_the_raw_layer(tmp_path: Path) -> None:
    validated, dq = tmp_path / "validated", tmp_path / "dq"
    write_run(validated, dq, D, {"hukou": [_hukou()]})
    load_duckdb(tmp_path / "wh.duckdb", D, validated, dq)
    write_run(validated, dq, D, {"hukou": [_hukou(), _hukou("120101195001021233")]})
    load_duckdb(tmp_path / "wh.duckdb", D, validated, dq)
    assert _query(tmp_path / "wh.duckdb", "select count(*) from raw.hukou") == [(2,)]


def test_missing_pseudonym_key_is_a_clear_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv(KEY_ENV)
    with pytest.raises(PseudonymKeyError, match=KEY_ENV):
        pseudonym_key()
    with pytest.raises(PseudonymKeyError):
        load_duckdb(tmp_path / "wh.duckdb", D, tmp_path, tmp_path)
    assert not (tmp_path / "wh.duckdb").exists()
