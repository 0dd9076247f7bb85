"""Worklists (staff): tasks per kind with filters, sorting, pages and export; a task's detail
with its history; assign, record the outcome, close, reopen (CSRF-checked, audited)."""

from __future__ import annotations

import contextlib
from typing import Annotated
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Form, HTTPException, Request
from sqlalchemy.exc import OperationalError
from starlette.responses import RedirectResponse, Response

from hedui.web import lists
from hedui.web import tasks as tv
from hedui.web.audit import AuditEvent
from hedui.web.formatting import district_label
from hedui.web.lookups import record_view
from hedui.web.masking import clean_text, mask_free_text
from hedui.web.routes.common import audit_log, check_csrf, client, config, render, user_store
from hedui.web.routes.lists import MEDIA
from hedui.web.security import can, require
from hedui.web.users import User
from hedui.web.warehouse import open_warehouse
from hedui.worklist import TaskError, TaskStore, ensure_synced
from hedui.worklist.store import NOTE_MAX, filter_values

router = APIRouter()
Staff = Annotated[User, Depends(require("households"))]
PAGE_SIZE = 50


def _store(request: Request) -> TaskStore:
    return request.app.state.tasks


def _synced(request: Request) -> None:
    """Turn a newly published night into tasks before showing any (once per night)."""
    # OperationalError: another worker holding the SQLite write lock is syncing that night
    with (
        open_warehouse(config(request).warehouse_dir) as con,
        contextlib.suppress(OperationalError),
    ):
        ensure_synced(_store(request).db, con, rules=request.app.state.due_rules)


def _kind(kind: str) -> str:
    if kind not in tv.KINDS:
        raise HTTPException(404, f"没有此任务清单 (no worklist {kind[:40]!r})")
    return kind


def _query(request: Request, user: User) -> tuple[dict[str, str], str, bool]:
    params = dict(request.query_params)
    filters = filter_values(params)
    sort = params.get("sort") if params.get("sort") in tv.SORTS else "due_date"
    return filters, sort, params.get("dir") == "desc"


@router.get("/tasks/mine")
def my_tasks(request: Request, user: Staff, page: int = 1) -> Response:
    _synced(request)
    today = tv.today_beijing()
    params = {"assignee": "me", "status": "active", **dict(request.query_params)}
    filters = filter_values(params)
    tp = _store(request).page(None, filters, today, page=page, me=user.username)
    return render(
        request,
        "tasks.html",
        kind=None,
        title="我的任务 My tasks",
        tp=tp,
        today=today,
        filters=filters,
        options={},
        sort="due_date",
        desc=False,
        link=lambda **c: "/tasks/mine?" + urlencode({**filters, **c}),
        show=tv.show,
        labels=tv.LABELS,
        kinds=tv.KINDS,
    )


@router.get("/tasks/{kind}")
def task_list(request: Request, user: Staff, kind: str, page: int = 1) -> Response:
    _kind(kind)
    _synced(request)
    store, today = _store(request), tv.today_beijing()
    filters, sort, desc = _query(request, user)
    tp = store.page(kind, filters, today, sort, desc, page, PAGE_SIZE, me=user.username)
    options = {c: store.values(kind, c) for c in ("district_code", "severity", "code", "assignee")}

    def link(**changes: object) -> str:
        state = {**filters, "sort": sort, "dir": "desc" if desc else "asc", **changes}
        return f"/tasks/{kind}?" + urlencode({k: v for k, v in state.items() if v != ""})

    return render(
        request,
        "tasks.html",
        kind=kind,
        title=tv.KINDS[kind],
        tp=tp,
        today=today,
        filters=filters,
        options=options,
        sort=sort,
        desc=desc,
        link=link,
        show=tv.show,
        labels=tv.LABELS,
        kinds=tv.KINDS,
        district=district_label,
    )


