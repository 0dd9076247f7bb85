"""Typing raw text batches to the contract's landing schema, vectorised with polars.

Empty strings become null. int / decimal / date text is trimmed and parsed; a value that does
not parse becomes null and its raw text goes to ``_invalid``, a JSON object
``{column: raw text}`` (null when every value of the row parsed). Rows are never dropped.
"""

from __future__ import annotations

import hashlib
import json

import polars as pl
import pyarrow as pa

from connectors.base import FILE_COLUMN, LINE_COLUMN
from hedui.registry import DECIMAL_TYPE, Column, Source

INVALID_COLUMN = "_invalid"

_INT = r"^[+-]?\d+$"
_DECIMAL = r"^[+-]?(?:\d+\.?\d*|\.\d+)$"
_DATE = r"^\d{4}-\d{2}-\d{2}$"
_POLARS_DECIMAL = pl.Decimal(DECIMAL_TYPE.precision, DECIMAL_TYPE.scale)


def landed_schema(source: Source) -> pa.Schema:
    """Contract columns (typed) plus ``_file``, ``_line`` and ``_invalid``."""
    return (
        source.arrow_schema.append(pa.field(FILE_COLUMN, pa.string()))
        .append(pa.field(LINE_COLUMN, pa.int64()))
        .append(pa.field(INVALID_COLUMN, pa.string()))
    )


def schema_hash(schema: pa.Schema) -> str:
    """A stable fingerprint of a schema: sha256 of its ``[[name, type], ...]`` JSON."""
    spec = [[f.name, str(f.type)] for f in schema]
    return hashlib.sha256(json.dumps(spec).encode()).hexdigest()


def _raw(name: str) -> str:
    return f"__raw_{name}"


def _parsed(column: Column) -> pl.Expr:
    """Typed value of one (already emptied-to-null) text column; null when it doesn't parse."""
    text = pl.col(column.name).str.strip_chars()
    if column.type == "int":
        return pl.when(text.str.contains(_INT)).then(text).cast(pl.Int64, strict=False)
    if column.type == "decimal":
        return pl.when(text.str.contains(_DECIMAL)).then(text).cast(_POLARS_DECIMAL, strict=False)
    if column.type == "date":
        return pl.when(text.str.contains(_DATE)).then(text).str.to_date("%Y-%m-%d", strict=False)
    return pl.col(column.name)


def type_batch(source: Source, raw: pa.Table) -> tuple[pa.Table, int]:
    """Type one raw batch; returns the landed table and its number of rows with ``_invalid``."""
    df = pl.from_arrow(raw)
    assert isinstance(df, pl.DataFrame)
    names = source.column_names
    parsed_cols = [c for c in source.columns if c.type in ("int", "decimal", "date")]
    df = df.with_columns(
        pl.when(pl.col(n).cast(pl.String).str.len_bytes() == 0)
        .then(None)
        .otherwise(pl.col(n).cast(pl.String))
        .alias(n)
        for n in names
    )
    df = df.with_columns(
        [pl.col(c.name).alias(_raw(c.name)) for c in parsed_cols]
        + [_parsed(c).alias(c.name) for c in parsed_cols]
    )
    bad = {
        c.name: pl.col(_raw(c.name)).str.strip_chars().str.len_bytes().gt(0)
        & pl.col(c.name).is_null()
        for c in parsed_cols
    }
    invalid: pl.Expr = pl.lit(None, dtype=pl.String)
    n_invalid = 0
    if bad:
        flags = df.select(pl.any_horizontal(list(bad.values())).alias("bad")).to_series()
        n_invalid = int(flags.sum())
        if n_invalid:
            pieces = [
                pl.when(mask).then(
                    pl.struct(pl.col(_raw(name)).alias(name))
                    .struct.json_encode()
                    .str.strip_prefix("{")
                    .str.strip_suffix("}")
                )
                for name, mask in bad.items()
            ]
            body = pl.concat_str(pieces, separator=",", ignore_nulls=True)
            invalid = pl.when(pl.any_horizontal(list(bad.values()))).then(
                pl.concat_str([pl.lit("{"), body, pl.lit("}")])
            )
    out = df.select(
        *[pl.col(n) for n in names],
        pl.col(FILE_COLUMN).cast(pl.String),
        pl.col(LINE_COLUMN).cast(pl.Int64),
        invalid.cast(pl.String).alias(INVALID_COLUMN),
    )
    return out.to_arrow().cast(landed_schema(source)), n_invalid
