"""One memory setting for every DuckDB the night opens: ``memory_limit`` and a spill folder.

``HEDUI_DUCKDB_MEMORY_LIMIT`` (DuckDB syntax, e.g. ``6GB``) defaults to a third of the
machine's RAM, capped at 8 GiB, so the night's peak stays under 10 GB beside Airflow,
PostgreSQL and the web app. ``HEDUI_DUCKDB_SPILL_DIR`` defaults to ``<workspace>/spill``
(the pipeline's run context sets the workspace; else beside the database file). Past the limit
DuckDB spills to that folder instead of growing.

Some memory does not spill: every hash join of a running query holds its partitioned build side
(about 8 MB per join with string keys, whatever the row count), so dbt runs one model per
``DBT_THREAD_BYTES`` of the limit (``dbt_threads``, at most 4) unless ``HEDUI_DBT_THREADS`` says,
and DuckDB itself one worker thread per ``DUCKDB_THREAD_BYTES`` (each thread of a join holds its
own partitions; ``duckdb_threads``, at most the CPU count) unless ``HEDUI_DUCKDB_THREADS`` says.
"""

from __future__ import annotations

import os
import re
import tempfile
from pathlib import Path
from typing import Any

import duckdb

LIMIT_ENV = "HEDUI_DUCKDB_MEMORY_LIMIT"
SPILL_ENV = "HEDUI_DUCKDB_SPILL_DIR"
THREADS_ENV = "HEDUI_DBT_THREADS"
DUCKDB_THREADS_ENV = "HEDUI_DUCKDB_THREADS"
SPILL_DIR = "spill"
DEFAULT_SHARE = 1 / 3
DEFAULT_CAP_BYTES = 8 * 2**30
DBT_THREAD_BYTES = 256 * 2**20  # a model with 7 joins holds ~80 MB of hash tables that never spill
MAX_DBT_THREADS = 4
DUCKDB_THREAD_BYTES = 128 * 2**20  # per-thread join partitions of one query (~8 MB per join)
_UNITS = {"": 1, "b": 1, "kb": 10**3, "mb": 10**6, "gb": 10**9, "tb": 10**12}
_UNITS |= {"kib": 2**10, "mib": 2**20, "gib": 2**30, "tib": 2**40}


def total_memory() -> int:
    """Physical memory of the machine in bytes."""
    return os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")


def memory_limit() -> str:
    """DuckDB's memory_limit for this process (environment, else a share of RAM, capped)."""
    configured = os.environ.get(LIMIT_ENV, "").strip()
    if configured:
        return configured
    limit = min(int(total_memory() * DEFAULT_SHARE), DEFAULT_CAP_BYTES)
    return f"{max(limit, 2**30) // 2**20}MiB"


def limit_bytes(limit: str) -> int:
    """Bytes of a DuckDB memory size (``64MB`` is 10^6-based, ``64MiB`` 2^20-based)."""
    match = re.fullmatch(r"\s*(\d+(?:\.\d+)?)\s*([kmgt]i?b|b)?\s*", limit.lower())
    if match is None:
        raise ValueError(f"not a DuckDB memory size: {limit!r}")
    return int(float(match[1]) * _UNITS[match[2] or ""])


def dbt_threads() -> int:
    """Concurrent dbt models: HEDUI_DBT_THREADS, else one per 256 MiB of the memory limit
    (1 to 4), so the hash tables of the models running at once fit under the limit."""
    configured = os.environ.get(THREADS_ENV, "").strip()
    if configured:
        return int(configured)
    share = limit_bytes(memory_limit()) // DBT_THREAD_BYTES
    return max(1, min(MAX_DBT_THREADS, share))


def duckdb_threads() -> int:
    """DuckDB worker threads: HEDUI_DUCKDB_THREADS, else one per 128 MiB of the memory limit
    (1 to the CPU count), so a small limit is not shared by more join partitions than it holds."""
    configured = os.environ.get(DUCKDB_THREADS_ENV, "").strip()
    if configured:
        return int(configured)
    share = limit_bytes(memory_limit()) // DUCKDB_THREAD_BYTES
    return max(1, min(os.cpu_count() or 1, share))


_WORKSPACE: list[Path] = []


def use_workspace(workspace: Path | str) -> None:
    """Spill into ``<workspace>/spill`` unless HEDUI_DUCKDB_SPILL_DIR says otherwise."""
    _WORKSPACE[:] = [Path(workspace).resolve()]


def spill_dir(near: Path | str | None = None) -> Path:
    """The spill folder: HEDUI_DUCKDB_SPILL_DIR, else the run's ``<workspace>/spill``, else
    ``spill`` beside ``near`` (a database file), else one in the system's temporary folder."""
    configured = os.environ.get(SPILL_ENV, "").strip()
    if configured:
        return Path(configured)
    if _WORKSPACE:
        return _WORKSPACE[0] / SPILL_DIR
    if near is not None and str(near) != ":memory:":
        return Path(near).resolve().parent / SPILL_DIR
    return Path(tempfile.gettempdir()) / "hedui-duckdb-spill"


def settings(near: Path | str | None = None) -> dict[str, str]:
    """``memory_limit``, ``threads`` and ``temp_directory`` for a connection (the folder is
    created on demand)."""
    folder = spill_dir(near)
    folder.mkdir(parents=True, exist_ok=True)
    return {
        "memory_limit": memory_limit(),
        "threads": str(duckdb_threads()),
        "temp_directory": str(folder),
    }


def connect(
    database: Path | str = ":memory:",
    *,
    read_only: bool = False,
    config: dict[str, Any] | None = None,
) -> duckdb.DuckDBPyConnection:
    """``duckdb.connect`` with the night's memory limit and spill folder."""
    near = None if database == ":memory:" or read_only else database
    merged = {**settings(near), **(config or {})}
    return duckdb.connect(str(database), read_only=read_only, config=merged)
