"""Polars dtypes of the generator's in-memory source frames, derived from the registry.

Every frame the generator builds (base population, scenario households) uses these dtypes and
the contract's column order, so frames of one source can be concatenated and written as is.
"""

from __future__ import annotations

import polars as pl

from hedui.registry import Source

FRAME_DTYPES: dict[str, pl.DataType] = {
    "string": pl.String(),
    "enum": pl.String(),
    "id_number": pl.String(),
    "uscc": pl.String(),
    "period": pl.String(),
    "int": pl.Int64(),
    "decimal": pl.Float64(),
    "date": pl.Date(),
}


def frame_schema(source: Source) -> pl.Schema:
    """Column name -> polars dtype for ``source``, in contract order."""
    return pl.Schema({c.name: FRAME_DTYPES[c.type] for c in source.columns})


def empty_frame(source: Source) -> pl.DataFrame:
    return pl.DataFrame(schema=frame_schema(source))


def conform(df: pl.DataFrame, source: Source) -> pl.DataFrame:
    """Select and cast ``df`` to the source's frame schema (missing columns become null)."""
    schema = frame_schema(source)
    return df.select(
        [
            (pl.col(n) if n in df.columns else pl.lit(None)).cast(t).alias(n)
            for n, t in schema.items()
        ]
    )
