"""``hedui exchange``: keys, and the nightly send / receive steps of the 京津冀 exchange."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

exchange_app = typer.Typer(
    help="京津冀 cross-region verification queries (keys, send, receive, status).",
    no_args_is_help=True,
)
DateOpt = Annotated[str, typer.Option("--date", help="Run date YYYY-MM-DD.")]
WorkspaceOpt = Annotated[
    Path | None, typer.Option("--workspace", help="Workspace (default: $HEDUI_HOME).")
]
InboxOpt = Annotated[Path | None, typer.Option("--inbox", help="Inbox (default: $HEDUI_INBOX).")]
ConfigOpt = Annotated[
    Path | None, typer.Option("--config", help="Exchange config (default: $HEDUI_EXCHANGE_CONFIG).")
]


def register(app: typer.Typer) -> None:
    app.add_typer(exchange_app, name="exchange")


def _ctx(date: str, workspace: Path | None, inbox: Path | None = None):  # type: ignore[no-untyped-def]
    from hedui.run_context import RunContext

    return RunContext.create(date, workspace, inbox)


@exchange_app.command("keygen")
def keygen(
    out: Annotated[
        Path, typer.Option("--out", help="Write the private key here (0600); stdout: public key.")
    ],
) -> None:
    """A new Ed25519 key pair: the private key to a file, the public key (for partners) printed."""
    import os

    from hedui.exchange.signing import generate

    private, public = generate()
    fd = os.open(out, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w", encoding="ascii") as fh:
        fh.write(private + "\n")
    typer.echo(public)


@exchange_app.command("send")
def send_cmd(date: DateOpt, workspace: WorkspaceOpt = None, config: ConfigOpt = None) -> None:
    """Queue the night's queries and send the due ones (after validation)."""
    from hedui.exchange.night import send_step

    typer.echo(json.dumps(send_step(_ctx(date, workspace), config), ensure_ascii=False))


@exchange_app.command("receive")
def receive_cmd(
    date: DateOpt, workspace: WorkspaceOpt = None, inbox: InboxOpt = None, config: ConfigOpt = None
) -> None:
    """Fetch partners' answers as the night's delivery of cross_region_answer (before landing)."""
    from hedui.exchange.night import receive_step

    out = receive_step(_ctx(date, workspace, inbox), config)
    typer.echo(json.dumps(out, ensure_ascii=False, default=str))


@exchange_app.command("status")
def status_cmd(date: DateOpt, workspace: WorkspaceOpt = None) -> None:
    """Queries per region and state as of the date (no personal data)."""
    from hedui.exchange.night import status

    typer.echo(json.dumps(status(_ctx(date, workspace)), ensure_ascii=False))
