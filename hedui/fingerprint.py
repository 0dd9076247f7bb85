"""A content fingerprint of a warehouse's marts: equal iff every mart holds the same rows."""

from __future__ import annotations

import hashlib
from pathlib import Path

from hedui import duck


def mart_fingerprints(warehouse: Path, schema: str = "marts") -> dict[str, str]:
    """sha256 per table or view of the rows sorted on every column (order- and file-layout-free;
    the night files' manifest, which names versions and paths, is left out)."""
    con = duck.connect(warehouse, read_only=True)
    try:
        tables = [
            r[0]
            for r in con.execute(
                "SELECT table_name FROM information_schema.tables WHERE table_schema = ? "
                "AND table_name <> 'published_nights' ORDER BY table_name",
                [schema],
            ).fetchall()
        ]
        out = {}
        for table in tables:
            digest = hashlib.sha256()
            rel = con.sql(f'SELECT * FROM {schema}."{table}" ORDER BY ALL')
            for batch in rel.to_arrow_reader(100_000):
                for row in batch.to_pylist():
                    digest.update(repr(sorted(row.items())).encode())
            out[table] = digest.hexdigest()
        return out
    finally:
        con.close()


def warehouse_fingerprint(warehouse: Path, schema: str = "marts") -> str:
    """One sha256 over every mart's fingerprint."""
    parts = mart_fingerprints(warehouse, schema)
    return hashlib.sha256(repr(sorted(parts.items())).encode()).hexdigest()
