"""Run a simulation: plan the scenarios of a reform, build them in a sandbox, gather the results.

The headline compares, on the snapshot of the run date D, the parameters in force once every
step of the reform has started (its last effective date) with the seed's parameters on that
date. The budget window costs each month at the parameters in force on its first day (the
population stays the snapshot of D) and sums the months of each calendar year.
"""

from __future__ import annotations

import contextlib
import fcntl
import functools
import json
import subprocess
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import duckdb
import polars as pl

from hedui.paths import project_dir
from hedui.simulation import results as R
from hedui.simulation.reform import (
    DERIVED_LINES,
    ParameterSet,
    Reform,
    SeedRow,
    empty_reform,
    in_force,
    read_seed,
)
from hedui.simulation.twin import Sandbox, build_baseline, build_scenario

OUTREACH_TABLE = "simulation.outreach_candidates"
VIEW = "sim_households"
_THREAD_LOCK = threading.Lock()


@functools.cache
def code_version() -> str:
    """The package version and the git commit of the code (``+dirty`` with local changes), read
    once per process: the code a process runs does not change under it."""
    from importlib.metadata import PackageNotFoundError, version

    try:
        out = version("hedui")
    except PackageNotFoundError:  # pragma: no cover - the package is installed
        out = "unknown"
    git = ["git", "-C", str(project_dir())]
    try:
        sha = subprocess.run(
            [*git, "rev-parse", "--short=12", "HEAD"],
            capture_output=True,
            text=True,
            timeout=10,
            check=True,
        ).stdout.strip()
        dirty = subprocess.run(
            [*git, "status", "--porcelain", "--untracked-files=no"],
            capture_output=True,
            text=True,
            timeout=10,
        ).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return out
    return f"{out}+g{sha}{'.dirty' if dirty else ''}"


def published_version_for(warehouse_dir: Path, run_date: date) -> str:
    """The id of the latest kept published version of ``run_date``; refuses when none."""
    from hedui.publish import list_versions

    kept = [v for v in list_versions(warehouse_dir) if v.run_date == run_date.isoformat()]
    if not kept:
        raise LookupError(
            f"no published version of {run_date} is kept in {warehouse_dir}: a "
            "simulation runs on a published night only"
        )
    return kept[-1].id


