"""A whole night of a mid-size city (20,000 persons) under a deliberately small DuckDB memory limit.

``hedui run`` (extract, validate, build, audit, publish) with ``HEDUI_DUCKDB_MEMORY_LIMIT`` at
``LIMIT`` must finish by spilling into ``<workspace>/spill``, not fail with DuckDB's "Out of
Memory Error", and publish the same marts as an unconstrained night of the same city.

``LIMIT`` is the honest floor at this size: every hash join of a running query holds about 8 MB
of partitioned build side that does not spill (whatever the row count); at 48 MB
``int_monitor_job_loss`` and ``household_members`` fail even alone. hedui.duck gives dbt one
thread per 256 MiB of the limit, so under 64 MB the models run one at a time, and DuckDB one
worker thread per 128 MiB (each thread's join partitions are its own: with two threads a CI night
failed on ``household_members`` at 64 MB; with one, 56 MB is enough here).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest

from hedui import duck
from hedui.fingerprint import mart_fingerprints
from hedui.generator.city import generate_city
from hedui.publish import list_versions, published_path
from hedui.warehouse.dbt_runner import dbt_env
from hedui.warehouse.truth import compare_with_truth

DAY = date(2026, 11, 27)
PERSONS = 20_000
LIMIT = "64MB"
pytestmark = pytest.mark.timeout(1800)


@pytest.fixture(scope="module")
def city(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """20,000 persons, seed 7, one delivery (with scenarios and defects)."""
    out = tmp_path_factory.mktemp("mid_city")
    return generate_city(persons=PERSONS, seed=7, run_date=DAY, out=out).out


def _night(inbox: Path, ws: Path, limit: str | None) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "HEDUI_PSEUDONYM_KEY": "small-memory-key", "COLUMNS": "200"}
    for name in ("HEDUI_DUCKDB_MEMORY_LIMIT", "HEDUI_DUCKDB_SPILL_DIR", "HEDUI_DBT_THREADS"):
        env.pop(name, None)
    if limit:
        env["HEDUI_DUCKDB_MEMORY_LIMIT"] = limit
    cmd = [sys.executable, "-m", "hedui.cli", "run", "--inbox", str(inbox), "--date", str(DAY)]
    cmd += ["--warehouse", str(ws / "warehouse"), "--workspace", str(ws)]
    return subprocess.run(cmd, env=env, capture_output=True, text=True)


class SpillWatch:
    """Names of the files DuckDB creates in a spill folder while a night runs (DuckDB removes
    its temporary files, and the owner file of the folder, when the database closes)."""

    def __init__(self, folder: Path) -> None:
        self.folder, self.seen = folder, set[str]()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._poll, daemon=True)

    def _poll(self) -> None:
        while not self._stop.wait(0.05):
            if self.folder.is_dir():
                self.seen.update(p.name for p in self.folder.iterdir())

    def __enter__(self) -> SpillWatch:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()


@pytest.fixture(scope="module")
def nights(city: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict]:
    """The same city's night under LIMIT (its spill folder watched) and unconstrained."""
    small = tmp_path_factory.mktemp("small_memory")
    with SpillWatch(small / "spill") as watch:
        constrained = _night(city, small, LIMIT)
    free = tmp_path_factory.mktemp("unconstrained")
    unconstrained = _night(city, free, None)
    runs = (constrained, unconstrained)
    yield {"small": small, "free": free, "spilled": watch.seen, "runs": runs}


def test_small_memory_night_completes_and_publishes(nights: dict, city: Path) -> None:
    constrained, unconstrained = nights["runs"]
    tail = constrained.stdout[-4000:] + constrained.stderr[-4000:]
    assert constrained.returncode == 0, tail
    assert "Out of Memory" not in constrained.stdout + constrained.stderr
    assert unconstrained.returncode == 0, unconstrained.stdout[-4000:]
    assert len(list_versions(nights["small"] / "warehouse")) == 1
    published = published_path(nights["small"] / "warehouse")
    truth = json.loads((city / "_ground_truth" / "ground_truth.json").read_text("utf-8"))
    assert compare_with_truth(published, truth["scenarios"], DAY) == []


def test_small_memory_night_spilled_to_its_workspace(nights: dict) -> None:
    """DuckDB wrote temporary files into ``<workspace>/spill`` (its owner file appears with the
    first spilled block and goes when the database closes)."""
    assert any(name.startswith("duckdb_temp") for name in nights["spilled"]), nights["spilled"]


def test_small_memory_night_publishes_the_unconstrained_marts(nights: dict) -> None:
    small = mart_fingerprints(published_path(nights["small"] / "warehouse"))
    free = mart_fingerprints(published_path(nights["free"] / "warehouse"))
    assert len(small) >= 20
    assert small == free


@pytest.mark.parametrize(
    ("limit", "threads"),
    [("64MB", 1), ("128MB", 1), ("512MiB", 2), ("600MB", 2), ("1GiB", 4), ("8GiB", 4)],
)
def test_dbt_threads_follow_the_memory_limit(
    monkeypatch, tmp_path: Path, limit: str, threads: int
) -> None:
    monkeypatch.setenv(duck.LIMIT_ENV, limit)
    monkeypatch.setenv(duck.SPILL_ENV, str(tmp_path / "spill"))
    monkeypatch.delenv(duck.THREADS_ENV, raising=False)
    assert duck.dbt_threads() == threads
    assert dbt_env(tmp_path / "w.duckdb")[duck.THREADS_ENV] == str(threads)
    monkeypatch.setenv(duck.THREADS_ENV, "3")  # an explicit setting wins
    assert dbt_env(tmp_path / "w.duckdb")[duck.THREADS_ENV] == "3"


@pytest.mark.parametrize(
    ("limit", "cpus", "threads"),
    [("64MB", 2, 1), ("200MiB", 2, 1), ("256MiB", 2, 2), ("8GiB", 2, 2), ("8GiB", 16, 16)],
)
def test_duckdb_threads_follow_the_memory_limit(
    monkeypatch, tmp_path: Path, limit: str, cpus: int, threads: int
) -> None:
    """One DuckDB thread per 128 MiB of the limit, at most one per CPU: under 64 MB two
    threads' join partitions did not fit (a CI night failed on ``household_members``)."""
    monkeypatch.setenv(duck.LIMIT_ENV, limit)
    monkeypatch.setenv(duck.SPILL_ENV, str(tmp_path / "spill"))
    monkeypatch.delenv(duck.DUCKDB_THREADS_ENV, raising=False)
    monkeypatch.setattr(duck.os, "cpu_count", lambda: cpus)
    assert duck.duckdb_threads() == threads
    assert dbt_env(tmp_path / "w.duckdb")[duck.DUCKDB_THREADS_ENV] == str(threads)
    with duck.connect() as con:
        assert con.execute("select current_setting('threads')").fetchone() == (threads,)
    monkeypatch.setenv(duck.DUCKDB_THREADS_ENV, "3")  # an explicit setting wins
    assert duck.settings()["threads"] == "3"


def test_memory_sizes_in_duckdb_units() -> None:
    assert duck.limit_bytes("64MB") == 64_000_000
    assert duck.limit_bytes("128MiB") == 128 * 2**20
    assert duck.limit_bytes("1.5GB") == 1_500_000_000
    assert duck.limit_bytes(" 8 GiB ") == 8 * 2**30
    with pytest.raises(ValueError, match="not a DuckDB memory size"):
        duck.limit_bytes("lots")
