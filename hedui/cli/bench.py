"""The ``bench`` command: time and memory of each stage against same-run baselines."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from hedui.cli.common import DateOpt, console


def bench_cmd(
    persons: Annotated[int, typer.Option("--persons", help="City size.")] = 1_000_000,
    repeat: Annotated[int, typer.Option("--repeat", min=1, help="Runs per stage.")] = 3,
    workdir: Annotated[Path, typer.Option("--workdir", help="Scratch folder.")] = Path("bench-out"),
    run_date: DateOpt = "2026-11-27",
    stages: Annotated[
        str | None,
        typer.Option(
            "--stages",
            help="Comma-separated stages to run (default all); "
            "'quick' = generate,night,floor, skipping the slow per-stage baselines.",
        ),
    ] = None,
    engine: Annotated[
        str, typer.Option("--engine", help="duckdb, or spark: also the build stage on local Spark.")
    ] = "duckdb",
) -> None:
    """Median time and peak memory of each stage, with ratios to same-run baselines."""
    from hedui.bench import QUICK_STAGES, SPARK_STAGES, STAGES, ratios, run_bench

    chosen = list(SPARK_STAGES) if engine == "spark" else None
    if stages:
        chosen = list(QUICK_STAGES) if stages == "quick" else stages.split(",")
    results = run_bench(persons, repeat, workdir, run_date, chosen)
    table = Table("stage", "median s", "runs (s)", "peak RSS MB", "rows")
    for m in results:
        runs = ", ".join(f"{s:.1f}" for s in m.seconds)
        rows = m.extra.get("rows")
        shown = f"{rows:,}" if rows is not None else ""
        if "warehouse_mb" in m.extra:
            shown = f"warehouse {m.extra['warehouse_mb']:,} MB"
        table.add_row(m.stage, f"{m.median_s:.2f}", runs, f"{m.peak_mb:,.0f}", shown)
    console.print(f"[bold]hedui bench[/]: {persons:,} persons, {repeat} run(s) per stage")
    console.print(table)
    for stage, ratio in ratios(results).items():
        console.print(f"{stage}: {ratio:.2f}x its baseline ({STAGES[stage][1]})")
    for m in results:
        if "night_bytes" in m.extra:
            night, year = m.extra["night_bytes"], m.extra["night_bytes"] * 365 * 14e6 / persons
            console.print(
                f"warehouse bytes added per night: {night / 1e6:,.1f} MB (published file "
                f"{m.extra['published_bytes'] / 1e6:,.1f} MB); one year at 14M persons, linearly: "
                f"{year / 1e9:,.1f} GB"
            )


def register(app: typer.Typer) -> None:
    """Add the commands of this group to the main ``hedui`` app."""
    app.command("bench")(bench_cmd)
