"""Load one run's validated deliveries into the warehouse schema ``raw``.

Input (written by validation): ``<validated_root>/<source>/<YYYY-MM-DD>/data.parquet`` (typed
contract columns plus ``_file``, ``_line``) and ``<dq_root>/<YYYY-MM-DD>/dq_source_runs.parquet``
and ``quarantine.parquet``. Output: ``raw.<source>`` for the 22 sources (``_delivery_date``
added), ``raw.source_status``, ``raw.dq_source_runs``, ``raw.quarantine``,
``raw.quarantined_keys``, ``raw.identity`` and ``raw.exchange_queries`` (the cross-region
query log ``<workspace>/exchange/queries.parquet``, the workspace being ``dq_root``'s parent).

The raw layer is always built in DuckDB. A source's raw relation is a view over its validated
Parquet files (staging reads them in place; copying them into tables first cost a full write of
every delivery); the other raw tables are small and loaded. ``load_postgres`` copies that same
layer into PostgreSQL with ``COPY``, so both warehouses get identical input.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq

from hedui import duck
from hedui.registry import Source, load_registry
from hedui.warehouse.deliveries import (
    Part,
    plan_source,
    quarantined_keys_path,
    window_column,
)
from hedui.warehouse.history import load_history
from hedui.warehouse.pseudonyms import person_keys, pseudonym_key
from hedui.warehouse.raw_tables import (
    EXTRA_TABLES,
    RAW_SCHEMA,
    create_table_sql,
    ddl_type,
    extra_columns,
    quote,
    source_columns,
)

USABLE_STATUSES = ("passed", "late")
IDENTITY_SOURCES = (
    ("hukou", "id_number"),
    ("assistance_roll", "id_number"),
    ("verification_request", "member_id_number"),
)


@dataclass
class LoadResult:
    """What one load wrote."""

    run_date: date
    schema: str
    rows: dict[str, int] = field(default_factory=dict)
    status: dict[str, str] = field(default_factory=dict)
    deliveries: dict[str, list[date]] = field(default_factory=dict)
    seconds: float = 0.0

    def unusable(self) -> list[str]:
        return sorted(s for s, st in self.status.items() if st not in USABLE_STATUSES)


def lit(value: object) -> str:
    """A SQL literal for a string or a date."""
    if isinstance(value, date):
        return f"DATE '{value.isoformat()}'"
    return "'" + str(value).replace("'", "''") + "'"


def load_duckdb(
    warehouse: Path,
    run_date: date,
    validated_root: Path,
    dq_root: Path,
    *,
    schema_prefix: str = "",
    previous: Path | None = None,
) -> LoadResult:
    """Write the raw layer of ``run_date`` into the DuckDB file ``warehouse`` (one transaction);
    the monitoring histories come from the previously published warehouse ``previous``."""
    key = pseudonym_key()
    Path(warehouse).parent.mkdir(parents=True, exist_ok=True)
    con = duck.connect(warehouse)
    try:
        con.begin()
        result = load_raw(
            con,
            run_date,
            validated_root,
            dq_root,
            schema_prefix + RAW_SCHEMA,
            key,
            previous=previous,
            database=Path(warehouse),
        )
        con.commit()
    finally:
        con.close()
    return result


def load_postgres(
    conninfo: str,
    run_date: date,
    validated_root: Path,
    dq_root: Path,
    *,
    schema_prefix: str = "",
) -> LoadResult:
    """Build the raw layer in memory and COPY it into PostgreSQL schema ``<prefix>raw``."""
    from hedui.warehouse.postgres import copy_raw_to_postgres

    key = pseudonym_key()
    con = duck.connect()
    try:
        result = load_raw(con, run_date, validated_root, dq_root, RAW_SCHEMA, key)
        started = time.perf_counter()
        copy_raw_to_postgres(con, RAW_SCHEMA, conninfo, schema_prefix + RAW_SCHEMA)
        result.seconds += time.perf_counter() - started
        result.schema = schema_prefix + RAW_SCHEMA
    finally:
        con.close()
    return result


def load_raw(
    con: duckdb.DuckDBPyConnection,
    run_date: date,
    validated_root: Path,
    dq_root: Path,
    schema: str,
    key: bytes,
    *,
    previous: Path | None = None,
    database: Path | None = None,
) -> LoadResult:
    """Create every raw table of ``run_date`` in ``schema`` of a DuckDB connection (the
    monitoring histories from ``previous``, see hedui.warehouse.history)."""
    started = time.perf_counter()
    con.execute(f"CREATE SCHEMA IF NOT EXISTS {quote(schema)}")
    result = LoadResult(run_date, schema)
    latest: dict[str, Part] = {}
    for source in load_registry().values():
        parts = plan_source(Path(validated_root), source, run_date)
        result.deliveries[source.name] = [p.day for p in parts]
        result.rows[source.name] = _load_source(con, schema, source, parts)
        if parts:
            latest[source.name] = parts[0]
    result.rows["quarantined_keys"] = _load_quarantined_keys(con, schema, latest)
    result.rows["exchange_queries"] = _load_exchange_queries(
        con, schema, exchange_queries_path(Path(dq_root).parent)
    )
    dq_dir = Path(dq_root) / run_date.isoformat()
    for table in ("dq_source_runs", "quarantine"):
        result.rows[table] = _load_dq_table(con, schema, table, dq_dir / f"{table}.parquet")
    result.status = _load_source_status(con, schema, run_date, result)
    result.rows["source_status"] = len(result.status)
    result.rows["identity"] = _load_identity(con, schema, key)
    result.rows.update(load_history(con, schema, run_date, previous, database=database))
    result.seconds = time.perf_counter() - started
    return result


def _table(schema: str, name: str) -> str:
    return f"{quote(schema)}.{quote(name)}"


def _create_empty(con: duckdb.DuckDBPyConnection, table: str, cols: list[tuple[str, str]]) -> None:
    con.execute(f"DROP TABLE IF EXISTS {table}")
    con.execute(create_table_sql(table, cols, "duckdb"))


def _select_part(source: Source, part: Part) -> str:
    present = set(pq.read_schema(part.path).names)
    items = []
    for name, kind in source_columns(source):
        typ = ddl_type(kind, "duckdb")
        if name == "_delivery_date":
            expr = lit(part.day)
        elif name in present:
            expr = f"CAST({quote(name)} AS {typ})"
        else:
            expr = f"CAST(NULL AS {typ})"
        items.append(f"{expr} AS {quote(name)}")
    sql = f"SELECT {', '.join(items)} FROM read_parquet({lit(Path(part.path).resolve())})"
    if part.before is not None:
        sql += f" WHERE {quote(window_column(source) or '')} < {lit(part.before)}"
    return sql


def _load_source(
    con: duckdb.DuckDBPyConnection, schema: str, source: Source, parts: list[Part]
) -> int:
    """``raw.<source>``: a view over the validated Parquet of its deliveries (staging reads
    them in place, nothing is copied), or an empty table when nothing was delivered."""
    table = _table(schema, source.name)
    _drop_relation(con, schema, source.name)
    if parts:
        union = " UNION ALL ".join(_select_part(source, p) for p in parts)
        con.execute(f"CREATE VIEW {table} AS {union}")
    else:
        con.execute(create_table_sql(table, source_columns(source), "duckdb"))
    return _count(con, table)


def _drop_relation(con: duckdb.DuckDBPyConnection, schema: str, name: str) -> None:
    """Drop ``schema.name``, a table or a view (DuckDB's DROP names the kind)."""
    found = con.execute(
        "SELECT 'VIEW' FROM duckdb_views() WHERE schema_name = ? AND view_name = ? "
        "AND database_name = current_database() "
        "UNION ALL SELECT 'TABLE' FROM duckdb_tables() WHERE schema_name = ? "
        "AND table_name = ? AND database_name = current_database()",
        [schema, name, schema, name],
    ).fetchall()
    for (kind,) in found:
        con.execute(f"DROP {kind} {_table(schema, name)}")


def _load_quarantined_keys(
    con: duckdb.DuckDBPyConnection, schema: str, latest: dict[str, Part]
) -> int:
    """raw.quarantined_keys from the quarantined-keys file beside each latest delivery."""
    table = _table(schema, "quarantined_keys")
    _create_empty(con, table, extra_columns("quarantined_keys"))
    for name, part in sorted(latest.items()):
        path = quarantined_keys_path(part.path)
        if path.is_file():
            con.execute(
                f"INSERT INTO {table} SELECT {lit(name)}, CAST(key_kind AS VARCHAR), "
                f"CAST(key AS VARCHAR) FROM read_parquet({lit(path)})"
            )
    return _count(con, table)


def exchange_queries_path(workspace: Path) -> Path:
    """The exchange's query log of a workspace (written by the cross-region exchange)."""
    return Path(workspace) / "exchange" / "queries.parquet"


def _load_exchange_queries(con: duckdb.DuckDBPyConnection, schema: str, path: Path) -> int:
    """raw.exchange_queries from the query log; an empty table when there is none yet."""
    return _load_dq_table(con, schema, "exchange_queries", path)


def _load_dq_table(con: duckdb.DuckDBPyConnection, schema: str, name: str, path: Path) -> int:
    table = _table(schema, name)
    cols = extra_columns(name)
    _create_empty(con, table, cols)
    if path.is_file():
        present = set(pq.read_schema(path).names)
        items = ", ".join(
            f"CAST({quote(c) if c in present else 'NULL'} AS {ddl_type(k, 'duckdb')})"
            for c, k in cols
        )
        con.execute(f"INSERT INTO {table} SELECT {items} FROM read_parquet({lit(path)})")
    return _count(con, table)


def _count(con: duckdb.DuckDBPyConnection, table: str) -> int:
    row = con.execute(f"SELECT count(*) FROM {table}").fetchone()
    return int(row[0]) if row else 0


def _load_source_status(
    con: duckdb.DuckDBPyConnection, schema: str, run_date: date, result: LoadResult
) -> dict[str, str]:
    """One row per source: the dq status of the run date, checked against what was loaded."""
    dq = {
        r[0]: (r[1], r[2])
        for r in con.execute(
            f"SELECT source, status, message FROM {_table(schema, 'dq_source_runs')}"
        ).fetchall()
    }
    rows = []
    registry = load_registry()
    for name in registry:
        days = result.deliveries[name]
        as_of = days[0] if days else None
        if name in dq:
            status, message = dq[name][0] or "missing", dq[name][1] or ""
        elif as_of == run_date:
            status, message = "passed", "no dq record; validated delivery of the run date found"
        else:
            status, message = "missing", "no dq record and no validated delivery of the run date"
        if status in USABLE_STATUSES and as_of is None and registry[name].category != "exchange":
            status, message = "missing", f"{message}; no validated delivery found".lstrip("; ")
        rows.append(
            {
                "source": name,
                "run_date": run_date,
                "status": status,
                "usable": status in USABLE_STATUSES,
                "data_as_of": as_of,
                "deliveries": len(days),
                "rows_loaded": result.rows[name],
                "message": message,
                "window_covered_through": (
                    registry[name].window_covered_through(as_of) if as_of else None
                ),
            }
        )
    table = _table(schema, "source_status")
    _create_empty(con, table, extra_columns("source_status"))
    con.executemany(
        f"INSERT INTO {table} VALUES ({', '.join('?' for _ in EXTRA_TABLES['source_status'][1])})",
        [list(r.values()) for r in rows],
    )
    return {r["source"]: r["status"] for r in rows}


def _load_identity(con: duckdb.DuckDBPyConnection, schema: str, key: bytes) -> int:
    """raw.identity: every person of the hukou, the assistance roll and the requests."""
    selects = [
        f"SELECT {quote(col)} AS id_number, "
        f"{'name' if src == 'hukou' else 'CAST(NULL AS VARCHAR)'} AS name "
        f"FROM {_table(schema, src)}"
        for src, col in IDENTITY_SOURCES
    ]
    people = con.sql(
        f"SELECT id_number, max(name) AS name FROM ({' UNION ALL '.join(selects)}) "
        "WHERE id_number IS NOT NULL GROUP BY id_number ORDER BY id_number"
    ).to_arrow_table()
    ids = people.column("id_number").to_pylist()
    keyed = pa.table(
        {
            "id_number": people.column("id_number"),
            "person_key": pa.array(person_keys(ids, key), pa.string()),
            "name": people.column("name"),
        }
    )
    table = _table(schema, "identity")
    _create_empty(con, table, extra_columns("identity"))
    con.register("hedui_identity_keyed", keyed)
    try:
        con.execute(
            f"INSERT INTO {table} SELECT id_number, person_key, name FROM hedui_identity_keyed"
        )
    finally:
        con.unregister("hedui_identity_keyed")
    return len(ids)
