"""What the command groups share: the console, the --date option and its parser."""

from __future__ import annotations

from datetime import date
from typing import Annotated

import typer
from rich.console import Console

console = Console()

DateOpt = Annotated[
    str, typer.Option("--date", help="Delivery / run date, YYYY-MM-DD (the only clock).")
]


def parse_date(text: str) -> date:
    """A YYYY-MM-DD option value as a date (a usage error otherwise)."""
    try:
        return date.fromisoformat(text)
    except ValueError as exc:
        raise typer.BadParameter(f"not a date (YYYY-MM-DD): {text!r}") from exc
