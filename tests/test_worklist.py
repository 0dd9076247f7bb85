"""Worklist tasks on the application database, the same tests on SQLite and on PostgreSQL:
nights become tasks, a closed task stays closed the next night, a resolved warning that fires
again is a new task, every change has its history, filters / sort / pages give exact rows."""

from __future__ import annotations

import shutil
import uuid
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import duckdb
import psycopg
import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from hedui.appdb import AppDB
from hedui.web.users import UserStore
from hedui.worklist import DueRules, TaskError, TaskStore, ensure_synced, sync_night
from hedui_testing.web_sample import (
    CASE_NO,
    HOUSEHOLDS,
    LATEST,
    add_sample_night,
    build_sample_warehouse,
)

PG = "postgresql+psycopg://postgres@127.0.0.1:5432"
H0, H3 = HOUSEHOLDS[0].household_id, HOUSEHOLDS[3].household_id
RULES = DueRules()
TODAY = date(2026, 12, 1)


@pytest.fixture(scope="module")
def sample(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_sample_warehouse(tmp_path_factory.mktemp("wl") / "sample.duckdb")


@pytest.fixture
def warehouse(sample: Path, tmp_path: Path) -> Path:
    return Path(shutil.copy(sample, tmp_path / "wh.duckdb"))


@pytest.fixture(params=["sqlite", "postgresql"])
def db(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[AppDB]:
    if request.param == "sqlite":
        yield AppDB.open(f"sqlite:///{tmp_path}/app.sqlite")
        return
    name = f"hedui_wl_{uuid.uuid4().hex[:12]}"
    with psycopg.connect("host=127.0.0.1 user=postgres dbname=test", autocommit=True) as con:
        con.execute(f'CREATE DATABASE "{name}"')
    try:
        AppDB.open(f"{PG}/{name}").engine.dispose()  # migrated as the owner
        app = AppDB.open(f"{PG}/{name}", role="hedui_app", migrate=False)  # acts as the app
        yield app
        app.engine.dispose()
    finally:
        with psycopg.connect("host=127.0.0.1 user=postgres dbname=test", autocommit=True) as con:
            con.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _sync(db: AppDB, path: Path, night: date) -> dict[str, tuple[int, int] | None]:
    with duckdb.connect(str(path), read_only=True) as con:
        return {
            k: sync_night(db, con, k, night, RULES) for k in ("warnings", "reviews", "outreach")
        }


def _keys(store: TaskStore, kind: str) -> list[tuple]:
    rows = store.all(kind, {}, TODAY, sort="subject")
    return sorted((t.subject, t.code, t.episode, t.status, t.source_status) for t in rows)


def _staff(db: AppDB, *names: str) -> None:
    users = UserStore(db)
    for name in names:
        users.add(name, "password-123456", "staff")


def test_a_night_becomes_tasks_with_due_dates_by_severity(db: AppDB, warehouse: Path) -> None:
    with duckdb.connect(str(warehouse), read_only=True) as con:
        assert ensure_synced(db, con, rules=RULES) == {
            "warnings": (3, 0),
            "reviews": (2, 0),
            "outreach": (1, 0),
        }
        assert ensure_synced(db, con, rules=RULES) == {}  # that night is done
    store = TaskStore(db)
    tasks = {(t.subject, t.code): t for t in store.all("warnings", {}, TODAY)}
    assert {k: (t.episode, t.severity, t.due_date, t.district_code) for k, t in tasks.items()} == {
        (H0, "W_INCOME_DROP"): (date(2026, 11, 25), "red", date(2026, 11, 28), "120101"),
        (H0, "W_MEDICAL"): (date(2026, 11, 26), "orange", date(2026, 12, 3), "120101"),
        (H3, "W_JOB_LOSS"): (date(2026, 11, 27), "yellow", date(2026, 12, 12), "120101"),
    }
    assert {t.status for t in tasks.values()} == {"open"}
    assert _keys(store, "reviews") == [
        (CASE_NO, "R_INCOME", date(2026, 11, 25), "open", "ongoing"),
        (CASE_NO, "R_VEHICLE", date(2026, 11, 25), "open", "ongoing"),
    ]
    assert _keys(store, "outreach") == [(H3, "outreach", date(2026, 11, 25), "open", "ongoing")]
    assert [t.code for t in store.all("warnings", {"overdue": "1"}, TODAY)] == ["W_INCOME_DROP"]


def test_a_closed_task_stays_closed_and_a_refired_warning_is_a_new_task(
    db: AppDB, warehouse: Path
) -> None:
    _staff(db, "wang", "li")
    _sync(db, warehouse, LATEST)
    store = TaskStore(db)
    task = next(t for t in store.all("warnings", {"subject": H0}, TODAY) if t.severity == "red")
    store.assign(task.id, "wang", by="li")
    store.record_outcome(task.id, "confirmed", "  入户核实，收入确已中断  ", by="wang")
    closed = store.close(task.id, by="wang")
    assert (closed.status, closed.outcome, closed.outcome_note) == (
        "closed",
        "confirmed",
        "入户核实，收入确已中断",
    )

    night2, night3, night4 = date(2026, 11, 28), date(2026, 11, 29), date(2026, 11, 30)
    add_sample_night(warehouse, night2, drop_reviews=("R_VEHICLE",))
    assert _sync(db, warehouse, night2) == {
        "warnings": (0, 3),
        "reviews": (0, 2),  # R_INCOME carried on, R_VEHICLE gone
        "outreach": (0, 1),
    }
    assert _sync(db, warehouse, LATEST) == dict.fromkeys(("warnings", "reviews", "outreach"))
    again = store.get(task.id)
    assert again is not None
    assert (again.status, again.source_status, again.last_run) == ("closed", "ongoing", night2)
    assert _keys(store, "reviews") == [
        (CASE_NO, "R_INCOME", date(2026, 11, 25), "open", "ongoing"),
        (CASE_NO, "R_VEHICLE", date(2026, 11, 25), "open", "gone"),
    ]

    add_sample_night(warehouse, night3, resolve=((H0, "W_INCOME_DROP"),))
    _sync(db, warehouse, night3)
    assert store.get(task.id).source_status == "resolved"  # type: ignore[union-attr]
    add_sample_night(warehouse, night4, refire=((H0, "W_INCOME_DROP"),))
    with duckdb.connect(str(warehouse)) as con:  # R_VEHICLE fires again after two nights
        con.execute(
            "INSERT INTO marts.recipient_reviews SELECT * REPLACE (?::DATE AS run_date)"
            " FROM marts.recipient_reviews WHERE run_date = ? AND review_code = 'R_VEHICLE'",
            [night4, LATEST],
        )
    _sync(db, warehouse, night4)
    assert [
        (t.episode, t.status, t.source_status, t.due_date)
        for t in store.all("warnings", {"subject": H0, "code": "W_INCOME_DROP"}, TODAY, "episode")
    ] == [
        (date(2026, 11, 25), "closed", "resolved", date(2026, 11, 28)),
        (night4, "open", "new", date(2026, 12, 3)),
    ]
    # R_VEHICLE fired again after a gap: a new episode, a new task
    assert _keys(store, "reviews") == [
        (CASE_NO, "R_INCOME", date(2026, 11, 25), "open", "ongoing"),
        (CASE_NO, "R_VEHICLE", date(2026, 11, 25), "open", "gone"),
        (CASE_NO, "R_VEHICLE", night4, "open", "new"),
    ]


def test_every_change_is_checked_and_kept_in_the_history(db: AppDB, warehouse: Path) -> None:
    _staff(db, "wang", "li")
    _sync(db, warehouse, LATEST)
    store = TaskStore(db)
    tid = store.all("warnings", {"code": "W_JOB_LOSS"}, TODAY)[0].id
    with pytest.raises(TaskError, match="no active user"):
        store.assign(tid, "nobody", by="li")
    with pytest.raises(TaskError, match="record the outcome"):
        store.close(tid, by="li")
    with pytest.raises(TaskError, match="confirmed / adjusted / dismissed"):
        store.record_outcome(tid, "approved", "x", by="li")
    with pytest.raises(TaskError, match="note"):
        store.record_outcome(tid, "dismissed", "   ", by="li")
    with pytest.raises(TaskError, match="cannot reopen"):
        store.reopen(tid, "", by="li")
    with pytest.raises(TaskError, match="no task"):
        store.assign(999_999, "wang", by="li")
    store.assign(tid, "li", by="li")
    store.assign(tid, "wang", by="li")
    store.record_outcome(tid, "dismissed", "误报：已再就业", by="wang")
    store.close(tid, by="wang")
    with pytest.raises(TaskError, match="cannot assign"):
        store.assign(tid, "li", by="li")
    reopened = store.reopen(tid, "复查", by="li")
    assert (reopened.status, reopened.closed_at, reopened.outcome) == (
        "in_progress",
        None,
        "dismissed",
    )
    assert [
        (h.username, h.action, h.from_status, h.to_status, h.detail) for h in store.history(tid)
    ] == [
        ("li", "assign", "open", "in_progress", {"assignee": "li"}),
        ("li", "assign", "in_progress", "in_progress", {"assignee": "wang"}),
        (
            "wang",
            "outcome",
            "in_progress",
            "in_progress",
            {"note": "误报：已再就业", "outcome": "dismissed"},
        ),
        ("wang", "close", "in_progress", "closed", {"outcome": "dismissed"}),
        ("li", "reopen", "closed", "in_progress", {"note": "复查"}),
    ]
    if db.dialect == "postgresql":  # the app's role may add history, never rewrite it
        with pytest.raises(DBAPIError, match="permission denied"), db.engine.begin() as c:
            c.execute(text("UPDATE task_history SET username = 'x'"))
        with pytest.raises(DBAPIError, match="permission denied"), db.engine.begin() as c:
            c.execute(text("DELETE FROM tasks"))


def test_filters_sorting_and_pages(db: AppDB, warehouse: Path) -> None:
    _staff(db, "wang", "li")
    _sync(db, warehouse, LATEST)
    store = TaskStore(db)
    ids = {t.code: t.id for t in store.all("warnings", {}, TODAY)}
    store.assign(ids["W_MEDICAL"], "wang", by="wang")
    store.assign(ids["W_JOB_LOSS"], "li", by="wang")

    def codes(filters: dict[str, str], sort: str = "due_date", desc: bool = False) -> list[str]:
        return [t.code for t in store.all("warnings", filters, TODAY, sort, desc, me="wang")]

    assert codes({}) == ["W_INCOME_DROP", "W_MEDICAL", "W_JOB_LOSS"]
    assert codes({}, "severity", desc=True) == ["W_JOB_LOSS", "W_MEDICAL", "W_INCOME_DROP"]
    assert codes({"assignee": "me"}) == ["W_MEDICAL"]
    assert codes({"assignee": "none"}) == ["W_INCOME_DROP"]
    assert codes({"status": "in_progress"}) == ["W_MEDICAL", "W_JOB_LOSS"]
    assert codes({"severity": "yellow", "district_code": "120101"}) == ["W_JOB_LOSS"]
    assert codes({"district_code": "120102"}) == []
    assert codes({"subject": H3[:6] + "%"}) == []  # a wildcard is matched literally
    pages = [store.page("warnings", {}, TODAY, page=n, page_size=2) for n in (1, 2, 9)]
    assert [(p.page, p.pages, p.total, p.first, p.last) for p in pages] == [
        (1, 2, 3, 1, 2),
        (2, 2, 3, 3, 3),
        (2, 2, 3, 3, 3),
    ]
    assert [t.code for t in pages[1].rows] == ["W_JOB_LOSS"]
    assert store.counts("wang", TODAY) == {"open": 1, "overdue": 0}
    assert store.values("warnings", "severity") == ["orange", "red", "yellow"]
