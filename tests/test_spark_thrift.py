"""Nights on Spark through a real Thrift server (issue 19): publish switches the views, a
rollback restores the previous night.

A Spark Thrift server is started from the pyspark package on 127.0.0.1 (free port, its own
warehouse and Derby metastore under tmp) and always stopped. Two nights of the scenario city
run through the pipeline's own steps with ``HEDUI_ENGINE=spark``: build (raw layer as external
Parquet tables, one ``dbt build``), audit, publish (repoint the views). While the second night
publishes, a reader keeps querying the published views: every answer is one whole night.
"""

from __future__ import annotations

import json
import os
import threading
from datetime import date, timedelta
from pathlib import Path

import pytest

from hedui import pipeline
from hedui.generator.scenarios import build_scenarios
from hedui.run_context import RunContext
from hedui.spark_publish import list_versions, rollback_spark
from hedui.warehouse.pseudonyms import KEY_ENV
from hedui.warehouse.spark import connect, databases
from hedui.warehouse.spark_thrift import start_thrift_server
from hedui_testing.warehouse import write_run

DAY0 = date(2026, 11, 27)
NS = "nightly"
pytestmark = pytest.mark.timeout(1500)


def _night(ctx: RunContext) -> dict:
    built = pipeline.build_step(ctx)
    assert built["success"], built["summary"]
    audited = pipeline.audit_step(ctx, built)
    return pipeline.publish_step(ctx, audited)


def _published_dates(spark: object, view: str) -> set[str]:
    rows = spark.sql(f"SELECT DISTINCT run_date FROM `{NS}_published`.`{view}`")  # type: ignore[attr-defined]
    return {str(r[0]) for r in rows}


@pytest.mark.spark
def test_spark_nights_publish_atomically_and_roll_back(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    scenarios = build_scenarios(DAY0, 3)
    ws = tmp_path / "ws"
    for day in scenarios.dates:
        write_run(ws / "validated", ws / "dq", day, scenarios.rows[day])
    night1, night2 = (str(DAY0 + timedelta(days=n)) for n in (1, 2))
    server = start_thrift_server(tmp_path / "thrift")
    try:
        # the DAG's way: HEDUI_ENGINE selects Spark, the Airflow connection says where it is
        address = server.settings()
        connection = {
            "conn_type": "spark",
            "host": address.host,
            "port": address.port,
            "login": address.user,
            "extra": {"auth": address.auth, "namespace": NS},
        }
        monkeypatch.setenv("AIRFLOW_CONN_HEDUI_SPARK", json.dumps(connection))
        for key in (*address.env(), "HEDUI_SPARK_NAMESPACE"):
            monkeypatch.setenv(key, "")  # restored (unset) after the test ...
            monkeypatch.delenv(key)  # ... and unset now: the connection fills it
        monkeypatch.setenv("HEDUI_ENGINE", "spark")
        monkeypatch.setenv(KEY_ENV, "scenario-test-secret")
        # models and seeds only: tests/test_spark_parity.py runs every test of the project
        monkeypatch.setenv("HEDUI_DBT_EXCLUDE", "resource_type:test resource_type:unit_test")
        first = _night(RunContext.create(night1, ws, ws / "inbox", ws / "warehouse"))
        assert first["version"] == f"{night1}-0001"
        assert os.environ["HEDUI_SPARK_METHOD"] == "thrift"  # from the connection
        assert os.environ["HEDUI_SPARK_NAMESPACE"] == NS
        settings = server.settings()
        with connect(settings) as spark:
            views = {r[1] for r in spark.sql(f"SHOW VIEWS IN `{NS}_published`")}
            assert {"household_verification", "dq_source_runs", "households"} <= views
            assert _published_dates(spark, "household_verification") == {night1}
            # the run's working databases (raw, staging, intermediate: personal data) are gone
            assert databases(spark, f"{NS}_r") == [
                f"{NS}_r{night1.replace('-', '')}_0001_marts",
                f"{NS}_r{night1.replace('-', '')}_0001_restricted",
            ]

        seen: list[set[str]] = []
        stop = threading.Event()

        def read() -> None:
            with connect(settings) as reader:
                while not stop.is_set():
                    seen.append(_published_dates(reader, "household_verification"))

        reader = threading.Thread(target=read)
        reader.start()
        try:
            ctx2 = RunContext.create(night2, ws, ws / "inbox", ws / "warehouse")
            second = _night(ctx2)
        finally:
            stop.set()
            reader.join(120)
        assert second["version"] == f"{night2}-0002"
        assert seen and all(s in ({night1}, {night2}) for s in seen), seen
        assert seen[-1] == {night2}
        summary = pipeline.report_step(ctx2, second)
        assert summary["version"] == second["version"] and summary["rows"]["households"] > 0

        with connect(settings) as spark:
            for view in ("household_verification", "dq_source_runs", "verification_reports"):
                assert _published_dates(spark, view) == {night2}, view
            # the second night carried the first night's monitoring run log forward
            assert _published_dates(spark, "monitoring_runs") == {night1, night2}
            versions = list_versions(spark, NS)
            assert [(v.id, v.current) for v in versions] == [
                (first["version"], False),
                (second["version"], True),
            ]
            restored = rollback_spark(spark, NS)
            assert restored.id == first["version"]
            for view in ("household_verification", "dq_source_runs", "verification_reports"):
                assert _published_dates(spark, view) == {night1}, view
            assert _published_dates(spark, "monitoring_runs") == {night1}
            assert [v.current for v in list_versions(spark, NS)] == [True, False]
    finally:
        server.stop()
    assert server.process.poll() is not None
