"""The Airflow connection ``hedui_spark`` fills the Spark settings (HEDUI_ENGINE=spark)."""

from __future__ import annotations

import json
import os

import pytest

from hedui.warehouse.spark import spark_settings
from hedui.warehouse.spark_connection import (
    airflow_connection_env,
    apply_airflow_connection,
    connection_env,
)

KEYS = (
    "HEDUI_SPARK_METHOD",
    "HEDUI_SPARK_HOST",
    "HEDUI_SPARK_PORT",
    "HEDUI_SPARK_USER",
    "HEDUI_SPARK_AUTH",
    "HEDUI_SPARK_NAMESPACE",
    "HEDUI_SPARK_CONN_ID",
)
THRIFT = {
    "conn_type": "spark",
    "host": "spark-thrift.internal",
    "port": 10001,
    "login": "etl",
    "extra": {"auth": "ldap", "namespace": "tianjin"},
}


@pytest.fixture(autouse=True)
def _clean_env(monkeypatch: pytest.MonkeyPatch) -> None:
    for key in KEYS:
        monkeypatch.setenv(key, "")  # restored (unset) after the test
        monkeypatch.delenv(key)
    monkeypatch.delenv("AIRFLOW_CONN_HEDUI_SPARK", raising=False)


def test_a_connection_gives_the_thrift_settings(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AIRFLOW_CONN_HEDUI_SPARK", json.dumps(THRIFT))
    assert airflow_connection_env() == {
        "HEDUI_SPARK_METHOD": "thrift",
        "HEDUI_SPARK_HOST": "spark-thrift.internal",
        "HEDUI_SPARK_PORT": "10001",
        "HEDUI_SPARK_USER": "etl",
        "HEDUI_SPARK_AUTH": "LDAP",
        "HEDUI_SPARK_NAMESPACE": "tianjin",
    }
    applied = apply_airflow_connection()
    assert sorted(applied) == sorted(KEYS[:-1])
    settings = spark_settings()
    assert (settings.method, settings.host, settings.port, settings.user, settings.auth) == (
        "thrift",
        "spark-thrift.internal",
        10001,
        "etl",
        "LDAP",
    )


def test_an_explicit_variable_wins_over_the_connection(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AIRFLOW_CONN_HEDUI_SPARK", json.dumps(THRIFT))
    monkeypatch.setenv("HEDUI_SPARK_PORT", "10099")
    applied = apply_airflow_connection()
    assert "HEDUI_SPARK_PORT" not in applied and os.environ["HEDUI_SPARK_PORT"] == "10099"
    assert spark_settings().port == 10099 and spark_settings().host == "spark-thrift.internal"


def test_no_connection_changes_nothing() -> None:
    assert airflow_connection_env() == {} and apply_airflow_connection() == {}
    assert spark_settings().method == "session"


def test_another_connection_id_can_be_named(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AIRFLOW_CONN_SPARK_PROD", json.dumps({**THRIFT, "host": "prod-thrift"}))
    monkeypatch.setenv("HEDUI_SPARK_CONN_ID", "spark_prod")
    assert airflow_connection_env()["HEDUI_SPARK_HOST"] == "prod-thrift"


def test_a_connection_without_a_host_is_refused() -> None:
    with pytest.raises(ValueError, match="no host"):
        connection_env(None, 10000, "etl", {})
