"""``hedui simulate``: run a reform on a published night, print the headline, write the files."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Annotated

import typer


def simulate_cmd(
    reform: Annotated[
        Path, typer.Option("--reform", help="Reform file (YAML).", exists=True, dir_okay=False)
    ],
    run_date: Annotated[str, typer.Option("--date", help="The published night, YYYY-MM-DD.")],
    workspace: Annotated[
        Path | None,
        typer.Option(
            "--workspace", help="The nightly workspace (validated/, dq/); default HEDUI_HOME."
        ),
    ] = None,
    warehouse: Annotated[
        Path | None,
        typer.Option(
            "--warehouse", help="The published warehouse folder; default <workspace>/warehouse."
        ),
    ] = None,
    out: Annotated[
        Path | None,
        typer.Option(
            "--out", help="Folder for the XLSX and PDF; default <workspace>/simulations/<date>."
        ),
    ] = None,
) -> None:
    """Simulate a reform on a published night: headline, XLSX workbook and PDF summary."""
    from hedui.pipeline import RunContext
    from hedui.simulation.export import write_files
    from hedui.simulation.reform import ReformError, load_reform
    from hedui.simulation.run import published_version_for, simulate_night

    try:
        day = date.fromisoformat(run_date)
    except ValueError as exc:
        raise typer.BadParameter(f"not a date (YYYY-MM-DD): {run_date!r}") from exc
    ctx = RunContext.create(day, workspace, warehouse=warehouse)
    try:
        parsed = load_reform(reform, day)
        published = published_version_for(Path(ctx.warehouse), day)
    except (ReformError, LookupError) as exc:
        typer.echo(f"refused: {exc}", err=True)
        raise typer.Exit(2) from None
    folder = ctx.root / "simulations" / day.isoformat()
    result = simulate_night(
        parsed, day, ctx.validated, ctx.dq, folder / "sandbox", published_version=published
    )
    typer.echo(result.headline_text())
    xlsx, pdf = write_files(result, out or folder)
    typer.echo(f"workbook: {xlsx}\nsummary:  {pdf}")


def register(app: typer.Typer) -> None:
    """Add ``simulate`` to the main ``hedui`` app."""
    app.command("simulate")(simulate_cmd)
