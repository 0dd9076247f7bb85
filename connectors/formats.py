"""Readers for the four delivery formats: bytes in, (frame, line numbers) out.

Every reader keeps the delivered headers and every row; line numbers follow the contract's
conventions (CSV physical line with the header on line 1, spreadsheet row number, JSONL line,
Parquet 1-based row). Decoding problems raise :class:`UnreadableInputError`.
"""

from __future__ import annotations

import io
import json
import re
from collections.abc import Iterator, Sequence
from pathlib import Path

import polars as pl
import pyarrow as pa
import pyarrow.parquet as pq

from connectors.base import UnreadableInputError, redact
from connectors.blocks import Block, first_record_end

Read = tuple[pl.DataFrame, pl.Series]

JSONL_SAMPLE_LINES = 10_000
_NON_SPACE = re.compile(rb"\S")


def decode_text(data: bytes, encoding: str, name: str, offset: int = 0) -> bytes:
    """Return UTF-8 bytes of a text file (or a block of one at byte ``offset``) declared as
    ``encoding`` (gbk or utf-8).

    A UTF-8 file declared GBK is refused rather than silently turned into mojibake: text with
    non-ASCII characters that is valid UTF-8 is practically never GBK.
    """
    enc = encoding.lower().replace("_", "-")
    if enc in ("utf-8", "utf8"):
        try:
            data.decode("utf-8")
        except UnicodeDecodeError as exc:
            hint = " (it decodes as GBK: wrong encoding?)" if _is_gbk(data) else ""
            raise UnreadableInputError(
                f"{name}: not valid UTF-8 at byte {offset + exc.start} (the contract says utf-8)"
                f"{hint}"
            ) from None
        return data
    if enc in ("gbk", "gb2312", "gb18030", "cp936"):
        if not data.isascii() and _is_utf8(data):
            raise UnreadableInputError(
                f"{name}: the contract says GBK but the file is UTF-8 encoded (wrong encoding?)"
            )
        try:
            return data.decode("gb18030").encode("utf-8")
        except UnicodeDecodeError as exc:
            raise UnreadableInputError(
                f"{name}: not valid GBK at byte {offset + exc.start} (the contract says gbk)"
            ) from None
    raise UnreadableInputError(f"{name}: unsupported encoding {encoding!r}")


def _is_utf8(data: bytes) -> bool:
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def _is_gbk(data: bytes) -> bool:
    try:
        data.decode("gb18030")
    except UnicodeDecodeError:
        return False
    return True


def read_csv(data: bytes, encoding: str, name: str) -> Read:
    """A whole CSV file, every cell as text (see :class:`CsvBlockReader`)."""
    return CsvBlockReader(encoding, name).read(Block(data, 1, 0))


class CsvBlockReader:
    """Reads a CSV file block by block (see :mod:`connectors.blocks`), all cells as text.

    The first block starts with the header, which is kept and put before every later block.
    Line = physical line of the record's first line (header on line 1): record index plus
    the newlines embedded in earlier quoted fields. Blank lines are skipped, empty records kept.
    """

    def __init__(self, encoding: str, name: str) -> None:
        self.encoding = encoding
        self.name = name
        self.header: bytes | None = None

    def read(self, block: Block) -> Read:
        data = block.data
        utf8 = (
            decode_text(data, self.encoding, self.name, block.offset)
            if _needs_decoding(self.encoding)
            else data
        )
        if self.header is None:
            end = first_record_end(utf8)
            self.header = utf8[: end + 1] if end >= 0 else utf8
            text, first_record_line = utf8, block.first_line + 1
        else:
            text, first_record_line = self.header + utf8, block.first_line
        try:
            df = pl.read_csv(text, infer_schema=False, raise_if_empty=False)
        except pl.exceptions.PolarsError as exc:
            _raise_if_undecodable(data, self.encoding, self.name, block.offset)
            raise UnreadableInputError(
                f"{self.name}: not a readable CSV file: {redact(str(exc))}"
            ) from None
        del text
        lines = pl.int_range(
            first_record_line, first_record_line + df.height, dtype=pl.Int64, eager=True
        )
        if df.width and b'"' in utf8:
            embedded = df.select(
                pl.sum_horizontal(pl.all().str.count_matches("\n", literal=True).fill_null(0))
            ).to_series()
            if (embedded > 0).any():
                lines = lines + (embedded.cum_sum() - embedded)
        if df.width:  # a blank line parses as an all-null row: skip those rows (only)
            empty = df.select(pl.all_horizontal(pl.all().is_null())).to_series()
            if empty.any():
                blank = [n + block.first_line - 1 for n in _blank_line_numbers(utf8)]
                keep = ~(empty & lines.is_in(blank))
                df, lines = df.filter(keep), lines.filter(keep)
        return df, lines.alias("_line")


def read_xlsx(data: bytes, name: str) -> Read:
    """First worksheet, every cell as text; header is spreadsheet row 1, data from row 2."""
    try:
        df = pl.read_excel(io.BytesIO(data), sheet_id=1, infer_schema_length=0)
    except Exception as exc:  # calamine raises its own error types
        raise UnreadableInputError(
            f"{name}: not a readable XLSX file: {redact(str(exc))}"
        ) from None
    return df, pl.int_range(2, df.height + 2, dtype=pl.Int64, eager=True).alias("_line")


