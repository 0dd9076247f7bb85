"""Verification staff pages: search, household, case, request report (HTML and PDF)."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from typing import Annotated
from urllib.parse import quote, urlencode

import duckdb
from fastapi import APIRouter, Depends, Form, HTTPException, Request
from starlette.responses import RedirectResponse, Response

from hedui.web import queries, views
from hedui.web.formatting import beijing
from hedui.web.lookups import (
    MAX_AUTH,
    PURPOSES,
    LookupRefused,
    lookup_by_id_number,
    purpose_text,
    record_view,
    reveal_identities,
    search_page,
)
from hedui.web.masking import clean_text
from hedui.web.pdf import report_pdf
from hedui.web.routes.common import (
    audit_log,
    check_csrf,
    client,
    config,
    parse_date,
    render,
    warehouse,
)
from hedui.web.security import can, require, session_user
from hedui.web.users import User

router = APIRouter()
SEARCH_LIMIT = 50  # results per page (stated on the page)
SEARCH_CAP = 1000  # results reachable by paging; beyond: a longer prefix (stated on the page)
Con = Annotated[duckdb.DuckDBPyConnection, Depends(warehouse)]
Viewer = Annotated[User, Depends(require("households"))]
Staff = Annotated[User, Depends(require("identity"))]

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


def _limiter(request: Request, user: User, what: str):  # type: ignore[no-untyped-def]
    throttle = request.app.state.throttle
    return lambda: getattr(throttle, f"allow_{what}")(user.username)


@router.get("/search")
def search(
    request: Request,
    user: Viewer,
    con: Con,
    kind: str = "household",
    q: str = "",
    page: int = 1,
) -> Response:
    """Search by number or prefix (at least six characters), audited with the masked query."""
    if kind not in KINDS:
        raise HTTPException(400, f"未知的查询类型 (unknown search kind) {kind[:20]!r}")
    text = q.strip()[:64]
    results, error, status, total = None, None, 200, 0
    page = min(max(page, 1), SEARCH_CAP // SEARCH_LIMIT)
    if text:
        try:
            results, total = search_page(
                con,
                audit_log(request),
                user,
                kind,
                text,
                client(request),
                _limiter(request, user, "search"),
                page,
                SEARCH_LIMIT,
            )
        except LookupRefused as exc:
            error, status = exc.reason, 429 if "rate limit" in exc.reason else 400
    if results is not None and len(results) == 1 and results[0][_key(kind)] == text:
        return RedirectResponse(_target(kind, text), status_code=303)
    return render(
        request,
        "search.html",
        status_code=status,
        kinds=KINDS,
        kind=kind,
        q=text,
        results=results,
        key=_key(kind),
        target=_target,
        search_error=error,
        search_limit=SEARCH_LIMIT,
        search_cap=SEARCH_CAP,
        total=total,
        page=page,
        pages=max(1, -(-min(total, SEARCH_CAP) // SEARCH_LIMIT)),
        link=lambda n: "/search?" + urlencode({"kind": kind, "q": text, "page": n}),
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
    purpose_note: Annotated[str, Form()] = "",
    authorization_no: Annotated[str, Form()] = "",
    csrf: Annotated[str, Form()] = "",
) -> Response:
    """ID-number lookup: staff, a listed purpose and a registered authorization covering the
    person; always audited."""
    check_csrf(request, csrf)
    try:
        result = lookup_by_id_number(
            con,
            audit_log(request),
            user,
            id_number,
            purpose,
            authorization_no,
            client(request),
            note=purpose_note,
            limiter=_limiter(request, user, "lookup"),
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
            purpose_code=purpose if purpose in PURPOSES else "",
            authorization_no=clean_text(authorization_no, MAX_AUTH),
        )
    return render(
        request,
        "id_result.html",
        result=result,
        purpose=purpose_text(purpose, purpose_note),
        authorization_no=clean_text(authorization_no, MAX_AUTH),
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
    store = request.app.state.tasks  # its worklist tasks (warnings, outreach), newest first
    tasks = store.for_subject("warnings", household_id) + store.for_subject(
        "outreach", household_id
    )
    return render(
        request,
        "household.html",
        page=page,
        not_available=views.NOT_AVAILABLE,
        tasks=tasks,
    )


@router.post("/household/{household_id}/identities")
def household_identities(
    request: Request,
    user: Viewer,
    con: Con,
    household_id: str,
    run_date: Annotated[str, Form()] = "",
    purpose: Annotated[str, Form()] = "",
    purpose_note: Annotated[str, Form()] = "",
    authorization_no: Annotated[str, Form()] = "",
    csrf: Annotated[str, Form()] = "",
) -> Response:
    """Show the names and ID numbers of the members a registered authorization covers: staff
    and a listed purpose; audited."""
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
            note=purpose_note,
            limiter=_limiter(request, user, "lookup"),
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
        purpose=purpose_text(purpose, purpose_note),
        authorization_no=clean_text(authorization_no, MAX_AUTH),
    )


@router.get("/case/{case_no}")
def case(
    request: Request, user: Viewer, con: Con, case_no: str, run_date: str | None = None
) -> Response:
    page = views.case_page(con, case_no, parse_date(run_date))
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
    return render(
        request,
        "report.html",
        page=page,
        not_available=views.NOT_AVAILABLE,
        issuer=config(request).issuer,
        printed=beijing(datetime.now(UTC)),
    )


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
    body = report_pdf(page, generated_by=user.username, issuer=config(request).issuer)
    name = re.sub(r"[^A-Za-z0-9_.-]", "_", f"report-{page.request_id}-{page.run_date}.pdf")
    return Response(
        body,
        media_type="application/pdf",
        headers={"Content-Disposition": f'inline; filename="{name}"'},
    )
