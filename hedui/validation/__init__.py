"""Validation of landed deliveries: GX suites compiled to DuckDB, quarantine, gating, Data Docs.

Entry points: :func:`validate_run` (one call per run date) and :func:`write_suites` (regenerate
``expectations/*.json`` from the registry).
"""

from hedui.validation.gating import LandingInfo
from hedui.validation.run import RunValidation, SourceValidation, validate_run
from hedui.validation.suites import stale_suites, write_suites

__all__ = [
    "LandingInfo",
    "RunValidation",
    "SourceValidation",
    "stale_suites",
    "validate_run",
    "write_suites",
]
