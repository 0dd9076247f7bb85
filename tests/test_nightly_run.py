"""The nightly DAG end to end through ``hedui run`` (dag.test()), as a user runs it.

A killed run must leave the published warehouse as it was, and its rerun must publish the
same content as a clean run.
"""

from __future__ import annotations

import contextlib
import json
import os
import signal
import subprocess
import sys
import time
from datetime import date
from pathlib import Path

import pytest

from hedui.fingerprint import warehouse_fingerprint
from hedui.publish import list_versions, published_path
from hedui.warehouse.truth import compare_with_truth, mart_rows

DAY = date(2026, 11, 27)
pytestmark = pytest.mark.timeout(1200)


def _run_cmd(inbox: Path, ws: Path) -> list[str]:
    return [
        sys.executable, "-m", "hedui.cli", "run", "--inbox", str(inbox), "--date", str(DAY),
        "--warehouse", str(ws / "warehouse"), "--workspace", str(ws),
    ]


def _env() -> dict[str, str]:
    return {**os.environ, "HEDUI_PSEUDONYM_KEY": "nightly-test-key", "COLUMNS": "200"}


@pytest.fixture(scope="module")
def nightly(small_city: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    ws = tmp_path_factory.mktemp("nightly")
    proc = subprocess.run(_run_cmd(small_city, ws), env=_env(), capture_output=True, text=True)
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    return ws


def test_dag_run_publishes_marts_matching_the_ground_truth(small_city: Path, nightly: Path):
    published = published_path(nightly / "warehouse")
    truth = json.loads((small_city / "_ground_truth" / "ground_truth.json").read_text("utf-8"))
    assert compare_with_truth(published, truth["scenarios"], DAY) == []
    statuses = mart_rows(published, "select source, status from marts.dq_source_runs")
    assert len(statuses) == 22
    assert {r["status"] for r in statuses} == {"passed"}
    summary = json.loads((nightly / "reports" / str(DAY) / "summary.json").read_text("utf-8"))
    assert len(summary["sources"]) == 22
    assert summary["tiers"]["dibao"]["households"] > 0
    assert Path(summary["data_docs"]).exists()


def _signal_group(proc: subprocess.Popen, sig: int) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.killpg(proc.pid, sig)


def test_sigkill_during_build_keeps_published_and_rerun_matches(small_city: Path, nightly: Path):
    warehouse = nightly / "warehouse"
    before = warehouse_fingerprint(published_path(warehouse))
    versions = list_versions(warehouse)
    build_file = nightly / "builds" / f"{DAY}.build.duckdb"
    proc = subprocess.Popen(_run_cmd(small_city, nightly), env=_env(), start_new_session=True,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 300
    while not build_file.exists():
        assert proc.poll() is None, "the run ended before its build started"
        assert time.monotonic() < deadline, "the build never started"
        time.sleep(0.05)
    time.sleep(1.0)  # well inside the dbt build
    _signal_group(proc, signal.SIGKILL)
    proc.wait(timeout=60)
    assert proc.returncode == -signal.SIGKILL
    assert list_versions(warehouse) == versions
    assert warehouse_fingerprint(published_path(warehouse)) == before  # readable, unchanged
    rerun = subprocess.run(_run_cmd(small_city, nightly), env=_env(), capture_output=True,
                           text=True)
    assert rerun.returncode == 0, rerun.stdout[-3000:] + rerun.stderr[-3000:]
    assert len(list_versions(warehouse)) == len(versions) + 1
    assert warehouse_fingerprint(published_path(warehouse)) == before
