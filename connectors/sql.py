"""Database deliveries: a table or query in PostgreSQL (psycopg 3) or MySQL/MariaDB (pymysql).

Rows are read in batches through a server-side cursor and handed on as Arrow text. The
connection URL comes from an environment variable named in the config, never from the repo.
Queries take the placeholders ``%(day)s`` (the delivery date) and ``%(source)s``.
"""

from __future__ import annotations

import os
from collections.abc import Iterator, Sequence
from contextlib import closing
from dataclasses import dataclass
from datetime import date
from typing import Any, ClassVar
from urllib.parse import unquote, urlsplit

import polars as pl

from connectors.base import Batch, Connector, ConnectorError, SourceUnavailableError
from connectors.text import columns_to_frame, make_batch
from hedui.registry import Source

ENGINES = ("postgresql", "mysql")
_PG_TEXT_TYPES = ("numeric", "date", "int2", "int4", "int8", "float4", "float8", "timestamp")
_MYSQL_TEXT_TYPES = (
    "DECIMAL",
    "NEWDECIMAL",
    "DATE",
    "DATETIME",
    "TIMESTAMP",
    "TINY",
    "SHORT",
    "LONG",
    "LONGLONG",
    "INT24",
    "FLOAT",
    "DOUBLE",
)


@dataclass
class SqlConnector(Connector):
    """A delivery read from a database.

    Either ``table`` (rows ``WHERE <date_column> = day``, ordered by ``order_by`` or the primary
    key, selecting the contract's column names) or ``query`` (any SELECT; its columns are
    mapped like file headers; give it an ORDER BY so ``_line`` is stable). ``ready_query``
    returns a row with a true first value when the delivery is complete (e.g. a batch-control
    table); without it a table delivery is ready when it has rows for the date and a query
    delivery is always ready.
    """

    dsn_env: str
    table: str | None = None
    query: str | None = None
    date_column: str = "delivery_date"
    order_by: Sequence[str] | None = None
    ready_query: str | None = None
    engine: str | None = None
    batch_size: int = 50_000
    connect_timeout: int = 30
    kind: ClassVar[str] = "sql"

    def __post_init__(self) -> None:
        if (self.table is None) == (self.query is None):
            raise ValueError("sql connector: give exactly one of 'table' or 'query'")
        if self.engine is not None and self.engine not in ENGINES:
            raise ValueError(f"sql connector: engine must be one of {ENGINES}")

    # -- connection ---------------------------------------------------------------------

    def _url(self) -> str:
        url = os.environ.get(self.dsn_env)
        if not url:
            raise ConnectorError(f"environment variable {self.dsn_env} (database URL) is not set")
        return url

    def resolved_engine(self) -> str:
        if self.engine:
            return self.engine
        scheme = urlsplit(self._url()).scheme.split("+")[0]
        if scheme in ("postgres", "postgresql"):
            return "postgresql"
        if scheme in ("mysql", "mariadb"):
            return "mysql"
        raise ConnectorError(f"{self.dsn_env}: cannot tell the database engine from the URL")

    def connect(self) -> Any:
        """A connection that returns numbers and dates as their text (the batches are text,
        and converting Decimal / date objects costs more than the fetch itself).

        A database that cannot be reached raises :class:`SourceUnavailableError` (retryable).
        """
        url = self._url()
        try:
            return self._connect(url)
        except Exception as exc:
            if _unreachable(exc):
                raise SourceUnavailableError(
                    f"{self.dsn_env}: cannot connect to the {self.resolved_engine()} database "
                    f"({type(exc).__name__})"
                ) from None
            raise

    def _connect(self, url: str) -> Any:
        if self.resolved_engine() == "postgresql":
            import psycopg
            from psycopg.types.string import TextLoader

            conn = psycopg.connect(url, connect_timeout=self.connect_timeout)
            for pg_type in _PG_TEXT_TYPES:
                conn.adapters.register_loader(pg_type, TextLoader)
            conn.execute("SET DateStyle = 'ISO, YMD'")
            return conn
        import pymysql
        from pymysql.constants import FIELD_TYPE
        from pymysql.converters import conversions

        conv = dict(conversions)
        for name in _MYSQL_TEXT_TYPES:
            conv[getattr(FIELD_TYPE, name)] = str
        parts = urlsplit(url)
        return pymysql.connect(
            host=parts.hostname or "127.0.0.1",
            port=parts.port or 3306,
            user=unquote(parts.username or ""),
            password=unquote(parts.password or ""),
            database=parts.path.lstrip("/") or None,
            charset="utf8mb4",
            connect_timeout=self.connect_timeout,
            conv=conv,
        )

    # -- SQL text -----------------------------------------------------------------------

    def quote(self, identifier: str) -> str:
        q = '"' if self.resolved_engine() == "postgresql" else "`"
        return ".".join(q + part.replace(q, q + q) + q for part in identifier.split("."))

    def select_sql(self, source: Source) -> str:
        if self.query is not None:
            return self.query
        assert self.table is not None
        cols = ", ".join(self.quote(c) for c in source.column_names)
        order = ", ".join(self.quote(c) for c in (self.order_by or source.primary_key))
        return (
            f"SELECT {cols} FROM {self.quote(self.table)} "
            f"WHERE {self.quote(self.date_column)} = %(day)s ORDER BY {order}"
        )

    def ready_sql(self) -> str | None:
        if self.ready_query is not None:
            return self.ready_query
        if self.table is not None:
            return (
                f"SELECT 1 FROM {self.quote(self.table)} "
                f"WHERE {self.quote(self.date_column)} = %(day)s LIMIT 1"
            )
        return None

    @property
    def input_name(self) -> str:
        return self.table or "query"

    # -- the interface ------------------------------------------------------------------

    def check_ready(self, source: Source, day: date) -> bool:
        sql = self.ready_sql()
        if sql is None:
            return True
        with closing(self.connect()) as conn, closing(conn.cursor()) as cur:
            cur.execute(sql, {"day": day, "source": source.name})
            row = cur.fetchone()
        return bool(row) and _truthy(row[0])

    def extract(self, source: Source, day: date) -> Iterator[Batch]:
        params = {"day": day, "source": source.name}
        with closing(self.connect()) as conn:
            cur = self._server_cursor(conn)
            with closing(cur):
                cur.execute(self.select_sql(source), params)
                names = [d[0] for d in cur.description]
                line = 1
                emitted = False
                while rows := cur.fetchmany(self.batch_size):
                    frame = columns_to_frame(names, list(zip(*rows, strict=True)))
                    lines = pl.int_range(line, line + len(rows), dtype=pl.Int64, eager=True)
                    line += len(rows)
                    emitted = True
                    yield make_batch(frame, source, self.input_name, lines, datetimes=True)
                if not emitted:
                    empty = pl.DataFrame(schema={n: pl.String for n in names})
                    yield make_batch(empty, source, self.input_name, pl.Series([], dtype=pl.Int64))

    def _server_cursor(self, conn: Any) -> Any:
        """A cursor that streams rows instead of buffering the whole result client-side."""
        if self.resolved_engine() == "postgresql":
            cur = conn.cursor(name="hedui_extract")
            cur.itersize = self.batch_size
            return cur
        import pymysql.cursors

        return conn.cursor(pymysql.cursors.SSCursor)

    def describe(self) -> dict[str, object]:
        try:
            engine = self.resolved_engine()
        except ConnectorError:
            engine = self.engine
        return {"kind": self.kind, "engine": engine, "input": self.input_name}


def _unreachable(exc: Exception) -> bool:
    """A connection failure (server down, network) rather than a wrong query or table."""
    if isinstance(exc, (ConnectionError, TimeoutError)):
        return True
    kind = type(exc)
    return kind.__name__ == "OperationalError" and kind.__module__.split(".")[0] in (
        "psycopg",
        "pymysql",
    )


def _truthy(value: object) -> bool:
    """A readiness flag: numbers and dates arrive as text ("0" and "f" are false)."""
    if isinstance(value, str):
        return value.strip().lower() not in ("", "0", "f", "false", "n", "no")
    return bool(value)
