"""The published outputs (docs/outputs.md), read from the marts' own dbt metadata.

A mart is a published output when its YAML says so under ``config.meta.published_output``:
``{required: true|false, rows_required: true|false}``. The DAG's Assets and the pre-publish
audit both read this one list; there is no second list to keep in step.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

import yaml

from hedui.paths import dbt_project_dir


@dataclass(frozen=True)
class PublishedOutput:
    name: str
    required: bool  # the audit refuses a build without it
    rows_required: bool  # ... or without rows for the run date


@cache
def published_outputs() -> tuple[PublishedOutput, ...]:
    """Every mart declared a published output, in name order."""
    found = []
    for path in sorted((dbt_project_dir() / "models" / "marts").rglob("*.yml")):
        for model in (yaml.safe_load(path.read_text("utf-8")) or {}).get("models", []):
            meta = (model.get("config") or {}).get("meta") or {}
            declared = meta.get("published_output")
            if declared is not None:
                found.append(
                    PublishedOutput(
                        model["name"],
                        bool(declared.get("required", False)),
                        bool(declared.get("rows_required", False)),
                    )
                )
    return tuple(sorted(found, key=lambda o: o.name))
