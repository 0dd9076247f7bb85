"""Where the project's non-Python folders are: the checkout, or HEDUI_PROJECT_DIR when the
package is installed elsewhere (the Docker image sets it to /opt/hedui)."""

from __future__ import annotations

import os
from pathlib import Path

_CHECKOUT = Path(__file__).resolve().parent.parent


def project_dir() -> Path:
    """The folder holding dbt_project/, expectations/ and dags/."""
    return Path(os.environ.get("HEDUI_PROJECT_DIR", _CHECKOUT))


def dbt_project_dir() -> Path:
    return project_dir() / "dbt_project"


def expectations_dir() -> Path:
    return project_dir() / "expectations"


def dags_dir() -> Path:
    return project_dir() / "dags"
