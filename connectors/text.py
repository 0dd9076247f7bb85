"""Turning delivered frames into raw batches: header mapping, text casting, provenance."""

from __future__ import annotations

from collections.abc import Sequence

import polars as pl
import pyarrow as pa

from connectors.base import FILE_COLUMN, LINE_COLUMN, Batch, ColumnMismatchError, InputDigest
from hedui.registry import Source

_MIDNIGHT = r"^(\d{4}-\d{2}-\d{2})[ T]00:00:00(?:\.0+)?$"


def map_headers(source: Source, found: Sequence[str], input_name: str) -> dict[str, str]:
    """Delivered header -> canonical name; raises when the column set is not the contract's.

    Headers may be canonical or Chinese (``Source.header_map``), in any order; surrounding
    whitespace is ignored. Missing, unknown and duplicated columns are all errors.
    """
    accepted = source.header_map
    mapping: dict[str, str] = {}
    unknown: list[str] = []
    duplicated: list[str] = []
    for header in found:
        canonical = accepted.get(str(header).strip())
        if canonical is None:
            unknown.append(str(header))
        elif canonical in mapping.values():
            duplicated.append(str(header))
        else:
            mapping[str(header)] = canonical
    missing = [c for c in source.column_names if c not in mapping.values()]
    if missing or unknown or duplicated:
        parts = []
        if missing:
            parts.append(f"missing {missing}")
        if unknown:
            parts.append(f"unexpected {unknown}")
        if duplicated:
            parts.append(f"duplicated {duplicated}")
        raise ColumnMismatchError(
            f"{input_name}: columns do not match the {source.name} contract ({'; '.join(parts)}); "
            f"expected {source.header_names}, found {[str(h) for h in found]}"
        )
    return mapping


def _text_expr(name: str, dtype: pl.DataType, contract_type: str) -> pl.Expr:
    """One column as text, writing typed values the way the contract spells them."""
    col = pl.col(name)
    if dtype == pl.String:
        return col
    if dtype.is_float():
        if contract_type == "int":
            integral = col.is_finite() & (col == col.round(0)) & (col.abs() < 2.0**53)
            return (
                pl.when(integral)
                .then(col.cast(pl.Int64, strict=False).cast(pl.String))
                .otherwise(col.cast(pl.String))
            )
        return col.round(4).cast(pl.String)
    if isinstance(dtype, pl.Datetime):
        midnight = col.dt.truncate("1d") == col
        return (
            pl.when(midnight)
            .then(col.dt.date().cast(pl.String))
            .otherwise(col.dt.to_string("%Y-%m-%d %H:%M:%S"))
        )
    if dtype.is_nested():
        return col.map_elements(str, return_dtype=pl.String)  # rare: a JSON object or list
    if dtype == pl.Binary:
        return col.cast(pl.String, strict=False)
    return col.cast(pl.String)


def as_text(df: pl.DataFrame, source: Source) -> pl.DataFrame:
    """Cast every (canonically named) column to text; typed inputs become contract text."""
    return df.select(
        [_text_expr(c.name, df.schema[c.name], c.type).alias(c.name) for c in source.columns]
    )


def strip_midnight(df: pl.DataFrame, source: Source) -> pl.DataFrame:
    """Dates read as text from spreadsheet cells or timestamp columns end in ' 00:00:00';
    keep only the date part of the contract's date columns."""
    dates = [c.name for c in source.columns if c.type == "date"]
    return df.with_columns(pl.col(dates).str.replace(_MIDNIGHT, "${1}"))


def make_batch(
    df: pl.DataFrame,
    source: Source,
    input_name: str,
    lines: pl.Series,
    *,
    digest: InputDigest | None = None,
    datetimes: bool = False,
) -> Batch:
    """Map headers, cast to text and add ``_file``/``_line``: the raw batch of one input.

    ``datetimes`` marks inputs whose dates may come as midnight timestamps (XLSX, SQL).
    """
    mapping = map_headers(source, df.columns, input_name)
    canonical = df.rename(mapping)
    delivered = {name: str(dtype) for name, dtype in canonical.schema.items()}
    text = as_text(canonical, source)
    if datetimes:
        text = strip_midnight(text, source)
    out = text.with_columns(
        pl.lit(input_name, dtype=pl.String).alias(FILE_COLUMN),
        pl.lit(lines).cast(pl.Int64).alias(LINE_COLUMN),
    )
    table = out.to_arrow(compat_level=pl.CompatLevel.newest())  # string views: no copy
    return Batch(
        table=table,
        input=input_name,
        header_map=mapping,
        digest=digest,
        delivered_types=delivered,
    )


def columns_to_frame(names: Sequence[str], columns: Sequence[Sequence[object]]) -> pl.DataFrame:
    """Driver rows (column-wise Python values) to a frame, letting Arrow infer each type.

    A column that Arrow cannot infer (mixed value types) falls back to ``str`` per value.
    """
    arrays = {}
    for name, values in zip(names, columns, strict=True):
        try:
            arrays[name] = pa.array(values)
        except (pa.ArrowInvalid, pa.ArrowTypeError, TypeError, OverflowError):
            arrays[name] = pa.array([None if v is None else _plain(v) for v in values], pa.string())
    if not arrays:
        return pl.DataFrame()
    return pl.from_arrow(pa.table(arrays))  # type: ignore[return-value]


def _plain(value: object) -> str:
    if isinstance(value, bytes | bytearray):
        return bytes(value).decode("utf-8", errors="strict")
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)
