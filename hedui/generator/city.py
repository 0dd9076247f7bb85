"""Generate a synthetic city: the 22 source deliveries for one or more days plus ground truth.

Stages: base population -> economy -> source frames (over the union of the days' windows) ->
planted defects -> scenario households -> per day: window cut, scenario rows, write. Same
arguments, same bytes: every random draw comes from a stream seeded by (seed, part name) and
no clock is read.
"""

from __future__ import annotations

import shutil
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any, Protocol

import numpy as np
import polars as pl

from hedui.delivery import SUCCESS_MARKER, delivery_dir, mark_complete, write_json
from hedui.generator.defects import REASON, plant_defects
from hedui.generator.economy import build_economy
from hedui.generator.frames import build_frames, with_hidden
from hedui.generator.population import DECEASED, MOVED_OUT, build_population, normal_members
from hedui.generator.timeline import (
    DATE_KEYED,
    WINDOW_KEY,
    Timeline,
    period_text,
    to_np,
    window_bounds,
)
from hedui.generator.writer import DefectRecord, uses_bom, write_day
from hedui.registry import Source, load_registry

GROUND_TRUTH_DIR = "_ground_truth"
GROUND_TRUTH_FILE = "ground_truth.json"
Progress = Callable[[str, int, int], None]


class ScenarioSet(Protocol):
    def frames(self, day: date) -> dict[str, pl.DataFrame]: ...

    def ground_truth(self) -> dict: ...


ScenarioBuilder = Callable[[date, int], ScenarioSet]


@dataclass
class GenerationResult:
    """What :func:`generate_city` wrote."""

    out: Path
    ground_truth_path: Path
    days: list[date]
    rows: dict[tuple[str, str], int] = field(default_factory=dict)  # (date, source) -> rows
    files: dict[tuple[str, str], list[Path]] = field(default_factory=dict)
    timings: dict[str, float] = field(default_factory=dict)  # stage -> seconds
    defects: int = 0
    scenarios: bool = False

    @property
    def total_rows(self) -> int:
        return sum(self.rows.values())


def _default_scenarios(run_date: date, days: int) -> ScenarioSet | None:
    try:
        from hedui.generator.scenarios import build_scenarios
    except ModuleNotFoundError as exc:  # scenarios.py not written yet
        if exc.name != "hedui.generator.scenarios":
            raise
        return None
    return build_scenarios(run_date, days)


def generate_city(
    persons: int,
    seed: int,
    run_date: date,
    out: Path,
    days: int = 1,
    defect_rate: float = 0.002,
    progress: Progress | None = None,
    *,
    scenario_builder: ScenarioBuilder | None = None,
) -> GenerationResult:
    """Write every source's delivery for ``days`` consecutive dates from ``run_date`` into
    ``out/<source>/<date>/`` and the ground truth into ``out/_ground_truth/ground_truth.json``.
    """
    out = Path(out)
    registry = load_registry()
    timeline = Timeline(run_date, days, seed)
    total_steps = 5 + len(registry) * (days + 1)
    clock = _Clock(progress, total_steps)

    pop = build_population(persons, timeline)
    clock.stage("population")
    econ = build_economy(pop)
    clock.stage("economy")
    frames = build_frames(pop, econ, step=lambda name: clock.tick(f"sources: {name}"))
    clock.lap("sources")
    latest = to_np(timeline.last_day)
    for name in registry:
        rng = timeline.rng(f"defects.{name}")
        frames[name] = plant_defects(frames[name], name, defect_rate, rng, latest)
    clock.stage("defects")
    builder = scenario_builder or _default_scenarios
    scenarios = builder(run_date, days)
    clock.stage("scenarios")

    result = GenerationResult(
        out,
        out / GROUND_TRUTH_DIR / GROUND_TRUTH_FILE,
        timeline.deliveries,
        scenarios=scenarios is not None,
    )
    deliveries, defects = _write_deliveries(frames, scenarios, timeline, result, clock)
    clock.lap("write")

    result.defects = len(defects)
    truth = {
        "generator": {
            "persons": persons,
            "seed": seed,
            "run_date": run_date.isoformat(),
            "days": days,
            "defect_rate": defect_rate,
            "deliveries": [d.isoformat() for d in timeline.deliveries],
        },
        "population": _population_summary(pop, econ),
        "deliveries": deliveries,
        "defects": [d.as_json() for d in sorted(defects, key=_defect_order)],
        "defect_counts": _defect_counts(defects),
        "scenarios": scenarios.ground_truth() if scenarios is not None else None,
    }
    result.ground_truth_path.parent.mkdir(parents=True, exist_ok=True)
    write_json(result.ground_truth_path, truth)
    clock.stage("ground_truth")
    result.timings = clock.timings
    return result


