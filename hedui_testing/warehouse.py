"""Write small validated deliveries and dq records in the validation step's format (tests, demos).

``write_delivery`` writes ``<validated_root>/<source>/<day>/data.parquet`` typed per the
registry (plus ``_file``, ``_line``); ``write_dq_runs`` writes ``<dq_root>/<day>/
dq_source_runs.parquet``. Rows are dicts; missing columns are null, numbers become decimals.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date
from decimal import Decimal
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from hedui.registry import get_source, source_names
from hedui.warehouse.deliveries import DATA_FILE, quarantined_keys_path

DQ_SCHEMA = pa.schema(
    [
        ("source", pa.string()),
        ("run_date", pa.date32()),
        ("status", pa.string()),
        ("rows_landed", pa.int64()),
        ("rows_loaded", pa.int64()),
        ("rows_quarantined", pa.int64()),
        ("checks_evaluated", pa.int64()),
        ("checks_failed", pa.int64()),
        ("schema_hash", pa.string()),
        ("message", pa.string()),
        ("data_as_of", pa.date32()),
    ]
)


def _value(value: object, kind: str) -> object:
    if value is None:
        return None
    if kind == "decimal":
        return Decimal(str(value))
    if kind == "date" and isinstance(value, str):
        return date.fromisoformat(value)
    return value


def delivery_table(source: str, rows: Iterable[Mapping[str, object]]) -> pa.Table:
    """Rows of one source as a validated table (contract columns, then _file and _line)."""
    contract = get_source(source)
    schema = contract.arrow_schema.append(pa.field("_file", pa.string()))
    schema = schema.append(pa.field("_line", pa.int64()))
    kinds = {c.name: c.type for c in contract.columns}
    data = []
    for n, row in enumerate(rows, start=1):
        out = {k: _value(row.get(k), kinds[k]) for k in contract.column_names}
        out["_file"] = str(row.get("_file", f"{source}.fixture"))
        out["_line"] = int(row.get("_line", n))  # type: ignore[call-overload]
        data.append(out)
    return pa.Table.from_pylist(data, schema=schema)


def write_delivery(
    validated_root: Path, source: str, day: date, rows: Iterable[Mapping[str, object]]
) -> Path:
    """Write one validated delivery; returns its path."""
    path = Path(validated_root) / source / day.isoformat() / DATA_FILE
    path.parent.mkdir(parents=True, exist_ok=True)
    pq.write_table(delivery_table(source, rows), path)
    return path


def write_quarantined_keys(
    validated_root: Path, source: str, day: date, keys: Iterable[tuple[str, str]]
) -> Path:
    """The (key_kind, key) pairs named by quarantined rows of a validated delivery, as
    validation writes them (key_kind: person | hukou | case | request)."""
    path = quarantined_keys_path(Path(validated_root) / source / day.isoformat() / DATA_FILE)
    path.parent.mkdir(parents=True, exist_ok=True)
    pairs = sorted(keys)
    table = pa.table(
        {
            "key_kind": pa.array([k for k, _ in pairs], pa.string()),
            "key": pa.array([v for _, v in pairs], pa.string()),
        }
    )
    pq.write_table(table, path)
    return path


def write_dq_runs(
    dq_root: Path,
    day: date,
    statuses: Mapping[str, str] | None = None,
    rows_loaded: Mapping[str, int] | None = None,
) -> Path:
    """dq_source_runs.parquet for ``day``: every source passed unless ``statuses`` says else."""
    statuses = statuses or {}
    rows_loaded = rows_loaded or {}
    records = []
    for name in source_names():
        status = statuses.get(name, "passed")
        loaded = rows_loaded.get(name, 0)
        records.append(
            {
                "source": name,
                "run_date": day,
                "status": status,
                "rows_landed": loaded,
                "rows_loaded": loaded,
                "rows_quarantined": 0,
                "checks_evaluated": 1,
                "checks_failed": 0 if status == "passed" else 1,
                "schema_hash": None,
                "message": f"fixture: {status}",
                "data_as_of": day if status == "passed" else None,
            }
        )
    path = Path(dq_root) / day.isoformat() / "dq_source_runs.parquet"
    path.parent.mkdir(parents=True, exist_ok=True)
    pq.write_table(pa.Table.from_pylist(records, schema=DQ_SCHEMA), path)
    return path


def write_run(
    validated_root: Path,
    dq_root: Path,
    day: date,
    rows: Mapping[str, Iterable[Mapping[str, object]]],
    statuses: Mapping[str, str] | None = None,
) -> None:
    """A whole night: every source delivered (empty when not in ``rows``) unless ``statuses``
    gives it another status than passed (failed, missing, late: nothing validated that day),
    and the dq record of the night."""
    statuses = statuses or {}
    counts = {}
    for name in source_names():
        if statuses.get(name, "passed") != "passed":
            continue
        table = list(rows.get(name, []))
        write_delivery(validated_root, name, day, table)
        counts[name] = len(table)
    write_dq_runs(dq_root, day, statuses, counts)
