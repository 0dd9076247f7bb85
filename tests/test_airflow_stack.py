"""The production configuration, proven without Docker: Airflow's API server, scheduler,
DAG processor and a Celery worker as processes against the real PostgreSQL (metadata, Celery
results) and Redis (broker) of this machine, completing a run of the nightly DAG end to end,
then an Airflow-native backfill of two more run dates.
"""

from __future__ import annotations

import contextlib
import json
import os
import secrets
import signal
import socket
import subprocess
import sys
import time
from datetime import date
from pathlib import Path

import duckdb
import psycopg
import pytest

from hedui import airflow_env
from hedui.publish import list_versions, published_path

PG = "postgres@127.0.0.1:5432"
COMPONENTS = {
    "api-server": ["api-server", "--port", "{port}"],
    "scheduler": ["scheduler"],
    "dag-processor": ["dag-processor"],
    "worker": ["celery", "worker", "--concurrency", "2"],
}


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _airflow(env: dict[str, str], *args: str, check: bool = True) -> str:
    proc = subprocess.run(
        [sys.executable, "-m", "airflow", *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    if check and proc.returncode != 0:
        raise RuntimeError(f"airflow {' '.join(args)} failed:\n{proc.stderr[-3000:]}")
    return proc.stdout


@pytest.fixture()
def metadata_db() -> str:
    name = f"hedui_af_{secrets.token_hex(4)}"
    with psycopg.connect(f"postgresql://{PG}/postgres", autocommit=True) as con:
        con.execute(f"CREATE DATABASE {name}")
    yield name
    with psycopg.connect(f"postgresql://{PG}/postgres", autocommit=True) as con:
        con.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


def _signal_group(proc: subprocess.Popen, sig: int) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.killpg(proc.pid, sig)


def _runs(env: dict[str, str]) -> list[dict]:
    out = _airflow(env, "dags", "list-runs", "hedui_nightly", "-o", "json")
    lines = [ln for ln in out.splitlines() if ln.startswith("[{") or ln.strip() == "[]"]
    return json.loads(lines[-1]) if lines else []


def _run_state(env: dict[str, str], run_id: str) -> str:
    return next((r["state"] for r in _runs(env) if r["run_id"] == run_id), "unknown")


def _backfill_states(env: dict[str, str]) -> list[str]:
    return [r["state"] for r in _runs(env) if r["run_id"].startswith("backfill__")]


def test_celery_stack_completes_the_nightly_dag(
    metadata_db: str, small_city: Path, tmp_path: Path
) -> None:
    port = _free_port()
    env = {
        **os.environ,
        **airflow_env.production_env(
            tmp_path / "airflow",
            postgres_url=f"{PG}/{metadata_db}",
            redis_url=f"redis://127.0.0.1:6379/{secrets.randbelow(8) + 8}",
            jwt_secret=secrets.token_hex(16),
            api_url=f"http://127.0.0.1:{port}",
        ),
        "AIRFLOW__SCHEDULER__SCHEDULER_HEARTBEAT_SEC": "2",
        "AIRFLOW__DAG_PROCESSOR__REFRESH_INTERVAL": "5",
        # Only the runs this test asks for: no scheduled run for today's wall-clock date.
        "AIRFLOW__SCHEDULER__USE_JOB_SCHEDULE": "False",
        # A queue of its own: no other Celery worker on this Redis can take the test's tasks.
        "AIRFLOW__OPERATORS__DEFAULT_QUEUE": f"hedui_test_{secrets.token_hex(4)}",
        "HEDUI_HOME": str(tmp_path / "ws"),
        "HEDUI_INBOX": str(small_city),
        "HEDUI_WAREHOUSE": str(tmp_path / "ws" / "warehouse"),
        "HEDUI_PSEUDONYM_KEY": "test-key-celery-stack",
    }
    _airflow(env, "db", "migrate")
    logs = tmp_path / "logs"
    logs.mkdir()
    procs = []
    try:
        for name, args in COMPONENTS.items():
            cmd = [sys.executable, "-m", "airflow", *(a.format(port=port) for a in args)]
            log = open(logs / f"{name}.log", "w")  # noqa: SIM115 - closed with the process
            procs.append(
                (
                    subprocess.Popen(cmd, env=env, stdout=log, stderr=log, start_new_session=True),
                    log,
                )
            )
        deadline = time.monotonic() + 120
        while "hedui_nightly" not in _airflow(env, "dags", "list", check=False):
            assert time.monotonic() < deadline, "the DAG processor never parsed the DAG"
            time.sleep(3)
        _airflow(env, "dags", "unpause", "hedui_nightly")
        conf = json.dumps({"run_date": "2026-11-27"})
        run_id = "celery_stack_test"
        _airflow(env, "dags", "trigger", "hedui_nightly", "--run-id", run_id, "--conf", conf)
        deadline = time.monotonic() + 1200
        state = "queued"
        while state not in ("success", "failed"):
            assert time.monotonic() < deadline, f"run still {state} after 20 minutes"
            time.sleep(5)
            state = _run_state(env, run_id)
        tails = {p.name: p.read_text()[-2000:] for p in logs.iterdir()}
        assert state == "success", tails
        # A backfill of run dates 2026-11-28..29 the way a data engineer starts one (one run at
        # a time: each night's monitoring history builds on the previous night's publish). No
        # source delivered on those dates: the 11-27 deliveries stay in use (late, 3 days).
        _airflow(
            env,
            "backfill",
            "create",
            "--dag-id",
            "hedui_nightly",
            "--max-active-runs",
            "1",
            "--from-date",
            "2026-11-28",
            "--to-date",
            "2026-11-29T23:59",
        )
        deadline = time.monotonic() + 1500
        states = _backfill_states(env)
        while len(states) != 2 or not set(states) <= {"success", "failed"}:
            assert time.monotonic() < deadline, f"backfill runs still {states} after 25 minutes"
            time.sleep(5)
            states = _backfill_states(env)
        tails = {p.name: p.read_text()[-2000:] for p in logs.iterdir()}
        assert states == ["success", "success"], tails
    finally:
        for proc, _ in procs:
            _signal_group(proc, signal.SIGTERM)
        for proc, log in procs:
            try:
                proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                _signal_group(proc, signal.SIGKILL)
                proc.wait(timeout=30)
            log.close()
    warehouse = tmp_path / "ws" / "warehouse"
    assert [v.run_date for v in list_versions(warehouse)][-3:] == [
        "2026-11-27",
        "2026-11-28",
        "2026-11-29",
    ]
    con = duckdb.connect(str(published_path(warehouse)), read_only=True)
    try:
        n = con.execute(
            "SELECT count(*) FROM marts.household_verification WHERE run_date = '2026-11-29'"
        ).fetchall()[0][0]
        statuses = con.execute(
            "SELECT DISTINCT status, delivered_on FROM marts.source_as_of "
            "WHERE run_date = '2026-11-29' AND source <> 'cross_region_answer'"
        ).fetchall()
        answers = con.execute(
            "SELECT status, delivered_on FROM marts.source_as_of "
            "WHERE run_date = '2026-11-29' AND source = 'cross_region_answer'"
        ).fetchall()
        runs = con.execute(
            "SELECT run_date FROM marts.monitoring_runs ORDER BY run_date"
        ).fetchall()
    finally:
        con.close()
    assert n > 0
    assert statuses == [("late", date(2026, 11, 27))]
    assert answers == [("passed", None)]  # no partner answered: a normal night, nothing to use
    assert [r[0] for r in runs] == [date(2026, 11, 27), date(2026, 11, 28), date(2026, 11, 29)]
