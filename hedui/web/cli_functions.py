"""Plain functions for the ``hedui`` command line: serve the web app, manage users, look up
households and reports, check the audit log. The CLI (hedui/cli/web.py) wires them as commands.

Lookups authenticate as a web user (:class:`Credentials`: user name and password, or a token an
admin issued) and go through the same audited functions as the web pages, with the same role
checks, authorization register and rate limits. User administration here (add, password, activate)
is for whoever runs the deployment: shell access to the warehouse and state files is
database-administrator access, and those records name ``cli:<os user>``.
"""

from __future__ import annotations

import dataclasses
import getpass
import json
import os
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from hedui.web import queries as q
from hedui.web import tokens, views
from hedui.web.audit import AuditEvent, AuditRecord, ChainCheck
from hedui.web.config import WebConfig, secure_cookies
from hedui.web.lookups import (
    IdLookupResult,
    LookupRefused,
    lookup_by_id_number,
    record_view,
)
from hedui.web.lookups import search as audited_search
from hedui.web.pdf import report_pdf
from hedui.web.security import can
from hedui.web.stores import Stores, open_stores
from hedui.web.users import User
from hedui.web.warehouse import open_warehouse

PathLike = Path | str


def _config(
    warehouse_dir: PathLike, state_dir: PathLike | None = None, dq_root: PathLike | None = None
) -> WebConfig:
    return WebConfig.create(warehouse_dir, state_dir=state_dir, dq_root=dq_root)


class AuthenticationFailed(PermissionError):
    """No or wrong credentials; the refusal has been audited."""


@dataclass(frozen=True)
class Credentials:
    """Who runs a CLI lookup: a user name and password, or a token an admin issued."""

    username: str | None = None
    password: str | None = None
    token: str | None = None


def _dbadmin() -> str:
    return f"cli:{getpass.getuser()}"


def _stores(cfg: WebConfig) -> Stores:
    return open_stores(cfg)


def authenticate(stores: Stores, creds: Credentials | None) -> User:
    """The active user behind the credentials (same back-off as the web sign-in), else
    :class:`AuthenticationFailed`, audited either way."""
    creds = creds or Credentials()
    name = creds.username or "-"
    user, reason = None, "no credentials"
    if creds.token:
        owner = tokens.owner(stores.db, creds.token)
        user = stores.users.get(owner) if owner else None
        name, reason = owner or name, "invalid, expired or revoked token"
        user = user if user and user.active else None
    elif creds.username and creds.password:
        wait = stores.throttle.login_wait(creds.username, "cli")
        if wait > 0:
            reason = f"backing off {round(wait)} s"
        else:
            user = stores.users.authenticate(creds.username, creds.password)
            reason = "wrong password"
            if user is None:
                stores.throttle.login_failed(creds.username, "cli")
            else:
                stores.throttle.login_succeeded(creds.username, "cli")
    if user is not None and user.must_change_password:
        user, reason = None, "password reset: change it on the web first"
    stores.audit.append(
        AuditEvent(
            name[:40],
            user.role if user else "-",
            "login",
            name[:40],
            outcome="ok" if user else "refused",
            detail={
                "client": "cli",
                "via": "token" if creds.token else "password",
                **({} if user else {"reason": reason}),
            },
        )
    )
    if user is None:
        raise AuthenticationFailed(f"not signed in: {reason}")
    return user


def _allowed(stores: Stores, user: User, permission: str, target: str) -> None:
    if not can(user, permission):
        stores.audit.append(
            AuditEvent(
                user.username,
                user.role,
                "access.denied",
                target,
                outcome="refused",
                detail={"permission": permission, "client": "cli"},
            )
        )
        raise LookupRefused(f"role {user.role} may not do this ({permission})")


def _day(run_date: date | str | None) -> date | None:
    return date.fromisoformat(str(run_date)) if run_date else None


