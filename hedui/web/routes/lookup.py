"""Verification staff pages: search, household, case, request report (HTML and PDF)."""

from __future__ import annotations

import re
from typing import Annotated
from urllib.parse import quote

import duckdb
from fastapi import APIRouter, Depends, Form, HTTPException, Request
from starlette.responses import RedirectResponse, Response

from hedui.web import queries, views
from hedui.web.lookups import (
    LookupRefused,
    lookup_by_id_number,
    record_view,
    reveal_identities,
)
from hedui.web.pdf import report_pdf
from hedui.web.routes.common import (
    audit_log,
    check_csrf,
    client,
    parse_date,
    render,
    warehouse,
)
from hedui.web.security import can, require, session_user
from hedui.web.users import User

router = APIRouter()
Con = Annotated[duckdb.DuckDBPyConnection, Depends(warehouse)]
Viewer = Annotated[User, Depends(require("households"))]

KINDS = {
    "household": ("户号 Household number", queries.search_households),
    "case": ("案件编号 Case number", queries.search_cases),
    "request": ("申请编号 Request number", queries.search_requests),
}


@router.get("/")
def home(request: Request) -> Response:
    user = session_user(request)
    if user is None:
        return RedirectResponse("/login", status_code=303)
    return RedirectResponse("/search" if can(user, "households") else "/dashboard", 303)


@router.get("/search")
def search(
    request: Request, user: Viewer, con: Con, kind: str = "household", q: str = ""
) -> Response:
    if kind not in KINDS:
        raise HTTPException(400, f"unknown search kind {kind!r}")
    text = q.strip()[:64]
    results = KINDS[kind][1](con, text) if text else None
    if results is not None and len(results) == 1 and results[0][_key(kind)] == text:
        return RedirectResponse(_target(kind, text), status_code=303)
    return render(
        request,
        "search.html",
        kinds=KINDS,
        kind=kind,
        q=text,
        results=results,
        key=_key(kind),
        target=_target,
    )


def _key(kind: str) -> str:
    return {"household": "household_id", "case": "case_no", "request": "request_id"}[kind]


def _target(kind: str, value: str) -> str:
    return {"household": "/household/", "case": "/case/", "request": "/report/"}[kind] + quote(
        value, safe=""
    )


@router.post("/search/id")
def search_id_number(
    request: Request,
    user: Viewer,
    con: Con,
    id_number: Annotated[str, Form()] = "",
    purpose: Annotated[str, Form()] = "",
    authorization_no: Annotated[str, Form()] = "",
    csrf: Annotated[str, Form()] = "",
) -> Response:
    """ID-number lookup: staff only, with purpose and authorization number, always audited."""
    check_csrf(request, csrf)
    try:
        result = lookup_by_id_number(
            con, audit_log(request), user, id_number, purpose, authorization_no, client(request)
        )
    except LookupRefused as exc:
        return render(
            request,
            "search.html",
            status_code=403,
            kinds=KINDS,
            kind="id",
            q="",
            results=None,
            key="",
            target=_target,
            id_error=exc.reason,
            purpose=purpose,
            authorization_no=authorization_no,
        )
    return render(
        request, "id_result.html", result=result, purpose=purpose, authorization_no=authorization_no
    )


@router.get("/household/{household_id}")
def household(
    request: Request, user: Viewer, con: Con, household_id: str, run_date: str | None = None
) -> Response:
    page = views.household_page(con, household_id, parse_date(run_date))
    if page is None:
        raise HTTPException(404, f"没有户号 {household_id} 的核对结果 (no result for it)")
    record_view(
        audit_log(request),
        user,
        "view.household",
        household_id,
        page.row_count,
        page.run_date,
        client(request),
    )
    return render(request, "household.html", page=page, not_available=views.NOT_AVAILABLE)


@router.post("/household/{household_id}/identities")
def household_identities(
    request: Request,
    user: Viewer,
    con: Con,
    household_id: str,
    run_date: Annotated[str, Form()] = "",
    purpose: Annotated[str, Form()] = "",
    authorization_no: Annotated[str, Form()] = "",
    csrf: Annotated[str, Form()] = "",
) -> Response:
    """Show members' names and ID numbers: staff, purpose and authorization, audited."""
    check_csrf(request, csrf)
    page = views.household_page(con, household_id, parse_date(run_date))
    if page is None:
        raise HTTPException(404, f"没有户号 {household_id} 的核对结果 (no result for it)")
    try:
        page.identities = reveal_identities(
            con,
            audit_log(request),
            user,
            f"household:{household_id}",
            page.person_keys,
            purpose,
            authorization_no,
            client(request),
        )
    except LookupRefused as exc:
        return render(
            request,
            "household.html",
            status_code=403,
            page=page,
            not_available=views.NOT_AVAILABLE,
            reveal_error=exc.reason,
        )
    return render(
        request,
        "household.html",
        page=page,
        not_available=views.NOT_AVAILABLE,
        purpose=purpose,
        authorization_no=authorization_no,
    )


@router.get("/case/{case_no}")
def case(request: Request, user: Viewer, con: Con, case_no: str) -> Response:
    page = views.case_page(con, case_no)
    if page is None:
        raise HTTPException(404, f"案件 {case_no} 没有复核记录 (no reviews for this case)")
    record_view(
        audit_log(request), user, "view.case", case_no, page.row_count, client=client(request)
    )
    return render(request, "case.html", page=page, not_available=views.NOT_AVAILABLE)


def _report(con: duckdb.DuckDBPyConnection, request_id: str, run_date: str | None):
    page = views.report_page(con, request_id, parse_date(run_date))
    if page is None:
        raise HTTPException(404, f"没有申请 {request_id} 的核对报告 (no report for this request)")
    return page


@router.get("/report/{request_id}")
def report(
    request: Request, user: Viewer, con: Con, request_id: str, run_date: str | None = None
) -> Response:
    page = _report(con, request_id, run_date)
    record_view(
        audit_log(request),
        user,
        "view.report",
        request_id,
        page.row_count,
        page.run_date,
        client(request),
    )
    return render(request, "report.html", page=page, not_available=views.NOT_AVAILABLE)


@router.get("/report/{request_id}/pdf")
def report_as_pdf(
    request: Request, user: Viewer, con: Con, request_id: str, run_date: str | None = None
) -> Response:
    page = _report(con, request_id, run_date)
    record_view(
        audit_log(request),
        user,
        "download.report_pdf",
        request_id,
        page.row_count,
        page.run_date,
        client(request),
    )
    body = report_pdf(page, generated_by=user.username)
    name = re.sub(r"[^A-Za-z0-9_.-]", "_", f"report-{page.request_id}-{page.run_date}.pdf")
    return Response(
        body,
        media_type="application/pdf",
        headers={"Content-Disposition": f'inline; filename="{name}"'},
    )
