"""Sign in and sign out."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated

from fastapi import APIRouter, Form, Request
from starlette.responses import RedirectResponse, Response

from hedui.web.audit import AuditEvent
from hedui.web.routes.common import audit_log, check_csrf, client, render, user_store
from hedui.web.security import safe_next, session_user

router = APIRouter()


@router.get("/login")
def login_form(request: Request, next: str = "/") -> Response:
    if session_user(request):
        return RedirectResponse(safe_next(next), status_code=303)
    return render(
        request, "login.html", next=safe_next(next), no_users=user_store(request).count() == 0
    )


@router.post("/login")
def login(
    request: Request,
    username: Annotated[str, Form()] = "",
    password: Annotated[str, Form()] = "",
    csrf: Annotated[str, Form()] = "",
    next: Annotated[str, Form()] = "/",
) -> Response:
    check_csrf(request, csrf)
    username = username.strip()[:40]
    throttle = request.app.state.login_throttle
    wait = throttle.locked_for(username)
    user = None if wait else user_store(request).authenticate(username, password)
    if user is None:
        locks = not wait and throttle.failed(username)
        reason = "locked" if wait else ("wrong password, now locked" if locks else "wrong password")
        audit_log(request).append(
            AuditEvent(
                username or "-",
                "-",
                "login",
                username or "-",
                outcome="refused",
                detail={"client": client(request), "reason": reason},
            )
        )
        if wait or locks:
            minutes = max(1, round((wait or throttle.lockout_s) / 60))
            error = (f"尝试次数过多，请 {minutes} 分钟后再试 (too many failed sign-ins: try again "
                     f"in {minutes} min)")
            status = 429
        else:
            error, status = "用户名或密码错误 (wrong user name or password)", 401
        return render(
            request,
            "login.html",
            status_code=status,
            next=safe_next(next),
            error=error,
            username=username,
        )
    throttle.succeeded(username)
    request.session.clear()
    request.session["user"] = user.username
    request.session["login_at"] = datetime.now(UTC).isoformat(timespec="seconds")
    audit_log(request).append(
        AuditEvent(
            user.username, user.role, "login", user.username, detail={"client": client(request)}
        )
    )
    return RedirectResponse(safe_next(next), status_code=303)


@router.post("/logout")
def logout(request: Request, csrf: Annotated[str, Form()] = "") -> Response:
    check_csrf(request, csrf)
    user = session_user(request)
    if user:
        audit_log(request).append(AuditEvent(user.username, user.role, "logout", user.username))
    request.session.clear()
    return RedirectResponse("/login", status_code=303)
