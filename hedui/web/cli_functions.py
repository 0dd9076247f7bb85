"""Plain functions for the ``hedui`` command line: serve the web app, manage users, look up
households and reports, check the audit log. The CLI (hedui/cli.py) wires them as commands.

Lookups here write the same audit records as the web pages; the operator is named by the caller
(default ``cli:<os user>``) and acts with the staff role, since shell access to the warehouse host
is already the trust boundary.
"""

from __future__ import annotations

import dataclasses
import getpass
import json
import tempfile
from datetime import date
from pathlib import Path
from typing import Any

from hedui.web import queries as q
from hedui.web import views
from hedui.web.audit import AuditEvent, AuditLog, AuditRecord, ChainCheck
from hedui.web.config import WebConfig
from hedui.web.lookups import IdLookupResult, lookup_by_id_number, record_view
from hedui.web.pdf import report_pdf
from hedui.web.users import User, UserStore
from hedui.web.warehouse import open_warehouse

PathLike = Path | str


def _config(
    warehouse_dir: PathLike, state_dir: PathLike | None = None, dq_root: PathLike | None = None
) -> WebConfig:
    return WebConfig.create(warehouse_dir, state_dir=state_dir, dq_root=dq_root)


def _operator(name: str | None) -> User:
    return User(name or f"cli:{getpass.getuser()}", "staff")


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

    app = create_app(_config(warehouse_dir, state_dir, dq_root))
    uvicorn.run(app, host=host, port=port, proxy_headers=False, server_header=False)


def publish_sample(warehouse_dir: PathLike, dq_root: PathLike | None = None) -> Path:
    """Publish the small sample warehouse (and a Data Docs page) to try the app without a
    pipeline run; returns the published file."""
    from hedui.publish import publish, published_path
    from hedui.web.sample import LATEST, build_sample_warehouse, write_sample_data_docs

    with tempfile.TemporaryDirectory() as tmp:
        staging = build_sample_warehouse(Path(tmp) / "sample.duckdb")
        publish(staging, Path(warehouse_dir), LATEST.isoformat())
    write_sample_data_docs(Path(dq_root) if dq_root else Path(warehouse_dir).parent / "dq")
    return published_path(Path(warehouse_dir))


def add_user(
    warehouse_dir: PathLike,
    username: str,
    password: str,
    role: str,
    state_dir: PathLike | None = None,
    operator: str | None = None,
) -> User:
    """Create a user (role staff, auditor or admin); audited as ``user.add``."""
    cfg = _config(warehouse_dir, state_dir)
    user = UserStore(cfg.users_db).add(username, password, role)
    who = _operator(operator)
    AuditLog(cfg.audit_db).append(
        AuditEvent(who.username, "admin", "user.add", username, detail={"role": role, "via": "cli"})
    )
    return user


def set_password(
    warehouse_dir: PathLike,
    username: str,
    password: str,
    state_dir: PathLike | None = None,
    operator: str | None = None,
) -> None:
    cfg = _config(warehouse_dir, state_dir)
    UserStore(cfg.users_db).set_password(username, password)
    AuditLog(cfg.audit_db).append(
        AuditEvent(
            _operator(operator).username, "admin", "user.password", username, detail={"via": "cli"}
        )
    )


def set_active(
    warehouse_dir: PathLike,
    username: str,
    active: bool,
    state_dir: PathLike | None = None,
    operator: str | None = None,
) -> None:
    cfg = _config(warehouse_dir, state_dir)
    UserStore(cfg.users_db).set_active(username, active)
    action = "user.activate" if active else "user.deactivate"
    AuditLog(cfg.audit_db).append(
        AuditEvent(_operator(operator).username, "admin", action, username, detail={"via": "cli"})
    )


def list_users(warehouse_dir: PathLike, state_dir: PathLike | None = None) -> list[User]:
    return UserStore(_config(warehouse_dir, state_dir).users_db).list()


def search(warehouse_dir: PathLike, kind: str, number: str) -> list[dict[str, Any]]:
    """Households, cases or requests (``kind``: household, case, request) by number or prefix."""
    finders = {
        "household": q.search_households,
        "case": q.search_cases,
        "request": q.search_requests,
    }
    with open_warehouse(Path(warehouse_dir)) as con:
        return finders[kind](con, number)


def lookup_household(
    warehouse_dir: PathLike,
    household_id: str,
    run_date: date | str | None = None,
    operator: str | None = None,
    state_dir: PathLike | None = None,
) -> views.HouseholdPage | None:
    """Everything the household page shows (audited as ``view.household``)."""
    cfg = _config(warehouse_dir, state_dir)
    with open_warehouse(cfg.warehouse_dir) as con:
        page = views.household_page(con, household_id, _day(run_date))
    if page is not None:
        record_view(
            AuditLog(cfg.audit_db),
            _operator(operator),
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
    operator: str | None = None,
    state_dir: PathLike | None = None,
) -> IdLookupResult:
    """Person and households behind an ID number; refused (LookupRefused) without a purpose
    and authorization number. Audited either way."""
    cfg = _config(warehouse_dir, state_dir)
    with open_warehouse(cfg.warehouse_dir) as con:
        return lookup_by_id_number(
            con,
            AuditLog(cfg.audit_db),
            _operator(operator),
            id_number,
            purpose,
            authorization_no,
            client="cli",
        )


def verification_report(
    warehouse_dir: PathLike,
    request_id: str,
    run_date: date | str | None = None,
    pdf_out: PathLike | None = None,
    operator: str | None = None,
    state_dir: PathLike | None = None,
) -> views.ReportPage | None:
    """A request's verification report; with ``pdf_out`` also written as a PDF file."""
    cfg = _config(warehouse_dir, state_dir)
    with open_warehouse(cfg.warehouse_dir) as con:
        page = views.report_page(con, request_id, _day(run_date))
    if page is None:
        return None
    who = _operator(operator)
    action = "download.report_pdf" if pdf_out else "view.report"
    record_view(
        AuditLog(cfg.audit_db), who, action, request_id, page.row_count, page.run_date, client="cli"
    )
    if pdf_out:
        Path(pdf_out).write_bytes(report_pdf(page, generated_by=who.username))
    return page


def dq_summary(warehouse_dir: PathLike, run_date: date | str | None = None) -> views.DqRun | None:
    """Per-source data quality of a run (the latest when ``run_date`` is None)."""
    with open_warehouse(Path(warehouse_dir)) as con:
        day = _day(run_date) or q.latest_run_date(con, "dq_source_runs")
        return views.dq_run(con, day) if day else None


def verify_audit_log(warehouse_dir: PathLike, state_dir: PathLike | None = None) -> ChainCheck:
    """Recompute the audit log's hash chain; ``ok`` is False if any record was tampered with."""
    return AuditLog(_config(warehouse_dir, state_dir).audit_db).verify()


def audit_entries(
    warehouse_dir: PathLike,
    limit: int = 50,
    username: str | None = None,
    action: str | None = None,
    state_dir: PathLike | None = None,
) -> list[AuditRecord]:
    return AuditLog(_config(warehouse_dir, state_dir).audit_db).records(limit, 0, username, action)


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
