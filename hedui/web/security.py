"""Who is asking and what they may do: session user, role permissions, CSRF tokens, headers."""

from __future__ import annotations

import hmac
import secrets
import time
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime

from fastapi import Request
from starlette.responses import Response

from hedui.web.users import User, UserStore

#: permission -> roles that have it
PERMISSIONS: dict[str, frozenset[str]] = {
    "households": frozenset({"staff"}),  # search, household, case, report pages (economics)
    "identity": frozenset({"staff"}),  # ID-number lookup and identity reveal
    "dashboard": frozenset({"staff", "auditor", "admin", "analyst"}),
    "dq": frozenset({"staff", "auditor", "admin"}),
    "audit_log": frozenset({"auditor", "admin"}),
    "admin": frozenset({"admin"}),
    "simulate": frozenset({"admin", "analyst"}),  # policy simulation (hedui.simulation)
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


class PasswordChangeRequired(Exception):
    """The user's password was reset by an admin: it must be changed before anything else."""


class Forbidden(Exception):
    """The user's role lacks the permission."""

    def __init__(self, permission: str) -> None:
        super().__init__(permission)
        self.permission = permission


#: permission -> extra grant (users.grants) that gives it beyond the role
GRANTED_BY: dict[str, str] = {"households": "household_economics"}


def can(user: User | None, permission: str) -> bool:
    if user is None or not user.active:
        return False
    grant = GRANTED_BY.get(permission)
    return user.role in PERMISSIONS[permission] or (grant is not None and grant in user.grants)


def start_session(request: Request, user: User) -> None:
    """A fresh session bound to the user's current session version."""
    request.session.clear()
    request.session["user"] = user.username
    request.session["ver"] = user.session_version
    request.session["seen"] = request.session["born"] = int(time.time())
    request.session["login_at"] = datetime.now(UTC).isoformat(timespec="seconds")


def session_user(request: Request) -> User | None:
    """The signed-in user, re-read from the store: a deactivation, sign-out elsewhere, password
    change or reset (a new session version), ``idle_timeout_s`` without a request or
    ``session_max_age`` since sign-in ends it."""
    if hasattr(request.state, "session_user"):
        return request.state.session_user
    user = _check_session(request)
    request.state.session_user = user
    return user


def _check_session(request: Request) -> User | None:
    name = request.session.get("user")
    if not name:
        return None
    store: UserStore = request.app.state.users
    user = store.get(name)
    now = int(time.time())
    cfg = request.app.state.config
    fresh = (
        now - int(request.session.get("seen") or 0) <= cfg.idle_timeout_s
        and now - int(request.session.get("born") or 0) <= cfg.session_max_age
    )
    if not (user and user.active and fresh and request.session.get("ver") == user.session_version):
        request.session.clear()
        return None
    if now - int(request.session["seen"]) >= 30:  # re-sign the cookie at most twice a minute
        request.session["seen"] = now
    return user


def require(permission: str) -> Callable[[Request], User]:
    """A FastAPI dependency: the current user if allowed, else LoginRequired / Forbidden."""

    def dependency(request: Request) -> User:
        user = session_user(request)
        if user is None:
            raise LoginRequired()
        if user.must_change_password:
            raise PasswordChangeRequired()
        request.state.user = user
        if not can(user, permission):
            raise Forbidden(permission)
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
    if request.app.state.config.https_only:
        response.headers["Strict-Transport-Security"] = "max-age=31536000; includeSubDomains"
    return response
