"""Who is asking and what they may do: session user, role permissions, CSRF tokens, headers."""

from __future__ import annotations

import hmac
import secrets
from collections.abc import Awaitable, Callable

from fastapi import Request
from starlette.responses import Response

from hedui.web.users import User, UserStore

#: permission -> roles that have it
PERMISSIONS: dict[str, frozenset[str]] = {
    "households": frozenset({"staff", "auditor"}),  # search, household, case, report pages
    "identity": frozenset({"staff"}),  # ID-number lookup and identity reveal
    "dashboard": frozenset({"staff", "auditor", "admin"}),
    "dq": frozenset({"staff", "auditor", "admin"}),
    "audit_log": frozenset({"auditor", "admin"}),
    "admin": frozenset({"admin"}),
}

CSP = (
    "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
    "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
)
# Data Docs pages are generated HTML with inline styles and no scripts.
DOCS_CSP = (
    "default-src 'none'; img-src 'self' data:; style-src 'unsafe-inline'; "
    "base-uri 'none'; form-action 'none'; frame-ancestors 'none'"
)


class LoginRequired(Exception):
    """No (active) user in the session: redirect to the login page."""


class Forbidden(Exception):
    """The user's role lacks the permission."""

    def __init__(self, permission: str) -> None:
        super().__init__(permission)
        self.permission = permission


def can(user: User | None, permission: str) -> bool:
    return user is not None and user.active and user.role in PERMISSIONS[permission]


def session_user(request: Request) -> User | None:
    """The signed-in user, re-read from the store so a deactivation takes effect at once."""
    name = request.session.get("user")
    if not name:
        return None
    store: UserStore = request.app.state.users
    user = store.get(name)
    return user if user and user.active else None


def require(permission: str) -> Callable[[Request], User]:
    """A FastAPI dependency: the current user if allowed, else LoginRequired / Forbidden."""

    def dependency(request: Request) -> User:
        user = session_user(request)
        if user is None:
            raise LoginRequired()
        if not can(user, permission):
            raise Forbidden(permission)
        request.state.user = user
        return user

    return dependency


def csrf_token(request: Request) -> str:
    """The session's CSRF token (created on first use); every form posts it back."""
    token = request.session.get("csrf")
    if not token:
        token = secrets.token_urlsafe(32)
        request.session["csrf"] = token
    return token


def csrf_ok(request: Request, token: str | None) -> bool:
    expected = request.session.get("csrf")
    return bool(expected and token and hmac.compare_digest(expected, token))


def safe_next(target: str | None) -> str:
    """Only same-site paths are followed after login (no open redirect)."""
    if target and target.startswith("/") and not target.startswith("//") and "\\" not in target:
        return target
    return "/"


async def security_headers(
    request: Request, call_next: Callable[[Request], Awaitable[Response]]
) -> Response:
    response = await call_next(request)
    docs = "/docs/" in request.url.path and request.url.path.startswith("/dq/")
    response.headers.setdefault("Content-Security-Policy", DOCS_CSP if docs else CSP)
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["X-Frame-Options"] = "DENY"
    response.headers["Referrer-Policy"] = "no-referrer"
    if not request.url.path.startswith("/static/"):
        response.headers["Cache-Control"] = "no-store"
    return response
