"""Run the nightly DAG in-process with ``dag.test()``: the path of ``hedui run`` and the demo.

The same DAG file the scheduler runs in production, on a local SQLite metadata database kept in
``<workspace>/.airflow``. Airflow reads its configuration from the environment when it is first
imported, so :func:`run_nightly` sets the environment before importing anything from Airflow.
"""

from __future__ import annotations

import importlib.util
import logging
import sys
from contextlib import redirect_stderr, redirect_stdout
from datetime import datetime, time
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from hedui import airflow_env
from hedui.pipeline import RunContext

DAG_ID = "hedui_nightly"
TZ = ZoneInfo("Asia/Shanghai")


def _load_dag() -> Any:
    """Import the DAG module from the DAGs folder (not the package: Airflow parses that file)."""
    path = airflow_env.dags_folder() / "hedui_nightly.py"
    spec = importlib.util.spec_from_file_location("hedui_nightly_dag", path)
    module = importlib.util.module_from_spec(spec)
    assert spec.loader is not None
    spec.loader.exec_module(module)
    return module.hedui_nightly()


def prepare_airflow(workspace: Path) -> dict[str, str]:
    """Point Airflow at ``<workspace>/.airflow`` (SQLite) and migrate it once."""
    home = Path(workspace) / ".airflow"
    env = airflow_env.local_env(home)
    marker = home / ".migrated"
    if not marker.exists():
        airflow_env.migrate(env)
        marker.write_text("ok\n")
    airflow_env.apply(env)
    return env


def run_nightly(ctx: RunContext, log_file: Path | None = None) -> str:
    """Run the whole DAG for ``ctx`` in this process; return the final DagRun state."""
    prepare_airflow(ctx.root)
    logical = datetime.combine(ctx.day, time(2, 0), tzinfo=TZ)
    log_file = log_file or ctx.root / "logs" / f"run-{ctx.run_date}.log"
    log_file.parent.mkdir(parents=True, exist_ok=True)
    with open(log_file, "w", encoding="utf-8") as fh, redirect_stdout(fh), redirect_stderr(fh):
        handler = logging.StreamHandler(fh)
        logging.getLogger().addHandler(handler)
        try:
            dag = _load_dag()
            dag_run = dag.test(logical_date=logical, run_conf=ctx.to_dict())
        finally:
            logging.getLogger().removeHandler(handler)
    state = str(getattr(dag_run, "state", "unknown"))
    if state != "success":
        print(f"DAG run ended {state}; task logs: {log_file}", file=sys.stderr)
    return state
