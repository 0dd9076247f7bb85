"""File deliveries: ``<inbox>/<source>/<date>/`` complete when ``_SUCCESS`` is there."""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from datetime import date
from pathlib import Path
from typing import ClassVar

import polars as pl

from connectors import formats
from connectors.base import Batch, Connector, InputDigest, UnreadableInputError
from connectors.blocks import BLOCK_BYTES, BlockReader, file_digest
from connectors.text import make_batch
from hedui.delivery import SUCCESS_MARKER, delivery_dir, delivery_files, is_complete
from hedui.registry import Source

#: Rows per batch of a delivered Parquet file.
PARQUET_ROWS = 500_000


@dataclass
class FileConnector(Connector):
    """Reads every file of the contract's format in the delivery folder, in batches of
    bounded size (``block_bytes`` of text, ``parquet_rows`` rows), so a file of any size is
    never held whole in memory.

    ``encoding`` overrides the contract's CSV encoding (rarely needed).
    """

    inbox: Path
    encoding: str | None = None
    block_bytes: int = BLOCK_BYTES
    parquet_rows: int = PARQUET_ROWS
    kind: ClassVar[str] = "file"

    def folder(self, source: Source, day: date) -> Path:
        return delivery_dir(Path(self.inbox), source.name, day)

    def check_ready(self, source: Source, day: date) -> bool:
        return is_complete(self.folder(source, day))

    def extract(self, source: Source, day: date) -> Iterator[Batch]:
        folder = self.folder(source, day)
        files = delivery_files(folder, source)
        others = sorted(
            p.name
            for p in folder.iterdir()
            if p.is_file() and p not in files and not p.name.startswith((".", "_"))
        )
        if others:
            raise UnreadableInputError(
                f"{source.name} {day}: files not in the contract format {source.format}: {others}"
            )
        if not files:
            raise UnreadableInputError(
                f"{source.name} {day}: {SUCCESS_MARKER} present but no *.{source.format} files"
            )
        for path in files:
            yield from self.read_file(source, path)

    def read_file(self, source: Source, path: Path) -> Iterator[Batch]:
        """One delivered file as raw batches, a bounded block at a time (text formats and
        Parquet); the last batch carries the file's digest."""
        name = path.name
        if source.format == "xlsx":  # a workbook is read whole (at most 1,048,576 rows)
            data = path.read_bytes()
            digest = InputDigest(name, hashlib.sha256(data).hexdigest(), len(data))
            df, lines = formats.read_xlsx(data, name)
            yield make_batch(df, source, name, lines, digest=digest, datetimes=True)
            return
        frames, digest = self._frames(source, path)
        pending: Batch | None = None
        for df, lines in frames:
            if df.width == 0 and df.height == 0:  # an empty JSON-lines block or file
                df = _empty_text_frame(source)
            batch = make_batch(df, source, name, lines, datetimes=False)
            if pending is not None:
                yield replace(pending, continued=True)
            pending = batch
        assert pending is not None
        yield replace(pending, digest=digest())

    def _frames(
        self, source: Source, path: Path
    ) -> tuple[Iterator[formats.Read], Callable[[], InputDigest]]:
        """The file's (frame, line numbers) pairs, and its digest once they are read."""
        if source.format == "parquet":
            return formats.iter_parquet(path, self.parquet_rows), lambda: file_digest(path)
        reader = BlockReader(path, self.block_bytes, quoted=source.format == "csv")
        if source.format == "csv":
            encoding = self.encoding or source.encoding or "utf-8"
            parse = formats.CsvBlockReader(encoding, path.name).read
        else:
            parse = formats.JsonlBlockReader(path.name, list(source.header_map)).read
        return (parse(block) for block in reader), lambda: reader.digest

    def describe(self) -> dict[str, object]:
        return {"kind": self.kind, "inbox": str(self.inbox)}


def _empty_text_frame(source: Source) -> pl.DataFrame:
    return pl.DataFrame(schema={c: pl.String for c in source.column_names})
