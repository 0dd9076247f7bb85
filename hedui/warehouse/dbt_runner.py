"""Run the dbt project programmatically (dbtRunner): one ``dbt build`` per run, one writer.

Connection settings reach ``dbt_project/profiles.yml`` through environment variables, set only
for the duration of the invocation: ``HEDUI_WAREHOUSE_PATH`` (DuckDB file), ``HEDUI_PG_*``
(PostgreSQL), ``HEDUI_DUCKDB_MEMORY_LIMIT`` / ``HEDUI_DUCKDB_SPILL_DIR`` and, for DuckDB, the
``HEDUI_DBT_THREADS`` that fit under that limit (hedui.duck),
``HEDUI_SCHEMA_PREFIX`` (prefix of every schema, for isolated test runs).
"""

from __future__ import annotations

import contextlib
import json
import os
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from hedui import duck
from hedui.paths import dbt_project_dir
from hedui.progress import report

PROJECT_DIR = dbt_project_dir()
_LOCK = threading.Lock()  # dbt keeps global state: one invocation per process at a time


@dataclass
class BuildResult:
    """Outcome of one dbt invocation."""

    success: bool
    command: list[str]
    statuses: dict[str, str] = field(default_factory=dict)  # unique_id -> status
    failures: list[str] = field(default_factory=list)  # "unique_id: message"
    error: str | None = None

    def raise_for_failure(self) -> None:
        if not self.success:
            detail = "\n".join(self.failures[:20]) or self.error or "unknown error"
            raise RuntimeError(f"dbt {self.command[0]} failed:\n{detail}")


@contextlib.contextmanager
def _environment(values: dict[str, str]) -> Iterator[None]:
    saved = {k: os.environ.get(k) for k in values}
    os.environ.update(values)
    try:
        yield
    finally:
        for k, v in saved.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v


def dbt_env(
    warehouse: Path | None = None,
    target: str = "duckdb",
    schema_prefix: str = "",
    postgres: dict[str, str] | None = None,
    spark: dict[str, str] | None = None,
) -> dict[str, str]:
    """The environment profiles.yml reads for a target (``spark``: SparkSettings.env())."""
    env = {"HEDUI_DBT_TARGET": target, "HEDUI_SCHEMA_PREFIX": schema_prefix}
    if warehouse is not None:
        env["HEDUI_WAREHOUSE_PATH"] = str(Path(warehouse).resolve())
        spill = duck.settings(warehouse)
        env["HEDUI_DUCKDB_MEMORY_LIMIT"] = spill["memory_limit"]
        env["HEDUI_DUCKDB_SPILL_DIR"] = spill["temp_directory"]
        env[duck.DUCKDB_THREADS_ENV] = spill["threads"]
        env[duck.THREADS_ENV] = str(duck.dbt_threads())
    for k, v in (postgres or {}).items():
        env[f"HEDUI_PG_{k.upper()}"] = str(v)
    env.update(spark or {})
    return env


def run_dbt(
    args: list[str],
    run_date: date,
    *,
    warehouse: Path | None = None,
    target: str = "duckdb",
    schema_prefix: str = "",
    postgres: dict[str, str] | None = None,
    target_path: Path | None = None,
    extra_vars: dict[str, object] | None = None,
    threads: int | None = None,
    spark: dict[str, str] | None = None,
) -> BuildResult:
    """Invoke one dbt command (``args[0]``) for ``run_date`` against a target."""
    from dbt.cli.main import dbtRunner

    if target == "duckdb" and warehouse is None:
        raise ValueError("the duckdb target needs a warehouse file path")
    target_path = Path(target_path or PROJECT_DIR / "target" / target)
    variables = {"run_date": run_date.isoformat(), **(extra_vars or {})}
    command = [
        *args,
        "--project-dir",
        str(PROJECT_DIR),
        "--profiles-dir",
        str(PROJECT_DIR),
        "--target",
        target,
        "--target-path",
        str(target_path),
        "--vars",
        json.dumps(variables),
    ]
    if threads:
        command += ["--threads", str(threads)]
    env = dbt_env(warehouse, target, schema_prefix, postgres, spark)
    env["DBT_LOG_PATH"] = str(target_path / "logs")
    with _LOCK, _environment(env):
        try:
            res = dbtRunner(callbacks=[_progress]).invoke(command)
        finally:
            _release_connections()
    return _result(command, res)


