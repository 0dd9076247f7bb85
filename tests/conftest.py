"""Shared fixtures: one small synthetic city, generated once per test session."""

from __future__ import annotations

import os
from datetime import date
from pathlib import Path

import pytest

from hedui.generator.city import GenerationResult, generate_city

# scrypt at 2^17 costs ~0.3 s per hash; test suites hash at a lower, explicit cost
# (tests/security/test_passwords.py checks the default without it).
os.environ.setdefault("HEDUI_SCRYPT_LOG2N", "12")

#: Test files known to run longest, scheduled first (`make test` runs pytest-xdist with
#: `--dist loadfile --no-loadscope-reorder`): the longest file starts at once instead of last.
LONGEST_FIRST = (
    "tests/test_airflow_stack.py",
    "tests/test_monitoring.py",
    "tests/test_nights_pipeline.py",
    "tests/test_simulation.py",
    "tests/test_warehouse_scenarios.py",
    "tests/test_nightly_run.py",
    "tests/test_small_memory_night.py",
    "tests/browser/test_web_browser.py",
    "tests/test_publish_gate.py",
)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Longest test files first; the rest in their collected order."""
    rank = {path: i for i, path in enumerate(LONGEST_FIRST)}
    items.sort(key=lambda item: rank.get(item.nodeid.split("::")[0], len(rank)))


SMALL_CITY = {"persons": 3000, "seed": 7, "run_date": date(2026, 11, 27)}


@pytest.fixture(scope="session")
def small_city_result(tmp_path_factory: pytest.TempPathFactory) -> GenerationResult:
    """3000 persons, seed 7, one delivery on 2026-11-27 (with scenarios and defects)."""
    return generate_city(out=tmp_path_factory.mktemp("small_city"), **SMALL_CITY)


@pytest.fixture(scope="session")
def small_city(small_city_result: GenerationResult) -> Path:
    """The inbox of the small city (ground truth in ``_ground_truth/ground_truth.json``)."""
    return small_city_result.out
