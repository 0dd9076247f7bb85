"""The web application: FastAPI, server-rendered pages over the published warehouse (read-only).

``create_app(config)`` wires the stores, sessions (signed cookies), security headers, error pages
and the route modules; :mod:`hedui.web.cli_functions` runs it with uvicorn.
"""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urlencode

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.middleware.sessions import SessionMiddleware
from starlette.responses import RedirectResponse, Response
from starlette.staticfiles import StaticFiles

from hedui.web.audit import AuditEvent
from hedui.web.config import WebConfig
from hedui.web.routes import (
    audit_admin,
    auth,
    lists,
    lookup,
    policy,
    quality,
    reports,
    simulation,
    tasks,
)
from hedui.web.routes.common import client, render
from hedui.web.security import (
    Forbidden,
    LoginRequired,
    PasswordChangeRequired,
    security_headers,
)
from hedui.web.stores import open_stores
from hedui.web.templating import make_templates
from hedui.web.warehouse import WarehouseMissing
from hedui.worklist import DueRules, TaskStore

STATIC_DIR = Path(__file__).parent / "static"


def create_app(config: WebConfig) -> FastAPI:
    """A ready application for one deployment (no OpenAPI docs: these are pages, not an API)."""
    app = FastAPI(title="Hedui", docs_url=None, redoc_url=None, openapi_url=None)
    app.state.config = config
    stores = open_stores(config)
    app.state.db = stores.db
    app.state.users = stores.users
    app.state.audit = stores.audit
    app.state.throttle = stores.throttle
    app.state.tasks = TaskStore(stores.db)
    app.state.due_rules = DueRules.from_env()
    app.state.templates = make_templates()

    app.middleware("http")(security_headers)
    app.add_middleware(
        SessionMiddleware,
        secret_key=config.secret_key,
        session_cookie="hedui_session",
        max_age=config.session_max_age,
        same_site="strict",
        https_only=config.https_only,
    )
    app.mount("/static", StaticFiles(directory=STATIC_DIR), name="static")
    for module in (auth, lookup, quality, audit_admin, reports, policy, lists, simulation, tasks):
        app.include_router(module.router)
    _add_error_pages(app)
    return app


ERROR_TITLES = {
    400: "请求有误 Bad request",
    403: "无权访问 Forbidden",
    404: "未找到 Not found",
    405: "不支持的操作 Method not allowed",
    429: "请求过多 Too many requests",
    500: "服务器错误 Server error",
    503: "暂不可用 Unavailable",
}


def _add_error_pages(app: FastAPI) -> None:
    @app.exception_handler(LoginRequired)
    async def to_login(request: Request, exc: LoginRequired) -> Response:
        target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
        return RedirectResponse("/login?" + urlencode({"next": target}), status_code=303)

    @app.exception_handler(PasswordChangeRequired)
    async def to_password(request: Request, exc: PasswordChangeRequired) -> Response:
        return RedirectResponse("/account/password", status_code=303)

    @app.exception_handler(Forbidden)
    async def forbidden(request: Request, exc: Forbidden) -> Response:
        user = getattr(request.state, "user", None)
        if user is not None:
            request.app.state.audit.append(
                AuditEvent(
                    user.username,
                    user.role,
                    "access.denied",
                    request.url.path[:200],
                    outcome="refused",
                    detail={"permission": exc.permission, "client": client(request)},
                )
            )
        return render(
            request,
            "error.html",
            status_code=403,
            title="无权访问 Forbidden",
            message="您的角色无权查看此页面。 Your role may not open this page.",
        )

    @app.exception_handler(WarehouseMissing)
    async def no_warehouse(request: Request, exc: WarehouseMissing) -> Response:
        return render(
            request,
            "error.html",
            status_code=503,
            title="暂无数据 No data yet",
            message="尚未发布数据仓库。 No warehouse has been published yet.",
        )

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> Response:
        return render(
            request,
            "error.html",
            status_code=exc.status_code,
            title=f"{exc.status_code} {ERROR_TITLES.get(exc.status_code, '错误 Error')}",
            message=str(exc.detail),
        )

    @app.exception_handler(RequestValidationError)
    async def bad_request(request: Request, exc: RequestValidationError) -> Response:
        fields = ", ".join(str(e.get("loc", ["?"])[-1]) for e in exc.errors())
        return render(
            request,
            "error.html",
            status_code=400,
            title=f"400 {ERROR_TITLES[400]}",
            message=f"参数有误：{fields}。 Invalid parameter: {fields}.",
        )
