"""Sign in, sign out, change one's own password."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request
from starlette.responses import RedirectResponse, Response

from hedui.web.audit import AuditEvent
from hedui.web.routes.common import audit_log, check_csrf, client, render, user_store
from hedui.web.security import LoginRequired, safe_next, session_user, start_session
from hedui.web.users import UserError

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
    username = "".join(ch for ch in username.strip()[:40] if ch.isprintable())
    password = password[:200]
    throttle = request.app.state.throttle
    ip = client(request)
    wait = throttle.login_wait(username, ip)
    user = None if wait > 0 else user_store(request).authenticate(username, password)
    if user is None:
        backoff = 0.0 if wait > 0 else throttle.login_failed(username, ip)
        reason = "backing off" if wait > 0 else "wrong password"
        audit_log(request).append(
            AuditEvent(
                username or "-",
                "-",
                "login",
                username or "-",
                outcome="refused",
                detail={"client": ip, "reason": reason, "backoff_s": round(wait or backoff)},
            )
        )
        if wait > 0:
            seconds = max(1, round(wait))
            error = (
                f"尝试次数过多，请 {seconds} 秒后再试 (too many failed sign-ins: try again "
                f"in {seconds} s)"
            )
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
    throttle.login_succeeded(username, ip)
    start_session(request, user)
    audit_log(request).append(
        AuditEvent(user.username, user.role, "login", user.username, detail={"client": ip})
    )
    if user.must_change_password:
        return RedirectResponse("/account/password", status_code=303)
    return RedirectResponse(safe_next(next), status_code=303)


@router.post("/logout")
def logout(request: Request, csrf: Annotated[str, Form()] = "") -> Response:
    """Sign out: the user's session version moves on, so a copy of the cookie is dead too."""
    check_csrf(request, csrf)
    user = session_user(request)
    if user:
        user_store(request).end_sessions(user.username)
        audit_log(request).append(
            AuditEvent(
                user.username,
                user.role,
                "logout",
                user.username,
                detail={"client": client(request)},
            )
        )
    request.session.clear()
    return RedirectResponse("/login", status_code=303)


@router.get("/account/password")
def password_form(request: Request) -> Response:
    user = session_user(request)
    if user is None:
        raise LoginRequired()
    return render(request, "password.html", must_change=user.must_change_password)


@router.post("/account/password")
def change_password(
    request: Request,
    current: Annotated[str, Form()] = "",
    new: Annotated[str, Form()] = "",
    repeat: Annotated[str, Form()] = "",
    csrf: Annotated[str, Form()] = "",
) -> Response:
    """The user's own new password (required after an admin's reset); other sessions end."""
    check_csrf(request, csrf)
    user = session_user(request)
    if user is None:
        raise LoginRequired()
    store = user_store(request)
    event = AuditEvent(
        user.username,
        user.role,
        "user.password_change",
        user.username,
        detail={"client": client(request)},
    )
    error = None
    if store.authenticate(user.username, current[:200]) is None:
        error = "当前密码不正确 (current password is wrong)"
    elif new != repeat:
        error = "两次输入的新密码不一致 (the new passwords differ)"
    elif new == current:
        error = "新密码须与当前密码不同 (choose a different password)"
    else:
        try:
            store.set_password(user.username, new)
        except UserError as exc:
            error = str(exc)
    if error:
        event.outcome, event.detail["reason"] = "refused", error
        audit_log(request).append(event)
        return render(
            request,
            "password.html",
            status_code=400,
            error=error,
            must_change=user.must_change_password,
        )
    audit_log(request).append(event)
    fresh = store.get(user.username)
    assert fresh is not None
    start_session(request, fresh)
    return RedirectResponse("/", status_code=303)
