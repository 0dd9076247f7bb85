"""Policy simulation page (政策测算) for the admin and analyst roles: a reform from a form, its
headline, charts and transition matrix, and the same XLSX / PDF files as ``hedui simulate``.

The simulation runs on the latest published night: its validated data in the workspace beside
the warehouse folder (``<workspace>/validated``, the web config's dq folder), in the night's
sandbox ``<workspace>/simulations/<date>/sandbox`` (built once, reused by later reforms).
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Annotated

from fastapi import APIRouter, Depends, Form, HTTPException, Request
from starlette.responses import FileResponse, Response

from hedui.web.charts import TIER_COLORS, bar_chart
from hedui.web.routes.common import check_csrf, config, render
from hedui.web.security import require
from hedui.web.users import User

router = APIRouter()
Analyst = Annotated[User, Depends(require("simulate"))]
EXAMPLE = """reform: dibao-1100
version: "1"
rows:
  - {parameter: dibao_standard, value: 1100, effective_from: 2027-01-01}
"""
FILE_NAME = re.compile(r"simulation-\d{4}-\d{2}-\d{2}-[0-9a-f]{12}\.(xlsx|pdf)")


def _workspace(request: Request) -> Path:
    return config(request).warehouse_dir.parent


def _night(request: Request) -> tuple[str, str]:
    """The latest published version and its run date."""
    from hedui.publish import list_versions

    versions = list_versions(config(request).warehouse_dir)
    if not versions:
        raise HTTPException(503, "尚未发布数据仓库 (no published night to simulate on)")
    return versions[-1].id, versions[-1].run_date


@router.get("/simulate")
def simulate_form(request: Request, user: Analyst) -> Response:
    version, run_date = _night(request)
    return render(
        request,
        "simulation.html",
        reform_text=EXAMPLE,
        version=version,
        run_date=run_date,
        result=None,
        error=None,
    )


@router.post("/simulate")
def simulate_run(
    request: Request,
    user: Analyst,
    reform_text: Annotated[str, Form()],
    csrf: Annotated[str, Form()] = "",
) -> Response:
    from datetime import date

    from hedui.simulation.export import write_files
    from hedui.simulation.reform import ReformError, parse_reform
    from hedui.simulation.run import simulate_night

    check_csrf(request, csrf)
    version, run_date = _night(request)
    day = date.fromisoformat(run_date)
    try:
        reform = parse_reform(reform_text, day, where="form")
    except ReformError as exc:
        return render(
            request,
            "simulation.html",
            status_code=400,
            reform_text=reform_text,
            version=version,
            run_date=run_date,
            result=None,
            error=str(exc),
        )
    ws, dq = _workspace(request), config(request).dq_root or _workspace(request) / "dq"
    folder = ws / "simulations" / run_date
    result = simulate_night(
        reform, day, ws / "validated", dq, folder / "sandbox", published_version=version
    )
    xlsx, pdf = write_files(result, folder)
    head = result.tables["headline"].filter(result.tables["headline"]["tier"] != "none")
    tiers = head["tier"].to_list()
    labels = [f"{t} {side}" for t in tiers for side in ("before", "after")]
    series = {t: [0.0] * len(labels) for t in tiers}
    for i, r in enumerate(head.iter_rows(named=True)):
        series[r["tier"]][2 * i] = float(r["baseline_households"])
        series[r["tier"]][2 * i + 1] = float(r["reform_households"])
    district = result.tables["cost_by_district"]
    charts = [
        bar_chart(labels, series, "户数 Households per tier, before / after", colors=TIER_COLORS),
        bar_chart(
            district["district_code"].to_list(),
            {"change": [float(v) for v in district["change_monthly"].to_list()]},
            "月增支 Monthly cost change by district (yuan)",
        ),
    ]
    return render(
        request,
        "simulation.html",
        reform_text=reform_text,
        version=version,
        run_date=run_date,
        result=result,
        error=None,
        charts=charts,
        files={"xlsx": xlsx.name, "pdf": pdf.name},
    )


@router.get("/simulate/{run_date}/{name}")
def simulate_file(request: Request, user: Analyst, run_date: str, name: str) -> Response:
    if not FILE_NAME.fullmatch(name) or not re.fullmatch(r"\d{4}-\d{2}-\d{2}", run_date):
        raise HTTPException(404, "no such file")
    path = _workspace(request) / "simulations" / run_date / name
    if not path.is_file():
        raise HTTPException(404, "no such file")
    kind = (
        "application/pdf"
        if name.endswith(".pdf")
        else "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    return FileResponse(path, media_type=kind, filename=name)
