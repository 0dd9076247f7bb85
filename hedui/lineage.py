"""OpenLineage for the nightly run: where the events go, and the events of the dbt models.

- **Airflow tasks**: the ``apache-airflow-providers-openlineage`` listener emits a START and a
  COMPLETE (or FAIL) event per task instance; :func:`airflow_env` configures it through
  ``AIRFLOW__OPENLINEAGE__*`` (hedui/airflow_env.py puts it in the environment of every run).
- **dbt models**: after the build's one ``dbt build``, :func:`emit_dbt_events` turns its
  ``manifest.json`` / ``run_results.json`` into events with ``openlineage-dbt``'s artifact
  processor (a START and a COMPLETE or FAIL per model, an event per model's tests), each with
  a ParentRunFacet naming the Airflow task run that ran the build (:func:`airflow_parent`).

Transport: by default a file, ``<workspace>/lineage/openlineage.jsonl`` (one JSON event per line,
appended by every task and the build). ``HEDUI_LINEAGE_URL`` (a Marquez or other OpenLineage HTTP
endpoint, e.g. ``http://marquez:5000``) switches both to HTTP; ``HEDUI_LINEAGE=off`` turns
lineage off. Events name jobs, datasets and run ids only (model SQL, no rows, no personal data).
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from hedui.paths import dbt_project_dir

NAMESPACE = "hedui"
LINEAGE_DIR = "lineage"
LINEAGE_FILE = "openlineage.jsonl"
URL_ENV = "HEDUI_LINEAGE_URL"
SWITCH_ENV = "HEDUI_LINEAGE"
log = logging.getLogger(__name__)


def enabled() -> bool:
    return os.environ.get(SWITCH_ENV, "on").strip().lower() not in ("off", "0", "false", "no")


def lineage_file(workspace: Path | str) -> Path:
    """The workspace's lineage file (file transport)."""
    return Path(workspace) / LINEAGE_DIR / LINEAGE_FILE


def transport_config(workspace: Path | str) -> dict[str, Any]:
    """The OpenLineage transport: HTTP when ``HEDUI_LINEAGE_URL`` is set, else the file."""
    url = os.environ.get(URL_ENV, "").strip()
    if url:
        return {"type": "http", "url": url, "endpoint": "api/v1/lineage"}
    path = lineage_file(workspace).resolve()
    if path.parent.parent.is_dir():  # the workspace exists: its lineage folder too
        path.parent.mkdir(exist_ok=True)
    return {"type": "file", "log_file_path": str(path), "append": True}


def airflow_env(workspace: Path | str) -> dict[str, str]:
    """The provider's configuration as Airflow environment variables (empty when off).
    Events are emitted in a thread of the task's process (no fork of a process holding
    DuckDB and dbt state)."""
    if not enabled():
        return {"AIRFLOW__OPENLINEAGE__DISABLED": "True"}
    return {
        "AIRFLOW__OPENLINEAGE__TRANSPORT": json.dumps(transport_config(workspace)),
        "AIRFLOW__OPENLINEAGE__NAMESPACE": NAMESPACE,
        "AIRFLOW__OPENLINEAGE__EXECUTE_IN_THREAD": "True",
        "AIRFLOW__OPENLINEAGE__DISABLED": "False",
    }


def airflow_parent(task_instance: Any) -> dict[str, str] | None:
    """The OpenLineage run of an Airflow task instance (and of its DAG run, the root), as the
    provider names it in its own events: what a child run's ParentRunFacet points to. None
    (logged) when it cannot be named: lineage never fails a task."""
    from airflow.providers.openlineage.plugins import macros

    try:
        return {
            "namespace": macros.lineage_job_namespace(),
            "job_name": macros.lineage_job_name(task_instance),
            "run_id": macros.lineage_run_id(task_instance),
            "root_namespace": macros.lineage_root_job_namespace(task_instance),
            "root_job_name": macros.lineage_root_job_name(task_instance),
            "root_run_id": macros.lineage_root_run_id(task_instance),
        }
    except Exception as exc:  # lineage must not stop a night
        log.warning("OpenLineage parent run of %s not named: %s", task_instance, exc)
        return None


def emit_dbt_events(
    target_path: Path,
    workspace: Path | str,
    *,
    parent: dict[str, str] | None = None,
    warehouse: Path | str | None = None,
) -> int:
    """Emit the events of the dbt invocation whose artifacts are in ``target_path``; returns
    how many. ``parent`` (:func:`airflow_parent`) becomes every event's ParentRunFacet;
    ``warehouse`` is the DuckDB file the datasets are named after (``duckdb://<file>``)."""
    if not enabled():
        return 0
    from openlineage.client.client import OpenLineageClient
    from openlineage.common.provider.dbt import DbtLocalArtifactProcessor, ParentRunMetadata
    from openlineage.common.provider.dbt.utils import PRODUCER

    processor = DbtLocalArtifactProcessor(
        producer=PRODUCER,
        job_namespace=NAMESPACE,
        project_dir=str(dbt_project_dir()),
        profile_name="hedui",
        target="duckdb",
        target_path=str(Path(target_path).resolve()),
        logger=log,
    )
    if parent:
        processor.dbt_run_metadata = ParentRunMetadata(
            run_id=parent["run_id"],
            job_name=parent["job_name"],
            job_namespace=parent["namespace"],
            root_parent_run_id=parent.get("root_run_id"),
            root_parent_job_name=parent.get("root_job_name"),
            root_parent_job_namespace=parent.get("root_namespace"),
        )
    env = {"HEDUI_WAREHOUSE_PATH": str(warehouse)} if warehouse else {}
    with _environment(env):
        events = processor.parse().events()
    client = OpenLineageClient(config={"transport": transport_config(workspace)})
    try:
        for event in events:
            client.emit(event)
    finally:
        client.close(timeout=30)
    return len(events)


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
