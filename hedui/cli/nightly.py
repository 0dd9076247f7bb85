"""Commands that run the nightly DAG: one night or a range (``run``), or a whole demo."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from hedui.cli.common import DateOpt, console, parse_date
from hedui.progress import progress_bar
from hedui.run_context import RunContext


def _run_dag(ctx: RunContext) -> dict:
    from hedui.runner import run_nightly

    state = run_nightly(ctx)
    summary_path = ctx.root / "reports" / ctx.run_date / "summary.json"
    if state == "held":
        console.print(
            f"[yellow]run {ctx.run_date} held by the publish gate: nothing published; "
            f"report {ctx.root / 'reports' / ctx.run_date / 'publish_gate.txt'}; "
            f"release with: hedui publish --approve {ctx.run_date}"
        )
        raise typer.Exit(code=3)
    if state != "success" or not summary_path.exists():
        console.print(
            f"[red]run {ctx.run_date} ended {state} (the failed tasks and their errors are above)"
        )
        raise typer.Exit(code=1)
    return json.loads(summary_path.read_text("utf-8"))


def _print_summary(summary: dict) -> None:
    table = Table(
        "source",
        "status",
        "landed",
        "loaded",
        "quarantined",
        title=f"sources {summary['run_date']}",
    )
    for s in summary["sources"]:
        colour = {"passed": "green", "late": "yellow"}.get(s["status"], "red")
        table.add_row(
            s["source"],
            f"[{colour}]{s['status']}",
            f"{s['landed']:,}",
            f"{s['loaded']:,}",
            f"{s['quarantined']:,}",
        )
    console.print(table)
    tiers = Table("tier", "households", "monthly amount", "incomplete", title="tiers")
    for tier, t in summary["tiers"].items():
        tiers.add_row(
            tier, f"{t['households']:,}", f"{t['monthly_amount']:,.0f}", f"{t['incomplete']:,}"
        )
    console.print(tiers)
    for key in ("warnings", "reviews"):
        if summary.get(key):
            block = Table(key[:-1], "count", title=key)
            for name, n in summary[key].items():
                block.add_row(name, f"{n:,}")
            console.print(block)
    o = summary["outreach"]
    console.print(
        f"outreach candidates: {o['households']:,} households, "
        f"{o['monthly_amount']:,.0f} yuan/month estimated"
    )
    console.print(f"verification reports: {summary['verification_reports']:,}")
    console.print(f"published warehouse: {summary['published']}")
    if summary.get("data_docs"):
        console.print(f"Data Docs: {summary['data_docs']}")


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

    first = parse_date(run_date)
    last = parse_date(until) if until else first
    ws = workspace or warehouse.parent / "workspace"
    day = first
    while day <= last:
        ctx = RunContext.create(day, ws, inbox, warehouse)
        console.print(f"[bold]run {ctx.run_date}[/] (inbox {ctx.inbox})")
        _print_summary(_run_dag(ctx))
        day += timedelta(days=1)


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
    day = parse_date(run_date)
    inbox = directory / "inbox"
    with progress_bar("generate") as cb:
        generate_city(persons=persons, seed=seed, run_date=day, out=inbox, progress=cb)
    ctx = RunContext.create(day, directory / "workspace", inbox, directory / "warehouse")
    console.print(f"[bold]running the nightly DAG for {ctx.run_date}[/] …")
    _print_summary(_run_dag(ctx))


def register(app: typer.Typer) -> None:
    """Add the commands of this group to the main ``hedui`` app."""
    app.command("run")(run_cmd)
    app.command("demo")(demo_cmd)
