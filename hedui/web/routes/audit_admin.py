"""The audit log (auditors, admins) and user management (admins)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Form, HTTPException, Request
from starlette.responses import RedirectResponse, Response

from hedui.web.audit import AuditEvent
from hedui.web.routes.common import audit_log, check_csrf, client, render, user_store
from hedui.web.security import require
from hedui.web.users import ROLES, User, UserError, UserStore

router = APIRouter()
PAGE = 100
Admin = Annotated[User, Depends(require("admin"))]


@router.get("/audit")
def audit_page(
    request: Request,
    user: Annotated[User, Depends(require("audit_log"))],
    username: str = "",
    action: str = "",
    page: int = 1,
) -> Response:
    log = audit_log(request)
    page = max(1, page)
    records = log.records(
        PAGE + 1, (page - 1) * PAGE, username.strip() or None, action.strip() or None
    )
    return render(
        request,
        "audit.html",
        records=records[:PAGE],
        more=len(records) > PAGE,
        page=page,
        username=username,
        action=action,
        chain=log.verify(),
    )


@router.get("/admin/users")
def users_page(
    request: Request, user: Admin, error: str | None = None, done: str | None = None
) -> Response:
    return render(
        request,
        "admin_users.html",
        users=user_store(request).list(),
        roles=ROLES,
        error=error,
        done=done,
    )


@router.post("/admin/users")
def add_user(
    request: Request,
    user: Admin,
    username: Annotated[str, Form()] = "",
    role: Annotated[str, Form()] = "",
    password: Annotated[str, Form()] = "",
    csrf: Annotated[str, Form()] = "",
) -> Response:
    check_csrf(request, csrf)
    return _change(
        request,
        user,
        "user.add",
        username.strip(),
        lambda: user_store(request).add(username.strip(), password, role),
        {"role": role},
    )


@router.post("/admin/users/{username}")
def change_user(
    request: Request,
    user: Admin,
    username: str,
    op: Annotated[str, Form()] = "",
    role: Annotated[str, Form()] = "",
    password: Annotated[str, Form()] = "",
    csrf: Annotated[str, Form()] = "",
) -> Response:
    check_csrf(request, csrf)
    store = user_store(request)
    target = store.get(username)
    if target is None:
        raise HTTPException(404, f"no user {username!r}")
    ops = {
        "role": (lambda: store.set_role(username, role), {"role": role}),
        "password": (lambda: store.set_password(username, password), {}),
        "deactivate": (lambda: store.set_active(username, False), {}),
        "activate": (lambda: store.set_active(username, True), {}),
    }
    if op not in ops:
        raise HTTPException(400, f"unknown operation {op!r}")
    removes_admin = target.role == "admin" and (
        op == "deactivate" or (op == "role" and role != "admin")
    )
    if removes_admin and _active_admins(store) <= 1:
        error = urlencode({"error": "不能移除最后一个管理员 (keep one active admin)"})
        return RedirectResponse(f"/admin/users?{error}", status_code=303)
    action, detail = ops[op]
    return _change(request, user, f"user.{op}", username, action, detail)


def _active_admins(store: UserStore) -> int:
    return sum(1 for u in store.list() if u.role == "admin" and u.active)


def _change(
    request: Request, user: User, action: str, target: str, do: Callable[[], object], detail: dict
) -> Response:
    """Run one user change, audit it (done or refused) and go back to the user list."""
    event = AuditEvent(
        user.username,
        user.role,
        action,
        target or "-",
        detail={**detail, "client": client(request)},
    )
    try:
        do()
    except UserError as exc:
        event.outcome, event.detail["reason"] = "refused", str(exc)
        audit_log(request).append(event)
        return render(
            request,
            "admin_users.html",
            status_code=400,
            users=user_store(request).list(),
            roles=ROLES,
            error=str(exc),
        )
    audit_log(request).append(event)
    return RedirectResponse(f"/admin/users?done={action}", status_code=303)
