"""Airflow configuration as environment variables, for the two ways Hedui runs Airflow.

- ``local_env``: one process, SQLite metadata, ``dag.test()`` (``hedui run``, the demo, tests).
- ``production_env``: the stack of docker-compose.yml (PostgreSQL metadata, Redis broker, Celery
  workers, a separate API server). Secrets (the JWT secret, database passwords) come from the
  caller's environment, never from the repo.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from hedui import lineage
from hedui.paths import dags_dir

REPO_DAGS = dags_dir()


def dags_folder() -> Path:
    """The folder holding Hedui's DAG files (overridable for installed deployments)."""
    return Path(os.environ.get("HEDUI_DAGS_FOLDER", REPO_DAGS))


def _common(airflow_home: Path) -> dict[str, str]:
    return {
        "AIRFLOW_HOME": str(airflow_home),
        "AIRFLOW__CORE__DAGS_FOLDER": str(dags_folder()),
        "AIRFLOW__CORE__LOAD_EXAMPLES": "False",
        "AIRFLOW__CORE__DAGS_ARE_PAUSED_AT_CREATION": "False",
        "AIRFLOW__CORE__DEFAULT_TIMEZONE": "Asia/Shanghai",
    }


def lineage_env(workspace: Path) -> dict[str, str]:
    """OpenLineage for every task (the provider's listener): file transport into
    ``<workspace>/lineage/``, HTTP with ``HEDUI_LINEAGE_URL`` (hedui.lineage)."""
    return lineage.airflow_env(workspace)


def local_env(airflow_home: Path, workspace: Path | None = None) -> dict[str, str]:
    """In-process runs: SQLite metadata in ``airflow_home`` (by default ``<workspace>/.airflow``),
    lineage into the workspace (created here: a first night's workspace may not exist yet, and
    the lineage file transport cannot create its folder)."""
    env = _common(airflow_home)
    workspace = Path(workspace or Path(airflow_home).parent)
    workspace.mkdir(parents=True, exist_ok=True)
    env.update(lineage_env(workspace))
    env["AIRFLOW__DATABASE__SQL_ALCHEMY_CONN"] = f"sqlite:///{airflow_home / 'airflow.db'}"
    env["AIRFLOW__CORE__EXECUTOR"] = "LocalExecutor"
    return env


def production_env(
    airflow_home: Path,
    *,
    postgres_url: str,
    redis_url: str,
    jwt_secret: str,
    api_url: str,
    workspace: Path | None = None,
) -> dict[str, str]:
    """The production stack: PostgreSQL metadata + Celery result backend, Redis broker.

    ``postgres_url`` is ``user[:password]@host:port/database``; lineage goes into
    ``workspace`` (default ``$HEDUI_HOME``; neither set: no lineage) unless
    ``HEDUI_LINEAGE_URL`` names an HTTP endpoint.
    """
    env = _common(airflow_home)
    home = workspace or os.environ.get("HEDUI_HOME")
    if home or os.environ.get(lineage.URL_ENV):
        env.update(lineage_env(Path(home or ".")))
    env.update(
        {
            "AIRFLOW__CORE__EXECUTOR": "CeleryExecutor",
            "AIRFLOW__DATABASE__SQL_ALCHEMY_CONN": f"postgresql+psycopg2://{postgres_url}",
            "AIRFLOW__DATABASE__SQL_ALCHEMY_CONN_ASYNC": f"postgresql+psycopg://{postgres_url}",
            "AIRFLOW__CELERY__RESULT_BACKEND": f"db+postgresql://{postgres_url}",
            "AIRFLOW__CELERY__BROKER_URL": redis_url,
            "AIRFLOW__API_AUTH__JWT_SECRET": jwt_secret,
            "AIRFLOW__CORE__EXECUTION_API_SERVER_URL": f"{api_url.rstrip('/')}/execution/",
        }
    )
    return env


def apply(env: dict[str, str]) -> None:
    """Put ``env`` into this process's environment (before airflow is imported)."""
    Path(env["AIRFLOW_HOME"]).mkdir(parents=True, exist_ok=True)
    os.environ.update(env)


def migrate(env: dict[str, str]) -> None:
    """``airflow db migrate`` for this configuration (idempotent)."""
    Path(env["AIRFLOW_HOME"]).mkdir(parents=True, exist_ok=True)
    cmd = [sys.executable, "-m", "airflow", "db", "migrate"]
    proc = subprocess.run(cmd, env={**os.environ, **env}, capture_output=True, text=True)
    if proc.returncode != 0:
        raise RuntimeError(f"airflow db migrate failed:\n{proc.stderr[-3000:]}")
