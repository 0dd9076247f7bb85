"""The policy page: the parameters in force and their history, and the glossary of codes."""

from __future__ import annotations

from typing import Annotated

import duckdb
from fastapi import APIRouter, Depends, Request
from starlette.responses import Response

from hedui.web import reasons
from hedui.web.explain import TIERS, all_codes, explain
from hedui.web.glossary import ITEMS, parameter_label, source_names
from hedui.web.routes.common import parse_date, render, warehouse
from hedui.web.security import require
from hedui.web.users import User

router = APIRouter()
Con = Annotated[duckdb.DuckDBPyConnection, Depends(warehouse)]
Reader = Annotated[User, Depends(require("dashboard"))]


@router.get("/policy")
def policy(request: Request, user: Reader, con: Con, run_date: str | None = None) -> Response:
    std = reasons.standards(con, parse_date(run_date))
    rows = [{**r, "label": parameter_label(r["parameter"])} for r in std.history]
    return render(
        request,
        "policy.html",
        standards=std,
        in_force=[r for r in rows if r["in_force"]],
        history=rows,
        run_date=rows[0]["run_date"] if rows else None,
        codes=[explain(c, std.values) for c in all_codes()],
        tiers=[explain(t, std.values) for t in TIERS],
        sources=sorted(source_names().items()),
        items=sorted(ITEMS.items()),
    )
