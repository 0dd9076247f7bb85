"""The published warehouse keeps every night: one Parquet file per nightly table and run date,
views in the published file; re-runs replace one date, retention drops the oldest, rollback
and readers keep working."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import duckdb
import pytest

from hedui.publish import list_versions, publish, published_path, rollback
from hedui.warehouse.nights import NIGHTLY_TABLES, nights_dir, read_manifest
from hedui.web import queries as q
from hedui.web import views
from hedui.web.warehouse import open_warehouse

DATES = ["2026-11-27", "2026-11-28", "2026-11-29"]


def _staging(path: Path, run_date: str, marker: int) -> Path:
    """A staging file like the build's: nightly marts of one date, a detail mart, identity."""
    con = duckdb.connect(str(path))
    con.execute("CREATE SCHEMA marts; CREATE SCHEMA restricted")
    con.execute(
        "CREATE TABLE marts.household_verification AS SELECT 'h' || range AS household_id, "
        f"DATE '{run_date}' AS run_date, {marker} AS build, range * 10 AS monthly_amount "
        "FROM range(50)"
    )
    con.execute(
        "CREATE TABLE marts.return_to_poverty_warnings AS SELECT 'h1' AS household_id, "
        f"DATE '{run_date}' AS run_date, 'W{marker}' AS warning_code FROM range(0)"
    )
    con.execute(
        f"CREATE TABLE marts.households AS SELECT {marker} AS build, DATE '{run_date}' AS run_date"
    )
    con.execute("CREATE TABLE restricted.identity AS SELECT 'k' AS person_key")
    con.close()
    return path


def _rows(database: Path, sql: str) -> list[tuple]:
    con = duckdb.connect(str(database), read_only=True)
    try:
        return con.execute(sql).fetchall()
    finally:
        con.close()


def _files(wh: Path) -> dict[str, bytes]:
    return {
        p.relative_to(wh).as_posix(): p.read_bytes()
        for p in sorted(nights_dir(wh).glob("*/*/*.parquet"))
    }


def test_every_night_is_kept_and_a_rerun_replaces_only_its_date(tmp_path: Path) -> None:
    wh = tmp_path / "wh"
    for i, day in enumerate(DATES, 1):
        publish(_staging(tmp_path / f"s{i}.duckdb", day, i), wh, day, keep=10)
    pub = published_path(wh)
    assert _rows(
        pub,
        "SELECT CAST(run_date AS VARCHAR), min(build), count(*) FROM "
        "marts.household_verification GROUP BY 1 ORDER BY 1",
    ) == [(DATES[0], 1, 50), (DATES[1], 2, 50), (DATES[2], 3, 50)]
    # an empty night is still a night: the table has its columns and no rows of that date
    assert _rows(pub, "SELECT count(*) FROM marts.return_to_poverty_warnings") == [(0,)]
    # current_*: the latest run date alone, without a filter
    assert _rows(
        pub,
        "SELECT DISTINCT CAST(run_date AS VARCHAR), build "
        "FROM marts.current_household_verification",
    ) == [(DATES[2], 3)]
    # tables that are not nightly stay plain tables of the latest build
    assert _rows(pub, "SELECT build FROM marts.households") == [(3,)]
    assert _rows(pub, "SELECT person_key FROM restricted.identity") == [("k",)]

    before = _files(wh)
    publish(_staging(tmp_path / "s2b.duckdb", DATES[1], 22), wh, DATES[1], keep=10)
    after = _files(wh)
    others = {k: v for k, v in before.items() if f"/{DATES[1]}/" not in k}
    assert others and all(after[k] == v for k, v in others.items())  # byte-identical
    assert _rows(
        pub,
        "SELECT CAST(run_date AS VARCHAR), min(build), count(*) FROM "
        "marts.household_verification GROUP BY 1 ORDER BY 1",
    ) == [(DATES[0], 1, 50), (DATES[1], 22, 50), (DATES[2], 3, 50)]
    # a re-run of an older date leaves the latest night the current one
    assert _rows(pub, "SELECT DISTINCT build FROM marts.current_household_verification") == [(3,)]
    # the replaced file stays while a kept version names it: rollback shows the old night again
    rollback(wh)
    assert _rows(
        pub, f"SELECT min(build) FROM marts.household_verification WHERE run_date = '{DATES[1]}'"
    ) == [(2,)]


def test_retention_drops_the_oldest_date_at_the_third_publish(tmp_path: Path) -> None:
    wh = tmp_path / "wh"
    for i, day in enumerate(DATES[:2], 1):
        publish(_staging(tmp_path / f"s{i}.duckdb", day, i), wh, day, keep=1, keep_nights=2)
    assert {n.run_date for n in read_manifest(published_path(wh))} == set(DATES[:2])
    publish(_staging(tmp_path / "s3.duckdb", DATES[2], 3), wh, DATES[2], keep=1, keep_nights=2)
    pub = published_path(wh)
    assert _rows(
        pub,
        "SELECT DISTINCT CAST(run_date AS VARCHAR) FROM marts.household_verification ORDER BY 1",
    ) == [(DATES[1],), (DATES[2],)]
    # with one version kept, nothing names the oldest date's files any more: they are deleted
    assert not any(f"/{DATES[0]}/" in k for k in _files(wh))
    assert sorted({k.split("/")[1] for k in _files(wh)}) == [
        "household_verification",
        "return_to_poverty_warnings",
    ]
    assert [v.run_date for v in list_versions(wh)] == [DATES[2]]


