"""The Airflow connection that points the nightly DAG at a Spark Thrift server.

``HEDUI_ENGINE=spark`` selects Spark; the connection ``hedui_spark`` (``HEDUI_SPARK_CONN_ID``
names another) says where it is: host, port, login, and in its extra ``auth`` (SASL mode) and
``namespace``. Defined in Airflow's metadata database or as ``AIRFLOW_CONN_HEDUI_SPARK``, it
fills the ``HEDUI_SPARK_*`` settings (docs/spark.md); a variable set explicitly wins.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Mapping
from typing import Any

log = logging.getLogger(__name__)

CONN_ID_ENV = "HEDUI_SPARK_CONN_ID"
DEFAULT_CONN_ID = "hedui_spark"


def connection_env(
    host: str | None, port: int | None, login: str | None, extra: Mapping[str, Any]
) -> dict[str, str]:
    """The ``HEDUI_SPARK_*`` settings one connection's fields give (a Thrift server)."""
    if not host:
        raise ValueError("the Spark connection has no host (the Thrift server's address)")
    env = {"HEDUI_SPARK_METHOD": "thrift", "HEDUI_SPARK_HOST": host}
    if port:
        env["HEDUI_SPARK_PORT"] = str(port)
    if login:
        env["HEDUI_SPARK_USER"] = login
    if extra.get("auth"):
        env["HEDUI_SPARK_AUTH"] = str(extra["auth"]).upper()
    if extra.get("namespace"):
        env["HEDUI_SPARK_NAMESPACE"] = str(extra["namespace"])
    return env


def airflow_connection_env(conn_id: str | None = None) -> dict[str, str]:
    """The settings of the Airflow connection, or {} when it is not defined (or Airflow is
    not installed: the CLI and the tests run without it)."""
    conn_id = conn_id or os.environ.get(CONN_ID_ENV, DEFAULT_CONN_ID)
    try:
        from airflow.sdk import Connection
        from airflow.sdk.exceptions import AirflowNotFoundException
    except ImportError:
        return {}
    try:
        conn = Connection.get(conn_id)
    except AirflowNotFoundException:
        return {}
    return connection_env(conn.host, conn.port, conn.login, conn.extra_dejson)


def apply_airflow_connection(conn_id: str | None = None) -> dict[str, str]:
    """Set the ``HEDUI_SPARK_*`` variables the connection gives and the environment lacks;
    return the ones set (their names are logged, never their values)."""
    applied = {
        key: value
        for key, value in airflow_connection_env(conn_id).items()
        if key not in os.environ
    }
    os.environ.update(applied)
    if applied:
        log.info("Spark settings from the Airflow connection: %s", ", ".join(sorted(applied)))
    return applied
