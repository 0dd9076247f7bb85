"""Readers for the four delivery formats: bytes in, (frame, line numbers) out.

Every reader keeps the delivered headers and every row; line numbers follow the contract's
conventions (CSV physical line with the header on line 1, spreadsheet row number, JSONL line,
Parquet 1-based row). Decoding problems raise :class:`UnreadableInputError`.
"""

from __future__ import annotations

import io
import json
import re
from collections.abc import Sequence

import polars as pl

from connectors.base import UnreadableInputError, redact

Read = tuple[pl.DataFrame, pl.Series]

JSONL_SAMPLE_LINES = 10_000
_NON_SPACE = re.compile(rb"\S")


def decode_text(data: bytes, encoding: str, name: str) -> bytes:
    """Return UTF-8 bytes of a text file declared as ``encoding`` (gbk or utf-8).

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
                f"{name}: not valid UTF-8 at byte {exc.start} (the contract says utf-8){hint}"
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
                f"{name}: not valid GBK at byte {exc.start} (the contract says gbk)"
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
    """All cells as text. Line = 2 + record index + newlines embedded in earlier records."""
    utf8 = decode_text(data, encoding, name) if _needs_decoding(encoding) else data
    try:
        df = pl.read_csv(utf8, infer_schema=False, raise_if_empty=False)
    except pl.exceptions.PolarsError as exc:
        _raise_if_undecodable(data, encoding, name)
        raise UnreadableInputError(f"{name}: not a readable CSV file: {redact(str(exc))}") from None
    lines = pl.int_range(2, df.height + 2, dtype=pl.Int64, eager=True)
    if df.width and b'"' in utf8:
        embedded = df.select(
            pl.sum_horizontal(pl.all().str.count_matches("\n", literal=True).fill_null(0))
        ).to_series()
        if (embedded > 0).any():
            lines = lines + (embedded.cum_sum() - embedded)
    if df.width:  # a blank line parses as an all-null row: skip those rows (only)
        empty = df.select(pl.all_horizontal(pl.all().is_null())).to_series()
        if empty.any():
            blank = _blank_line_numbers(utf8)
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


def read_jsonl(data: bytes, name: str, expected: Sequence[str] = ()) -> Read:
    """One JSON object per line (UTF-8); line = physical line number, blank lines skipped.

    Every value is read as text. Keys are taken from the first ``JSONL_SAMPLE_LINES`` lines
    plus ``expected`` (keys the contract accepts, kept only when some line has them).
    """
    if not _NON_SPACE.search(data):
        return pl.DataFrame(), pl.Series("_line", [], dtype=pl.Int64)
    try:
        head = io.BytesIO(_head(data, JSONL_SAMPLE_LINES))
        keys = pl.read_ndjson(head, infer_schema_length=None).columns
        probe = [k for k in dict.fromkeys(expected) if k not in keys]
        df = pl.read_ndjson(io.BytesIO(data), schema=dict.fromkeys([*keys, *probe], pl.String))
    except Exception as exc:
        _raise_if_undecodable(data, "utf-8", name)
        raise UnreadableInputError(f"{name}: {_first_bad_json_line(data, exc)}") from None
    if probe:
        counts = df.select(pl.col(probe).count()).row(0)
        df = df.drop([k for k, n in zip(probe, counts, strict=True) if n == 0])
    physical = data.count(b"\n") + (0 if data.endswith(b"\n") else 1)
    if physical == df.height:
        lines = pl.int_range(1, df.height + 1, dtype=pl.Int64, eager=True).alias("_line")
    else:  # blank lines were skipped by the reader
        blank = set(_blank_line_numbers(data))
        numbers = [i for i in range(1, physical + 1) if i not in blank]
        lines = pl.Series("_line", numbers, dtype=pl.Int64)
    if df.height != lines.len():
        raise UnreadableInputError(f"{name}: {df.height} JSON records on {lines.len()} lines")
    return df, lines


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


def _raise_if_undecodable(data: bytes, encoding: str, name: str) -> None:
    """Turn a parser failure on badly encoded bytes into a clear encoding error."""
    if not _needs_decoding(encoding):
        decode_text(data, encoding, name)


def _blank_line_numbers(data: bytes) -> list[int]:
    """1-based numbers of the lines holding only whitespace (slow path, rarely taken)."""
    return [i for i, line in enumerate(data.split(b"\n"), 1) if not line.strip()]


def _first_bad_json_line(data: bytes, exc: Exception) -> str:
    """Name the first line that is not a JSON object (slow path, only on failure)."""
    for number, line in enumerate(data.split(b"\n"), 1):
        if not line.strip():
            continue
        try:
            value = json.loads(line)
        except ValueError:
            return f"line {number} is not valid JSON"
        if not isinstance(value, dict):
            return f"line {number} is not a JSON object"
    return f"not readable JSON lines: {redact(str(exc))}"
