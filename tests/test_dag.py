"""The nightly DAG parses cleanly and has the shape data engineers rely on."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from hedui import airflow_env
from hedui.registry import source_names

CHECK = r"""
import json, sys
from airflow.dag_processing.dagbag import DagBag
bag = DagBag(dag_folder=sys.argv[1])
dag = bag.dags.get("hedui_nightly")
out = {"errors": {k: str(v) for k, v in bag.import_errors.items()}}
if dag is not None:
    out.update(
        tasks=sorted(t.task_id for t in dag.tasks),
        max_active_runs=dag.max_active_runs,
        tags=sorted(dag.tags),
        timetable=dag.timetable.summary,
        doc=bool(dag.doc_md),
        extract_retries=dag.get_task("source.extract").retries,
        extract_backoff=dag.get_task("source.extract").retry_exponential_backoff,
        upstream={t.task_id: sorted(t.upstream_task_ids) for t in dag.tasks},
        publish_outlets=[a.uri for a in dag.get_task("publish").outlets],
        docs=all(bool(t.doc_md) for t in dag.tasks),
        callbacks=all(t.on_failure_callback for t in dag.tasks),
    )
print(json.dumps(out))
"""


@pytest.fixture(scope="module")
def dag_info(tmp_path_factory: pytest.TempPathFactory) -> dict:
    import json

    home = tmp_path_factory.mktemp("airflow")
    env = {**os.environ, **airflow_env.local_env(home)}
    proc = subprocess.run(
        [sys.executable, "-c", CHECK, str(airflow_env.dags_folder())],
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(proc.stdout.strip().splitlines()[-1])


def test_dagbag_has_no_import_errors(dag_info: dict) -> None:
    assert dag_info["errors"] == {}
    assert "tasks" in dag_info


def test_dag_shape(dag_info: dict) -> None:
    assert dag_info["tasks"] == [
        "audit",
        "build",
        "exchange_receive",
        "exchange_send",
        "gather_dq",
        "plan",
        "publish",
        "report",
        "source.extract",
        "source.validate",
    ]
    up = dag_info["upstream"]
    assert up["exchange_receive"] == ["plan"]
    assert up["source.extract"] == ["exchange_receive", "plan"]
    assert up["source.validate"] == ["plan", "source.extract"]
    assert up["gather_dq"] == ["plan", "source.validate"]
    assert up["exchange_send"] == ["gather_dq", "plan"]
    assert up["build"] == ["exchange_send", "gather_dq", "plan"]
    assert dag_info["max_active_runs"] == 1
    assert "0 2 * * *" in dag_info["timetable"]
    assert dag_info["extract_retries"] == 3 and dag_info["extract_backoff"]
    from hedui.warehouse.outputs import published_outputs

    assert sorted(dag_info["publish_outlets"]) == sorted(
        f"hedui://warehouse/marts/{o.name}" for o in published_outputs()
    )
    assert "hedui://warehouse/marts/household_verification" in dag_info["publish_outlets"]
    assert dag_info["doc"] and dag_info["docs"] and dag_info["callbacks"]
    assert set(dag_info["tags"]) >= {"hedui", "nightly"}


def test_dag_maps_extract_and_validate_over_every_registry_source() -> None:
    text = (Path(airflow_env.dags_folder()) / "hedui_nightly.py").read_text()
    assert "per_source.partial(run=run).expand(source=source_names())" in text
    assert len(source_names()) == 23  # 22 local sources and the cross-region answers
