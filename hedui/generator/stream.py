"""Streaming delivery writers: one source's delivery for one day, appended chunk by chunk.

The bytes do not depend on how the rows are chunked: CSV and JSON lines are appended as text,
Parquet goes out in row groups of a fixed size, and XLSX rows are streamed into worksheets
(``constant_memory``) with a new file after 1,048,575 data rows (the sheet limit; the contract
allows several files per delivery). Defect records get the file and line each row landed on.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import polars as pl
import pyarrow as pa
import pyarrow.parquet as pq
from xlsxwriter import Workbook

from hedui.delivery import XLSX_CREATED, delivery_dir, mark_complete
from hedui.generator.defects import REASON
from hedui.generator.writer import FIRST_LINE, DefectRecord, uses_bom
from hedui.registry import Source

#: Data rows per XLSX file (row 1 is the header; a worksheet has 1,048,576 rows).
XLSX_MAX_DATA_ROWS = 1_048_575
PARQUET_ROW_GROUP = 262_144


def part_name(stem: str, part: int, extension: str) -> str:
    """File name of the ``part``-th file (0-based) of one stem: stem.ext, stem_part02.ext..."""
    return f"{stem}.{extension}" if part == 0 else f"{stem}_part{part + 1:02d}.{extension}"


class _Sink:
    """Append-only writer of one stem's file(s)."""

    def __init__(self, source: Source, folder: Path, stem: str) -> None:
        self.source, self.folder, self.stem = source, folder, stem
        self.rows: dict[str, int] = {}  # file name -> rows written

    def append(self, frame: pl.DataFrame) -> list[tuple[str, int, int, int]]:
        """Write ``frame``; return segments (file, first row in file, start, stop in frame)."""
        raise NotImplementedError

    def close(self) -> None:
        raise NotImplementedError


class _TextSink(_Sink):
    """CSV (UTF-8 with or without BOM, GBK) and JSON lines."""

    def __init__(self, source: Source, folder: Path, stem: str) -> None:
        super().__init__(source, folder, stem)
        self.name = part_name(stem, 0, source.file_extension)
        self.rows[self.name] = 0
        self.fh = open(folder / self.name, "wb")  # noqa: SIM115 - closed in close()
        self.started = False

    def append(self, frame: pl.DataFrame) -> list[tuple[str, int, int, int]]:
        first = self.rows[self.name]
        self._write(frame, header=not self.started)
        self.started = True
        self.rows[self.name] += frame.height
        return [(self.name, first, 0, frame.height)]

    def _write(self, frame: pl.DataFrame, *, header: bool) -> None:
        if self.source.format == "jsonl":
            converted = frame.with_columns(
                [pl.col(c).cast(pl.String) for c, t in frame.schema.items() if t.is_temporal()]
                + [pl.col(c).cast(pl.Float64) for c, t in frame.schema.items() if t.is_decimal()]
            )
            if frame.height:
                self.fh.write(converted.write_ndjson().encode("utf-8"))
            return
        text = frame.with_columns(pl.all().cast(pl.String))
        csv = text.write_csv(null_value="", include_header=header)
        if self.source.encoding == "gbk":
            self.fh.write(csv.encode("gbk"))
            return
        if header and uses_bom(self.source):
            self.fh.write(b"\xef\xbb\xbf")
        self.fh.write(csv.encode("utf-8"))

    def close(self, empty: pl.DataFrame | None = None) -> None:
        if not self.started and empty is not None:
            self._write(empty, header=True)
        self.fh.close()


class _ParquetSink(_Sink):
    """Parquet (zstd) in row groups of :data:`PARQUET_ROW_GROUP` rows, whatever the chunks."""

    def __init__(self, source: Source, folder: Path, stem: str) -> None:
        super().__init__(source, folder, stem)
        self.name = part_name(stem, 0, source.file_extension)
        self.rows[self.name] = 0
        self.pending: list[pa.Table] = []
        self.pending_rows = 0
        self.writer: pq.ParquetWriter | None = None

    def append(self, frame: pl.DataFrame) -> list[tuple[str, int, int, int]]:
        first = self.rows[self.name]
        table = frame.to_arrow()
        if self.writer is None:
            path = self.folder / self.name
            self.writer = pq.ParquetWriter(path, table.schema, compression="zstd")
        self.pending.append(table)
        self.pending_rows += table.num_rows
        self.rows[self.name] += frame.height
        while self.pending_rows >= PARQUET_ROW_GROUP:
            self._flush(PARQUET_ROW_GROUP)
        return [(self.name, first, 0, frame.height)]

    def _flush(self, rows: int) -> None:
        table = pa.concat_tables(self.pending).combine_chunks()
        assert self.writer is not None
        self.writer.write_table(table.slice(0, rows), row_group_size=rows)
        rest = table.slice(rows)
        self.pending, self.pending_rows = ([rest] if rest.num_rows else []), rest.num_rows

    def close(self, empty: pl.DataFrame | None = None) -> None:
        if self.writer is None:
            if empty is None:
                return
            self.writer = pq.ParquetWriter(
                self.folder / self.name, empty.to_arrow().schema, compression="zstd"
            )
        if self.pending_rows:
            self._flush(self.pending_rows)
        self.writer.close()


