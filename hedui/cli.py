"""The ``hedui`` command line: generate a city, land and validate deliveries, run, benchmark."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from hedui.cli_web import register as register_web_commands
from hedui.pipeline import RunContext
from hedui.progress import progress_bar

app = typer.Typer(
    help="Hedui (核对): household economic verification and low-income monitoring pipeline.",
    no_args_is_help=True,
    add_completion=False,
)
console = Console()

DateOpt = Annotated[
    str, typer.Option("--date", help="Delivery / run date, YYYY-MM-DD (the only clock).")
]


def _parse_date(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError as exc:
        raise typer.BadParameter(f"not a date (YYYY-MM-DD): {text!r}") from exc


@app.command("sources")
def sources_cmd() -> None:
    """List the 22 sources of the registry with their delivery format."""
    from hedui.registry import load_registry

    table = Table("source", "名称", "category", "kind", "format", "encoding", "headers", "key")
    for s in load_registry().values():
        table.add_row(
            s.name, s.zh, s.category, s.kind, s.format, s.encoding or "", s.headers,
            ", ".join(s.primary_key),
        )
    console.print(table)


@app.command("generate")
def generate_cmd(
    out: Annotated[Path, typer.Option("--out", help="Inbox folder to write deliveries into.")],
    persons: Annotated[int, typer.Option("--persons", min=100, help="Population size.")] = 20000,
    seed: Annotated[int, typer.Option("--seed", help="Random seed (same seed, same files).")] = 7,
    run_date: DateOpt = "2026-11-27",
    days: Annotated[
        int, typer.Option("--days", min=1, help="Consecutive delivery dates (multi-day city).")
    ] = 1,
    multi_day: Annotated[
        bool, typer.Option("--multi-day", help="Shorthand for --days 4 (monitoring scenarios).")
    ] = False,
) -> None:
    """Generate a synthetic city's 22 source deliveries and their ground truth."""
    from hedui.generator.city import generate_city

    day0 = _parse_date(run_date)
    n_days = max(days, 4) if multi_day else days
    with progress_bar("generate") as cb:
        result = generate_city(persons=persons, seed=seed, run_date=day0, out=out, days=n_days,
                               progress=cb)
    console.print(f"[green]wrote {result.total_rows:,} rows for {n_days} day(s) into {out}")
    console.print(f"ground truth: {result.ground_truth_path}")


@app.command("land")
def land_cmd(
    inbox: Annotated[Path, typer.Option("--inbox", help="Inbox following the contract.")],
    landing: Annotated[Path, typer.Option("--landing", help="Landing zone root.")],
    run_date: DateOpt = "2026-11-27",
    config: Annotated[
        Path | None, typer.Option("--config", help="Connector config YAML (default: files).")
    ] = None,
    source: Annotated[
        list[str] | None, typer.Option("--source", help="Only these sources (repeatable).")
    ] = None,
) -> None:
    """Extract every source's delivery for a date into the landing zone as typed Parquet."""
    from hedui.landing import land_all

    day = _parse_date(run_date)
    results = land_all(day, inbox, landing, config=config, sources=source)
    table = Table("source", "status", "rows", "error")
    for r in results:
        colour = {"landed": "green", "not_delivered": "yellow"}.get(r.status, "red")
        table.add_row(r.source, f"[{colour}]{r.status}", f"{r.rows or 0:,}", r.error or "")
    console.print(table)
    if any(r.status == "failed" for r in results):
        raise typer.Exit(code=1)


@app.command("validate")
def validate_cmd(
    workspace: Annotated[Path, typer.Option("--workspace", help="Workspace root (landing/ ...).")],
    run_date: DateOpt = "2026-11-27",
    source: Annotated[
        list[str] | None, typer.Option("--source", help="Only these sources (repeatable).")
    ] = None,
    docs: Annotated[bool, typer.Option("--docs/--no-docs", help="Render Data Docs.")] = True,
) -> None:
    """Validate landed deliveries: quarantine, source statuses, dq records, Data Docs."""
    from hedui.validation import validate_run

    ctx = RunContext.create(_parse_date(run_date), workspace)
    run = validate_run(ctx.day, ctx.landing, ctx.validated, ctx.dq, sources=source,
                       render_docs=docs)
    table = Table("source", "status", "landed", "loaded", "quarantined", "checks failed", "message")
    for s in run.sources.values():
        colour = {"passed": "green", "late": "yellow"}.get(s.status, "red")
        table.add_row(s.source, f"[{colour}]{s.status}", f"{s.rows_landed:,}",
                      f"{s.rows_loaded:,}", f"{s.rows_quarantined:,}",
                      f"{s.checks_failed}/{s.checks_evaluated}", s.message)
    console.print(table)
    if run.docs_index:
        console.print(f"Data Docs: {run.docs_index}")


@app.command("suites")
def suites_cmd() -> None:
    """Regenerate expectations/*.json (the GX suites) from the source registry."""
    from hedui.validation import write_suites

    written = write_suites()
    console.print(f"wrote {len(written)} suites")


def _run_dag(ctx: RunContext) -> dict:
    from hedui.runner import run_nightly

    state = run_nightly(ctx)
    summary_path = ctx.root / "reports" / ctx.run_date / "summary.json"
    if state != "success" or not summary_path.exists():
        console.print(f"[red]run {ctx.run_date} ended {state}; logs: "
                      f"{ctx.root / 'logs' / f'run-{ctx.run_date}.log'}")
        raise typer.Exit(code=1)
    return json.loads(summary_path.read_text("utf-8"))