def read_parquet(data: bytes, name: str) -> Read:
    """Typed or text columns as written; line = 1-based row number."""
    try:
        df = pl.read_parquet(io.BytesIO(data))
    except Exception as exc:
        raise UnreadableInputError(
            f"{name}: not a readable Parquet file: {redact(str(exc))}"
        ) from None
    return df, pl.int_range(1, df.height + 1, dtype=pl.Int64, eager=True).alias("_line")


def iter_parquet(path: Path, rows: int) -> Iterator[Read]:
    """A Parquet file ``rows`` rows at a time, typed as :func:`read_parquet` reads it whole."""
    start = 1
    try:
        parquet = pq.ParquetFile(path)
        for batch in parquet.iter_batches(batch_size=rows):
            df = _frame(batch)
            yield df, pl.int_range(start, start + df.height, dtype=pl.Int64, eager=True)
            start += df.height
        if start == 1:  # no rows: the file's columns still count
            yield _frame(parquet.schema_arrow.empty_table()), pl.Series([], dtype=pl.Int64)
    except Exception as exc:
        raise UnreadableInputError(
            f"{path.name}: not a readable Parquet file: {redact(str(exc))}"
        ) from None


def _frame(data: pa.RecordBatch | pa.Table) -> pl.DataFrame:
    """Arrow data as a frame, dictionary-encoded columns as their plain values."""
    table = pa.Table.from_batches([data]) if isinstance(data, pa.RecordBatch) else data
    for i, column in enumerate(table.columns):
        if pa.types.is_dictionary(column.type):
            table = table.set_column(i, table.field(i).name, column.dictionary_decode())
    df = pl.from_arrow(table)
    assert isinstance(df, pl.DataFrame)
    return df


def read_jsonl(data: bytes, name: str, expected: Sequence[str] = ()) -> Read:
    """A whole JSON-lines file, every value as text (see :class:`JsonlBlockReader`)."""
    return JsonlBlockReader(name, expected).read(Block(data, 1, 0))


class JsonlBlockReader:
    """Reads a JSON-lines file (UTF-8) block by block; line = physical line number, blank
    lines skipped.

    Every value is read as text. Keys are taken from the first ``JSONL_SAMPLE_LINES`` lines
    of the file plus ``expected`` (keys the contract accepts, kept only when some line of the
    block has them).
    """

    def __init__(self, name: str, expected: Sequence[str] = ()) -> None:
        self.name = name
        self.expected = list(expected)
        self.keys: list[str] | None = None

    def read(self, block: Block) -> Read:
        data, name = block.data, self.name
        if not _NON_SPACE.search(data):
            return pl.DataFrame(), pl.Series("_line", [], dtype=pl.Int64)
        try:
            if self.keys is None:
                head = io.BytesIO(_head(data, JSONL_SAMPLE_LINES))
                self.keys = pl.read_ndjson(head, infer_schema_length=None).columns
            keys = self.keys
            probe = [k for k in dict.fromkeys(self.expected) if k not in keys]
            df = pl.read_ndjson(io.BytesIO(data), schema=dict.fromkeys([*keys, *probe], pl.String))
        except Exception as exc:
            _raise_if_undecodable(data, "utf-8", name, block.offset)
            bad = _first_bad_json_line(data, exc, block.first_line)
            raise UnreadableInputError(f"{name}: {bad}") from None
        if probe:
            counts = df.select(pl.col(probe).count()).row(0)
            df = df.drop([k for k, n in zip(probe, counts, strict=True) if n == 0])
        physical = data.count(b"\n") + (0 if data.endswith(b"\n") else 1)
        first = block.first_line
        if physical == df.height:
            lines = pl.int_range(first, first + df.height, dtype=pl.Int64, eager=True)
        else:  # blank lines were skipped by the reader
            blank = set(_blank_line_numbers(data))
            numbers = [first + i - 1 for i in range(1, physical + 1) if i not in blank]
            lines = pl.Series("_line", numbers, dtype=pl.Int64)
        if df.height != lines.len():
            raise UnreadableInputError(f"{name}: {df.height} JSON records on {lines.len()} lines")
        return df, lines.alias("_line")


def _head(data: bytes, lines: int) -> bytes:
    """The first ``lines`` lines of ``data``."""
    pos = 0
    for _ in range(lines):
        pos = data.find(b"\n", pos) + 1
        if pos == 0:
            return data
    return data[:pos]


def _needs_decoding(encoding: str) -> bool:
    return encoding.lower().replace("_", "-") not in ("utf-8", "utf8")


def _raise_if_undecodable(data: bytes, encoding: str, name: str, offset: int = 0) -> None:
    """Turn a parser failure on badly encoded bytes into a clear encoding error."""
    if not _needs_decoding(encoding):
        decode_text(data, encoding, name, offset)


def _blank_line_numbers(data: bytes) -> list[int]:
    """1-based numbers of the lines holding only whitespace (slow path, rarely taken)."""
    return [i for i, line in enumerate(data.split(b"\n"), 1) if not line.strip()]


def _first_bad_json_line(data: bytes, exc: Exception, first_line: int = 1) -> str:
    """Name the first line that is not a JSON object (slow path, only on failure)."""
    for number, line in enumerate(data.split(b"\n"), first_line):
        if not line.strip():
            continue
        try:
            value = json.loads(line)
        except ValueError:
            return f"line {number} is not valid JSON"
        if not isinstance(value, dict):
            return f"line {number} is not a JSON object"
    return f"not readable JSON lines: {redact(str(exc))}"