def test_retention_keeps_files_a_kept_version_still_names(tmp_path: Path) -> None:
    wh = tmp_path / "wh"
    for i, day in enumerate(DATES, 1):
        publish(_staging(tmp_path / f"s{i}.duckdb", day, i), wh, day, keep=5, keep_nights=2)
    assert any(f"/{DATES[0]}/" in k for k in _files(wh))
    rollback(wh)  # the second publish named the first date: it is whole again
    assert _rows(
        published_path(wh), "SELECT count(DISTINCT run_date) FROM marts.household_verification"
    ) == [(2,)]
    assert _rows(
        published_path(wh),
        "SELECT min(CAST(run_date AS VARCHAR)) FROM marts.household_verification",
    ) == [(DATES[0],)]


def test_a_warehouse_published_before_nights_is_split_once(tmp_path: Path) -> None:
    """A published file whose nightly marts are plain tables of two run dates."""
    wh = tmp_path / "wh"
    old = _staging(tmp_path / "old.duckdb", DATES[0], 1)
    con = duckdb.connect(str(old))
    con.execute(
        f"INSERT INTO marts.household_verification SELECT household_id, "
        f"DATE '{DATES[1]}', 2, monthly_amount FROM marts.household_verification"
    )
    con.close()
    wh.mkdir()
    (wh / "published.duckdb").write_bytes(old.read_bytes())
    publish(_staging(tmp_path / "s3.duckdb", DATES[2], 3), wh, DATES[2])
    assert _rows(
        published_path(wh),
        "SELECT CAST(run_date AS VARCHAR), min(build) FROM "
        "marts.household_verification GROUP BY 1 ORDER BY 1",
    ) == [(DATES[0], 1), (DATES[1], 2), (DATES[2], 3)]


def test_the_web_reader_reads_nights_and_nothing_else(tmp_path: Path) -> None:
    wh = tmp_path / "wh"
    publish(_staging(tmp_path / "s1.duckdb", DATES[0], 1), wh, DATES[0])
    with open_warehouse(wh) as con:
        assert con.execute("SELECT count(*) FROM marts.household_verification").fetchone() == (50,)
        with pytest.raises(duckdb.PermissionException):
            con.execute("SELECT * FROM read_csv('/etc/passwd')")


def test_the_nightly_tables_are_the_run_grain_tables_of_outputs_md() -> None:
    assert {
        "household_verification",
        "low_income_population",
        "return_to_poverty_warnings",
        "recipient_reviews",
        "outreach_candidates",
        "verification_reports",
        "dq_source_runs",
        "quarantine",
    } <= set(NIGHTLY_TABLES)


def test_files_a_killed_publish_left_are_removed_at_the_next(tmp_path: Path) -> None:
    wh = tmp_path / "wh"
    publish(_staging(tmp_path / "s1.duckdb", DATES[0], 1), wh, DATES[0])
    folder = nights_dir(wh) / "household_verification" / DATES[1]
    folder.mkdir(parents=True)
    leftovers = [folder / ".2026-11-28-0002.parquet.partial", folder / "2026-11-28-0002.parquet"]
    for path in leftovers:
        path.write_bytes(b"half")
    publish(_staging(tmp_path / "s2.duckdb", DATES[1], 2), wh, DATES[1])
    assert not leftovers[0].exists()  # the rerun's own file replaced the other one
    assert _rows(published_path(wh), "SELECT count(*) FROM marts.household_verification") == [
        (100,)
    ]


def test_pages_read_a_night_and_show_the_nights_before_it(tmp_path: Path) -> None:
    """The case page as of a date lists that night's reviews and the earlier ones only; the
    household history lists tier, amount and each night's warnings."""
    wh = tmp_path / "wh"
    for i, day in enumerate(DATES, 1):
        staging = _staging(tmp_path / f"s{i}.duckdb", day, i)
        con = duckdb.connect(str(staging))
        con.execute(
            "CREATE TABLE marts.recipient_reviews AS SELECT 'JZ1' AS case_no, "
            f"DATE '{day}' AS run_date, 'R{i}' AS review_code, '[]' AS evidence"
        )
        con.execute(
            f"INSERT INTO marts.return_to_poverty_warnings VALUES ('h1', DATE '{day}', 'W_{i}')"
        )
        con.execute(
            "ALTER TABLE marts.return_to_poverty_warnings ADD COLUMN status VARCHAR DEFAULT 'new'"
        )
        con.execute(
            "ALTER TABLE marts.household_verification ADD COLUMN tier VARCHAR DEFAULT 'dibao'"
        )
        con.execute(
            "ALTER TABLE marts.household_verification ADD COLUMN income_per_capita "
            "INTEGER DEFAULT 1"
        )
        con.execute(
            "ALTER TABLE marts.household_verification ADD COLUMN complete BOOLEAN DEFAULT true"
        )
        con.execute(
            "ALTER TABLE marts.household_verification ADD COLUMN reason_codes VARCHAR[] DEFAULT []"
        )
        con.close()
        publish(staging, wh, day)
    with open_warehouse(wh) as con:
        page = views.case_page(con, "JZ1", date.fromisoformat(DATES[1]))
        assert [(str(d), [r["review_code"] for r in rows]) for d, rows in page.runs] == [
            (DATES[1], ["R2"]),
            (DATES[0], ["R1"]),
        ]
        assert len(views.case_page(con, "JZ1").runs) == 3
        history = q.household_history(con, "h1")
        assert [(str(h["run_date"]), h["monthly_amount"], h["warnings"]) for h in history] == [
            (DATES[2], 10, ["W_3:new"]),
            (DATES[1], 10, ["W_2:new"]),
            (DATES[0], 10, ["W_1:new"]),
        ]
