"""Shared fixtures: one small synthetic city, generated once per test session."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from hedui.generator.city import GenerationResult, generate_city

SMALL_CITY = {"persons": 3000, "seed": 7, "run_date": date(2026, 11, 27)}


@pytest.fixture(scope="session")
def small_city_result(tmp_path_factory: pytest.TempPathFactory) -> GenerationResult:
    """3000 persons, seed 7, one delivery on 2026-11-27 (with scenarios and defects)."""
    return generate_city(out=tmp_path_factory.mktemp("small_city"), **SMALL_CITY)


@pytest.fixture(scope="session")
def small_city(small_city_result: GenerationResult) -> Path:
    """The inbox of the small city (ground truth in ``_ground_truth/ground_truth.json``)."""
    return small_city_result.out
