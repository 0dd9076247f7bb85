"""Opening the published warehouse: read-only, external access off, one connection per use."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import duckdb

from hedui.publish import published_path

READ_ONLY_CONFIG = {"enable_external_access": False, "lock_configuration": True}


class WarehouseMissing(RuntimeError):
    """No warehouse has been published yet."""


@contextmanager
def open_warehouse(warehouse_dir: Path) -> Iterator[duckdb.DuckDBPyConnection]:
    """A fresh read-only connection to ``published.duckdb``; closed on exit.

    Files, extensions and ATTACH are refused (external access disabled, configuration locked),
    so a query can only ever read the published tables.
    """
    path = published_path(Path(warehouse_dir))
    if not path.exists():
        raise WarehouseMissing(f"no published warehouse at {path}")
    con = duckdb.connect(str(path), read_only=True, config=READ_ONLY_CONFIG)
    try:
        yield con
    finally:
        con.close()
