"""The HTTP connector against a local paginated API (bearer token, retries, readiness)."""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import polars as pl
import pytest

from connectors import HttpConnector
from hedui.landing import land_source, read_landed
from hedui_testing.fake_api import DeliveryApi

DAY = date(2026, 11, 27)
TOKEN = "tok-" + uuid.uuid4().hex


def stock_rows(n: int) -> pl.DataFrame:
    return pl.DataFrame(
        {
            "securities_account": [f"A{i:09d}" for i in range(n)],
            "id_number": [f"1201011980{i:07d}X" for i in range(n)],
            "security_code": [f"{600000 + i}" for i in range(n)],
            "quantity": [100 * (i + 1) for i in range(n)],
            "close_price": [10.5 + i for i in range(n)],
            "market_value": [round(100 * (i + 1) * (10.5 + i), 2) for i in range(n)],
            "as_of_date": [date(2026, 11, 26)] * n,
        }
    )


@pytest.fixture
def api(monkeypatch: pytest.MonkeyPatch) -> Iterator[DeliveryApi]:
    monkeypatch.setenv("HEDUI_TEST_API_TOKEN", TOKEN)
    with DeliveryApi(TOKEN) as server:
        yield server


def client(api: DeliveryApi, **kw: object) -> HttpConnector:
    options: dict = {
        "base_url": api.url,
        "token_env": "HEDUI_TEST_API_TOKEN",
        "page_size": 4,
        "backoff": 0.01,
        "max_retries": 3,
    }
    options.update(kw)
    return HttpConnector(**options)


def data_requests(api: DeliveryApi) -> list[int]:
    return [status for path, status in api.requests if not path.endswith("/ready")]


def test_pages_are_read_to_the_last_one(api: DeliveryApi, tmp_path: Path) -> None:
    api.publish("stock", DAY, stock_rows(10))
    result = land_source("stock", DAY, client(api, ready_path="/{source}/{day}/ready"), tmp_path)
    assert result.status == "landed" and result.rows == 10 and result.connector == "http"
    landed = pl.from_arrow(read_landed(tmp_path, "stock", DAY))
    assert landed["_line"].to_list() == list(range(1, 11))
    assert landed["securities_account"].to_list() == stock_rows(10)["securities_account"].to_list()
    assert landed["quantity"].to_list() == list(range(100, 1100, 100))
    assert data_requests(api) == [200, 200, 200]  # total_pages = 3: no extra request


def test_without_totals_reads_until_an_empty_page(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setenv("HEDUI_TEST_API_TOKEN", TOKEN)
    with DeliveryApi(TOKEN, totals=False) as api:
        api.publish("stock", DAY, stock_rows(8))
        result = land_source("stock", DAY, client(api), tmp_path)
        assert result.rows == 8
        assert len(data_requests(api)) == 1 + 3  # probe, two full pages, one empty page


def test_next_links_are_followed(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setenv("HEDUI_TEST_API_TOKEN", TOKEN)
    with DeliveryApi(TOKEN, totals=False, links=True) as api:
        api.publish("stock", DAY, stock_rows(9))
        result = land_source("stock", DAY, client(api), tmp_path)
        assert result.rows == 9
        assert len(data_requests(api)) == 1 + 3


def test_transient_failures_are_retried(api: DeliveryApi, tmp_path: Path) -> None:
    api.publish("stock", DAY, stock_rows(6))
    api.fail_next(1, 503)
    api.fail_next(1, 429, retry_after=0.01)
    api.fail_next(1, 502)
    result = land_source("stock", DAY, client(api), tmp_path)
    assert result.status == "landed" and result.rows == 6
    assert [s for s in data_requests(api) if s != 200] == [503, 429, 502]


def test_timeouts_are_retried(api: DeliveryApi, tmp_path: Path) -> None:
    api.publish("stock", DAY, stock_rows(3))
    api.stall_next(1, 1.0)
    result = land_source("stock", DAY, client(api, timeout=0.2), tmp_path)
    assert result.status == "landed" and result.rows == 3


def test_retries_are_bounded(api: DeliveryApi, tmp_path: Path) -> None:
    api.publish("stock", DAY, stock_rows(3))
    api.fail_next(50, 503)
    result = land_source("stock", DAY, client(api, max_retries=2), tmp_path)
    assert result.status == "failed" and "503 after 3 attempts" in result.error
    assert result.transient  # the nightly DAG retries the extract later
    assert len(api.requests) == 3


def test_token_is_required_and_never_echoed(api, tmp_path: Path, monkeypatch) -> None:
    api.publish("stock", DAY, stock_rows(3))
    monkeypatch.setenv("HEDUI_TEST_API_TOKEN", "wrong-token-value")
    result = land_source("stock", DAY, client(api), tmp_path)
    assert result.status == "failed" and "401" in result.error
    assert "wrong-token-value" not in result.error
    monkeypatch.delenv("HEDUI_TEST_API_TOKEN")
    result = land_source("stock", DAY, client(api), tmp_path)
    assert result.status == "failed" and "HEDUI_TEST_API_TOKEN" in result.error


def test_404_and_not_ready_are_not_delivered(api: DeliveryApi, tmp_path: Path) -> None:
    assert land_source("stock", DAY, client(api), tmp_path).status == "not_delivered"
    ready = client(api, ready_path="/{source}/{day}/ready")
    assert land_source("stock", DAY, ready, tmp_path).status == "not_delivered"
    api.publish("stock", DAY, stock_rows(3), ready=False)
    assert land_source("stock", DAY, ready, tmp_path).status == "not_delivered"
    api.publish("stock", DAY, stock_rows(3), ready=True)
    assert land_source("stock", DAY, ready, tmp_path).status == "landed"


def test_json_values_mixed_omitted_and_malformed(api: DeliveryApi, tmp_path: Path) -> None:
    items = [{**r, "as_of_date": str(r["as_of_date"])} for r in stock_rows(5).to_dicts()]
    items[1]["close_price"] = "12a.5"  # a string among numbers
    items[2]["quantity"] = "100"  # a number as text
    items[3]["market_value"] = None
    del items[4]["market_value"]  # APIs often drop null keys
    api.publish("stock", DAY, items)
    result = land_source("stock", DAY, client(api, page_size=10), tmp_path)
    assert result.status == "landed" and result.invalid_rows == 1
    landed = pl.from_arrow(read_landed(tmp_path, "stock", DAY))
    assert json.loads(landed["_invalid"][1]) == {"close_price": "12a.5"}
    assert landed["close_price"][1] is None and landed["_line"][1] == 2
    assert landed["quantity"][2] == 100
    assert landed["market_value"].to_list()[3:] == [None, None]


def test_unknown_or_missing_keys_fail(api: DeliveryApi, tmp_path: Path) -> None:
    items = stock_rows(3).rename({"close_price": "price"}).to_dicts()
    for item in items:
        item["as_of_date"] = str(item["as_of_date"])
    api.publish("stock", DAY, items)
    result = land_source("stock", DAY, client(api), tmp_path)
    assert result.status == "failed"
    assert "unexpected ['price']" in result.error and "missing ['close_price']" in result.error

    items = [{k: v for k, v in item.items() if k != "price"} for item in items]
    api.publish("stock", DAY, items)
    result = land_source("stock", DAY, client(api), tmp_path)
    assert result.status == "failed" and "missing ['close_price']" in result.error


def test_page_count_is_bounded(api: DeliveryApi, tmp_path: Path) -> None:
    api.publish("stock", DAY, stock_rows(10))
    result = land_source("stock", DAY, client(api, max_pages=2), tmp_path)
    assert result.status == "failed" and "more than 2 pages" in result.error
