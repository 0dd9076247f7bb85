"""Generate a synthetic city: the 22 source deliveries for one or more days plus ground truth
(and ``_partners/<region>/persons.jsonl``, what the partner regions hold: cross_region.py).

The city is streamed in independent household blocks (``BLOCK_PERSONS`` persons each), so
memory stays flat at any size. Per block: base population -> economy -> source frames (over
the union of the days' windows) -> planted defects; then per day: window cut, scenario rows
(inside block 0), appended to that day's files (:mod:`hedui.generator.stream`). Keys that must
be unique city-wide come from disjoint residues per block (:func:`ids.in_block`) and one ID
sequence ledger. Same arguments, same bytes, whatever the chunking: every random draw comes
from a stream seeded by (seed, part name, block) and no clock is read.
"""

from __future__ import annotations

import shutil
import time
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import date
from pathlib import Path
from typing import Any, Protocol

import numpy as np
import polars as pl

from hedui.delivery import SUCCESS_MARKER, delivery_dir, mark_complete, write_json
from hedui.generator.defects import REASON, plant_defects, text_columns
from hedui.generator.economy import build_economy
from hedui.generator.frames import build_frames, with_hidden
from hedui.generator.ids import Block, SequenceLedger, in_block
from hedui.generator.population import DECEASED, MOVED_OUT, build_population, normal_members
from hedui.generator.stream import DeliveryWriter
from hedui.generator.timeline import (
    DATE_KEYED,
    WINDOW_KEY,
    Timeline,
    period_text,
    to_np,
    window_bounds,
)
from hedui.generator.writer import DefectRecord, uses_bom
from hedui.registry import Source, local_registry

