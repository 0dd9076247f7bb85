"""One delivery, four channels: a file, a PostgreSQL table, a MariaDB table and an HTTP API
must land as the same typed rows (contract columns and ``_line``; only ``_file`` differs)."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path

import polars as pl
import pytest

from connectors import FileConnector, HttpConnector, SqlConnector
from hedui.delivery import write_delivery
from hedui.landing import land_source, read_landed
from hedui.registry import get_source
from hedui_testing.fake_api import DeliveryApi
from hedui_testing.sql_publish import drop_tables, publish_table, ready_query

DAY = date(2026, 11, 27)
PG_URL = os.environ.get("HEDUI_TEST_PG_URL", "postgresql://postgres@127.0.0.1:5432/test")
MYSQL_URL = os.environ.get("HEDUI_TEST_MYSQL_URL", "mysql://root@127.0.0.1:3306/test")
TOKEN = "test-token-" + uuid.uuid4().hex
SOURCES = ["hukou", "tax", "social_insurance"]


def frame(source_name: str, n: int = 40) -> pl.DataFrame:
    """Deterministic rows, sorted by primary key (so every channel orders them alike)."""
    source = get_source(source_name)
    cols = {}
    for c in source.columns:
        if c.type == "int":
            values: list = [i % 4 + 1 for i in range(n)]
        elif c.type == "decimal":
            values = [round(i * 1234.57 + 0.5, 2) for i in range(n)]
        elif c.type == "date":
            values = [date(2020, 1, 1) + timedelta(days=7 * i) for i in range(n)]
        elif c.type == "enum":
            values = [c.values[i % len(c.values)] for i in range(n)]
        elif c.type == "period":
            values = [f"2026-{i % 12 + 1:02d}" for i in range(n)]
        elif c.type in ("id_number", "uscc"):
            values = [f"1201011990{i:07d}X" for i in range(n)]
        else:
            values = [f"{c.zh[:2]}-{i:04d}" for i in range(n)]
        cols[c.name] = values
    df = pl.DataFrame(cols)
    nullable = [c.name for c in source.columns if not c.required and c.type != "id_number"]
    if nullable:  # some empty optional values travel through every channel
        df = df.with_columns(
            pl.when(pl.int_range(n) % 5 == 0)
            .then(None)
            .otherwise(pl.col(nullable[0]))
            .alias(nullable[0])
        )
    return df


@pytest.fixture
def db_tables() -> Iterator[list[tuple[SqlConnector, str]]]:
    """Tables created by a test, dropped afterwards."""
    created: list[tuple[SqlConnector, str]] = []
    yield created
    for connector, table in created:
        drop_tables(connector, [table])


def sql_connector(env: str, table: str, control: str, **kw: object) -> SqlConnector:
    return SqlConnector(dsn_env=env, table=table, ready_query=ready_query(control), **kw)


@pytest.fixture
def db_env(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HEDUI_TEST_PG", PG_URL)
    monkeypatch.setenv("HEDUI_TEST_MYSQL", MYSQL_URL)
    monkeypatch.setenv("HEDUI_TEST_TOKEN", TOKEN)


@pytest.mark.parametrize("source_name", SOURCES)
def test_same_delivery_lands_identically_through_every_channel(
    tmp_path: Path, source_name: str, db_env: None, db_tables: list
) -> None:
    source = get_source(source_name)
    df = frame(source_name)
    suffix = uuid.uuid4().hex[:8]
    control = f"hedui_ctl_{suffix}"
    table = f"hedui_{source_name}_{suffix}"

    write_delivery(tmp_path / "inbox", source, DAY, {source_name: df})
    connectors = {"file": FileConnector(tmp_path / "inbox")}
    for env in ("HEDUI_TEST_PG", "HEDUI_TEST_MYSQL"):
        conn = sql_connector(env, table, control, batch_size=7)
        db_tables.extend([(conn, table), (conn, control)])
        publish_table(conn, source, df, DAY, control_table=control)
        connectors[env] = conn

    with DeliveryApi(TOKEN) as api:
        api.publish(source_name, DAY, df)
        api.fail_next(1, 503)
        connectors["http"] = HttpConnector(
            base_url=api.url, token_env="HEDUI_TEST_TOKEN", page_size=9, backoff=0.01
        )
        landed = {}
        for name, connector in connectors.items():
            root = tmp_path / f"land_{name}"
            result = land_source(source_name, DAY, connector, root)
            assert result.status == "landed", (name, result.error)
            assert result.rows == len(df)
            landed[name] = pl.from_arrow(read_landed(root, source_name, DAY))
        assert any(status == 503 for _, status in api.requests), "retry was not exercised"

    compare = [*source.column_names, "_line"]
    reference = landed["file"].select(compare)
    assert reference["_line"][0] == (2 if source.format == "csv" else 1)
    for name, got in landed.items():
        ordinal = got.select(compare).with_columns(pl.col("_line") - pl.col("_line").min() + 1)
        expected = reference.with_columns(pl.col("_line") - pl.col("_line").min() + 1)
        assert ordinal.equals(expected), name
        if name != "file":
            assert got["_line"].to_list() == list(range(1, len(df) + 1))
    assert landed["file"]["_file"][0] == f"{source_name}.{source.format}"
    assert landed["HEDUI_TEST_PG"]["_file"][0] == table
    assert landed["http"]["_file"][0] == f"/{source_name}/{DAY}"
