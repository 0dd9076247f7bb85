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
    so a query can only ever read the published tables and the night files their views read
    (``<warehouse>/nights/``, the one directory allowed).
    """
    path = published_path(Path(warehouse_dir))
    if not path.exists():
        raise WarehouseMissing(f"no published warehouse at {path}")
    con = duckdb.connect(str(path), read_only=True)
    try:
        nights = (Path(warehouse_dir) / "nights").resolve()
        con.execute(f"SET allowed_directories = ['{str(nights).replace(chr(39), chr(39) * 2)}/']")
        for option, value in READ_ONLY_CONFIG.items():
            con.execute(f"SET {option} = {str(value).lower()}")
    except BaseException:
        con.close()
        raise
    try:
        yield con
    finally:
        con.close()
