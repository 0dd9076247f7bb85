"""Work lists: warnings, reviews and outreach, filtered, sorted, paged, exported (CSV / XLSX)."""

from __future__ import annotations

from typing import Annotated
from urllib.parse import urlencode

import duckdb
from fastapi import APIRouter, Depends, HTTPException, Request
from starlette.responses import Response

from hedui.web import lists
from hedui.web.lookups import record_view
from hedui.web.routes.common import audit_log, client, parse_date, render, warehouse
from hedui.web.security import Forbidden, can, require
from hedui.web.users import User

router = APIRouter()
Con = Annotated[duckdb.DuckDBPyConnection, Depends(warehouse)]
Reader = Annotated[User, Depends(require("dashboard"))]
#: the quarantine list is data quality; every other list names households (their economics)
LIST_PERMISSION = {"quarantine": "dq"}

MEDIA = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


def _spec(name: str, user: User) -> lists.ListSpec:
    if name not in lists.SPECS:
        raise HTTPException(404, f"没有此清单 (no list {name[:40]!r})")
    permission = LIST_PERMISSION.get(name, "households")
    if not can(user, permission):
        raise Forbidden(permission)
    return lists.SPECS[name]


@router.get("/lists/{name}")
def work_list(
    request: Request, user: Reader, con: Con, name: str, run_date: str | None = None, page: int = 1
) -> Response:
    spec = _spec(name, user)
    params = dict(request.query_params)
    lp = lists.list_page(con, spec, parse_date(run_date), params, page)
    if spec.audit_views:  # a list that names requests: every look is audited
        record_view(
            audit_log(request),
            user,
            f"view.list.{name}",
            urlencode(lp.filters) or "all",
            len(lp.rows),
            lp.run_date,
            client(request),
        )
    base = {k: v for k, v in {**lp.filters, "run_date": str(lp.run_date or "")}.items() if v}

    def link(**changes: object) -> str:
        state = {**base, "sort": lp.sort, "dir": "desc" if lp.desc else "asc", **changes}
        return f"/lists/{name}?" + urlencode({k: v for k, v in state.items() if v != ""})

    return render(request, "list.html", lp=lp, link=link, display=lists.display)


@router.get("/lists/{name}/export.{fmt}")
def export_list(
    request: Request, user: Reader, con: Con, name: str, fmt: str, run_date: str | None = None
) -> Response:
    """The whole filtered, sorted list as CSV or XLSX (audited: who exported what)."""
    spec = _spec(name, user)
    if fmt not in MEDIA:
        raise HTTPException(400, f"不支持的格式 (unsupported format {fmt!r}): csv, xlsx")
    params = dict(request.query_params)
    day = parse_date(run_date)
    header, rows = lists.export_rows(con, spec, day, params)
    filters = lists.clean_filters(spec, params)
    record_view(
        audit_log(request),
        user,
        f"export.{name}",
        urlencode(filters) or "all",
        len(rows),
        day,
        client(request),
    )
    body = lists.to_csv(header, rows) if fmt == "csv" else lists.to_xlsx(spec.title, header, rows)
    return Response(
        body,
        media_type=MEDIA[fmt],
        headers={"Content-Disposition": f'attachment; filename="{name}.{fmt}"'},
    )
