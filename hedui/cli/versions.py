"""Commands on the published versions: list, release a held night, roll back."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from hedui.cli.common import console, parse_date
from hedui.run_context import RunContext


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


def publish_cmd(
    approve: Annotated[str, typer.Option("--approve", help="Run date D of the held night.")],
    warehouse: Annotated[Path, typer.Option("--warehouse", help="Published warehouse folder.")],
    workspace: Annotated[
        Path | None, typer.Option("--workspace", help="Zones and logs (default: beside it).")
    ] = None,
    by: Annotated[str, typer.Option("--by", help="Who approves (kept with the report).")] = "cli",
) -> None:
    """Release a night the publish gate held: record the approval, publish its staged build."""
    from hedui import pipeline
    from hedui import publish_gate as gate

    day = parse_date(approve)
    ctx = RunContext.create(day, workspace or warehouse.parent / "workspace", None, warehouse)
    reports = ctx.root / "reports" / ctx.run_date
    pending = gate.held(reports)
    if pending is None:
        console.print(f"[red]no held publish for {ctx.run_date} in {reports}")
        raise typer.Exit(code=1)
    gate.approve(reports, by)
    published = pipeline.publish_step(ctx, pending, approve=True)
    pipeline.report_step(ctx, published)
    console.print(
        f"[green]published {ctx.run_date} as version {published['version']} (approved by {by})"
    )


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


def register(app: typer.Typer) -> None:
    """Add the commands of this group to the main ``hedui`` app."""
    app.command("versions")(versions_cmd)
    app.command("publish")(publish_cmd)
    app.command("rollback")(rollback_cmd)
