"""The query log ``<workspace>/exchange/queries.parquet``: one row per outbound query.

No raw ID numbers: a person is their HMAC pseudonym (``person_key``); answers are matched by
pseudonymising their ``id_number``. The file is 0600 and rewritten atomically each night.
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

LOG_FILE = "queries.parquet"

SCHEMA = pa.schema(
    [
        ("query_id", pa.string()),
        ("request_id", pa.string()),
        ("person_key", pa.string()),
        ("to_region", pa.string()),
        ("purpose", pa.string()),
        ("period_from", pa.string()),
        ("period_to", pa.string()),
        ("asked_on", pa.date32()),
        ("sent_at", pa.timestamp("us")),
        ("attempts", pa.int32()),
        ("answered_on", pa.date32()),
        ("answer_status", pa.string()),
        ("refusal_reason", pa.string()),
        ("last_error", pa.string()),
    ]
)


def exchange_dir(workspace: Path | str) -> Path:
    return Path(workspace) / "exchange"


def log_path(workspace: Path | str) -> Path:
    return exchange_dir(workspace) / LOG_FILE


def query_id(request_id: str, person_key: str, to_region: str) -> str:
    """Deterministic: the same request, person and region always give the same id."""
    digest = hashlib.sha256(f"{request_id}\x1f{person_key}\x1f{to_region}".encode()).hexdigest()
    return f"XQ{to_region[:2]}{digest[:30].upper()}"


def read_log(path: Path) -> pa.Table:
    """The log, or an empty table with its schema."""
    if not Path(path).exists():
        return SCHEMA.empty_table()
    return pq.read_table(path).select(SCHEMA.names).cast(SCHEMA)


def write_log(table: pa.Table, path: Path) -> None:
    """Replace the log atomically; the file is readable by its owner only."""
    path = Path(path)
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    tmp.unlink(missing_ok=True)
    os.close(os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
    pq.write_table(table.select(SCHEMA.names).cast(SCHEMA), tmp, compression="zstd")
    os.chmod(tmp, 0o600)
    os.replace(tmp, path)
