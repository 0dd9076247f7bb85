"""The nightly DAG end to end through ``hedui run`` (dag.test()), as a user runs it.

A killed run must leave the published warehouse as it was, and its rerun must publish the
same content as a clean run.
"""

from __future__ import annotations

import contextlib
import http.server
import json
import os
import signal
import subprocess
import sys
import threading
import time
from datetime import date
from pathlib import Path

import pytest

from hedui.airflow_env import local_env
from hedui.fingerprint import warehouse_fingerprint
from hedui.lineage import SWITCH_ENV, URL_ENV, emit_dbt_events, lineage_file
from hedui.paths import dbt_project_dir
from hedui.publish import list_versions, published_path
from hedui.registry import source_names
from hedui.warehouse.truth import compare_with_truth, mart_rows

DAY = date(2026, 11, 27)
RUN_ID = "01936f1e-0000-7000-8000-000000000001"
pytestmark = pytest.mark.timeout(1200)


def _run_cmd(inbox: Path, ws: Path) -> list[str]:
    return [
        sys.executable,
        "-m",
        "hedui.cli",
        "run",
        "--inbox",
        str(inbox),
        "--date",
        str(DAY),
        "--warehouse",
        str(ws / "warehouse"),
        "--workspace",
        str(ws),
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
    assert len(statuses) == 23  # 22 local sources; cross_region_answer: no answers, passed
    assert {r["status"] for r in statuses} == {"passed"}
    summary = json.loads((nightly / "reports" / str(DAY) / "summary.json").read_text("utf-8"))
    assert len(summary["sources"]) == 23
    assert summary["tiers"]["dibao"]["households"] > 0
    assert Path(summary["data_docs"]).exists()


SOURCES = len(source_names())  # 22 local sources and the partners' answers
TASKS = {
    "plan": 1,
    "source.extract": SOURCES,
    "source.validate": SOURCES,
    "exchange_receive": 1,
    "exchange_send": 1,
    "gather_dq": 1,
    "build": 1,
}
TASKS |= {"audit": 1, "publish": 1, "report": 1}


def _lineage(ws: Path) -> list[dict]:
    text = (ws / "lineage" / "openlineage.jsonl").read_text("utf-8")
    return [json.loads(line) for line in text.splitlines()]


def _parent(event: dict) -> tuple[str, str]:
    parent = event["run"]["facets"]["parent"]
    return parent["job"]["name"], parent["run"]["runId"]


def test_lineage_file_has_every_task_and_mart_with_its_parent(nightly: Path) -> None:
    """The night's OpenLineage file (file transport into the workspace): a START and a COMPLETE
    for every Airflow task instance, children of the DAG run, and for every mart model, children
    of the Airflow build task's run."""
    events = _lineage(nightly)
    first = next(e for e in events if e["job"]["name"] == "hedui_nightly.plan")
    dag_run = _parent(first)
    assert dag_run[0] == "hedui_nightly"
    states: dict[tuple[str, str], list[str]] = {}
    for e in events:
        if e["job"]["name"].startswith("hedui_nightly.") and _parent(e) == dag_run:
            states.setdefault((e["job"]["name"], e["run"]["runId"]), []).append(e["eventType"])
    for task, instances in TASKS.items():
        runs = {r: sorted(s) for (job, r), s in states.items() if job == f"hedui_nightly.{task}"}
        assert len(runs) == instances, task
        assert all(s == ["COMPLETE", "START"] for s in runs.values()), (task, runs)
    (build_run,) = [r for (job, r) in states if job == "hedui_nightly.build"]
    marts = {p.stem for p in (dbt_project_dir() / "models" / "marts").glob("*.sql")}
    models: dict[str, list[str]] = {}
    for e in events:
        node = e["job"]["facets"].get("dbt_node") or {}
        is_model = str(node.get("unique_id", "")).startswith("model.")
        is_model = is_model and e["job"]["name"].endswith(".build.run")  # not its tests
        if is_model and _parent(e) == ("hedui_nightly.build", build_run):
            models.setdefault(node["unique_id"].split(".")[-1], []).append(e["eventType"])
    assert marts <= models.keys()
    assert all(sorted(models[m]) == ["COMPLETE", "START"] for m in marts), models
    assert len(models) > len(marts)  # the staging and intermediate models too


def test_lineage_url_switches_to_http(nightly: Path, tmp_path: Path, monkeypatch) -> None:
    """HEDUI_LINEAGE_URL sends the same events by HTTP (a local receiver standing in for
    Marquez): the build's dbt events arrive at /api/v1/lineage, none goes to a file."""
    received: list[dict] = []

    class Receiver(http.server.BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers["Content-Length"]))
            received.append({"path": self.path, "event": json.loads(body)})
            self.send_response(201)
            self.end_headers()

        def log_message(self, *args: object) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Receiver)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        monkeypatch.setenv(URL_ENV, f"http://127.0.0.1:{server.server_port}")
        parent = {"namespace": "hedui", "job_name": "hedui_nightly.build", "run_id": RUN_ID}
        sent = emit_dbt_events(nightly / "builds" / "dbt-target", tmp_path, parent=parent)
    finally:
        server.shutdown()
    assert sent > 0 and len(received) == sent
    assert {r["path"] for r in received} == {"/api/v1/lineage"}
    assert {_parent(r["event"]) for r in received} == {("hedui_nightly.build", RUN_ID)}
    assert not (tmp_path / "lineage").exists()


def _signal_group(proc: subprocess.Popen, sig: int) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.killpg(proc.pid, sig)


def test_sigkill_during_build_keeps_published_and_rerun_matches(small_city: Path, nightly: Path):
    warehouse = nightly / "warehouse"
    before = warehouse_fingerprint(published_path(warehouse))
    versions = list_versions(warehouse)
    build_file = nightly / "builds" / f"{DAY}.build.duckdb"
    proc = subprocess.Popen(
        _run_cmd(small_city, nightly),
        env=_env(),
        start_new_session=True,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
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
    rerun = subprocess.run(
        _run_cmd(small_city, nightly), env=_env(), capture_output=True, text=True
    )
    assert rerun.returncode == 0, rerun.stdout[-3000:] + rerun.stderr[-3000:]
    assert len(list_versions(warehouse)) == len(versions) + 1
    assert warehouse_fingerprint(published_path(warehouse)) == before


def test_a_new_workspace_gets_its_lineage_folder(tmp_path: Path, monkeypatch) -> None:
    """A first night into a workspace that does not exist yet still writes its lineage: the
    file transport cannot create the folder itself (a 5M bench night lost its events)."""
    monkeypatch.delenv(URL_ENV, raising=False)
    monkeypatch.delenv(SWITCH_ENV, raising=False)
    ws = tmp_path / "new" / "workspace"
    env = local_env(ws / ".airflow", ws)
    transport = json.loads(env["AIRFLOW__OPENLINEAGE__TRANSPORT"])
    assert transport == {
        "type": "file",
        "log_file_path": str(lineage_file(ws).resolve()),
        "append": True,
    }
    assert lineage_file(ws).parent.is_dir()
