"""GX validation results from compiled DuckDB counts.

GX decides success and formats each result itself (``Expectation.metrics_validate``): we only
supply the metric values it depends on, computed in DuckDB. Unexpected values are never supplied
(an empty list), so no result carries a raw value.
"""

from __future__ import annotations

from copy import deepcopy
from datetime import date
from typing import Any

import great_expectations as gx
from great_expectations.core import ExpectationSuiteValidationResult, ExpectationValidationResult
from great_expectations.expectations.expectation import Expectation

RESULT_FORMAT = {"result_format": "BASIC", "partial_unexpected_count": 0}


def substitute(suite: gx.ExpectationSuite, parameters: dict[str, Any]) -> list[Expectation]:
    """The suite's expectations with suite parameters ($PARAMETER) replaced by run values."""
    out = []
    for expectation in suite.expectations:
        config = deepcopy(expectation.configuration)
        config.process_suite_parameters(parameters)
        out.append(config.to_domain_obj())
    return out


def metric_values(
    expectation: Expectation, counts: dict[str, Any]
) -> tuple[dict[tuple, Any], dict[str, Any]]:
    """The metrics ``expectation`` depends on, filled from ``counts``.

    ``counts`` keys: row_count, columns, nulls (of the domain column), unexpected, filtered.
    """
    runtime = {"result_format": dict(RESULT_FORMAT)}
    deps = expectation.get_validation_dependencies(runtime_configuration=runtime)
    values: dict[tuple, Any] = {}
    for name, config in deps.metric_configurations.items():
        if name == "table.row_count":
            value = counts["row_count"]
        elif name == "table.columns":
            value = counts["columns"]
        elif name == "column_values.nonnull.unexpected_count":
            value = counts["nulls"]
        elif name.endswith(".unexpected_count"):
            value = counts["unexpected"]
        elif name.endswith(".filtered_row_count"):
            value = counts["filtered"]
        elif name.endswith(".unexpected_values"):
            value = []  # never expose raw values
        else:
            raise KeyError(f"{expectation.expectation_type}: no value for metric {name}")
        values[config.id] = value
    return values, runtime


def validation_result(
    expectation: Expectation, counts: dict[str, Any]
) -> ExpectationValidationResult:
    """GX's own result for ``expectation`` given the DuckDB counts."""
    metrics, runtime = metric_values(expectation, counts)
    result = expectation.metrics_validate(metrics, runtime_configuration=runtime)
    result.result.pop("partial_unexpected_list", None)
    return result


def not_evaluated(expectation: Expectation, message: str) -> ExpectationValidationResult:
    """A result for an expectation that could not run (e.g. its column is missing)."""
    return ExpectationValidationResult(
        success=False,
        expectation_config=expectation.configuration,
        exception_info={
            "raised_exception": True,
            "exception_message": message,
            "exception_traceback": None,
        },
    )


def suite_result(
    source: str,
    run_date: date,
    results: list[ExpectationValidationResult],
    parameters: dict[str, Any],
    files: list[str],
) -> ExpectationSuiteValidationResult:
    """The per-source suite result, with statistics and run metadata for Data Docs."""
    evaluated = len(results)
    successful = sum(1 for r in results if r.success)
    return ExpectationSuiteValidationResult(
        success=successful == evaluated,
        results=results,
        suite_name=source,
        suite_parameters={k: _jsonable(v) for k, v in parameters.items()},
        statistics={
            "evaluated_expectations": evaluated,
            "successful_expectations": successful,
            "unsuccessful_expectations": evaluated - successful,
            "success_percent": 100.0 * successful / evaluated if evaluated else None,
        },
        meta={
            "great_expectations_version": gx.__version__,
            "engine": "hedui.validation (GX suite compiled to DuckDB SQL)",
            "run_id": {"run_name": f"{source} {run_date}", "run_time": f"{run_date}T00:00:00"},
            "active_batch_definition": {
                "datasource_name": "landing",
                "data_connector_name": "parquet",
                "data_asset_name": source,
                "batch_identifiers": {"delivery_date": run_date.isoformat()},
            },
            "batch_spec": {"files": files},
            "batch_markers": {},
            "validation_time": f"{run_date}T00:00:00",
        },
        batch_id=f"landing-{source}-{run_date}",
    )


def _jsonable(value: Any) -> Any:
    return value.isoformat() if isinstance(value, date) else value
