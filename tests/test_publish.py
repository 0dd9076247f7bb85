"""Write-audit-publish: atomic swap, kept versions, rollback, readers never see a partial table."""

from __future__ import annotations

import multiprocessing as mp
import time
from pathlib import Path

import duckdb
import pytest

from hedui.publish import list_versions, publish, published_path, rollback


def _build(path: Path, marker: int, rows: int = 20_000) -> Path:
    con = duckdb.connect(str(path))
    con.sql("CREATE SCHEMA marts")
    con.sql(f"CREATE TABLE marts.t AS SELECT {marker} AS build, range AS i FROM range({rows})")
    con.close()
    return path


def _read(path: Path) -> tuple[int, int]:
    con = duckdb.connect(str(path), read_only=True)
    try:
        return con.execute("SELECT min(build), count(*) FROM marts.t").fetchone()
    finally:
        con.close()


def test_publish_keeps_n_versions_and_rolls_back(tmp_path: Path) -> None:
    wh = tmp_path / "wh"
    for i in range(1, 5):
        publish(_build(tmp_path / f"s{i}.duckdb", i), wh, f"2026-11-2{i}", keep=3)
    assert [v.run_date for v in list_versions(wh)] == ["2026-11-22", "2026-11-23", "2026-11-24"]
    assert len(list((wh / "versions").glob("*.duckdb"))) == 3
    assert _read(published_path(wh)) == (4, 20_000)
    back = rollback(wh)
    assert back.run_date == "2026-11-23"
    assert _read(published_path(wh)) == (3, 20_000)
    rollback(wh, "2026-11-22-0002")
    assert _read(published_path(wh)) == (2, 20_000)
    with pytest.raises(LookupError, match="not kept"):
        rollback(wh, "2026-11-21-0001")


def _reader_loop(path: str, seconds: float, queue: mp.Queue) -> None:
    errors, seen, reads = [], set(), 0
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        try:
            build, count = _read(Path(path))
            seen.add(build)
            reads += 1
            if count != 200_000:
                errors.append(f"partial table: {count} rows")
        except Exception as exc:  # any error is a failure of the test
            errors.append(repr(exc))
    queue.put((errors, sorted(seen), reads))


def test_reader_never_sees_error_or_partial_table_during_publish(tmp_path: Path) -> None:
    wh = tmp_path / "wh"
    publish(_build(tmp_path / "s0.duckdb", 0, 200_000), wh, "2026-11-20")
    queue: mp.Queue = mp.get_context("spawn").Queue()
    reader = mp.get_context("spawn").Process(
        target=_reader_loop, args=(str(published_path(wh)), 6.0, queue)
    )
    reader.start()
    time.sleep(1.5)
    for i in range(1, 6):
        publish(_build(tmp_path / f"s{i}.duckdb", i, 200_000), wh, f"2026-11-2{i}", keep=2)
    errors, seen, reads = queue.get(timeout=60)
    reader.join(timeout=30)
    assert errors == []
    assert reads > 5
    assert len(seen) >= 2  # the reader saw the old and at least one new build, each whole
