"""The SQL connector against the real PostgreSQL and MariaDB servers."""

from __future__ import annotations

import json
import os
import uuid
from collections.abc import Iterator
from contextlib import closing
from datetime import date
from decimal import Decimal
from pathlib import Path

import polars as pl
import pytest

from connectors import SqlConnector
from hedui.landing import land_source, read_landed
from hedui.registry import get_source
from hedui_testing.sql_publish import drop_tables, publish_table, ready_query

DAY = date(2026, 11, 27)
URLS = {
    "pg": os.environ.get("HEDUI_TEST_PG_URL", "postgresql://postgres@127.0.0.1:5432/test"),
    "mysql": os.environ.get("HEDUI_TEST_MYSQL_URL", "mysql://root@127.0.0.1:3306/test"),
}
DEATH = get_source("death")


def death_rows(n: int) -> pl.DataFrame:
    return pl.DataFrame(
        {
            "id_number": [f"1201011950{i:07d}X" for i in range(n)],
            "death_date": [date(2026, 1, 1 + i % 28) for i in range(n)],
            "record_source": ["cremation" if i % 2 else "death_certificate" for i in range(n)],
        }
    )


class Db:
    """A unique table and batch-control table on one engine, dropped after the test."""

    def __init__(self, engine: str, monkeypatch: pytest.MonkeyPatch) -> None:
        self.env = f"HEDUI_TEST_{engine.upper()}_URL_{uuid.uuid4().hex[:6]}"
        monkeypatch.setenv(self.env, URLS[engine])
        suffix = uuid.uuid4().hex[:8]
        self.table = f"hedui_death_{suffix}"
        self.control = f"hedui_ctl_{suffix}"

    def connector(self, **kw: object) -> SqlConnector:
        options: dict = {"table": self.table, "ready_query": ready_query(self.control)}
        options.update(kw)
        return SqlConnector(dsn_env=self.env, **options)

    def execute(self, sql: str) -> None:
        conn = self.connector()
        with closing(conn.connect()) as c, closing(c.cursor()) as cur:
            cur.execute(sql)
            c.commit()


