"""Which engine builds and publishes the warehouse: ``HEDUI_ENGINE`` (default duckdb).

``duckdb``: the embedded default (``make demo``); ``spark``: a Spark session or Thrift server
(hedui.pipeline_spark, docs/spark.md). ``postgres`` builds the same dbt project (tests compare it
with DuckDB) but has no nightly publish path yet.
"""

from __future__ import annotations

import os

ENGINES = ("duckdb", "postgres", "spark")


def engine() -> str:
    """The configured engine, checked."""
    name = os.environ.get("HEDUI_ENGINE", "duckdb").strip().lower() or "duckdb"
    if name not in ENGINES:
        raise ValueError(f"HEDUI_ENGINE={name!r}: expected one of {', '.join(ENGINES)}")
    if name == "postgres":
        raise ValueError(
            "HEDUI_ENGINE=postgres: the nightly run publishes on duckdb or spark; PostgreSQL "
            "builds the dbt project in tests only (hedui.warehouse.load_postgres)"
        )
    return name
