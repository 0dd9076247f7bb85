"""Audit team pages: overview charts, data quality per run and source, quarantine, Data Docs."""

from __future__ import annotations

import mimetypes
from pathlib import Path
from typing import Annotated

import duckdb
from fastapi import APIRouter, Depends, HTTPException, Request
from starlette.responses import FileResponse, Response

from hedui.web import queries as q
from hedui.web import views
from hedui.web.routes.common import config, parse_date, render, warehouse
from hedui.web.security import can, require
from hedui.web.users import User

router = APIRouter()
Con = Annotated[duckdb.DuckDBPyConnection, Depends(warehouse)]
PAGE = 100
DOC_TYPES = {".html", ".css", ".png", ".svg", ".json", ".txt"}


def docs_index(request: Request, run_date: object) -> Path | None:
    """The run's Data Docs index, when the validation step wrote one."""
    root = config(request).dq_root
    if root is None:
        return None
    path = root / str(run_date) / "data_docs" / "index.html"
    return path if path.is_file() else None


@router.get("/dashboard")
def dashboard(
    request: Request,
    user: Annotated[User, Depends(require("dashboard"))],
    con: Con,
    run_date: str | None = None,
) -> Response:
    board = views.dashboard(con, parse_date(run_date))
    worklists = None
    if can(user, "households"):  # the tasks behind the figures (staff)
        import contextlib

        from sqlalchemy.exc import OperationalError

        from hedui.web.tasks import KINDS, today_beijing
        from hedui.worklist import ensure_synced

        with contextlib.suppress(OperationalError):  # another worker is syncing (SQLite lock)
            ensure_synced(request.app.state.tasks.db, con, rules=request.app.state.due_rules)
        summary = request.app.state.tasks.summary(today_beijing())
        worklists = [(k, t, summary.get(k, {"active": 0, "overdue": 0})) for k, t in KINDS.items()]
    return render(
        request,
        "dashboard.html",
        board=board,
        run_dates=q.run_dates(con),
        worklists=worklists,
        waiting=q.cross_region_waiting_counts(con) if worklists is not None else None,
    )


@router.get("/dq")
def dq_overview(
    request: Request, user: Annotated[User, Depends(require("dq"))], con: Con
) -> Response:
    overview = views.dq_overview(con)
    docs = {r["run_date"]: docs_index(request, r["run_date"]) is not None for r in overview.runs}
    return render(request, "dq_overview.html", overview=overview, docs=docs)


@router.get("/dq/{run_date}")
def dq_run(
    request: Request, user: Annotated[User, Depends(require("dq"))], con: Con, run_date: str
) -> Response:
    day = parse_date(run_date)
    run = views.dq_run(con, day)
    if run is None:
        raise HTTPException(404, f"{run_date} 没有数据质量记录 (no data-quality rows for this run)")
    return render(request, "dq_run.html", run=run, has_docs=docs_index(request, day) is not None)


@router.get("/dq/{run_date}/quarantine")
def quarantine(
    request: Request,
    user: Annotated[User, Depends(require("dq"))],
    con: Con,
    run_date: str,
    source: str | None = None,
    reason_code: str | None = None,
    page: int = 1,
) -> Response:
    day = parse_date(run_date)
    source, reason_code = source or None, reason_code or None
    page = max(1, page)
    total = q.quarantine_count(con, day, source, reason_code)
    rows = q.quarantine_rows(con, day, source, reason_code, PAGE, (page - 1) * PAGE)
    return render(
        request,
        "quarantine.html",
        run_date=day,
        source=source,
        reason_code=reason_code,
        rows=rows,
        total=total,
        page=page,
        pages=max(1, -(-total // PAGE)),
        summary=q.quarantine_summary(con, day),
    )


@router.get("/dq/{run_date}/docs/{path:path}")
def data_docs(
    request: Request,
    user: Annotated[User, Depends(require("dq"))],
    run_date: str,
    path: str = "index.html",
) -> Response:
    """Files of the run's Data Docs, served only from inside that run's data_docs folder."""
    day = parse_date(run_date)
    index = docs_index(request, day)
    if index is None:
        raise HTTPException(404, f"{day} 没有 Data Docs (no Data Docs for this run)")
    base = index.parent.resolve()
    target = (base / (path or "index.html")).resolve()
    if not target.is_relative_to(base) or not target.is_file() or target.suffix not in DOC_TYPES:
        raise HTTPException(404, "未找到该文件 (not found)")
    media = mimetypes.guess_type(target.name)[0] or "application/octet-stream"
    return FileResponse(target, media_type=media)
