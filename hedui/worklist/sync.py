"""Turn a published night into tasks: new episodes become open tasks, known ones keep their
staff state (a closed task stays closed) and get tonight's severity and warehouse status.

One upsert per batch keyed on (kind, subject, code, episode), then one UPDATE marking the tasks
whose item is no longer published ``gone``. A night is synced once per kind: ``task_sync`` is
claimed first, so two workers never sync the same night.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, date, datetime
from typing import Any

import duckdb
from sqlalchemy import and_, func, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import IntegrityError

from hedui.appdb import AppDB
from hedui.appdb.schema import task_sync, tasks
from hedui.worklist.due import DueRules
from hedui.worklist.source import KINDS, latest_night, night_items

BATCH = 5_000
LIVE = ("new", "ongoing")


def _upsert(db: AppDB, rows: list[dict[str, Any]]):  # type: ignore[no-untyped-def]
    dialect = postgresql if db.dialect == "postgresql" else sqlite
    stmt = dialect.insert(tasks).values(rows)
    return stmt.on_conflict_do_update(
        index_elements=["kind", "subject", "code", "episode"],
        set_={
            "severity": stmt.excluded.severity,
            "source_status": stmt.excluded.source_status,
            "district_code": stmt.excluded.district_code,
            "last_run": stmt.excluded.last_run,
        },
    )


def sync_night(
    db: AppDB,
    con: duckdb.DuckDBPyConnection,
    kind: str,
    run_date: date,
    rules: DueRules | None = None,
    now: datetime | None = None,
) -> tuple[int, int] | None:
    """Sync ``kind`` of night ``run_date``; (tasks created, tasks updated), or None when that
    night was synced already (or a later one was: an older night never reopens anything)."""
    rules = rules or DueRules.from_env()
    now = now or datetime.now(UTC)
    items = night_items(con, kind, run_date)
    live = [i for i in items if i["source_status"] in LIVE]
    resolved = [i for i in items if i["source_status"] not in LIVE]
    try:
        with db.engine.begin() as c:
            newest = c.execute(
                select(func.max(task_sync.c.run_date)).where(task_sync.c.kind == kind)
            ).scalar()
            if newest is not None and newest >= run_date:
                return None
            c.execute(
                task_sync.insert().values(
                    kind=kind, run_date=run_date, synced_at=now, created=0, updated=0
                )
            )
            before = c.execute(select(func.count()).where(tasks.c.kind == kind)).scalar() or 0
            rows = [
                {
                    "kind": kind,
                    "subject": i["subject"],
                    "code": i["code"],
                    "episode": i["episode"],
                    "district_code": i["district_code"],
                    "severity": i["severity"],
                    "source_status": i["source_status"],
                    "first_run": run_date,
                    "last_run": run_date,
                    "status": "open",
                    "due_date": rules.due(kind, i["severity"], i["episode"]),
                    "created_at": now,
                    "updated_at": now,
                }
                for i in live
            ]
            for start in range(0, len(rows), BATCH):
                c.execute(_upsert(db, rows[start : start + BATCH]))
            for i in resolved:  # a resolved warning updates its task; it never creates one
                c.execute(
                    update(tasks)
                    .where(_key(kind, i))
                    .values(source_status=i["source_status"], last_run=run_date)
                )
            gone = c.execute(
                update(tasks)
                .where(
                    and_(
                        tasks.c.kind == kind,
                        tasks.c.last_run < run_date,
                        tasks.c.source_status.in_(LIVE),
                    )
                )
                .values(source_status="gone")
            ).rowcount
            after = c.execute(select(func.count()).where(tasks.c.kind == kind)).scalar() or 0
            created, updated = after - before, len(live) - (after - before) + gone
            c.execute(
                update(task_sync)
                .where(and_(task_sync.c.kind == kind, task_sync.c.run_date == run_date))
                .values(created=created, updated=updated + len(resolved))
            )
    except IntegrityError:  # another worker claimed this night first
        return None
    return created, updated + len(resolved)


def _key(kind: str, item: dict[str, Any]):  # type: ignore[no-untyped-def]
    return and_(
        tasks.c.kind == kind,
        tasks.c.subject == item["subject"],
        tasks.c.code == item["code"],
        tasks.c.episode == item["episode"],
    )


def ensure_synced(
    db: AppDB,
    con: duckdb.DuckDBPyConnection,
    kinds: Sequence[str] = KINDS,
    rules: DueRules | None = None,
) -> dict[str, tuple[int, int] | None]:
    """Sync the latest published night of each kind if it is newer than the last synced one
    (nights skipped in between need nothing: episodes come from the warehouse history)."""
    out: dict[str, tuple[int, int] | None] = {}
    for kind in kinds:
        night = latest_night(con, kind)
        if night is None:
            continue
        with db.engine.connect() as c:
            newest = c.execute(
                select(func.max(task_sync.c.run_date)).where(task_sync.c.kind == kind)
            ).scalar()
        if newest is None or newest < night:
            out[kind] = sync_night(db, con, kind, night, rules)
    return out
