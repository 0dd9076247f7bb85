"""Progress bars for long CLI work (rich), as a small callback the library functions accept."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager

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