@router.get("/tasks/{kind}/export.{fmt}")
def export_tasks(request: Request, user: Staff, kind: str, fmt: str) -> Response:
    """The whole filtered, sorted worklist as CSV or XLSX (audited)."""
    _kind(kind)
    if fmt not in ("csv", "xlsx"):
        raise HTTPException(400, f"不支持的格式 (unsupported format {fmt[:10]!r}): csv, xlsx")
    filters, sort, desc = _query(request, user)
    today = tv.today_beijing()
    rows = _store(request).all(
        kind, filters, today, sort, desc, lists.EXPORT_LIMIT, me=user.username
    )
    header, body = tv.export_table(rows, today)
    record_view(
        audit_log(request),
        user,
        f"export.tasks.{kind}",
        urlencode(filters) or "all",
        len(body),
        None,
        client(request),
    )
    data = lists.to_csv(header, body) if fmt == "csv" else lists.to_xlsx(kind, header, body)
    return Response(
        data,
        media_type=MEDIA[fmt],
        headers={"Content-Disposition": f'attachment; filename="tasks-{kind}.{fmt}"'},
    )


def _task_or_404(request: Request, task_id: int):  # type: ignore[no-untyped-def]
    task = _store(request).get(task_id)
    if task is None:
        raise HTTPException(404, f"没有此任务 (no task {task_id})")
    return task


@router.get("/task/{task_id}")
def task_detail(request: Request, user: Staff, task_id: int, error: str | None = None) -> Response:
    task = _task_or_404(request, task_id)
    assignees = [u.username for u in user_store(request).list() if can(u, "households")]
    return render(
        request,
        "task.html",
        task=task,
        history=_store(request).history(task_id),
        today=tv.today_beijing(),
        show=tv.show,
        labels=tv.LABELS,
        kinds=tv.KINDS,
        outcomes=tv.OUTCOME_LABELS,
        assignees=assignees,
        error=error,
    )


def _act(request: Request, user: User, task_id: int, action: str, change, detail) -> Response:  # type: ignore[no-untyped-def]
    """Run a change, audit it (done or refused), and go back to the task."""
    try:
        task = change()
    except TaskError as exc:
        audit_log(request).append(
            AuditEvent(
                user.username,
                user.role,
                f"task.{action}",
                f"task:{task_id}",
                outcome="refused",
                detail={**detail, "reason": str(exc)[:200], "client": client(request)},
            )
        )
        return RedirectResponse(
            f"/task/{task_id}?" + urlencode({"error": str(exc)[:300]}), status_code=303
        )
    audit_log(request).append(
        AuditEvent(
            user.username,
            user.role,
            f"task.{action}",
            f"task:{task_id}",
            detail={
                **detail,
                "kind": task.kind,
                "subject": task.subject,
                "code": task.code,
                "status": task.status,
                "client": client(request),
            },
        )
    )
    return RedirectResponse(f"/task/{task_id}", status_code=303)


Text = Annotated[str, Form()]


@router.post("/task/{task_id}/assign")
def assign(
    request: Request, user: Staff, task_id: int, assignee: Text = "", csrf: Text = ""
) -> Response:
    check_csrf(request, csrf)
    name = user.username if assignee in ("", "me") else clean_text(assignee, 40)

    def change():  # type: ignore[no-untyped-def]
        target = user_store(request).get(name)
        if target is not None and not can(target, "households"):
            raise TaskError(f"{name} 无权办理此类任务 (may not work on household tasks)")
        return _store(request).assign(task_id, name, by=user.username)

    return _act(request, user, task_id, "assign", change, {"assignee": name})


@router.post("/task/{task_id}/outcome")
def outcome(
    request: Request,
    user: Staff,
    task_id: int,
    outcome: Text = "",
    note: Text = "",
    csrf: Text = "",
) -> Response:
    check_csrf(request, csrf)
    outcome = clean_text(outcome, 20)
    note = mask_free_text(note, NOTE_MAX + 1)  # longer: refused by the store
    return _act(
        request,
        user,
        task_id,
        "outcome",
        lambda: _store(request).record_outcome(task_id, outcome, note, by=user.username),
        {"outcome": outcome},
    )


@router.post("/task/{task_id}/close")
def close(request: Request, user: Staff, task_id: int, csrf: Text = "") -> Response:
    check_csrf(request, csrf)
    return _act(
        request,
        user,
        task_id,
        "close",
        lambda: _store(request).close(task_id, by=user.username),
        {},
    )


@router.post("/task/{task_id}/reopen")
def reopen(
    request: Request,
    user: Staff,
    task_id: int,
    note: Text = "",
    csrf: Text = "",
) -> Response:
    check_csrf(request, csrf)
    note = mask_free_text(note, NOTE_MAX)
    return _act(
        request,
        user,
        task_id,
        "reopen",
        lambda: _store(request).reopen(task_id, note, by=user.username),
        {},
    )