#: dbt events that finish one node, with its place "n of N" in the run.
_NODE_RESULTS = frozenset({"LogModelResult", "LogTestResult", "LogSeedResult", "LogSnapshotResult"})


def _progress(event: object) -> None:
    """One progress line per finished dbt node: ``dbt 12/240 model int_x: success (1.3 s)``."""
    info = getattr(event, "info", None)
    if getattr(info, "name", None) not in _NODE_RESULTS:
        return
    data = event.data  # type: ignore[attr-defined]
    node = getattr(data, "node_info", None)
    name = getattr(node, "node_name", "") or getattr(data, "name", "")
    kind = (
        getattr(node, "resource_type", "")
        or info.name.removeprefix("Log").removesuffix("Result").lower()
    )
    status = getattr(data, "status", "") or getattr(node, "node_status", "")
    report(
        "dbt %s/%s %s %s: %s (%.1f s)",
        data.index,
        getattr(data, "total", 0) or getattr(data, "num_models", 0),
        kind,
        name,
        status,
        float(getattr(data, "execution_time", 0.0) or 0.0),
    )


def _release_connections() -> None:
    """Close what dbt keeps open in-process, so the DuckDB file is free (whole, checkpointed)
    for the audit and the publish once dbt returns."""
    from dbt.adapters.factory import cleanup_connections

    cleanup_connections()
    try:
        from dbt.adapters.duckdb.connections import DuckDBConnectionManager
    except ImportError:  # pragma: no cover - dbt-duckdb is a dependency
        return
    with DuckDBConnectionManager._LOCK:
        env = DuckDBConnectionManager._ENV
        DuckDBConnectionManager._ENV = None
    if env is not None:
        env.close()


def _result(command: list[str], res: object) -> BuildResult:
    out = BuildResult(bool(getattr(res, "success", False)), command)
    exc = getattr(res, "exception", None)
    if exc is not None:
        out.error = str(exc)
    for r in getattr(getattr(res, "result", None), "results", None) or []:
        status = str(getattr(r.status, "value", r.status))
        out.statuses[r.node.unique_id] = status
        if status in ("error", "fail", "runtime error"):
            out.failures.append(f"{r.node.unique_id}: {r.message}")
    return out


def dbt_build(
    run_date: date,
    *,
    warehouse: Path | None = None,
    target: str = "duckdb",
    schema_prefix: str = "",
    postgres: dict[str, str] | None = None,
    target_path: Path | None = None,
    select: list[str] | None = None,
    extra_vars: dict[str, object] | None = None,
    threads: int | None = None,
    spark: dict[str, str] | None = None,
    exclude: list[str] | None = None,
) -> BuildResult:
    """``dbt build`` (seeds, models, unit and data tests) of the whole project for a run."""
    args = ["build"] + (["--select", *select] if select else [])
    args += ["--exclude", *exclude] if exclude else []
    return run_dbt(
        args,
        run_date,
        warehouse=warehouse,
        target=target,
        schema_prefix=schema_prefix,
        postgres=postgres,
        target_path=target_path,
        extra_vars=extra_vars,
        threads=threads,
        spark=spark,
    )


def dbt_docs_generate(run_date: date, **options: object) -> BuildResult:
    """``dbt docs generate`` (the catalog needs the built warehouse)."""
    return run_dbt(["docs", "generate"], run_date, **options)  # type: ignore[arg-type]
