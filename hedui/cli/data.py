"""Commands on the deliveries: the registry's sources, a synthetic city, landing, validation
and the files generated from the registry."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from hedui.cli.common import DateOpt, console, parse_date
from hedui.progress import progress_bar
from hedui.run_context import RunContext


def sources_cmd() -> None:
    """List the 22 sources of the registry with their delivery format."""
    from hedui.registry import load_registry

    table = Table("source", "名称", "category", "kind", "format", "encoding", "headers", "key")
    for s in load_registry().values():
        table.add_row(
            s.name,
            s.zh,
            s.category,
            s.kind,
            s.format,
            s.encoding or "",
            s.headers,
            ", ".join(s.primary_key),
        )
    console.print(table)


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
    chunk_persons: Annotated[
        int | None,
        typer.Option(
            "--chunk-persons",
            min=1,
            help="Persons held in memory at once "
            "(whole 250,000-person blocks; the files are the same whatever it is).",
        ),
    ] = None,
) -> None:
    """Generate a synthetic city's 22 source deliveries and their ground truth."""
    from hedui.generator.city import generate_city

    day0 = parse_date(run_date)
    n_days = max(days, 4) if multi_day else days
    with progress_bar("generate") as cb:
        result = generate_city(
            persons=persons,
            seed=seed,
            run_date=day0,
            out=out,
            days=n_days,
            progress=cb,
            chunk_persons=chunk_persons,
        )
    console.print(f"[green]wrote {result.total_rows:,} rows for {n_days} day(s) into {out}")
    console.print(f"ground truth: {result.ground_truth_path}")


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

    day = parse_date(run_date)
    results = land_all(day, inbox, landing, config=config, sources=source)
    table = Table("source", "status", "rows", "error")
    for r in results:
        colour = {"landed": "green", "not_delivered": "yellow"}.get(r.status, "red")
        table.add_row(r.source, f"[{colour}]{r.status}", f"{r.rows or 0:,}", r.error or "")
    console.print(table)
    if any(r.status == "failed" for r in results):
        raise typer.Exit(code=1)


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

    ctx = RunContext.create(parse_date(run_date), workspace)
    run = validate_run(
        ctx.day, ctx.landing, ctx.validated, ctx.dq, sources=source, render_docs=docs
    )
    table = Table("source", "status", "landed", "loaded", "quarantined", "checks failed", "message")
    for s in run.sources.values():
        colour = {"passed": "green", "late": "yellow"}.get(s.status, "red")
        table.add_row(
            s.source,
            f"[{colour}]{s.status}",
            f"{s.rows_landed:,}",
            f"{s.rows_loaded:,}",
            f"{s.rows_quarantined:,}",
            f"{s.checks_failed}/{s.checks_evaluated}",
            s.message,
        )
    console.print(table)
    if run.docs_index:
        console.print(f"Data Docs: {run.docs_index}")


def generate_code_cmd(
    check: Annotated[bool, typer.Option(help="only list stale files; exit 1 if any")] = False,
) -> None:
    """Rewrite every file generated from the source registry: the GX suites (expectations/),
    the dbt sources and the staging models."""
    from hedui.codegen import stale_generated_files, write_generated_files

    if check:
        stale = stale_generated_files()
        for path in stale:
            console.print(f"stale: {path}")
        raise typer.Exit(1 if stale else 0)
    written = write_generated_files()
    for path in written:
        console.print(f"wrote {path}")
    console.print(f"{len(written)} generated files changed")


def register(app: typer.Typer) -> None:
    """Add the commands of this group to the main ``hedui`` app."""
    app.command("sources")(sources_cmd)
    app.command("generate")(generate_cmd)
    app.command("land")(land_cmd)
    app.command("validate")(validate_cmd)
    app.command("generate-code")(generate_code_cmd)
