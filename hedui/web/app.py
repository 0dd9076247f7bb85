"""The web application: FastAPI, server-rendered pages over the published warehouse (read-only).

``create_app(config)`` wires the stores, sessions (signed cookies), security headers, error pages
and the route modules; :mod:`hedui.web.cli_functions` runs it with uvicorn.
"""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urlencode

from fastapi import FastAPI, Request
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.middleware.sessions import SessionMiddleware
from starlette.responses import RedirectResponse, Response
from starlette.staticfiles import StaticFiles

from hedui.web.audit import AuditLog
from hedui.web.config import WebConfig
from hedui.web.routes import audit_admin, auth, lookup, quality
from hedui.web.routes.common import render
from hedui.web.security import Forbidden, LoginRequired, security_headers
from hedui.web.templating import make_templates
from hedui.web.throttle import LoginThrottle
from hedui.web.users import UserStore
from hedui.web.warehouse import WarehouseMissing

STATIC_DIR = Path(__file__).parent / "static"


def create_app(config: WebConfig) -> FastAPI:
    """A ready application for one deployment (no OpenAPI docs: these are pages, not an API)."""
    app = FastAPI(title="Hedui", docs_url=None, redoc_url=None, openapi_url=None)
    app.state.config = config
    app.state.users = UserStore(config.users_db)
    app.state.audit = AuditLog(config.audit_db)
    app.state.templates = make_templates()
    app.state.login_throttle = LoginThrottle()

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
    for module in (auth, lookup, quality, audit_admin):
        app.include_router(module.router)
    _add_error_pages(app)
    return app


def _add_error_pages(app: FastAPI) -> None:
    @app.exception_handler(LoginRequired)
    async def to_login(request: Request, exc: LoginRequired) -> Response:
        target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
        return RedirectResponse("/login?" + urlencode({"next": target}), status_code=303)

    @app.exception_handler(Forbidden)
    async def forbidden(request: Request, exc: Forbidden) -> Response:
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
            title=f"{exc.status_code}",
            message=str(exc.detail),
        )