def serve(
    warehouse_dir: PathLike,
    host: str = "127.0.0.1",
    port: int = 8000,
    state_dir: PathLike | None = None,
    dq_root: PathLike | None = None,
) -> None:
    """Run the web application with uvicorn until interrupted."""
    import uvicorn

    from hedui.web.app import create_app

    os.umask(0o077)  # whatever the service writes is owner-only
    cfg = WebConfig.create(
        warehouse_dir, state_dir=state_dir, dq_root=dq_root, https_only=secure_cookies(host)
    )
    app = create_app(cfg)
    uvicorn.run(app, host=host, port=port, proxy_headers=False, server_header=False)


def add_user(
    warehouse_dir: PathLike,
    username: str,
    password: str,
    role: str,
    state_dir: PathLike | None = None,
) -> User:
    """Create a user (role staff, auditor or admin); audited as ``user.add``."""
    stores = _stores(_config(warehouse_dir, state_dir))
    user = stores.users.add(username, password, role)
    stores.audit.append(
        AuditEvent(_dbadmin(), "dbadmin", "user.add", username, detail={"role": role, "via": "cli"})
    )
    return user


def set_password(
    warehouse_dir: PathLike,
    username: str,
    password: str,
    state_dir: PathLike | None = None,
    must_change: bool = True,
) -> None:
    """Reset a password (the user must change it at the next sign-in unless ``must_change``
    is False); every session of the user ends."""
    stores = _stores(_config(warehouse_dir, state_dir))
    stores.users.set_password(username, password, must_change=must_change)
    stores.audit.append(
        AuditEvent(_dbadmin(), "dbadmin", "user.password", username, detail={"via": "cli"})
    )


def set_active(
    warehouse_dir: PathLike,
    username: str,
    active: bool,
    state_dir: PathLike | None = None,
) -> None:
    stores = _stores(_config(warehouse_dir, state_dir))
    stores.users.set_active(username, active)
    action = "user.activate" if active else "user.deactivate"
    stores.audit.append(AuditEvent(_dbadmin(), "dbadmin", action, username, detail={"via": "cli"}))


def list_users(warehouse_dir: PathLike, state_dir: PathLike | None = None) -> list[User]:
    return _stores(_config(warehouse_dir, state_dir)).users.list()


def issue_token(
    warehouse_dir: PathLike,
    admin: Credentials,
    username: str,
    days: int = 90,
    state_dir: PathLike | None = None,
) -> str:
    """A CLI token for ``username``, issued by an authenticated admin (audited; shown once)."""
    stores = _stores(_config(warehouse_dir, state_dir))
    who = authenticate(stores, admin)
    _allowed(stores, who, "admin", f"token:{username}")
    target = stores.users.get(username)
    if target is None or not target.active:
        raise LookupRefused(f"no active user {username!r}")
    token = tokens.issue(stores.db, username, who.username, days)
    stores.audit.append(
        AuditEvent(
            who.username,
            who.role,
            "token.issue",
            username,
            detail={"days": days, "token_id": token.split(".")[1], "client": "cli"},
        )
    )
    return token


def search(
    warehouse_dir: PathLike,
    kind: str,
    number: str,
    creds: Credentials | None = None,
    state_dir: PathLike | None = None,
) -> list[dict[str, Any]]:
    """Households, cases or requests (``kind``: household, case, request) by number or prefix
    (at least six characters); audited."""
    cfg = _config(warehouse_dir, state_dir)
    stores = _stores(cfg)
    user = authenticate(stores, creds)
    _allowed(stores, user, "households", f"search.{kind}")
    with open_warehouse(cfg.warehouse_dir) as con:
        return audited_search(
            con,
            stores.audit,
            user,
            kind,
            number,
            "cli",
            lambda: stores.throttle.allow_search(user.username),
        )


def lookup_household(
    warehouse_dir: PathLike,
    household_id: str,
    run_date: date | str | None = None,
    creds: Credentials | None = None,
    state_dir: PathLike | None = None,
) -> views.HouseholdPage | None:
    """Everything the household page shows (audited as ``view.household``)."""
    cfg = _config(warehouse_dir, state_dir)
    stores = _stores(cfg)
    user = authenticate(stores, creds)
    _allowed(stores, user, "households", household_id)
    with open_warehouse(cfg.warehouse_dir) as con:
        page = views.household_page(con, household_id, _day(run_date))
    if page is not None:
        record_view(
            stores.audit,
            user,
            "view.household",
            household_id,
            page.row_count,
            page.run_date,
            client="cli",
        )
    return page