@pytest.fixture(params=["pg", "mysql"])
def db(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> Iterator[Db]:
    handle = Db(request.param, monkeypatch)
    yield handle
    drop_tables(handle.connector(), [handle.table, handle.control])


def test_not_ready_until_the_batch_control_row(db: Db, tmp_path: Path) -> None:
    conn = db.connector()
    publish_table(conn, DEATH, death_rows(5), DAY, complete=False, control_table=db.control)
    assert land_source("death", DAY, conn, tmp_path).status == "not_delivered"
    publish_table(conn, DEATH, death_rows(5), DAY, control_table=db.control)
    result = land_source("death", DAY, conn, tmp_path)
    assert result.status == "landed" and result.rows == 5 and result.connector == "sql"


def test_batches_keep_row_ordinals_and_only_the_days_rows(db: Db, tmp_path: Path) -> None:
    conn = db.connector(batch_size=3)
    publish_table(conn, DEATH, death_rows(10), DAY, control_table=db.control)
    publish_table(conn, DEATH, death_rows(4), date(2026, 11, 26), control_table=db.control)
    result = land_source("death", DAY, conn, tmp_path)
    landed = pl.from_arrow(read_landed(tmp_path, "death", DAY))
    assert result.rows == 10
    assert landed["_line"].to_list() == list(range(1, 11))
    assert landed["id_number"].to_list() == death_rows(10)["id_number"].to_list()
    assert set(landed["_file"]) == {db.table}


def test_content_checksum_and_idempotent_relanding(db: Db, tmp_path: Path) -> None:
    conn = db.connector(batch_size=4)
    publish_table(conn, DEATH, death_rows(9), DAY, control_table=db.control)
    first = land_source("death", DAY, conn, tmp_path)
    manifest = json.loads((first.path / "manifest.json").read_text())
    data = (first.path / "data.parquet").read_bytes()
    second = land_source("death", DAY, conn, tmp_path)
    again = json.loads((second.path / "manifest.json").read_text())
    assert manifest["inputs"] == again["inputs"]
    [entry] = manifest["inputs"]
    assert entry["name"] == db.table and len(entry["sha256"]) == 64 and entry["bytes"] > 0
    assert manifest["connector"] == "sql"
    assert (second.path / "data.parquet").read_bytes() == data
    assert read_landed(tmp_path, "death", DAY).num_rows == 9


def test_text_table_with_malformed_values(db: Db, tmp_path: Path) -> None:
    rows = death_rows(4).with_columns(pl.col("death_date").cast(pl.String))
    rows[2, "death_date"] = "2026-02-30"
    conn = db.connector()
    publish_table(conn, DEATH, rows, DAY, typed=False, control_table=db.control)
    result = land_source("death", DAY, conn, tmp_path)
    assert result.status == "landed" and result.invalid_rows == 1
    landed = pl.from_arrow(read_landed(tmp_path, "death", DAY))
    bad = landed.filter(pl.col("_invalid").is_not_null())
    assert bad["_line"].to_list() == [3] and bad["death_date"][0] is None
    assert json.loads(bad["_invalid"][0]) == {"death_date": "2026-02-30"}


def test_query_mode_maps_aliased_columns(db: Db, tmp_path: Path) -> None:
    conn = db.connector()
    publish_table(conn, DEATH, death_rows(6), DAY, control_table=db.control)
    q = conn.quote
    query = (
        f"SELECT {q('id_number')} AS {q('死者身份号码')}, {q('death_date')}, "
        f"{q('record_source')} FROM {q(db.table)} WHERE {q('delivery_date')} = %(day)s "
        f"ORDER BY {q('id_number')} DESC"
    )
    queried = db.connector(table=None, query=query)
    result = land_source("death", DAY, queried, tmp_path)
    assert result.status == "landed" and result.rows == 6
    landed = pl.from_arrow(read_landed(tmp_path, "death", DAY))
    assert landed["id_number"].to_list() == death_rows(6)["id_number"].to_list()[::-1]
    manifest = json.loads((result.path / "manifest.json").read_text())
    assert manifest["header_map"]["死者身份号码"] == "id_number"


def test_query_with_wrong_columns_fails_naming_them(db: Db, tmp_path: Path) -> None:
    conn = db.connector()
    publish_table(conn, DEATH, death_rows(3), DAY, control_table=db.control)
    q = conn.quote
    query = f"SELECT id_number, death_date AS dod, record_source FROM {q(db.table)}"
    result = land_source("death", DAY, db.connector(table=None, query=query), tmp_path)
    assert result.status == "failed"
    assert "missing ['death_date']" in result.error and "unexpected ['dod']" in result.error


def test_default_readiness_is_rows_for_the_date(db: Db, tmp_path: Path) -> None:
    conn = db.connector(ready_query=None)
    publish_table(conn, DEATH, death_rows(2), date(2026, 11, 26), control_table=db.control)
    assert land_source("death", DAY, conn, tmp_path).status == "not_delivered"
    publish_table(conn, DEATH, death_rows(2), DAY, control_table=db.control)
    assert land_source("death", DAY, conn, tmp_path).status == "landed"


def test_ready_but_empty_lands_zero_rows(db: Db, tmp_path: Path) -> None:
    conn = db.connector()
    publish_table(conn, DEATH, death_rows(0), DAY, control_table=db.control)
    result = land_source("death", DAY, conn, tmp_path)
    assert result.status == "landed" and result.rows == 0
    table = read_landed(tmp_path, "death", DAY)
    assert table.num_rows == 0 and table.schema.names[-3:] == ["_file", "_line", "_invalid"]


def test_typed_numeric_columns(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """NUMERIC / DECIMAL values arrive as exact decimals on both engines."""
    source = get_source("housing_fund")
    df = pl.DataFrame(
        {
            "id_number": ["120101199001010011", "120101199001010022"],
            "period": ["2026-01", "2026-02"],
            "deposit_base": [12345678901.1234, 0.5],
            "monthly_deposit": [1.25, 99999.99],
            "balance": [0.0, 7.0],
            "account_status": ["normal", "sealed"],
        }
    )
    for engine, url in URLS.items():
        env = f"HEDUI_TEST_{engine.upper()}_NUM"
        monkeypatch.setenv(env, url)
        suffix = uuid.uuid4().hex[:8]
        conn = SqlConnector(
            dsn_env=env, table=f"hedui_hf_{suffix}", ready_query=ready_query(f"hedui_c_{suffix}")
        )
        try:
            publish_table(conn, source, df, DAY, control_table=f"hedui_c_{suffix}")
            result = land_source("housing_fund", DAY, conn, tmp_path / engine)
            assert result.status == "landed", result.error
            landed = pl.from_arrow(read_landed(tmp_path / engine, "housing_fund", DAY))
            assert landed["deposit_base"].to_list() == [
                Decimal("12345678901.1234"),
                Decimal("0.5000"),
            ]
            assert landed["_invalid"].null_count() == 2
        finally:
            drop_tables(conn, [f"hedui_hf_{suffix}", f"hedui_c_{suffix}"])


def test_missing_credentials_env_fails_without_secrets(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("HEDUI_TEST_UNSET_URL", raising=False)
    conn = SqlConnector(dsn_env="HEDUI_TEST_UNSET_URL", table="t", ready_query="SELECT 1")
    result = land_source("death", DAY, conn, tmp_path)
    assert result.status == "failed" and "HEDUI_TEST_UNSET_URL" in result.error

    monkeypatch.setenv("HEDUI_TEST_BAD_URL", "postgresql://postgres:s3cret-pw@127.0.0.1:1/test")
    bad = SqlConnector(dsn_env="HEDUI_TEST_BAD_URL", table="t", connect_timeout=2)
    result = land_source("death", DAY, bad, tmp_path)
    assert result.status == "failed" and "s3cret-pw" not in result.error


def test_options_are_checked() -> None:
    with pytest.raises(ValueError, match="exactly one"):
        SqlConnector(dsn_env="X")
    with pytest.raises(ValueError, match="engine"):
        SqlConnector(dsn_env="X", table="t", engine="oracle")


def test_ready_query_false_values(db: Db, tmp_path: Path) -> None:
    conn = db.connector()
    publish_table(conn, DEATH, death_rows(2), DAY, control_table=db.control)
    count = f"SELECT count(*) FROM {conn.quote(db.control)} WHERE source = 'nobody'"
    assert land_source("death", DAY, db.connector(ready_query=count), tmp_path).status == (
        "not_delivered"
    )


def test_timestamp_columns_holding_dates(db: Db, tmp_path: Path) -> None:
    q = db.connector().quote
    db.execute(
        f"CREATE TABLE {q(db.table)} (id_number VARCHAR(18), death_date TIMESTAMP NULL, "
        "record_source VARCHAR(32), delivery_date DATE)"
    )
    db.execute(
        f"INSERT INTO {q(db.table)} VALUES ('A1', '2026-01-05 00:00:00', 'cremation', "
        "'2026-11-27'), ('A2', '2026-01-06 10:30:00', 'cremation', '2026-11-27')"
    )
    result = land_source("death", DAY, db.connector(ready_query=None), tmp_path)
    assert result.status == "landed" and result.invalid_rows == 1
    landed = pl.from_arrow(read_landed(tmp_path, "death", DAY))
    assert landed["death_date"].to_list() == [date(2026, 1, 5), None]
    assert json.loads(landed["_invalid"][1]) == {"death_date": "2026-01-06 10:30:00"}


@pytest.mark.parametrize("engine", ["pg", "mysql"])
def test_unreachable_database_is_transient_and_a_wrong_table_is_not(
    engine: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    down = URLS[engine].replace(":5432/", ":1/").replace(":3306/", ":1/")
    monkeypatch.setenv("HEDUI_TEST_DOWN_URL", down)
    result = land_source(
        "death",
        DAY,
        SqlConnector(dsn_env="HEDUI_TEST_DOWN_URL", table="t", connect_timeout=2),
        tmp_path,
    )
    assert result.status == "failed" and result.transient
    assert "cannot connect" in result.error

    monkeypatch.setenv("HEDUI_TEST_UP_URL", URLS[engine])
    wrong = SqlConnector(
        dsn_env="HEDUI_TEST_UP_URL",
        table=f"no_such_{uuid.uuid4().hex[:8]}",
        date_column="death_date",
        ready_query="SELECT 1",
    )
    result = land_source("death", DAY, wrong, tmp_path)
    assert result.status == "failed" and not result.transient


def test_extract_step_raises_to_retry_then_lands_when_the_database_is_back(
    db: Db, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from hedui.pipeline import RunContext, SourceUnavailable, extract_source

    publish_table(db.connector(), DEATH, death_rows(5), DAY, control_table=db.control)
    config = tmp_path / "connectors.yaml"
    config.write_text(
        json.dumps(
            {
                "sources": {
                    "death": {
                        "kind": "sql",
                        "options": {
                            "dsn_env": "HEDUI_TEST_NIGHTLY_URL",
                            "table": db.table,
                            "ready_query": ready_query(db.control),
                            "connect_timeout": 2,
                        },
                    }
                }
            }
        )
    )
    ctx = RunContext.create(DAY, tmp_path / "ws", tmp_path / "inbox", connectors=config)
    real = os.environ[db.env]
    monkeypatch.setenv(
        "HEDUI_TEST_NIGHTLY_URL", real.replace(":5432/", ":1/").replace(":3306/", ":1/")
    )
    with pytest.raises(SourceUnavailable, match="cannot connect"):
        extract_source(ctx, "death", final_attempt=False)  # Airflow retries the task
    last = extract_source(ctx, "death", final_attempt=True)
    assert last["status"] == "failed"  # the night goes on without the source

    monkeypatch.setenv("HEDUI_TEST_NIGHTLY_URL", real)  # the database is back
    landed = extract_source(ctx, "death", final_attempt=False)
    assert landed == {"source": "death", "status": "landed", "rows": 5, "error": None}