GROUND_TRUTH_DIR = "_ground_truth"
GROUND_TRUTH_FILE = "ground_truth.json"
Progress = Callable[[str, int, int], None]
#: Persons per independently generated household block (bounds the generator's memory).
BLOCK_PERSONS = 250_000


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
    block_persons: int = BLOCK_PERSONS,
    chunk_persons: int | None = None,
) -> GenerationResult:
    """Write every source's delivery for ``days`` consecutive dates from ``run_date`` into
    ``out/<source>/<date>/`` and the ground truth into ``out/_ground_truth/ground_truth.json``.

    The city is made of independent household blocks of ``block_persons`` (part of the city,
    like the seed); ``chunk_persons`` (default one block) bounds how many are held in memory
    at once and never changes a byte of the output.
    """
    out = Path(out)
    registry = local_registry()
    timeline = Timeline(run_date, days, seed)
    sizes = block_sizes(persons, block_persons)
    per_chunk = max(1, (chunk_persons or block_persons) // block_persons)
    chunks = [range(i, min(i + per_chunk, len(sizes))) for i in range(0, len(sizes), per_chunk)]
    total_steps = len(sizes) * (len(registry) + 3) + len(chunks) + 2 + len(registry) * days
    clock = _Clock(progress, total_steps)
    ledger = SequenceLedger(timeline.rng("id.sequence"), timeline.today)
    result = GenerationResult(out, out / GROUND_TRUTH_DIR / GROUND_TRUTH_FILE, timeline.deliveries)
    summary: dict[str, Any] = {}
    plan: _Plan | None = None
    for chunk in chunks:
        blocks = []
        for b in chunk:
            label = "" if len(sizes) == 1 else f" (block {b + 1}/{len(sizes)})"
            blocks.append(
                _block_frames(sizes[b], b, len(sizes), timeline, ledger, defect_rate, clock, label)
            )
            summary = _add_summary(summary, blocks[-1][1])
            blocks[-1] = blocks[-1][0]
        if plan is None:
            builder = scenario_builder or _default_scenarios
            plan = _Plan(builder(run_date, days), timeline, out)
            result.scenarios = plan.scenarios is not None
            clock.stage("scenarios")
        plan.append(blocks, first_block=chunk[0] == 0)
        del blocks
        clock.lap("write")
        clock.tick(f"write chunk {chunks.index(chunk) + 1}/{len(chunks)}")
    assert plan is not None
    deliveries, defects = plan.close(result, clock)
    if (world := getattr(plan.scenarios, "world", None)) is not None:
        from hedui.generator.cross_region import write_partners

        write_partners(world, run_date, out)  # the partner regions' data (docs/policy.md §11)
    clock.lap("write")

    result.defects = len(defects)
    truth = {
        "generator": {
            "persons": persons,
            "seed": seed,
            "run_date": run_date.isoformat(),
            "days": days,
            "defect_rate": defect_rate,
            "block_persons": block_persons,
            "deliveries": [d.isoformat() for d in timeline.deliveries],
        },
        "population": summary,
        "deliveries": deliveries,
        "defects": [d.as_json() for d in sorted(defects, key=_defect_order)],
        "defect_counts": _defect_counts(defects),
        "scenarios": plan.scenarios.ground_truth() if plan.scenarios is not None else None,
    }
    result.ground_truth_path.parent.mkdir(parents=True, exist_ok=True)
    write_json(result.ground_truth_path, truth)
    clock.stage("ground_truth")
    result.timings = clock.timings
    return result


def block_sizes(persons: int, block_persons: int) -> list[int]:
    """Persons per household block: full blocks, then the rest."""
    if block_persons <= 0:
        raise ValueError("block_persons must be positive")
    full, rest = divmod(persons, block_persons)
    return [block_persons] * full + ([rest] if rest or not full else [])


def _block_frames(
    persons: int,
    index: int,
    count: int,
    timeline: Timeline,
    ledger: SequenceLedger,
    defect_rate: float,
    clock: _Clock,
    label: str,
) -> tuple[dict[str, pl.DataFrame], dict[str, Any]]:
    """One household block's source frames (defects planted) and its population summary."""
    local = replace(timeline, block=index)
    registry = local_registry()
    with in_block(Block(index, count)):
        pop = build_population(persons, local, ledger)
        clock.stage("population", label)
        econ = build_economy(pop)
        clock.stage("economy", label)
        frames = build_frames(pop, econ, step=lambda name: clock.tick(f"sources: {name}{label}"))
        clock.lap("sources")
        summary = _population_summary(pop, econ)
        del pop, econ
        latest = to_np(timeline.last_day)
        for name in registry:
            rng = local.rng(f"defects.{name}")
            frame = plant_defects(frames[name], name, defect_rate, rng, latest)
            if defect_rate > 0:
                frame = frame.with_columns(pl.col(text_columns(name)).cast(pl.String))
            frames[name] = frame
        clock.stage("defects", label)
    return frames, summary


def _add_summary(total: dict[str, Any], part: dict[str, Any]) -> dict[str, Any]:
    """Population summaries of blocks added up (counts, and counts per class)."""
    if not total:
        return part
    out = {k: v + part[k] for k, v in total.items() if k != "classes"}
    out["classes"] = {k: v + part["classes"][k] for k, v in total["classes"].items()}
    return out


class _Plan:
    """Every day's delivery of every source: written from the blocks, or copied when a
    delivery equals the day before (same window, same scenario rows)."""

    def __init__(self, scenarios: ScenarioSet | None, timeline: Timeline, out: Path) -> None:
        self.scenarios, self.timeline, self.out = scenarios, timeline, out
        self.registry = local_registry()
        self.bounds: dict[tuple[date, str], Any] = {}
        self.scenario_rows: dict[tuple[date, str], pl.DataFrame | None] = {}
        self.source_day: dict[tuple[date, str], date] = {}  # the day whose files it holds
        self.writers: dict[tuple[date, str], DeliveryWriter] = {}
        previous: dict[str, tuple] = {}
        for day in timeline.deliveries:
            scenario_frames = scenarios.frames(day) if scenarios is not None else {}
            for name, source in self.registry.items():
                bounds = window_bounds(source, day) if source.kind == "window" else None
                scn = scenario_frames.get(name)
                scn = None if scn is None or scn.height == 0 else scn
                self.bounds[(day, name)], self.scenario_rows[(day, name)] = bounds, scn
                _clear(delivery_dir(out, name, day), source)
                prev = previous.get(name)
                if prev is not None and prev[0] == bounds and _same_frame(prev[1], scn):
                    self.source_day[(day, name)] = prev[2]
                else:
                    self.source_day[(day, name)] = day
                    self.writers[(day, name)] = DeliveryWriter(out, source, day)
                    previous[name] = (bounds, scn, day)

    def append(self, blocks: list[dict[str, pl.DataFrame]], first_block: bool) -> None:
        """Append one chunk of blocks (scenario rows go inside block 0) to every writer."""
        for (day, name), writer in self.writers.items():
            source = self.registry[name]
            parts = [
                _day_frame(
                    frames[name],
                    source,
                    self.bounds[(day, name)],
                    self.scenario_rows[(day, name)] if first_block and i == 0 else None,
                    self.timeline,
                )
                for i, frames in enumerate(blocks)
            ]
            writer.append(pl.concat(parts) if len(parts) > 1 else parts[0])

    def close(self, result: GenerationResult, clock: _Clock):
        deliveries: dict[str, dict[str, Any]] = {}
        defects: list[DefectRecord] = []
        written: dict[tuple[date, str], tuple[dict[str, int], list[DefectRecord]]] = {}
        for day in self.timeline.deliveries:
            day_text = day.isoformat()
            deliveries[day_text] = {}
            for name, source in self.registry.items():
                src_day = self.source_day[(day, name)]
                if src_day == day:
                    writer = self.writers[(day, name)]
                    files, day_defects = writer.close(), writer.defects
                    written[(day, name)] = (files, day_defects)
                else:
                    files, day_defects = _copy_delivery(
                        self.out, source, *written[(src_day, name)], src_day, day
                    )
                defects.extend(day_defects)
                scn = self.scenario_rows[(day, name)]
                result.rows[(day_text, name)] = sum(files.values())
                folder = delivery_dir(self.out, name, day)
                result.files[(day_text, name)] = [folder / f for f in files]
                deliveries[day_text][name] = {
                    "files": files,
                    "rows": sum(files.values()),
                    "window": _window_text(source, self.bounds[(day, name)]),
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
        self.timings[stage] = round(self.timings.get(stage, 0.0) + now - self._start, 3)
        self._start = now

    def stage(self, stage: str, label: str = "") -> None:
        self.lap(stage)
        self.tick(stage + label)


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
    from hedui.policy_params import params_on

    params = params_on(pop.timeline.run_date)
    dibao, low_income_line = float(params.dibao_standard), float(params.low_income_line)
    members = normal_members(pop)
    pci = per_capita_income(pop, econ)
    lived = members > 0
    return {
        "persons": pop.people.n,
        "households": pop.households.n,
        "deceased": int((pop.people.status == DECEASED).sum()),
        "moved_out": int((pop.people.status == MOVED_OUT).sum()),
        "households_below_dibao_nominal": int((lived & (pci < dibao)).sum()),
        "households_below_low_income_nominal": int((lived & (pci < low_income_line)).sum()),
        "employers": econ.employers.n,
        "classes": {
            str(k): int(v) for k, v in enumerate(np.bincount(pop.households.klass, minlength=5))
        },
    }
