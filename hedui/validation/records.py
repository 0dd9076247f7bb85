"""The dq tables the warehouse loads: dq_source_runs and quarantine, as Parquet per run date."""

from __future__ import annotations

import os
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from hedui import duck
from hedui.validation.compiler import literal as lit

DQ_SOURCE_RUNS_SCHEMA = pa.schema(
    [
        ("source", pa.string()),
        ("run_date", pa.date32()),
        ("status", pa.string()),  # passed | failed | missing | late
        ("rows_landed", pa.int64()),
        ("rows_loaded", pa.int64()),
        ("rows_quarantined", pa.int64()),
        ("checks_evaluated", pa.int64()),
        ("checks_failed", pa.int64()),
        ("schema_hash", pa.string()),
        ("message", pa.string()),
        ("data_as_of", pa.date32()),  # date of the delivery in use (earlier one when late)
    ]
)

QUARANTINE_SCHEMA = pa.schema(
    [
        ("source", pa.string()),
        ("run_date", pa.date32()),
        ("file", pa.string()),
        ("line", pa.int64()),
        ("reason_code", pa.string()),  # the first code in REASON_PRIORITY order
        ("reason", pa.string()),  # human text, never a value
        ("reason_codes", pa.list_(pa.string())),  # every code the row failed
    ]
)


def _replace(table: pa.Table, path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    pq.write_table(table, tmp)
    os.replace(tmp, path)


def write_dq_source_runs(rows: list[dict], path: Path) -> None:
    """Write the run's dq_source_runs rows (one per source), sorted by source."""
    table = pa.Table.from_pylist(rows, schema=DQ_SOURCE_RUNS_SCHEMA).sort_by("source")
    _replace(table, path)


def write_quarantine(parts: list[Path], path: Path) -> None:
    """Merge per-source quarantine parts into the run's one quarantine file."""
    tmp = path.with_name(path.name + ".tmp")
    path.parent.mkdir(parents=True, exist_ok=True)
    if not parts:
        pq.write_table(QUARANTINE_SCHEMA.empty_table(), tmp)
    else:
        selects = [f"SELECT * FROM read_parquet({lit(str(p))})" for p in parts]
        union = " UNION ALL BY NAME ".join(selects)
        con = duck.connect()
        try:
            con.execute(
                f"COPY (SELECT source, run_date, file, line, reason_code, reason, reason_codes "
                f"FROM ({union}) ORDER BY source, file, line) TO {lit(str(tmp))} (FORMAT parquet)"
            )
        finally:
            con.close()
    os.replace(tmp, path)
