"""Validation of landed deliveries: GX suites compiled to DuckDB, quarantine, gating, Data Docs.

Entry points: :func:`validate_source` (one source; an Airflow task each), :func:`gather_run`
(the run's dq tables and Data Docs), :func:`validate_run` (both, in one process) and
:func:`write_suites` (regenerate ``expectations/*.json`` from the registry).
"""

from hedui.validation.gating import LandingInfo
from hedui.validation.outcomes import RunValidation, SourceValidation
from hedui.validation.run import gather_run, validate_run, validate_source
from hedui.validation.suites import stale_suites, write_suites

__all__ = [
    "LandingInfo",
    "RunValidation",
    "SourceValidation",
    "gather_run",
    "stale_suites",
    "validate_run",
    "validate_source",
    "write_suites",
]
