"""Helpers every route module shares: rendering, the warehouse connection, parsing."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from typing import Any

import duckdb
from fastapi import HTTPException, Request
from starlette.responses import Response

from hedui.web.audit import AuditEvent, AuditLog
from hedui.web.config import WebConfig
from hedui.web.security import can, csrf_ok, csrf_token, session_user
from hedui.web.users import UserStore
from hedui.web.warehouse import open_warehouse


def config(request: Request) -> WebConfig:
    return request.app.state.config


def audit_log(request: Request) -> AuditLog:
    return request.app.state.audit


def user_store(request: Request) -> UserStore:
    return request.app.state.users


def warehouse(request: Request) -> Iterator[duckdb.DuckDBPyConnection]:
    """Dependency: a fresh read-only connection for this request (closed afterwards)."""
    with open_warehouse(config(request).warehouse_dir) as con:
        yield con


def client(request: Request) -> str | None:
    return request.client.host if request.client else None


def render(request: Request, name: str, status_code: int = 200, **context: Any) -> Response:
    """Render a page with the signed-in user, permission check and CSRF token in context."""
    user = getattr(request.state, "user", None) or session_user(request)
    context.update(
        user=user,
        can=lambda permission: can(user, permission),
        csrf=csrf_token(request),
    )
    return request.app.state.templates.TemplateResponse(
        request, name, context, status_code=status_code
    )


def parse_date(text: str | None) -> date | None:
    if not text:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError as exc:
        raise HTTPException(
            400, f"日期格式应为 YYYY-MM-DD (not a date, YYYY-MM-DD): {text[:20]!r}"
        ) from exc


def check_csrf(request: Request, token: str | None) -> None:
    """Refuse (403, audited) a form whose token is missing or not this session's."""
    if not csrf_ok(request, token):
        user = session_user(request)
        audit_log(request).append(
            AuditEvent(
                user.username if user else "-",
                user.role if user else "-",
                "csrf.refused",
                request.url.path[:200],
                outcome="refused",
                detail={"client": client(request), "token": "missing" if not token else "foreign"},
            )
        )
        raise HTTPException(403, "表单已过期，请刷新页面后重试 (form expired: reload and retry)")