def lookup_id_number(
    warehouse_dir: PathLike,
    id_number: str,
    purpose: str,
    authorization_no: str,
    creds: Credentials | None = None,
    state_dir: PathLike | None = None,
    note: str | None = None,
) -> IdLookupResult:
    """Person and households behind an ID number; refused (LookupRefused) unless a staff user
    cites a listed purpose and a registered authorization covering the person. Audited."""
    cfg = _config(warehouse_dir, state_dir)
    stores = _stores(cfg)
    user = authenticate(stores, creds)
    with open_warehouse(cfg.warehouse_dir) as con:
        return lookup_by_id_number(
            con,
            stores.audit,
            user,
            id_number,
            purpose,
            authorization_no,
            client="cli",
            note=note,
            limiter=lambda: stores.throttle.allow_lookup(user.username),
        )


def verification_report(
    warehouse_dir: PathLike,
    request_id: str,
    run_date: date | str | None = None,
    pdf_out: PathLike | None = None,
    creds: Credentials | None = None,
    state_dir: PathLike | None = None,
) -> views.ReportPage | None:
    """A request's verification report; with ``pdf_out`` also written as a PDF file."""
    cfg = _config(warehouse_dir, state_dir)
    stores = _stores(cfg)
    who = authenticate(stores, creds)
    _allowed(stores, who, "households", request_id)
    with open_warehouse(cfg.warehouse_dir) as con:
        page = views.report_page(con, request_id, _day(run_date))
    if page is None:
        return None
    action = "download.report_pdf" if pdf_out else "view.report"
    record_view(stores.audit, who, action, request_id, page.row_count, page.run_date, client="cli")
    if pdf_out:
        Path(pdf_out).write_bytes(report_pdf(page, generated_by=who.username))
    return page


def dq_summary(warehouse_dir: PathLike, run_date: date | str | None = None) -> views.DqRun | None:
    """Per-source data quality of a run (the latest when ``run_date`` is None)."""
    with open_warehouse(Path(warehouse_dir)) as con:
        day = _day(run_date) or q.latest_run_date(con, "dq_source_runs")
        return views.dq_run(con, day) if day else None


def verify_audit_log(warehouse_dir: PathLike, state_dir: PathLike | None = None) -> ChainCheck:
    """Recompute the audit log's HMAC chain and compare it with the anchors; ``ok`` is False and
    ``first_bad_seq`` names the first record if any was edited, deleted, reordered or cut off."""
    return _stores(_config(warehouse_dir, state_dir)).audit.verify()


def audit_entries(
    warehouse_dir: PathLike,
    limit: int = 50,
    username: str | None = None,
    action: str | None = None,
    state_dir: PathLike | None = None,
    creds: Credentials | None = None,
) -> list[AuditRecord]:
    """The newest audit records, for a signed-in auditor or admin."""
    stores = _stores(_config(warehouse_dir, state_dir))
    user = authenticate(stores, creds)
    _allowed(stores, user, "audit_log", "audit-log")
    return stores.audit.records(limit, 0, username, action)


def to_json(obj: Any) -> str:
    """A page or result object as JSON text for the CLI (charts left out)."""

    def plain(value: Any) -> Any:
        if dataclasses.is_dataclass(value) and not isinstance(value, type):
            return {
                f.name: plain(getattr(value, f.name))
                for f in dataclasses.fields(value)
                if not f.name.endswith("chart")
            }
        if isinstance(value, dict):
            return {str(k): plain(v) for k, v in value.items()}
        if isinstance(value, list | tuple):
            return [plain(v) for v in value]
        return value

    return json.dumps(plain(obj), ensure_ascii=False, indent=2, default=str)
