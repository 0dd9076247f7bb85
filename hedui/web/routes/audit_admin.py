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
from hedui.web.users import GRANTS, ROLES, User, UserError, UserStore

router = APIRouter()
PAGE = 100
Admin = Annotated[User, Depends(require("admin"))]


AuditReader = Annotated[User, Depends(require("audit_log"))]
EXPORT_COLUMNS = (
    ("seq", "序号 No."),
    ("at", "时间 When (北京时间)"),
    ("username", "用户 Who"),
    ("role", "角色 Role"),
    ("action", "操作 Action"),
    ("target", "对象 What"),
    ("purpose", "事由 Why"),
    ("authorization_no", "授权书 Authorization"),
    ("row_count", "行数 Rows"),
    ("outcome", "结果 Outcome"),
    ("detail", "详情 Detail"),
)


@router.get("/audit")
def audit_page(
    request: Request,
    user: AuditReader,
    username: str = "",
    action: str = "",
    page: int = 1,
) -> Response:
    log = audit_log(request)
    who, what = username.strip()[:64] or None, action.strip()[:64] or None
    total = log.count(who, what)
    pages = max(1, -(-total // PAGE))
    page = min(max(1, page), pages)
    records = log.records(PAGE, (page - 1) * PAGE, who, what)
    query = urlencode({k: v for k, v in {"username": who, "action": what}.items() if v})
    return render(
        request,
        "audit.html",
        records=records,
        more=page < pages,
        page=page,
        pages=pages,
        total=total,
        first=(page - 1) * PAGE + 1 if total else 0,
        last=min(page * PAGE, total),
        query=query,
        username=username,
        action=action,
        chain=log.verify(),
    )


@router.get("/audit/export.{fmt}")
def audit_export(
    request: Request, user: AuditReader, fmt: str, username: str = "", action: str = ""
) -> Response:
    """The filtered audit log, newest first (up to the export limit), as CSV or XLSX; the
    export is itself audited."""
    from hedui.web import lists
    from hedui.web.formatting import beijing
    from hedui.web.routes.lists import MEDIA

    if fmt not in MEDIA:
        raise HTTPException(400, f"不支持的格式 (unsupported format {fmt[:10]!r}): csv, xlsx")
    log = audit_log(request)
    who, what = username.strip()[:64] or None, action.strip()[:64] or None
    records = log.records(lists.EXPORT_LIMIT, 0, who, what)
    header = [label for _, label in EXPORT_COLUMNS]
    rows = [
        [
            beijing(r.at) if c == "at" else ("" if getattr(r, c) is None else str(getattr(r, c)))
            for c, _ in EXPORT_COLUMNS
        ]
        for r in records
    ]
    log.append(
        AuditEvent(
            user.username,
            user.role,
            "export.audit_log",
            urlencode({k: v for k, v in {"username": who, "action": what}.items() if v}) or "all",
            row_count=len(rows),
            detail={"format": fmt, "client": client(request)},
        )
    )
    body = lists.to_csv(header, rows) if fmt == "csv" else lists.to_xlsx("audit", header, rows)
    return Response(
        body,
        media_type=MEDIA[fmt],
        headers={"Content-Disposition": f'attachment; filename="audit-log.{fmt}"'},
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
        grants=GRANTS,
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
    grant: Annotated[str, Form()] = "",
    csrf: Annotated[str, Form()] = "",
) -> Response:
    check_csrf(request, csrf)
    store = user_store(request)
    target = store.get(username)
    if target is None:
        raise HTTPException(404, f"no user {username[:40]!r}")
    grants = set(target.grants) ^ {grant} if grant else set(target.grants)
    ops = {
        "role": (lambda: store.set_role(username, role), {"role": role}),
        "grant": (lambda: store.set_grants(username, grants), {"grants": sorted(grants)}),
        # an admin's reset: the user must choose a new password at the next sign-in
        "password": (lambda: store.set_password(username, password, must_change=True), {}),
        "deactivate": (lambda: store.set_active(username, False), {}),
        "activate": (lambda: store.set_active(username, True), {}),
        "unlock": (lambda: request.app.state.throttle.unlock(username), {}),
    }
    if op not in ops:
        return _change(request, user, "user.unknown_op", username, _unknown_op, {})
    if username == user.username and op in {"role", "grant", "activate"}:
        return _change(request, user, f"user.{op}", username, _refuse_self, {"role": role[:16]})
    removes_admin = target.role == "admin" and (
        op == "deactivate" or (op == "role" and role != "admin")
    )
    if removes_admin and _active_admins(store) <= 1:
        error = urlencode({"error": "不能移除最后一个管理员 (keep one active admin)"})
        return RedirectResponse(f"/admin/users?{error}", status_code=303)
    action, detail = ops[op]
    return _change(request, user, f"user.{op}", username, action, detail)


def _unknown_op() -> None:
    raise UserError("unknown operation")


def _refuse_self() -> None:
    raise UserError(
        "管理员不能更改自己的角色或权限 (an admin cannot change their own role or grants)"
    )


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
            grants=GRANTS,
            error=str(exc),
        )
    audit_log(request).append(event)
    return RedirectResponse(f"/admin/users?done={action}", status_code=303)
