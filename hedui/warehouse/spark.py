"""Apache Spark as the warehouse engine (docs/spark.md): connection, raw layer, dbt target.

Two connections, one SQL surface: ``session`` (pyspark in this process; tests and one-machine
runs) and ``thrift`` (a Spark Thrift server: a cluster's, or one started locally). Settings come
from the environment (``HEDUI_SPARK_*``, see :func:`spark_settings`), the same variables
``dbt_project/profiles.yml`` reads for the ``spark`` target.

The raw layer: the run's raw tables are written as a Parquet zone (``<raw_zone>/<table>/``,
built from the validated zone exactly as for DuckDB and PostgreSQL: hedui.warehouse.load) and
declared in Spark as external tables (``CREATE TABLE ... USING parquet LOCATION``), so Spark
reads the files where they lie; on a cluster the zone is object storage or HDFS.
"""

from __future__ import annotations

import json
import os
import re
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any, Protocol

from hedui import duck
from hedui.warehouse.load import LoadResult, load_raw
from hedui.warehouse.pseudonyms import pseudonym_key
from hedui.warehouse.raw_tables import RAW_SCHEMA

#: Neutral raw type -> Spark DDL.
SPARK_TYPES = {
    "string": "STRING",
    "int": "BIGINT",
    "decimal": "DECIMAL(18,4)",
    "date": "DATE",
    "bool": "BOOLEAN",
    "timestamp": "TIMESTAMP",
}
_NAME = re.compile(r"^[a-z_][a-z0-9_]*$")


class SqlRunner(Protocol):
    """Run one Spark SQL statement; rows as tuples."""

    def sql(self, statement: str) -> list[tuple[Any, ...]]: ...


@dataclass(frozen=True)
class SparkSettings:
    """How to reach Spark: ``method`` session | thrift, the Thrift endpoint, session config."""

    method: str = "session"
    host: str = "127.0.0.1"
    port: int = 10000
    user: str = "hedui"
    auth: str = "NONE"
    conf: tuple[tuple[str, str], ...] = ()

    def env(self) -> dict[str, str]:
        """The environment profiles.yml's ``spark`` target reads."""
        return {
            "HEDUI_SPARK_METHOD": self.method,
            "HEDUI_SPARK_HOST": self.host,
            "HEDUI_SPARK_PORT": str(self.port),
            "HEDUI_SPARK_USER": self.user,
            "HEDUI_SPARK_AUTH": self.auth,
            "HEDUI_SPARK_CONF": json.dumps(dict(self.conf) if self.method == "session" else {}),
        }


def local_conf(work_dir: Path, *, driver_memory: str = "2g", partitions: int = 4) -> dict[str, str]:
    """Settings of an in-process Spark with its warehouse and Derby metastore under
    ``work_dir`` (modest memory, few shuffle partitions: one machine)."""
    work = Path(work_dir).resolve()
    return {
        "spark.master": os.environ.get("HEDUI_SPARK_MASTER", "local[2]"),
        "spark.driver.memory": driver_memory,
        "spark.sql.shuffle.partitions": str(partitions),
        "spark.sql.warehouse.dir": str(work / "spark-warehouse"),
        "spark.hadoop.javax.jdo.option.ConnectionURL": (
            f"jdbc:derby:;databaseName={work / 'metastore_db'};create=true"
        ),
        "spark.driver.extraJavaOptions": f"-Dderby.system.home={work}",
        "spark.ui.enabled": "false",
        "spark.sql.catalogImplementation": os.environ.get("HEDUI_SPARK_CATALOG", "hive"),
        "spark.default.parallelism": "2",
        "spark.sql.session.timeZone": "UTC",
    }


def spark_settings(work_dir: Path | None = None) -> SparkSettings:
    """Settings from ``HEDUI_SPARK_METHOD`` / ``_HOST`` / ``_PORT`` / ``_USER`` / ``_AUTH``;
    a session keeps its warehouse and metastore under ``work_dir`` (or ``HEDUI_SPARK_DIR``)."""
    method = os.environ.get("HEDUI_SPARK_METHOD", "session")
    conf: dict[str, str] = {}
    if method == "session":
        base = work_dir or Path(os.environ.get("HEDUI_SPARK_DIR", "spark"))
        conf = local_conf(Path(base), driver_memory=os.environ.get("HEDUI_SPARK_MEMORY", "2g"))
    return SparkSettings(
        method=method,
        host=os.environ.get("HEDUI_SPARK_HOST", "127.0.0.1"),
        port=int(os.environ.get("HEDUI_SPARK_PORT", "10000")),
        user=os.environ.get("HEDUI_SPARK_USER", "hedui"),
        auth=os.environ.get("HEDUI_SPARK_AUTH", "NONE"),
        conf=tuple(sorted(conf.items())),
    )


class _Session:
    def __init__(self, conf: dict[str, str]) -> None:
        from pyspark.sql import SparkSession

        builder = SparkSession.builder.enableHiveSupport()
        for key, value in conf.items():
            builder = builder.config(key, value)
        self.spark = builder.getOrCreate()

    def sql(self, statement: str) -> list[tuple[Any, ...]]:
        return [tuple(r) for r in self.spark.sql(statement).collect()]

    def close(self) -> None:  # the session is shared with dbt in this process
        pass