def _print_summary(summary: dict) -> None:
    table = Table("source", "status", "landed", "loaded", "quarantined",
                  title=f"sources {summary['run_date']}")
    for s in summary["sources"]:
        colour = {"passed": "green", "late": "yellow"}.get(s["status"], "red")
        table.add_row(s["source"], f"[{colour}]{s['status']}", f"{s['landed']:,}",
                      f"{s['loaded']:,}", f"{s['quarantined']:,}")
    console.print(table)
    tiers = Table("tier", "households", "monthly amount", "incomplete", title="tiers")
    for tier, t in summary["tiers"].items():
        tiers.add_row(tier, f"{t['households']:,}", f"{t['monthly_amount']:,.0f}",
                      f"{t['incomplete']:,}")
    console.print(tiers)
    for key in ("warnings", "reviews"):
        if summary.get(key):
            block = Table(key[:-1], "count", title=key)
            for name, n in summary[key].items():
                block.add_row(name, f"{n:,}")
            console.print(block)
    o = summary["outreach"]
    console.print(f"outreach candidates: {o['households']:,} households, "
                  f"{o['monthly_amount']:,.0f} yuan/month estimated")
    console.print(f"verification reports: {summary['verification_reports']:,}")
    console.print(f"published warehouse: {summary['published']}")
    if summary.get("data_docs"):
        console.print(f"Data Docs: {summary['data_docs']}")


@app.command("run")
def run_cmd(
    inbox: Annotated[Path, typer.Option("--inbox", help="Inbox following the contract.")],
    warehouse: Annotated[Path, typer.Option("--warehouse", help="Published warehouse folder.")],
    run_date: DateOpt = "2026-11-27",
    workspace: Annotated[
        Path | None, typer.Option("--workspace", help="Zones and logs (default: beside it).")
    ] = None,
    until: Annotated[
        str | None, typer.Option("--until", help="Run every date up to this one (backfill).")
    ] = None,
) -> None:
    """Run the nightly DAG (via dag.test()) for a date, or a date range with --until."""
    from datetime import timedelta

    first = _parse_date(run_date)
    last = _parse_date(until) if until else first
    ws = workspace or warehouse.parent / "workspace"
    day = first
    while day <= last:
        ctx = RunContext.create(day, ws, inbox, warehouse)
        console.print(f"[bold]run {ctx.run_date}[/] (inbox {ctx.inbox})")
        _print_summary(_run_dag(ctx))
        day += timedelta(days=1)


@app.command("demo")
def demo_cmd(
    persons: Annotated[int, typer.Option("--persons", min=100)] = 20000,
    seed: Annotated[int, typer.Option("--seed")] = 7,
    run_date: DateOpt = "2026-11-27",
    directory: Annotated[Path, typer.Option("--dir", help="Where the demo lives.")] = Path("demo"),
) -> None:
    """Generate a small city and run the whole nightly DAG on it, then print the summary."""
    import os

    from hedui.generator.city import generate_city

    os.environ.setdefault("HEDUI_PSEUDONYM_KEY", "demo-only-key-not-a-secret")
    day = _parse_date(run_date)
    inbox = directory / "inbox"
    with progress_bar("generate") as cb:
        generate_city(persons=persons, seed=seed, run_date=day, out=inbox, progress=cb)
    ctx = RunContext.create(day, directory / "workspace", inbox, directory / "warehouse")
    console.print(f"[bold]running the nightly DAG for {ctx.run_date}[/] …")
    _print_summary(_run_dag(ctx))


@app.command("versions")
def versions_cmd(
    warehouse: Annotated[Path, typer.Option("--warehouse", help="Published warehouse folder.")],
) -> None:
    """List the kept published versions."""
    from hedui.publish import file_sha256, list_versions, published_path

    current = file_sha256(published_path(warehouse))
    table = Table("version", "run date", "published")
    for v in list_versions(warehouse):
        table.add_row(v.id, v.run_date, "*" if v.sha256 == current else "")
    console.print(table)


@app.command("rollback")
def rollback_cmd(
    warehouse: Annotated[Path, typer.Option("--warehouse", help="Published warehouse folder.")],
    version: Annotated[
        str | None, typer.Option("--version", help="Version id (default: the previous one).")
    ] = None,
) -> None:
    """Publish a kept earlier version again (atomic swap)."""
    from hedui.publish import rollback

    chosen = rollback(warehouse, version)
    console.print(f"[green]published version {chosen.id} (run date {chosen.run_date})")


@app.command("bench")
def bench_cmd(
    persons: Annotated[int, typer.Option("--persons", help="City size.")] = 1_000_000,
    repeat: Annotated[int, typer.Option("--repeat", min=1, help="Runs per stage.")] = 3,
    workdir: Annotated[Path, typer.Option("--workdir", help="Scratch folder.")] = Path("bench-out"),
    run_date: DateOpt = "2026-11-27",
) -> None:
    """Median time and peak memory of each stage, with ratios to same-run baselines."""
    from hedui.bench import STAGES, ratios, run_bench

    results = run_bench(persons, repeat, workdir, run_date)
    table = Table("stage", "median s", "runs (s)", "peak RSS MB", "rows")
    for m in results:
        runs = ", ".join(f"{s:.1f}" for s in m.seconds)
        rows = m.extra.get("rows")
        shown = f"{rows:,}" if rows is not None else ""
        table.add_row(m.stage, f"{m.median_s:.2f}", runs, f"{m.peak_mb:,.0f}", shown)
    console.print(f"[bold]hedui bench[/]: {persons:,} persons, {repeat} run(s) per stage")
    console.print(table)
    for stage, ratio in ratios(results).items():
        console.print(f"{stage}: {ratio:.2f}x its baseline ({STAGES[stage][1]})")


register_web_commands(app)

if __name__ == "__main__":  # pragma: no cover
    app()