def _write_deliveries(
    frames: dict[str, pl.DataFrame],
    scenarios: ScenarioSet | None,
    timeline: Timeline,
    result: GenerationResult,
    clock: _Clock,
) -> tuple[dict[str, dict[str, Any]], list[DefectRecord]]:
    """Every day's delivery of every source; a delivery equal to the day before is copied."""
    out = result.out
    deliveries: dict[str, dict[str, Any]] = {}
    defects: list[DefectRecord] = []
    previous: dict[str, tuple] = {}  # source -> (bounds, scenario rows, files, defects, day)
    for day in timeline.deliveries:
        day_text = day.isoformat()
        scenario_frames = scenarios.frames(day) if scenarios is not None else {}
        deliveries[day_text] = {}
        for name, source in load_registry().items():
            bounds = window_bounds(source, day) if source.kind == "window" else None
            scn = scenario_frames.get(name)
            scn = None if scn is None or scn.height == 0 else scn
            _clear(delivery_dir(out, name, day), source)
            prev = previous.get(name)
            if prev is not None and prev[0] == bounds and _same_frame(prev[1], scn):
                files, day_defects = _copy_delivery(out, source, prev[2], prev[3], prev[4], day)
                written = prev[4]
            else:
                frame = _day_frame(frames[name], source, bounds, scn, timeline)
                files, day_defects = write_day(out, source, day, frame)
                written = day
            previous[name] = (bounds, scn, files, day_defects, written)
            defects.extend(day_defects)
            result.rows[(day_text, name)] = sum(files.values())
            folder = delivery_dir(out, name, day)
            result.files[(day_text, name)] = [folder / f for f in files]
            deliveries[day_text][name] = {
                "files": files,
                "rows": sum(files.values()),
                "window": _window_text(source, bounds),
                "bom": uses_bom(source),
                "scenario_rows": 0 if scn is None else scn.height,
            }
            clock.tick(f"write {day_text}: {name}")
    return deliveries, defects


def _clear(folder: Path, source: Source) -> None:
    """Remove an earlier generation's files from a delivery folder (marker first)."""
    (folder / SUCCESS_MARKER).unlink(missing_ok=True)
    for stale in folder.glob(f"*.{source.file_extension}"):
        stale.unlink()


class _Clock:
    """Stage timings (perf_counter; never written to any file) and progress callbacks."""

    def __init__(self, progress: Progress | None, total: int) -> None:
        self.progress = progress
        self.total = total
        self.done = 0
        self.timings: dict[str, float] = {}
        self._start = time.perf_counter()

    def tick(self, label: str) -> None:
        self.done = min(self.done + 1, self.total)
        if self.progress:
            self.progress(label, self.done, self.total)

    def lap(self, stage: str) -> None:
        now = time.perf_counter()
        self.timings[stage] = round(now - self._start, 3)
        self._start = now

    def stage(self, stage: str) -> None:
        self.lap(stage)
        self.tick(stage)


def _same_frame(a: pl.DataFrame | None, b: pl.DataFrame | None) -> bool:
    if a is None or b is None:
        return a is None and b is None
    return a.schema == b.schema and a.equals(b)


def _copy_delivery(
    out: Path,
    source: Source,
    files: dict[str, int],
    defects: list[DefectRecord],
    src_day: date,
    day: date,
):
    """An earlier day's files again (same population window, same scenario rows)."""
    folder = delivery_dir(out, source.name, day)
    folder.mkdir(parents=True, exist_ok=True)
    for name in files:
        shutil.copyfile(delivery_dir(out, source.name, src_day) / name, folder / name)
    mark_complete(folder)
    moved = [
        DefectRecord(d.source, day.isoformat(), d.file, d.line, d.reason_code, d.key)
        for d in defects
    ]
    return dict(files), moved


def _day_frame(
    frame: pl.DataFrame,
    source: Source,
    bounds,
    scenario: pl.DataFrame | None,
    timeline: Timeline,
) -> pl.DataFrame:
    """The population rows in the day's window plus the scenario rows (never defective)."""
    if bounds is not None:
        lo, hi = bounds
        if source.name in DATE_KEYED:
            lo, hi = to_np(lo), to_np(hi)
        frame = frame.filter(pl.col(WINDOW_KEY).is_between(lo, hi)).drop(WINDOW_KEY)
    if scenario is None:
        return frame
    scn = with_hidden(scenario, source).drop(WINDOW_KEY, strict=False)
    scn = scn.with_columns(
        [pl.col(c).cast(t) for c, t in frame.schema.items() if c in scn.columns]
    ).with_columns(pl.lit(None, dtype=pl.String).alias(REASON))
    scn = scn.select(frame.columns)
    position = int(frame.height * timeline.rng(f"position.{source.name}").random())
    return pl.concat([frame.head(position), scn, frame.slice(position)])


def _window_text(source: Source, bounds) -> list[str] | None:
    if bounds is None:
        return None
    lo, hi = bounds
    if source.name in DATE_KEYED:
        return [lo.isoformat(), hi.isoformat()]
    return [period_text(lo), period_text(hi)]


def _defect_order(d: DefectRecord) -> tuple:
    return (d.date, d.source, d.file, d.line)


def _defect_counts(defects: list[DefectRecord]) -> dict[str, dict[str, int]]:
    counts: dict[str, dict[str, int]] = {}
    for d in defects:
        by_day = counts.setdefault(d.date, {})
        by_day[d.reason_code] = by_day.get(d.reason_code, 0) + 1
    return counts


def _population_summary(pop, econ) -> dict[str, Any]:
    from hedui.generator.assistance import per_capita_income
    from hedui.generator.economy import DIBAO, LOW_INCOME_LINE

    members = normal_members(pop)
    pci = per_capita_income(pop, econ)
    lived = members > 0
    return {
        "persons": pop.people.n,
        "households": pop.households.n,
        "deceased": int((pop.people.status == DECEASED).sum()),
        "moved_out": int((pop.people.status == MOVED_OUT).sum()),
        "households_below_dibao_nominal": int((lived & (pci < DIBAO)).sum()),
        "households_below_low_income_nominal": int((lived & (pci < LOW_INCOME_LINE)).sum()),
        "employers": econ.employers.n,
        "classes": {
            str(k): int(v) for k, v in enumerate(np.bincount(pop.households.klass, minlength=5))
        },
    }
