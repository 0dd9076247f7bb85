"""Run the nightly DAG in-process with ``dag.test()``: the path of ``hedui run`` and the demo.

The same DAG file the scheduler runs in production, on a local SQLite metadata database kept in
``<workspace>/.airflow``. Airflow reads its configuration from the environment when it is first
imported, so :func:`run_nightly` sets the environment before importing anything from Airflow.
"""

from __future__ import annotations

import importlib.util
import json
import logging
import sys
from contextlib import redirect_stderr, redirect_stdout
from datetime import datetime, time
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from hedui import airflow_env
from hedui.pipeline import RunContext
from hedui.progress import echo_stages
from hedui.publish_gate import HELD_FILE

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
    env = airflow_env.local_env(home, Path(workspace))
    marker = home / ".migrated"
    if not marker.exists():
        airflow_env.migrate(env)
        marker.write_text("ok\n")
    airflow_env.apply(env)
    return env


def run_nightly(ctx: RunContext, log_file: Path | None = None) -> str:
    """Run the whole DAG for ``ctx`` in this process; return the final DagRun state, or
    ``held`` when the publish gate held the night."""
    prepare_airflow(ctx.root)
    logical = datetime.combine(ctx.day, time(2, 0), tzinfo=TZ)
    log_file = log_file or ctx.root / "logs" / f"run-{ctx.run_date}.log"
    log_file.parent.mkdir(parents=True, exist_ok=True)
    terminal = sys.stderr
    with (
        open(log_file, "w", encoding="utf-8") as fh,
        echo_stages(terminal),
        redirect_stdout(fh),
        redirect_stderr(fh),
    ):
        handler = logging.StreamHandler(fh)
        logging.getLogger().addHandler(handler)
        try:
            dag = _load_dag()
            dag_run = dag.test(logical_date=logical, run_conf=ctx.to_dict())
        finally:
            logging.getLogger().removeHandler(handler)
    state = str(getattr(dag_run, "state", "unknown"))
    if state == "success" and (ctx.root / "reports" / ctx.run_date / HELD_FILE).exists():
        return "held"  # the publish gate held the night: nothing was published
    if state != "success":
        print(explain_failure(state, log_file), file=sys.stderr)
    return state


ALERT_MARK = "HEDUI ALERT "


def failed_tasks(log_text: str) -> list[dict[str, Any]]:
    """The task failures recorded in a run log: the DAG's failure callback writes one
    ``HEDUI ALERT {json}`` line per failed task (task id, try, masked error message)."""
    seen: dict[tuple[str, int], dict[str, Any]] = {}
    for line in log_text.splitlines():
        at = line.find(ALERT_MARK)
        if at < 0:
            continue
        try:
            alert = json.loads(line[at + len(ALERT_MARK) :])
        except json.JSONDecodeError:
            continue
        if alert.get("kind") == "task_failed":
            seen.setdefault((str(alert.get("task_id")), int(alert.get("try_number") or 0)), alert)
    return list(seen.values())


def explain_failure(state: str, log_file: Path) -> str:
    """Why a night did not succeed, for the terminal: every failed task with its error
    message, and where the whole log is."""
    text = log_file.read_text("utf-8", errors="replace") if log_file.exists() else ""
    lines = [f"DAG run ended {state}"]
    failures = failed_tasks(text)
    for alert in failures:
        lines.append(f"  task {alert.get('task_id')} failed: {alert.get('error') or 'no message'}")
    if not failures:
        lines.append("  no task failure was recorded (the run did not finish its tasks)")
    lines.append(f"  log: {log_file}")
    return "\n".join(lines)
