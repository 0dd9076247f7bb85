"""Every file generated from the source registry, written or checked in one place.

The registry (hedui/contracts/sources.yaml) drives the Great Expectations suites
(``expectations/*.json``) and the dbt sources and staging models (``dbt_project/models/staging``).
``hedui generate-code`` rewrites them; ``--check`` (and a test) fails when one is stale.
"""

from __future__ import annotations

from pathlib import Path

from hedui.paths import expectations_dir


def stale_generated_files() -> list[Path]:
    """Generated files missing or out of date."""
    from hedui.validation import stale_suites
    from hedui.warehouse.dbt_sources import stale_files

    return [expectations_dir() / f"{name}.json" for name in stale_suites()] + stale_files()


def write_generated_files() -> list[Path]:
    """Rewrite the generated files that changed; returns them."""
    from hedui.validation import write_suites
    from hedui.warehouse.dbt_sources import write_files

    stale = set(stale_generated_files())
    write_suites()
    return sorted({*stale, *write_files()})
