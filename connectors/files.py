"""File deliveries: ``<inbox>/<source>/<date>/`` complete when ``_SUCCESS`` is there."""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import ClassVar

import polars as pl

from connectors import formats
from connectors.base import Batch, Connector, InputDigest, UnreadableInputError
from connectors.text import make_batch
from hedui.delivery import SUCCESS_MARKER, delivery_dir, delivery_files, is_complete
from hedui.registry import Source


@dataclass
class FileConnector(Connector):
    """Reads every file of the contract's format in the delivery folder, one batch per file.

    ``encoding`` overrides the contract's CSV encoding (rarely needed).
    """

    inbox: Path
    encoding: str | None = None
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
            yield self.read_file(source, path)

    def read_file(self, source: Source, path: Path) -> Batch:
        """One delivered file as a raw batch (the file's bytes are read once)."""
        data = path.read_bytes()
        digest = InputDigest(path.name, hashlib.sha256(data).hexdigest(), len(data))
        name = path.name
        if source.format == "csv":
            df, lines = formats.read_csv(data, self.encoding or source.encoding or "utf-8", name)
        elif source.format == "xlsx":
            df, lines = formats.read_xlsx(data, name)
        elif source.format == "parquet":
            df, lines = formats.read_parquet(data, name)
        else:
            df, lines = formats.read_jsonl(data, name, list(source.header_map))
        if df.width == 0 and df.height == 0 and source.format == "jsonl":
            df = _empty_text_frame(source)
        return make_batch(df, source, name, lines, digest=digest, datetimes=source.format == "xlsx")

    def describe(self) -> dict[str, object]:
        return {"kind": self.kind, "inbox": str(self.inbox)}


def _empty_text_frame(source: Source) -> pl.DataFrame:
    return pl.DataFrame(schema={c: pl.String for c in source.column_names})
