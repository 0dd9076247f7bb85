"""DuckDB vs Apache Spark: every mart of the scenario city, row for row (issue 19).

The same validated scenario deliveries (three delivery days, run on the third) are built by the
same dbt project on DuckDB (``build_warehouse``) and on Spark in session mode (the raw layer as
external Parquet tables, ``dbt build`` with every seed, unit test, contract and data test), and
every table of ``marts`` and ``restricted`` must be identical, column names and rows.
"""

from __future__ import annotations

import os
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

import duckdb
import pytest

from hedui.generator.scenarios import build_scenarios
from hedui.spark_publish import audit_spark, list_versions, publish_spark
from hedui.warehouse import build_warehouse, dbt_build
from hedui.warehouse.pseudonyms import KEY_ENV
from hedui.warehouse.spark import SparkSettings, connect, load_spark, local_conf, stop_session
from hedui_testing.warehouse import write_run

DAY0 = date(2026, 11, 27)
RUN = DAY0 + timedelta(days=2)
PREFIX = "parity_"
pytestmark = pytest.mark.timeout(2700)


@pytest.fixture(scope="module")
def city(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The scenario city's validated zone, its DuckDB build and its Spark build."""
    mp = pytest.MonkeyPatch()
    mp.setenv(KEY_ENV, "scenario-test-secret")
    root = tmp_path_factory.mktemp("spark_parity")
    scenarios = build_scenarios(DAY0, 3)
    for day in scenarios.dates:
        write_run(root / "validated", root / "dq", day, scenarios.rows[day])
    _, built = build_warehouse(
        RUN, root / "validated", root / "dq", root / "w.duckdb", target_path=root / "duck-target"
    )
    built.raise_for_failure()
    yield root
    mp.undo()


def _value(v: object) -> object:
    if isinstance(v, list):
        return tuple(v)
    if isinstance(v, Decimal):
        return v.normalize()  # Spark and DuckDB agree on the value, the scale is the type's
    return v


def _rows(rows: list[tuple]) -> list[tuple]:
    return sorted((tuple(_value(v) for v in r) for r in rows), key=repr)


@pytest.mark.spark
def test_spark_builds_every_mart_like_duckdb(city: Path) -> None:
    settings = SparkSettings(conf=tuple(sorted(local_conf(city / "spark").items())))
    try:
        with connect(settings) as spark:
            load_spark(
                spark, RUN, city / "validated", city / "dq", city / "raw-zone", schema_prefix=PREFIX
            )
            built = dbt_build(
                RUN,
                target="spark",
                schema_prefix=PREFIX,
                spark=settings.env(),
                target_path=city / "spark-target",
            )
            built.raise_for_failure()
            assert built.statuses and not built.failures
            kinds = {uid.split(".")[0] for uid in built.statuses}
            assert {"seed", "model", "test", "unit_test"} <= kinds
            con = duckdb.connect(str(city / "w.duckdb"), read_only=True)
            try:
                compared = _compare(con, spark)
            finally:
                con.close()
            # the Spark audit passes the real build, which then publishes as views
            audited = audit_spark(spark, PREFIX, RUN)
            assert audited["counts"]["household_verification"] == compared["household_verification"]
            version = publish_spark(spark, "parity", f"{RUN}-0001", PREFIX, RUN, based_on=None)
            assert version.current and list_versions(spark, "parity") == [version]
            published = spark.sql("SELECT count(*) FROM parity_published.household_verification")
            assert published[0][0] == compared["household_verification"]
    finally:
        stop_session()
    assert len(compared) >= 25 and "household_verification" in compared
    assert compared["household_verification"] > 0


def _compare(con: duckdb.DuckDBPyConnection, spark: object) -> dict[str, int]:
    """Every table of marts and restricted, DuckDB vs Spark; rows per table."""
    tables = con.execute(
        "SELECT schema_name, table_name FROM duckdb_tables() "
        "WHERE schema_name IN ('marts', 'restricted') ORDER BY 1, 2"
    ).fetchall()
    compared = {}
    for schema, table in tables:
        duck_rel = con.sql(f'SELECT * FROM "{schema}"."{table}"')
        duck_cols = [d[0] for d in duck_rel.description]
        spark_cols = [r[0] for r in spark.sql(f"DESCRIBE `{PREFIX}{schema}`.`{table}`")]  # type: ignore[attr-defined]
        assert spark_cols[: len(duck_cols)] == duck_cols, table
        select = ", ".join(f"`{c}`" for c in duck_cols)
        spark_rows = spark.sql(f"SELECT {select} FROM `{PREFIX}{schema}`.`{table}`")  # type: ignore[attr-defined]
        duck_rows = duck_rel.fetchall()
        assert _rows(duck_rows) == _rows(spark_rows), f"{schema}.{table}"
        compared[table] = len(duck_rows)
    return compared


def test_spark_settings_come_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    from hedui.warehouse.spark import spark_settings

    monkeypatch.setenv("HEDUI_SPARK_METHOD", "thrift")
    monkeypatch.setenv("HEDUI_SPARK_HOST", "spark-thrift.example")
    monkeypatch.setenv("HEDUI_SPARK_PORT", "10001")
    thrift = spark_settings()
    assert (thrift.method, thrift.host, thrift.port, thrift.conf) == (
        "thrift",
        "spark-thrift.example",
        10001,
        (),
    )
    assert thrift.env()["HEDUI_SPARK_CONF"] == "{}"
    monkeypatch.setenv("HEDUI_SPARK_METHOD", "session")
    session = dict(spark_settings(Path("/tmp/x")).conf)
    assert session["spark.driver.memory"] == "2g"
    assert session["spark.sql.shuffle.partitions"] == "4"
    assert (
        os.path.join("/tmp/x", "metastore_db")
        in session["spark.hadoop.javax.jdo.option.ConnectionURL"]
    )


def test_the_engine_is_configuration(monkeypatch: pytest.MonkeyPatch) -> None:
    from hedui.engine import engine

    monkeypatch.delenv("HEDUI_ENGINE", raising=False)
    assert engine() == "duckdb"
    monkeypatch.setenv("HEDUI_ENGINE", "Spark")
    assert engine() == "spark"
    monkeypatch.setenv("HEDUI_ENGINE", "postgres")
    with pytest.raises(ValueError, match="publishes on duckdb or spark"):
        engine()
    monkeypatch.setenv("HEDUI_ENGINE", "oracle")
    with pytest.raises(ValueError, match="expected one of duckdb, postgres, spark"):
        engine()