def window_months(reform: Reform, run_date: date) -> list[date]:
    """First days of the budget window's months: the reform's window, else the calendar years
    from the first step's year to the last step's year (the run date's year without steps)."""
    steps = reform.step_dates() or [run_date]
    start = reform.window_start or date(steps[0].year, 1, 1)
    years = reform.window_years or (steps[-1].year - start.year + 1)
    out, month = [], start
    for _ in range(max(years, 1) * 12):
        out.append(month)
        month = date(month.year + month.month // 12, month.month % 12 + 1, 1)
    return out


@dataclass
class SimulationResult:
    reform: Reform
    run_date: date
    headline_date: date
    stamp: R.Stamp
    tables: dict[str, pl.DataFrame]
    sandbox: Path
    seconds: dict[str, float] = field(default_factory=dict)
    scenario_models: dict[str, list[str]] = field(default_factory=dict)

    def headline_text(self) -> str:
        """The headline as plain text lines (for the terminal)."""
        s = self.stamp
        lines = [
            f"Reform {self.reform.label} (sha256 {s.reform_hash[:12]}) on the night of "
            f"{self.run_date} (published version {s.published_version}, code {s.code_version}),"
            f" parameters in force on {self.headline_date}",
        ]
        derived = self.reform.derived_lines()
        if derived:
            lines.append("derived lines that move with it: " + ", ".join(derived))
        lines.append(f"{'tier':<22}{'households':>22}{'persons':>22}")
        for r in self.tables["headline"].iter_rows(named=True):
            lines.append(
                f"{r['tier']:<22}"
                f"{r['baseline_households']:>8} -> {r['reform_households']:<6}"
                f"{r['change_households']:>+6}"
                f"{r['baseline_persons']:>8} -> {r['reform_persons']:<6}"
                f"{r['change_persons']:>+6}"
            )
        c = self.tables["cost"].row(0, named=True)
        t = self.tables["take_up"].row(0, named=True)
        lines.append(
            f"cost change: {c['change_monthly']:+,} yuan a month, {c['change_annual']:+,} a year"
            f" (new entrants {c['new_entrants']}: {c['new_entrants_monthly']:+,}; current "
            f"recipients {c['current_recipients']}: {c['current_recipients_change_monthly']:+,})"
        )
        if c["households_without_amount"]:
            lines.append(
                f"not costed (amount null: undecided or expenditure_hardship): "
                f"{c['households_without_amount']} households"
            )
        if t["observed_take_up_rate"] is not None:
            lines.append(
                f"at today's take-up rate {t['observed_take_up_rate']:.1%}: "
                f"{t['change_monthly_observed_take_up']:+,} a month, "
                f"{t['change_annual_observed_take_up']:+,} a year"
            )
        return "\n".join(lines)


def _changed(params: ParameterSet, base: ParameterSet, reform: Reform) -> set[str]:
    values = base.values
    return {p for p, v in params.values.items() if values.get(p) != v} | set(
        reform.changed_parameters()
    )


def prepare(
    sandbox: Path,
    run_date: date,
    validated: Path,
    dq: Path,
    *,
    published_version: str = "",
    threads: int | None = None,
) -> Sandbox:
    """The sandbox of one night with its baseline built; a sandbox already built for the same
    night, validated data and published version (``baseline.json``) is reused."""
    marker = Path(sandbox) / "baseline.json"
    stamp = {
        "run_date": run_date.isoformat(),
        "validated": str(Path(validated).resolve()),
        "dq": str(Path(dq).resolve()),
        "published_version": published_version,
    }
    box = Sandbox(Path(sandbox), run_date)
    box.root.mkdir(parents=True, exist_ok=True)
    with _locked(box):
        if (
            marker.exists()
            and json.loads(marker.read_text("utf-8")) == stamp
            and box.database.exists()
        ):
            return box
        marker.unlink(missing_ok=True)
        box = build_baseline(sandbox, run_date, validated, dq, threads=threads)
        marker.write_text(json.dumps(stamp), "utf-8")
    return box


def simulate(
    reform: Reform,
    box: Sandbox,
    *,
    published_version: str,
    seed: list[SeedRow] | None = None,
) -> SimulationResult:
    """Build the reform's scenarios beside the sandbox's baseline and compute every result
    table. Scenarios are named by their parameter set, so a later reform reuses them; the
    reform's own headline scenario is always rebuilt (``r<hash>_``), even when its values equal
    the baseline's."""
    started = time.monotonic()
    run_date = box.run_date
    seed = seed if seed is not None else read_seed()
    stamp = R.Stamp(reform.digest, published_version, code_version())
    base = in_force(seed, empty_reform(), run_date, run_date)
    headline_date = max(reform.step_dates(), default=run_date)
    with _locked(box):
        con = box.connect(read_only=False)
        try:
            built = {
                r[0]
                for r in con.sql(
                    "select distinct table_schema from information_schema.tables "
                    "where table_name = 'int_household_results'"
                ).fetchall()
            }
        finally:
            con.close()
        models: dict[str, list[str]] = {}

        aliases: dict[str, str] = {}

        def scenario(params: ParameterSet) -> str:
            if params.key == base.key:
                return ""
            if params.key in aliases:
                return aliases[params.key]
            prefix = f"p{params.key[:12]}_"
            if f"{prefix}intermediate" not in built:
                models[prefix] = build_scenario(
                    box, prefix, params, _changed(params, base, Reform("", "", ()))
                )
                built.add(f"{prefix}intermediate")
            return prefix

        reform_prefix = f"r{reform.digest[:12]}_"
        reform_params = in_force(seed, reform, headline_date, run_date)
        models[reform_prefix] = build_scenario(
            box, reform_prefix, reform_params, _changed(reform_params, base, reform)
        )
        aliases[reform_params.key] = reform_prefix
        base_prefix = scenario(in_force(seed, empty_reform(), headline_date, run_date))
        con = box.connect(read_only=False)
        try:
            tables = _tables(
                con, reform, box, stamp, run_date, headline_date, base_prefix, reform_prefix
            )
            tables["budget_window"] = _budget_window(
                con, reform, seed, run_date, scenario, tables["take_up"]
            )
            tables = {name: stamp.apply(t) for name, t in tables.items()}
            _write_outreach(con, tables["outreach"])
        finally:
            con.close()
    seconds = {k: v for k, v in box.seconds.items() if not k.startswith("scenario")}
    seconds["simulate"] = time.monotonic() - started
    return SimulationResult(
        reform, run_date, headline_date, stamp, tables, box.root, seconds, models
    )


def simulate_night(
    reform: Reform,
    run_date: date,
    validated: Path,
    dq: Path,
    sandbox: Path,
    *,
    published_version: str,
    threads: int | None = None,
) -> SimulationResult:
    """Prepare (or reuse) the night's sandbox, then simulate the reform on it."""
    box = prepare(
        sandbox, run_date, validated, dq, published_version=published_version, threads=threads
    )
    return simulate(reform, box, published_version=published_version)


@contextlib.contextmanager
def _locked(box: Sandbox) -> Iterator[None]:
    """One simulation writes a sandbox at a time (DuckDB: one writer per file)."""
    with _THREAD_LOCK, open(box.root / ".lock", "w") as fh:
        fcntl.flock(fh, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)


def _tables(
    con: duckdb.DuckDBPyConnection,
    reform: Reform,
    box: Sandbox,
    stamp: R.Stamp,
    run_date: date,
    headline_date: date,
    base_prefix: str,
    reform_prefix: str,
) -> dict[str, pl.DataFrame]:
    con.execute(
        f"create or replace temp view {VIEW} as " + R.households_sql(reform_prefix, base_prefix)
    )
    cost = R.cost(con, VIEW)
    meta = pl.DataFrame(
        {
            "item": [
                "reform",
                "reform version",
                "reform sha256",
                "published version",
                "code version",
                "run date (snapshot)",
                "parameters in force on",
                "parameters changed",
                "derived lines that follow",
                "sandbox",
            ],
            "value": [
                reform.name,
                reform.version,
                stamp.reform_hash,
                stamp.published_version,
                stamp.code_version,
                run_date.isoformat(),
                headline_date.isoformat(),
                ", ".join(reform.changed_parameters()) or "(none)",
                ", ".join(reform.derived_lines()) or "(none)",
                str(box.database),
            ],
        }
    )
    return {
        "meta": meta,
        "parameters": _parameters(con, reform, base_prefix, reform_prefix),
        "headline": R.tier_counts(con, VIEW),
        "cost": cost,
        "cost_by_district": R.cost_by_district(con, VIEW),
        "transitions": R.transitions(con, VIEW),
        "movers_by_decile": R.movers_by_decile(con, VIEW),
        "movers_by_type": R.movers_by_type(con, VIEW),
        "persons_below_line": R.persons_below(con, VIEW, reform_prefix),
        "take_up": R.take_up(con, VIEW, cost.row(0, named=True)),
        "calibration": R.calibration(con, VIEW),
        "households": R.household_table(con, VIEW),
        "outreach": R.outreach(con, VIEW),
    }


def _parameters(
    con: duckdb.DuckDBPyConnection, reform: Reform, base_prefix: str, reform_prefix: str
) -> pl.DataFrame:
    def values(prefix: str) -> dict:
        return (
            con.sql(f'select * from "{prefix}intermediate".int_policy_parameters')
            .pl()
            .row(0, named=True)
        )

    b, r = values(base_prefix), values(reform_prefix)
    names = [c for c in b if c not in ("run_date", "run_month_index", "last_year_start")]
    changed = set(reform.changed_parameters())
    rows = []
    for name in names:
        bases = DERIVED_LINES.get(name)
        rows.append(
            {
                "parameter": name,
                "baseline": str(b[name]),
                "reform": str(r[name]),
                "changed": b[name] != r[name],
                "in_reform": name in changed,
                "derived_from": ", ".join(bases) if bases else "",
            }
        )
    return pl.DataFrame(rows)


def _budget_window(
    con: duckdb.DuckDBPyConnection,
    reform: Reform,
    seed: list[SeedRow],
    run_date: date,
    scenario: object,
    take_up: pl.DataFrame,
) -> pl.DataFrame:
    rate = take_up["observed_take_up_rate"][0]
    per_pair: dict[tuple[str, str], dict] = {}
    months = []
    for month in window_months(reform, run_date):
        b = scenario(in_force(seed, empty_reform(), month, run_date))  # type: ignore[operator]
        r = scenario(in_force(seed, reform, month, run_date))  # type: ignore[operator]
        if (b, r) not in per_pair:
            con.execute("create or replace temp view sim_window as " + R.households_sql(r, b))
            per_pair[(b, r)] = R.cost(con, "sim_window").row(0, named=True)
        c = per_pair[(b, r)]
        observed = (
            None
            if rate is None
            else c["current_recipients_change_monthly"] + c["new_entrants_monthly"] * rate
        )
        months.append(
            {
                "year": month.year,
                "month": month.isoformat(),
                "baseline": c["baseline_monthly"],
                "reform": c["reform_monthly"],
                "change": c["change_monthly"],
                "observed": observed,
            }
        )
    frame = pl.DataFrame(months)
    frame = (
        frame.group_by("year", maintain_order=True)
        .agg(
            pl.len().alias("months"),
            pl.col("baseline").sum().alias("baseline_cost"),
            pl.col("reform").sum().alias("reform_cost"),
            pl.col("change").sum().alias("change_full_take_up"),
            pl.col("observed").sum().round(0).cast(pl.Int64).alias("change_observed_take_up"),
        )
        .sort("year")
    )
    if rate is None:  # no baseline recipient: no observed rate, never read as zero
        frame = frame.with_columns(pl.lit(None, pl.Int64).alias("change_observed_take_up"))
    return frame


def _write_outreach(con: duckdb.DuckDBPyConnection, outreach: pl.DataFrame) -> None:
    """The reform's new eligible households nobody assists, for the outreach view."""
    con.execute("create schema if not exists simulation")
    con.register("outreach_frame", outreach.to_arrow())
    con.execute(f"create or replace table {OUTREACH_TABLE} as select * from outreach_frame")
    con.unregister("outreach_frame")