class _XlsxSink(_Sink):
    """XLSX streamed row by row; a new file after :data:`XLSX_MAX_DATA_ROWS` data rows."""

    def __init__(self, source: Source, folder: Path, stem: str) -> None:
        super().__init__(source, folder, stem)
        self.part = -1
        self.book: Workbook | None = None
        self.sheet = None
        self.in_file = 0

    def _open(self, columns: list[str]) -> None:
        self._close_book()
        self.part += 1
        self.name = part_name(self.stem, self.part, self.source.file_extension)
        self.rows[self.name] = 0
        self.book = Workbook(
            str(self.folder / self.name),
            {
                "constant_memory": True,
                "nan_inf_to_errors": True,
                "strings_to_formulas": False,
                "strings_to_numbers": False,
                "strings_to_urls": False,
                "default_date_format": "yyyy-mm-dd;@",
                "tmpdir": str(self.folder),
            },
        )
        self.book.set_properties({"created": XLSX_CREATED})
        self.sheet = self.book.add_worksheet("data")
        self.sheet.write_row(0, 0, columns)
        self.in_file = 0

    def append(self, frame: pl.DataFrame) -> list[tuple[str, int, int, int]]:
        segments = []
        start = 0
        while start < frame.height:
            if self.book is None or self.in_file >= XLSX_MAX_DATA_ROWS:
                self._open(frame.columns)
            take = min(XLSX_MAX_DATA_ROWS - self.in_file, frame.height - start)
            segments.append((self.name, self.in_file, start, start + take))
            write_row = self.sheet.write_row
            row = self.in_file + 1
            for values in frame.slice(start, take).iter_rows():
                write_row(row, 0, values)
                row += 1
            self.in_file += take
            self.rows[self.name] += take
            start += take
        return segments

    def _close_book(self) -> None:
        if self.book is not None:
            self.book.close()
            self.book = None

    def close(self, empty: pl.DataFrame | None = None) -> None:
        if self.book is None and self.part < 0 and empty is not None:
            self._open(empty.columns)
        self._close_book()


_SINKS = {"csv": _TextSink, "jsonl": _TextSink, "parquet": _ParquetSink, "xlsx": _XlsxSink}


class DeliveryWriter:
    """One source's delivery for one day, written chunk by chunk; ``close`` marks it complete.

    Chunks carry the frame's hidden ``_*`` columns; deposits go to one file per bank.
    """

    def __init__(self, inbox: Path, source: Source, day: date) -> None:
        self.source, self.day = source, day
        self.folder = delivery_dir(inbox, source.name, day)
        self.folder.mkdir(parents=True, exist_ok=True)
        self.sinks: dict[str, _Sink] = {}
        self.defects: list[DefectRecord] = []
        self.empty: pl.DataFrame | None = None

    def append(self, frame: pl.DataFrame) -> None:
        hidden = [c for c in frame.columns if c.startswith("_")]
        zh = self.source.headers == "zh"
        names = {c.name: (c.zh if zh else c.name) for c in self.source.columns}
        for stem, part in _split(self.source, frame).items():
            clean = part.drop(hidden).rename(names)
            if self.empty is None:
                self.empty = clean.clear()
            if part.height == 0:
                continue
            sink = self.sinks.get(stem)
            if sink is None:
                sink = self.sinks[stem] = _SINKS[self.source.format](self.source, self.folder, stem)
            segments = sink.append(clean)
            if REASON in part.columns:
                self.defects.extend(self._defects(part, segments))

    def _defects(self, part: pl.DataFrame, segments) -> list[DefectRecord]:
        marked = (
            part.with_row_index("_row")
            .filter(pl.col(REASON).is_not_null())
            .select("_row", REASON, *[pl.col(k).cast(pl.String) for k in self.source.primary_key])
        )
        first = FIRST_LINE[self.source.format]
        out = []
        for row in marked.iter_rows(named=True):
            i = int(row["_row"])
            name, offset, lo, _ = next(s for s in segments if s[2] <= i < s[3])
            out.append(
                DefectRecord(
                    source=self.source.name,
                    date=self.day.isoformat(),
                    file=name,
                    line=offset + (i - lo) + first,
                    reason_code=row[REASON],
                    key={k: row[k] for k in self.source.primary_key},
                )
            )
        return out

    def close(self) -> dict[str, int]:
        """Finish every file (an empty delivery still gets its header), mark complete."""
        if not self.sinks and self.source.name != "deposit" and self.empty is not None:
            self.sinks[self.source.name] = _SINKS[self.source.format](
                self.source, self.folder, self.source.name
            )
        for sink in self.sinks.values():
            sink.close(self.empty)
        mark_complete(self.folder)
        rows: dict[str, int] = {}
        for sink in self.sinks.values():
            rows.update(sink.rows)
        return dict(sorted(rows.items()))


def _split(source: Source, frame: pl.DataFrame) -> dict[str, pl.DataFrame]:
    """File stem -> rows: one file per bank for deposits, one file otherwise."""
    if source.name != "deposit":
        return {source.name: frame}
    banks = sorted(frame["bank_code"].drop_nulls().unique().to_list())
    return {f"deposit_{bank}": frame.filter(pl.col("bank_code") == bank) for bank in banks}
