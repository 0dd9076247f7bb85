"""Tasks as staff see and change them: list (filters, sort, pages), detail, history, and the
changes (assign, outcome, close, reopen), each written with its history row in one transaction.

Status: ``open`` → ``in_progress`` (assigned or an outcome recorded) → ``closed`` (needs an
outcome); ``reopen`` takes a closed task back to ``in_progress`` (``open`` if unassigned).
A change names the status it expects, so two people cannot overwrite each other unseen.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import and_, case, func, insert, select, update
from sqlalchemy.sql.elements import ColumnElement

from hedui.appdb import AppDB
from hedui.appdb.schema import task_history, tasks, users

STATUSES = ("open", "in_progress", "closed")
OUTCOMES = ("confirmed", "adjusted", "dismissed")
FILTERS = ("status", "assignee", "district_code", "severity", "code", "overdue", "subject")
SORTS = ("due_date", "severity", "subject", "code", "status", "assignee", "episode", "updated_at")
NOTE_MAX = 1000
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u200b-\u200f\u202a-\u202e\u2066-\u2069]")


class TaskError(ValueError):
    """A change that cannot be made (unknown task or user, wrong status, bad outcome)."""


@dataclass(frozen=True)
class Task:
    id: int
    kind: str
    subject: str
    code: str
    episode: date
    district_code: str | None
    severity: str | None
    source_status: str
    first_run: date
    last_run: date
    status: str
    assignee: str | None
    outcome: str | None
    outcome_note: str | None
    due_date: date
    created_at: datetime
    updated_at: datetime
    closed_at: datetime | None

    def overdue(self, today: date) -> bool:
        return self.status != "closed" and self.due_date < today


@dataclass(frozen=True)
class HistoryRow:
    at: datetime
    username: str
    action: str
    from_status: str | None
    to_status: str | None
    detail: dict[str, Any]


@dataclass
class TaskPage:
    rows: list[Task]
    total: int
    page: int
    pages: int
    page_size: int

    @property
    def first(self) -> int:
        return 0 if not self.total else (self.page - 1) * self.page_size + 1

    @property
    def last(self) -> int:
        return min(self.page * self.page_size, self.total)


def _task(row: Any) -> Task:
    return Task(**{c: row._mapping[c] for c in Task.__dataclass_fields__})


def _severity_rank() -> ColumnElement[int]:
    return case(
        (tasks.c.severity == "red", 0),
        (tasks.c.severity == "orange", 1),
        (tasks.c.severity == "yellow", 2),
        else_=3,
    )


def _clean(text: str) -> str:
    """Control and format characters out, whitespace runs to one space."""
    return " ".join(_CONTROL.sub(" ", text or "").split())


def _prefix(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"


class TaskStore:
    def __init__(self, db: AppDB) -> None:
        self.db = db

    # --- reading ---------------------------------------------------------------------------

    def _where(self, kind: str | None, filters: dict[str, str], today: date, me: str | None):
        """Conditions for the allow-listed filters (values only ever bound as parameters)."""
        cond: list[ColumnElement[bool]] = [] if kind is None else [tasks.c.kind == kind]
        for name, value in filters.items():
            if not value or name not in FILTERS:
                continue
            if name == "status":
                cond.append(
                    tasks.c.status != "closed" if value == "active" else tasks.c.status == value
                )
            elif name == "assignee":
                if value == "none":
                    cond.append(tasks.c.assignee.is_(None))
                else:
                    cond.append(tasks.c.assignee == (me if value == "me" else value))
            elif name == "overdue":
                cond.append(and_(tasks.c.status != "closed", tasks.c.due_date < today))
            elif name == "subject":
                cond.append(tasks.c.subject.like(_prefix(value), escape="\\"))
            else:
                cond.append(getattr(tasks.c, name) == value)
        return and_(*cond) if cond else tasks.c.id.isnot(None)

    def page(
        self,
        kind: str | None,
        filters: dict[str, str],
        today: date,
        sort: str = "due_date",
        desc: bool = False,
        page: int = 1,
        page_size: int = 50,
        me: str | None = None,
    ) -> TaskPage:
        where = self._where(kind, filters, today, me)
        with self.db.engine.connect() as c:
            total = c.execute(select(func.count()).select_from(tasks).where(where)).scalar() or 0
            pages = max(1, -(-total // page_size))
            page = min(max(page, 1), pages)
            rows = c.execute(
                self._ordered(select(tasks).where(where), sort, desc)
                .limit(page_size)
                .offset((page - 1) * page_size)
            ).fetchall()
        return TaskPage([_task(r) for r in rows], total, page, pages, page_size)

    def all(
        self,
        kind: str | None,
        filters: dict[str, str],
        today: date,
        sort: str = "due_date",
        desc: bool = False,
        limit: int = 100_000,
        me: str | None = None,
    ) -> list[Task]:
        """Every task of the filtered, sorted list (for export), up to ``limit``."""
        stmt = self._ordered(select(tasks).where(self._where(kind, filters, today, me)), sort, desc)
        with self.db.engine.connect() as c:
            return [_task(r) for r in c.execute(stmt.limit(limit))]

    @staticmethod
    def _ordered(stmt, sort: str, desc: bool):  # type: ignore[no-untyped-def]
        key = _severity_rank() if sort == "severity" else getattr(tasks.c, sort, None)
        if sort not in SORTS or key is None:
            key = tasks.c.due_date
        key = key.desc() if desc else key.asc()
        return stmt.order_by(key, tasks.c.due_date, _severity_rank(), tasks.c.subject, tasks.c.id)

    def values(self, kind: str, column: str) -> list[str]:
        """Distinct values of a column among a kind's tasks (a filter's choices)."""
        col = getattr(tasks.c, column)
        with self.db.engine.connect() as c:
            rows = c.execute(
                select(col).where(and_(tasks.c.kind == kind, col.isnot(None))).distinct()
            )
            return sorted(str(r[0]) for r in rows)

    def counts(self, username: str, today: date) -> dict[str, int]:
        """Open tasks assigned to ``username`` and how many of them are overdue."""
        mine = and_(tasks.c.assignee == username, tasks.c.status != "closed")
        with self.db.engine.connect() as c:
            row = c.execute(
                select(
                    func.count(),
                    func.count(case((tasks.c.due_date < today, 1))),
                ).where(mine)
            ).one()
        return {"open": int(row[0]), "overdue": int(row[1])}

    def summary(self, today: date) -> dict[str, dict[str, int]]:
        """Per kind: tasks not closed, and how many of them are overdue."""
        active = tasks.c.status != "closed"
        with self.db.engine.connect() as c:
            rows = c.execute(
                select(
                    tasks.c.kind,
                    func.count(),
                    func.count(case((tasks.c.due_date < today, 1))),
                )
                .where(active)
                .group_by(tasks.c.kind)
            ).fetchall()
        return {r[0]: {"active": int(r[1]), "overdue": int(r[2])} for r in rows}

    def get(self, task_id: int) -> Task | None:
        with self.db.engine.connect() as c:
            row = c.execute(select(tasks).where(tasks.c.id == task_id)).first()
        return _task(row) if row else None

    def history(self, task_id: int) -> list[HistoryRow]:
        with self.db.engine.connect() as c:
            rows = c.execute(
                select(task_history)
                .where(task_history.c.task_id == task_id)
                .order_by(task_history.c.id)
            ).fetchall()
        return [
            HistoryRow(r.at, r.username, r.action, r.from_status, r.to_status, json.loads(r.detail))
            for r in rows
        ]

    def for_subject(self, kind: str, subject: str) -> list[Task]:
        with self.db.engine.connect() as c:
            rows = c.execute(
                select(tasks)
                .where(and_(tasks.c.kind == kind, tasks.c.subject == subject))
                .order_by(tasks.c.episode.desc(), tasks.c.code)
            ).fetchall()
        return [_task(r) for r in rows]

    # --- changes ---------------------------------------------------------------------------

    def _change(
        self,
        task_id: int,
        by: str,
        action: str,
        allowed_from: tuple[str, ...],
        values: dict[str, Any],
        detail: dict[str, Any],
    ) -> Task:
        now = datetime.now(UTC)
        with self.db.engine.begin() as c:
            row = c.execute(select(tasks).where(tasks.c.id == task_id)).first()
            if row is None:
                raise TaskError(f"没有此任务 (no task {task_id})")
            before = _task(row)
            if before.status not in allowed_from:
                raise TaskError(
                    f"任务状态为 {before.status}，不能{action} (task is {before.status}: "
                    f"cannot {action})"
                )
            values = {k: (v(before) if callable(v) else v) for k, v in values.items()}
            done = c.execute(
                update(tasks)
                .where(and_(tasks.c.id == task_id, tasks.c.status == before.status))
                .values(**values, updated_at=now)
            ).rowcount
            if done != 1:
                raise TaskError("任务刚被他人修改，请刷新 (changed by someone else: reload)")
            c.execute(
                insert(task_history).values(
                    task_id=task_id,
                    at=now,
                    username=by,
                    action=action,
                    from_status=before.status,
                    to_status=values.get("status", before.status),
                    detail=json.dumps(detail, ensure_ascii=False, sort_keys=True),
                )
            )
            row = c.execute(select(tasks).where(tasks.c.id == task_id)).one()
        return _task(row)

    def assign(self, task_id: int, assignee: str, by: str) -> Task:
        """Give the task to an active user; an open task is then in progress."""
        with self.db.engine.connect() as c:
            ok = c.execute(
                select(users.c.username).where(
                    and_(users.c.username == assignee, users.c.active.is_(True))
                )
            ).first()
        if not ok:
            raise TaskError(f"没有此用户 (no active user {assignee[:40]!r})")
        return self._change(
            task_id,
            by,
            "assign",
            ("open", "in_progress"),
            {"assignee": assignee, "status": "in_progress"},
            {"assignee": assignee},
        )

    def record_outcome(self, task_id: int, outcome: str, note: str, by: str) -> Task:
        """核实结果: confirmed / adjusted / dismissed, with a note (required)."""
        note = _clean(note)
        if outcome not in OUTCOMES:
            raise TaskError(f"核实结果须为 confirmed / adjusted / dismissed (not {outcome[:20]!r})")
        if not note or len(note) > NOTE_MAX:
            raise TaskError(f"请填写说明 (a note of 1–{NOTE_MAX} characters is required)")
        return self._change(
            task_id,
            by,
            "outcome",
            ("open", "in_progress"),
            {"outcome": outcome, "outcome_note": note, "status": "in_progress"},
            {"outcome": outcome, "note": note},
        )

    def close(self, task_id: int, by: str) -> Task:
        """Close a task whose outcome is recorded."""
        task = self.get(task_id)
        if task is not None and task.outcome is None:
            raise TaskError("请先记录核实结果 (record the outcome before closing)")
        return self._change(
            task_id,
            by,
            "close",
            ("open", "in_progress"),
            {"status": "closed", "closed_at": datetime.now(UTC)},
            {"outcome": task.outcome if task else None},
        )

    def reopen(self, task_id: int, note: str, by: str) -> Task:
        note = _clean(note)[:NOTE_MAX]
        return self._change(
            task_id,
            by,
            "reopen",
            ("closed",),
            {
                "status": lambda t: "in_progress" if t.assignee else "open",
                "closed_at": None,
            },
            {"note": note},
        )


def filter_values(params: dict[str, str]) -> dict[str, str]:
    """The allow-listed filters of a request, trimmed; other parameters are ignored."""
    return {k: str(params[k]).strip()[:64] for k in FILTERS if str(params.get(k) or "").strip()}


__all__ = ["OUTCOMES", "STATUSES", "Task", "TaskError", "TaskPage", "TaskStore"]