class _Thrift:
    def __init__(self, s: SparkSettings) -> None:
        from pyhive import hive

        self.con = hive.connect(host=s.host, port=s.port, username=s.user, auth=s.auth)

    def sql(self, statement: str) -> list[tuple[Any, ...]]:
        cur = self.con.cursor()
        try:
            cur.execute(statement)
            return [tuple(r) for r in cur.fetchall()] if cur.description else []
        finally:
            cur.close()

    def close(self) -> None:
        self.con.close()


@contextmanager
def connect(settings: SparkSettings) -> Iterator[SqlRunner]:
    """A SQL runner on Spark (the in-process session, or a Thrift connection)."""
    runner: _Session | _Thrift
    runner = _Session(dict(settings.conf)) if settings.method == "session" else _Thrift(settings)
    try:
        yield runner
    finally:
        runner.close()


def stop_session() -> None:
    """Stop the in-process Spark session and its JVM (end of a run or a test)."""
    try:
        from pyspark import SparkContext
        from pyspark.sql import SparkSession
    except ImportError:  # pragma: no cover - pyspark comes with dbt-spark[session]
        return
    active = SparkSession.getActiveSession()
    if active is not None:
        active.stop()
    gateway = SparkContext._gateway
    if gateway is not None:
        gateway.shutdown()
        SparkContext._gateway = None
        SparkContext._jvm = None


def ident(name: str) -> str:
    """A Spark database or table name, checked (lower-case letters, digits, underscores)."""
    if not _NAME.match(name):
        raise ValueError(f"not a plain Spark name: {name!r}")
    return f"`{name}`"


def lit(value: object) -> str:
    text = value.isoformat() if isinstance(value, date) else str(value)
    return "'" + text.replace("\\", "\\\\").replace("'", "\\'") + "'"


def load_spark(
    spark: SqlRunner,
    run_date: date,
    validated_root: Path,
    dq_root: Path,
    raw_zone: Path,
    *,
    schema_prefix: str = "",
    history_from: str | None = None,
) -> LoadResult:
    """Write the raw layer of ``run_date`` as a Parquet zone under ``raw_zone`` and declare it
    in Spark database ``<prefix>raw`` as external tables; the monitoring histories come from
    the published marts database ``history_from`` (None: the first night)."""
    from hedui.warehouse.postgres import raw_tables

    key = pseudonym_key()
    raw_zone = Path(raw_zone).resolve()
    con = duck.connect()
    try:
        result = load_raw(con, run_date, validated_root, dq_root, RAW_SCHEMA, key)
        started = time.perf_counter()
        database = schema_prefix + RAW_SCHEMA
        spark.sql(f"CREATE DATABASE IF NOT EXISTS {ident(database)}")
        for name, cols in raw_tables().items():
            location = raw_zone / name
            location.mkdir(parents=True, exist_ok=True)
            for old in location.glob("*.parquet"):
                old.unlink()
            select = ", ".join(f'"{c}"' for c, _ in cols)
            con.execute(
                f'COPY (SELECT {select} FROM "{RAW_SCHEMA}"."{name}") '
                f"TO '{location / 'data.parquet'}' (FORMAT parquet)"
            )
            table = f"{ident(database)}.{ident(name)}"
            spark.sql(f"DROP TABLE IF EXISTS {table}")
            body = ", ".join(f"`{c}` {SPARK_TYPES[k]}" for c, k in cols)
            spark.sql(f"CREATE TABLE {table} ({body}) USING parquet LOCATION {lit(location)}")
        if history_from:
            result.rows.update(_history(spark, database, history_from, run_date))
        result.seconds += time.perf_counter() - started
        result.schema = database
    finally:
        con.close()
    return result


def _history(spark: SqlRunner, raw: str, source: str, run_date: date) -> dict[str, int]:
    """Replace the raw history tables with the published marts' rows of every other night
    (spell tables whole: the build takes the run date out of the spells)."""
    from hedui.warehouse.history import HISTORY_TABLES, SPELL_TABLES
    from hedui.warehouse.raw_tables import extra_columns

    counts = {}
    for name in HISTORY_TABLES:
        table = f"{ident(raw)}.{ident(name)}"
        items = ", ".join(
            f"CAST(`{c}` AS {SPARK_TYPES[k]}) AS `{c}`" for c, k in extra_columns(name)
        )
        spark.sql(f"DROP TABLE IF EXISTS {table}")
        where = "" if name in SPELL_TABLES else f" WHERE run_date <> DATE {lit(run_date)}"
        spark.sql(
            f"CREATE TABLE {table} USING parquet AS SELECT {items} "
            f"FROM {ident(source)}.{ident(name)}{where}"
        )
        counts[name] = int(spark.sql(f"SELECT count(*) FROM {table}")[0][0])
    return counts


def drop_databases(spark: SqlRunner, names: Sequence[str]) -> None:
    for name in names:
        spark.sql(f"DROP DATABASE IF EXISTS {ident(name)} CASCADE")


def databases(spark: SqlRunner, prefix: str) -> list[str]:
    """Databases whose name starts with ``prefix``."""
    rows = spark.sql("SHOW DATABASES")
    return sorted(r[0] for r in rows if str(r[0]).startswith(prefix))
