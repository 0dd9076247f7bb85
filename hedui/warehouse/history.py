"""Monitoring state across nightly runs: the history tables a build carries forward.

The warning lifecycle (new / ongoing / resolved, first_seen) and the population's ``since`` depend
on earlier runs. That state lives in the published warehouse: ``marts.warning_history``,
``marts.population_history`` and ``marts.monitoring_runs`` hold the rows of every run. A build of
run date D copies the previously published warehouse's rows of every *other* run date into the
raw tables of the same names (``raw.warning_history`` ...); dbt computes D's lifecycle from the
rows dated before D only, and writes each history back as those rows plus D's. Hence:

- re-running D gives the same result and never duplicates D's rows (they are replaced);
- a backfill (D earlier than runs already published) reads only the runs before D and carries
  the later runs' rows through unchanged;
- the first run (no previous warehouse) starts from empty histories.

``population_history`` is kept as spells (person, household, category, from_date, to_date), not a
row per person and night, so it is copied whole: the dbt model takes run date D out of the spells
(splitting the spell that spans it), adds D's population and merges adjacent spells again, so a
re-run or a backfill gives the same spells as the nights run in turn. A warehouse published with
the earlier per-night rows is read as one-night spells (merged by the same step).

``previous`` is the published warehouse (opened read-only) or None. A path that does not exist is
an error, never an empty history: an empty history would silently restart every lifecycle.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import duckdb

from hedui.warehouse.raw_tables import create_table_sql, ddl_type, extra_columns, quote

HISTORY_TABLES = ("warning_history", "population_history", "monitoring_runs")
#: history kept as spells (from_date .. to_date), copied whole: dbt takes the run date out
SPELL_TABLES = ("population_history",)
MARTS_SCHEMA = "marts"
ATTACHED = "hedui_previous"  # alias of the previously published warehouse while it is read


def create_history_tables(con: duckdb.DuckDBPyConnection, schema: str) -> None:
    """(Re)create the empty raw history tables in ``schema``."""
    for name in HISTORY_TABLES:
        table = f"{quote(schema)}.{quote(name)}"
        con.execute(f"DROP TABLE IF EXISTS {table}")
        con.execute(create_table_sql(table, extra_columns(name), "duckdb"))


def load_history(
    con: duckdb.DuckDBPyConnection,
    schema: str,
    run_date: date,
    previous: Path | None,
    *,
    database: Path | None = None,
) -> dict[str, int]:
    """(Re)create the raw history tables of ``schema`` and fill them with ``previous``'s rows
    of every run date but ``run_date``; returns rows per table. ``database`` is the file ``con``
    writes: when it is ``previous`` itself (a build in place), the history is read from its own
    marts (they stay until dbt replaces them). Pure SQL through a read-only ATTACH, so the rows
    stream from file to file."""
    if previous is not None and not Path(previous).is_file():
        raise FileNotFoundError(f"previous warehouse {previous} does not exist")
    create_history_tables(con, schema)
    counts = dict.fromkeys(HISTORY_TABLES, 0)
    if previous is None:
        return counts
    same_file = database is not None and Path(previous).resolve() == Path(database).resolve()
    if same_file:
        catalog = con.execute("SELECT current_database()").fetchall()[0][0]
    else:
        catalog = ATTACHED
        con.execute(f"ATTACH {_lit(str(Path(previous).resolve()))} AS {ATTACHED} (READ_ONLY)")
    try:
        for name in HISTORY_TABLES:
            counts[name] = _copy_history(con, schema, name, catalog, run_date)
    finally:
        if not same_file:
            con.execute(f"DETACH {ATTACHED}")
    return counts


def _copy_history(
    con: duckdb.DuckDBPyConnection, schema: str, name: str, catalog: str, run_date: date
) -> int:
    """Insert ``catalog.marts.<name>``'s rows dated other than ``run_date`` into the raw table
    (a column the published table lacks is null); 0 when the table does not exist."""
    present = {
        r[0]
        for r in con.execute(
            "SELECT column_name FROM duckdb_columns() "
            "WHERE database_name = ? AND schema_name = ? AND table_name = ?",
            [catalog, MARTS_SCHEMA, name],
        ).fetchall()
    }
    if not present:
        return 0
    legacy = name in SPELL_TABLES and "run_date" in present and "from_date" not in present
    renamed = {"from_date": "run_date", "to_date": "run_date"} if legacy else {}
    items = ", ".join(
        f"CAST({_column(col, present, renamed)} AS {ddl_type(kind, 'duckdb')})"
        for col, kind in extra_columns(name)
    )
    target = f"{quote(schema)}.{quote(name)}"
    source = f"{quote(catalog)}.{quote(MARTS_SCHEMA)}.{quote(name)}"
    if name in SPELL_TABLES and not legacy:  # every spell; the build takes run_date out of them
        con.execute(f"INSERT INTO {target} SELECT {items} FROM {source}")
    else:
        con.execute(
            f"INSERT INTO {target} SELECT {items} FROM {source} WHERE run_date <> ?", [run_date]
        )
    return int(con.execute(f"SELECT count(*) FROM {target}").fetchall()[0][0])


def _column(col: str, present: set[str], renamed: dict[str, str]) -> str:
    """The published column feeding raw column ``col`` (NULL when the table lacks it)."""
    col = renamed.get(col, col)
    return quote(col) if col in present else "NULL"


def _lit(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"
