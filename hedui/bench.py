"""Benchmark harness: median wall time and peak memory of each pipeline stage.

Each measurement runs in a fresh subprocess (``python -m hedui.bench_stage``) so peak RSS is
the stage's own. Every stage is reported next to a baseline measured in the same run, because
the machine is shared and noisy: ratios are what we compare, not absolute seconds.
"""

from __future__ import annotations

import json
import statistics
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

# stage name -> (baseline stage name or None, what the ratio means)
STAGES: dict[str, tuple[str | None, str]] = {
    "generate": (None, "target: 1,000,000 persons < 120 s"),
    "land": ("land_baseline", "vs DuckDB's native readers copying the same files to Parquet"),
    "validate": ("validate_baseline", "vs the same checks hand-written in DuckDB SQL (<= 2x)"),
    "build": ("build_baseline", "dbt build vs the same model SQL run as one DuckDB script (<= 3x)"),
    "publish": (None, "one night's files and the published file: O(one night)"),
    "simulate": ("build", "a two-step dibao reform in a new sandbox vs the nightly build (<= 2x)"),
    "build_spark": (
        "build",
        "the build stage on local Spark (session mode, the machine's cores) vs DuckDB on the "
        "same data: the cost of the path, not a claim about a cluster",
    ),
    "night": (
        "floor",
        "the whole night (hedui run: extract -> publish) vs reading every "
        "delivery file once with DuckDB's native readers (goal <= 3x)",
    ),
}
#: Stages without the slow per-stage baselines: the city, the night and its floor.
QUICK_STAGES = ("generate", "night", "floor")
#: Stages run only when asked for (``--engine spark``).
OPT_IN_STAGES = ("build_spark",)
#: ``--engine spark``: the city's deliveries, then the build stage on DuckDB and on Spark.
SPARK_STAGES = ("generate", "land", "validate", "build", "build_spark")


@dataclass
class Measurement:
    stage: str
    seconds: list[float]
    peak_rss_mb: list[float]
    extra: dict

    @property
    def median_s(self) -> float:
        return statistics.median(self.seconds)

    @property
    def peak_mb(self) -> float:
        return max(self.peak_rss_mb)


def run_stage(stage: str, workdir: Path, persons: int, date: str) -> dict:
    """Run one stage once in a subprocess; return its JSON report."""
    cmd = [sys.executable, "-m", "hedui.bench_stage", stage, str(workdir), str(persons), date]
    proc = subprocess.run(cmd, capture_output=True, text=True, check=False)
    if proc.returncode != 0:
        raise RuntimeError(f"bench stage {stage} failed:\n{proc.stderr[-4000:]}")
    return json.loads(proc.stdout.strip().splitlines()[-1])


def measure(stage: str, workdir: Path, persons: int, date: str, repeat: int) -> Measurement:
    reports = [run_stage(stage, workdir, persons, date) for _ in range(repeat)]
    return Measurement(
        stage=stage,
        seconds=[r["seconds"] for r in reports],
        peak_rss_mb=[r["peak_rss_mb"] for r in reports],
        extra=reports[-1].get("extra", {}),
    )


def run_bench(
    persons: int, repeat: int, workdir: Path, date: str, stages: list[str] | None = None
) -> list[Measurement]:
    """Measure every stage (and its baseline) ``repeat`` times, in pipeline order; ``stages``
    limits it to those names (stages and baselines; later stages reuse the workdir's city)."""
    workdir.mkdir(parents=True, exist_ok=True)
    order = list(
        dict.fromkeys(n for stage, (base, _) in STAGES.items() for n in (stage, base) if n)
    )
    unknown = sorted(set(stages or []) - set(order))
    if unknown:
        raise ValueError(f"unknown bench stages {unknown}; known: {order}")
    chosen = [
        n for n in order if (stages is None and n not in OPT_IN_STAGES) or n in (stages or ())
    ]
    return [measure(name, workdir, persons, date, repeat) for name in chosen]


def ratios(results: list[Measurement]) -> dict[str, float]:
    """Median of a stage divided by the median of its baseline."""
    by_name = {m.stage: m for m in results}
    out = {}
    for stage, (baseline, _) in STAGES.items():
        if baseline and stage in by_name and baseline in by_name:
            out[stage] = by_name[stage].median_s / by_name[baseline].median_s
    return out
