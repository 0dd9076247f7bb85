"""Batch printing: every verification report of a run day, listed and as one PDF."""

from __future__ import annotations

from datetime import date
from typing import Annotated

import duckdb
from fastapi import APIRouter, Depends, HTTPException, Request
from starlette.responses import Response

from hedui.web import queries, views
from hedui.web.lookups import record_view
from hedui.web.pdf import reports_pdf
from hedui.web.routes.common import audit_log, client, config, parse_date, render, warehouse
from hedui.web.security import require
from hedui.web.users import User

router = APIRouter()
Con = Annotated[duckdb.DuckDBPyConnection, Depends(warehouse)]
Viewer = Annotated[User, Depends(require("households"))]

#: at most this many reports in one batch PDF (a larger day is printed in parts)
BATCH_LIMIT = 500


def _day(con: duckdb.DuckDBPyConnection, run_date: str | None) -> date:
    day = parse_date(run_date) or queries.latest_run_date(con, "reports")
    if day is None:
        raise HTTPException(404, "仓库中没有核对报告 (no reports in the warehouse)")
    return day


@router.get("/reports")
def reports_of_day(
    request: Request, user: Viewer, con: Con, run_date: str | None = None
) -> Response:
    day = _day(con, run_date)
    ids = queries.report_ids_of_day(con, day)
    parts = max(1, -(-len(ids) // BATCH_LIMIT))
    return render(
        request,
        "reports.html",
        run_date=day,
        request_ids=ids,
        parts=parts,
        limit=BATCH_LIMIT,
        run_dates=queries.run_dates(con, "reports"),
    )


@router.get("/reports/{run_date}/pdf")
def reports_of_day_pdf(
    request: Request, user: Viewer, con: Con, run_date: str, part: int = 1
) -> Response:
    """All of a day's reports as one PDF (part ``part`` of at most BATCH_LIMIT reports)."""
    day = _day(con, run_date)
    ids = queries.report_ids_of_day(con, day)
    if part < 1 or (part - 1) * BATCH_LIMIT >= max(len(ids), 1):
        raise HTTPException(404, f"没有第 {part} 部分 (no part {part})")
    chosen = ids[(part - 1) * BATCH_LIMIT : part * BATCH_LIMIT]
    pages = [p for rid in chosen if (p := views.report_page(con, rid, day)) is not None]
    record_view(
        audit_log(request),
        user,
        "download.reports_pdf",
        f"{day}:{part}",
        sum(p.row_count for p in pages),
        day,
        client(request),
    )
    body = reports_pdf(pages, generated_by=user.username, issuer=config(request).issuer)
    return Response(
        body,
        media_type="application/pdf",
        headers={"Content-Disposition": f'inline; filename="reports-{day}-{part}.pdf"'},
    )
