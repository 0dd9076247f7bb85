"""Compare a compiled DuckDB validation result with GX itself (pandas engine) on the same rows."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import great_expectations as gx
import pyarrow.parquet as pq

from hedui.validation.gating import data_files
from hedui.validation.suites import build_suite


def _gx_results(frame, suite: gx.ExpectationSuite, parameters: dict) -> dict[str, dict]:  # type: ignore[no-untyped-def]
    context = gx.get_context(mode="ephemeral")
    context.variables.progress_bars = {"globally": False}
    batch = (
        context.data_sources.add_pandas("landing")
        .add_dataframe_asset(suite.name)
        .add_batch_definition_whole_dataframe("all")
        .get_batch(batch_parameters={"dataframe": frame})
    )
    fresh = gx.ExpectationSuite(name=suite.name, expectations=[])
    fresh = context.suites.add(fresh)
    for expectation in build_suite(suite.name).expectations:
        fresh.add_expectation(expectation.configuration.to_domain_obj())
    result = batch.validate(fresh, expectation_parameters=parameters)
    return {r.expectation_config.meta["check"]: r for r in result.results}


def _raised(info: dict) -> bool:
    if info.get("raised_exception"):
        return True
    return any(isinstance(v, dict) and v.get("raised_exception") for v in info.values())


def assert_matches_gx(source: str, landing_folder: Path, result_path: Path) -> None:
    """Every expectation: GX on the landed rows agrees with our compiled result (counts too)."""
    frame = pq.read_table(data_files(landing_folder)).to_pandas()
    ours = json.loads(result_path.read_text())
    parameters = {
        k: date.fromisoformat(v) if k == "delivery_date" else v
        for k, v in ours["suite_parameters"].items()
    }
    theirs = _gx_results(frame, build_suite(source), parameters)
    assert len(theirs) == len(ours["results"]) > 0
    for mine in ours["results"]:
        check = mine["expectation_config"]["meta"]["check"]
        gx_result = theirs[check]
        assert not _raised(gx_result.exception_info), (check, gx_result.exception_info)
        assert mine["success"] == gx_result.success, check
        for key in ("element_count", "unexpected_count", "missing_count", "observed_value"):
            assert mine["result"].get(key) == gx_result.result.get(key), (check, key)
