"""Progress for long work: rich bars for the CLI (a small callback the library functions accept)
and the nightly run's stage log (``hedui.progress``)."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TextIO

from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

ProgressCallback = Callable[[str, int, int], None]


@contextmanager
def progress_bar(description: str) -> Iterator[ProgressCallback]:
    """Yield a ``(stage, done, total)`` callback that drives one rich progress bar."""
    with Progress(
        TextColumn("[bold]{task.description}"),
        BarColumn(),
        TextColumn("{task.completed}/{task.total}"),
        TextColumn("{task.fields[stage]}"),
        TimeElapsedColumn(),
        transient=False,
    ) as bar:
        task = bar.add_task(description, total=None, stage="")

        def update(stage: str, done: int, total: int) -> None:
            bar.update(task, completed=done, total=total, stage=stage)

        yield update


#: Stage progress of the nightly run (task logs; ``hedui run`` also echoes it to the terminal).
STAGE_LOG = logging.getLogger("hedui.progress")
STAGE_LOG.setLevel(logging.INFO)


def report(message: str, *args: object) -> None:
    """One progress line of the night (a stage done, rows landed, a dbt model n/N)."""
    STAGE_LOG.info(message, *args)


class _Elapsed(logging.Formatter):
    def __init__(self) -> None:
        super().__init__()
        self.started = time.monotonic()

    def format(self, record: logging.LogRecord) -> str:
        elapsed = int(time.monotonic() - self.started)
        return f"[{elapsed // 60:3d}:{elapsed % 60:02d}] {record.getMessage()}"


@contextmanager
def echo_stages(stream: TextIO) -> Iterator[None]:
    """Echo the night's progress lines to ``stream`` with the elapsed time since the start."""
    handler = logging.StreamHandler(stream)
    handler.setFormatter(_Elapsed())
    STAGE_LOG.addHandler(handler)
    try:
        yield
    finally:
        STAGE_LOG.removeHandler(handler)
