"""Write-audit-publish: atomic swap, kept versions, rollback, readers never see a partial table."""

from __future__ import annotations

import multiprocessing as mp
import time
from pathlib import Path

import duckdb
import pytest

from hedui.publish import (
    PublishConflict,
    list_versions,
    publish,
    published_path,
    published_token,
    rollback,
)


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


def test_a_build_on_a_stale_published_warehouse_is_not_published(tmp_path: Path) -> None:
    """Two runs that built on the same published warehouse (say a backfill run in parallel):
    the second to publish would carry out-of-date history, so it is refused."""
    wh = tmp_path / "wh"
    assert published_token(wh) is None
    publish(_build(tmp_path / "s1.duckdb", 1), wh, "2026-11-27", based_on=None)
    base = published_token(wh)
    publish(_build(tmp_path / "s2.duckdb", 2), wh, "2026-11-28", based_on=base)
    with pytest.raises(PublishConflict, match="rerun this date"):
        publish(_build(tmp_path / "s3.duckdb", 3), wh, "2026-11-29", based_on=base)
    assert _read(published_path(wh)) == (2, 20_000)
    assert [v.run_date for v in list_versions(wh)] == ["2026-11-27", "2026-11-28"]
    with pytest.raises(PublishConflict):  # nothing was published when this build started
        publish(_build(tmp_path / "s4.duckdb", 4), wh, "2026-11-29", based_on=None)
    rollback(wh)  # a rollback between a build and its publish is a change too
    with pytest.raises(PublishConflict):
        publish(
            _build(tmp_path / "s5.duckdb", 5), wh, "2026-11-29", based_on=published_token(wh) + "x"
        )
    publish(_build(tmp_path / "s6.duckdb", 6), wh, "2026-11-29", based_on=published_token(wh))
    assert _read(published_path(wh)) == (6, 20_000)


def _reader_loop(path: str, ready: object, stop: object, queue: mp.Queue) -> None:
    """Read the published file in a loop until ``stop`` is set (then once more)."""
    errors, seen, reads = [], set(), 0
    while True:
        last = stop.is_set()
        try:
            build, count = _read(Path(path))
            seen.add(build)
            reads += 1
            if count != 200_000:
                errors.append(f"partial table: {count} rows")
        except Exception as exc:  # any error is a failure of the test
            errors.append(repr(exc))
        ready.set()
        if last:
            break
    queue.put((errors, sorted(seen), reads))


def test_reader_never_sees_error_or_partial_table_during_publish(tmp_path: Path) -> None:
    wh = tmp_path / "wh"
    publish(_build(tmp_path / "s0.duckdb", 0, 200_000), wh, "2026-11-20")
    ctx = mp.get_context("spawn")
    queue: mp.Queue = ctx.Queue()
    ready, stop = ctx.Event(), ctx.Event()
    reader = ctx.Process(target=_reader_loop, args=(str(published_path(wh)), ready, stop, queue))
    reader.start()
    assert ready.wait(timeout=60), "the reader never read the published file"
    for i in range(1, 6):
        publish(_build(tmp_path / f"s{i}.duckdb", i, 200_000), wh, f"2026-11-2{i}", keep=2)
        time.sleep(0.2)  # let the reader open each new file at least once on a loaded machine
    stop.set()
    errors, seen, reads = queue.get(timeout=60)
    reader.join(timeout=30)
    assert errors == []
    assert reads > 5
    assert len(seen) >= 2  # the reader saw the old and at least one new build, each whole
