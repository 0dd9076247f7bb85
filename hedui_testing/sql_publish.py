"""Publishing a delivery into a database table, as an agency's exchange database would.

Used by tests and demos to stand in for the reference deployment's database channels: the
rows go to ``table`` with a ``delivery_date`` column, and a row in a batch-control table
marks the delivery complete (the database equivalent of ``_SUCCESS``).
"""

from __future__ import annotations

from collections.abc import Iterable
from contextlib import closing
from datetime import date
from typing import Any

import polars as pl

from connectors.sql import SqlConnector
from hedui.registry import Source

BATCH_CONTROL = "hedui_batch_control"

_SQL_TYPES = {
    "postgresql": {"int": "BIGINT", "decimal": "NUMERIC(18,4)", "date": "DATE", "text": "TEXT"},
    "mysql": {"int": "BIGINT", "decimal": "DECIMAL(18,4)", "date": "DATE", "text": "VARCHAR(255)"},
}


def ready_query(control_table: str = BATCH_CONTROL) -> str:
    """The readiness query matching :func:`publish_table`'s batch-control rows."""
    return (
        f"SELECT 1 FROM {control_table} WHERE source = %(source)s "
        "AND delivery_date = %(day)s AND status = 'complete'"
    )


def publish_table(
    connector: SqlConnector,
    source: Source,
    frame: pl.DataFrame,
    day: date,
    *,
    typed: bool = True,
    complete: bool = True,
    control_table: str = BATCH_CONTROL,
) -> None:
    """Replace ``day``'s rows of ``connector.table`` with ``frame`` and mark the batch.

    ``typed`` creates int/decimal/date columns as such; ``typed=False`` makes every column
    text (to carry malformed values as an agency's staging table might).
    """
    engine = connector.resolved_engine()
    types = _SQL_TYPES[engine]
    table = connector.table
    assert table is not None, "publish_table needs a table connector"
    q = connector.quote
    cols = [
        f"{q(c.name)} {types[c.type] if typed and c.type in types else types['text']}"
        for c in source.columns
    ]
    date_col = q(connector.date_column)
    rows = _rows(frame.select(source.column_names), day, typed=typed)
    placeholders = ", ".join(["%s"] * (len(source.columns) + 1))
    names = ", ".join([*(q(c) for c in source.column_names), date_col])
    with closing(connector.connect()) as conn:
        with closing(conn.cursor()) as cur:
            cur.execute(
                f"CREATE TABLE IF NOT EXISTS {q(table)} ({', '.join(cols)}, {date_col} DATE)"
            )
            cur.execute(
                f"CREATE TABLE IF NOT EXISTS {q(control_table)} (source VARCHAR(64), "
                "delivery_date DATE, status VARCHAR(16))"
            )
            cur.execute(f"DELETE FROM {q(table)} WHERE {date_col} = %s", (day,))
            cur.execute(
                f"DELETE FROM {q(control_table)} WHERE source = %s AND delivery_date = %s",
                (source.name, day),
            )
            if rows:
                cur.executemany(f"INSERT INTO {q(table)} ({names}) VALUES ({placeholders})", rows)
            if complete:
                cur.execute(
                    f"INSERT INTO {q(control_table)} VALUES (%s, %s, 'complete')",
                    (source.name, day),
                )
        conn.commit()


def drop_tables(connector: SqlConnector, tables: Iterable[str]) -> None:
    """Drop ``tables`` if they exist (test clean-up)."""
    with closing(connector.connect()) as conn:
        with closing(conn.cursor()) as cur:
            for table in tables:
                cur.execute(f"DROP TABLE IF EXISTS {connector.quote(table)}")
        conn.commit()


def _rows(frame: pl.DataFrame, day: date, *, typed: bool) -> list[tuple[Any, ...]]:
    """Frame rows as driver parameters; floats travel as text so no binary error creeps in."""
    text = frame.with_columns(
        pl.col(c).cast(pl.String) for c, t in frame.schema.items() if t.is_float() or not typed
    )
    return [(*row, day) for row in text.iter_rows()]
