"""The warehouse: load validated deliveries into schema ``raw`` and build the dbt project.

``load_duckdb`` / ``load_postgres`` (``load.py``) write the raw layer of one run date;
``dbt_build`` (``dbt_runner.py``) runs the one ``dbt build`` over it; ``build_warehouse`` does
both for a DuckDB file.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

from hedui.warehouse.dbt_runner import BuildResult, dbt_build
from hedui.warehouse.load import LoadResult, load_duckdb, load_postgres


def build_warehouse(
    run_date: date,
    validated_root: Path,
    dq_root: Path,
    warehouse: Path,
    *,
    previous: Path | None = None,
    **dbt_options: object,
) -> tuple[LoadResult, BuildResult]:
    """Load the raw layer into the DuckDB file ``warehouse``, then ``dbt build`` it.

    ``previous`` is the previously published warehouse (or None for the first run): its
    monitoring histories (warning firings, population, run log) of every other run date are
    carried into this build (hedui.warehouse.history)."""
    loaded = load_duckdb(warehouse, run_date, validated_root, dq_root, previous=previous)
    built = dbt_build(run_date, warehouse=warehouse, **dbt_options)  # type: ignore[arg-type]
    return loaded, built


__all__ = [
    "BuildResult",
    "LoadResult",
    "build_warehouse",
    "dbt_build",
    "load_duckdb",
    "load_postgres",
]
