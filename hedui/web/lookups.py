"""Audited access to personal data: ID-number lookups, identity reveals and page views.

Every function here writes exactly one audit record, whether it succeeds, is refused or fails;
callers (web routes, CLI functions) never read restricted data any other way.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from hedui.idnumbers import is_valid_id_number
from hedui.web import queries as q
from hedui.web.audit import AuditEvent, AuditLog
from hedui.web.masking import mask_id, normalise_id
from hedui.web.users import User

MAX_TEXT = 200


class LookupRefused(PermissionError):
    """The lookup was not allowed; the refusal has been audited."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass
class IdLookupResult:
    id_number: str
    persons: list[dict[str, Any]]
    households: list[dict[str, Any]] = field(default_factory=list)


def _clean(text: str | None) -> str:
    return (text or "").strip()[:MAX_TEXT]


def _justify(
    audit: AuditLog, event: AuditEvent, user: User, purpose: str, authorization_no: str
) -> None:
    """Refuse (and audit the refusal) unless a staff user gave a purpose and authorization."""
    reason = None
    if user.role != "staff":
        reason = "只有核对人员可以查看身份信息 (only verification staff may see identities)"
    elif not purpose:
        reason = "请填写查询事由 (a purpose is required)"
    elif not authorization_no:
        reason = "请填写授权书编号 (an authorization number is required)"
    if reason:
        event.outcome = "refused"
        event.detail["reason"] = reason
        audit.append(event)
        raise LookupRefused(reason)


def lookup_by_id_number(
    con: q.Con,
    audit: AuditLog,
    user: User,
    id_number: str,
    purpose: str | None,
    authorization_no: str | None,
    client: str | None = None,
) -> IdLookupResult:
    """Find the person and households behind an ID number (staff, purpose and authorization)."""
    id_number = normalise_id(id_number)
    purpose, auth = _clean(purpose), _clean(authorization_no)
    event = AuditEvent(
        user.username,
        user.role,
        "lookup.id_number",
        mask_id(id_number),
        purpose=purpose or None,
        authorization_no=auth or None,
        detail={"client": client} if client else {},
    )
    _justify(audit, event, user, purpose, auth)
    if not is_valid_id_number(id_number):
        event.outcome = "refused"
        event.detail["reason"] = "invalid ID number"
        audit.append(event)
        raise LookupRefused("身份证号码格式或校验位不正确 (not a valid ID number)")
    try:
        persons = q.persons_by_id_number(con, id_number)
        if persons is None:
            raise LookupRefused("此仓库没有身份对照表 (no identity table in this warehouse)")
        keys = [p["person_key"] for p in persons]
        households = q.households_of_persons(con, keys) if keys else []
    except LookupRefused as exc:
        event.outcome, event.detail["reason"] = "unavailable", exc.reason
        audit.append(event)
        raise
    except Exception as exc:
        event.outcome, event.detail["error"] = "error", type(exc).__name__
        audit.append(event)
        raise
    event.row_count = len(persons)
    event.outcome = "ok" if persons else "not_found"
    event.detail.update(
        person_keys=keys, households=sorted({h["household_id"] for h in households})
    )
    audit.append(event)
    return IdLookupResult(id_number, persons, households)


def reveal_identities(
    con: q.Con,
    audit: AuditLog,
    user: User,
    subject: str,
    person_keys: list[str],
    purpose: str | None,
    authorization_no: str | None,
    client: str | None = None,
) -> dict[str, dict[str, Any]]:
    """Names and ID numbers of a household's members (staff, purpose and authorization)."""
    purpose, auth = _clean(purpose), _clean(authorization_no)
    event = AuditEvent(
        user.username,
        user.role,
        "identity.reveal",
        subject,
        purpose=purpose or None,
        authorization_no=auth or None,
        detail={"client": client} if client else {},
    )
    _justify(audit, event, user, purpose, auth)
    rows = q.identities(con, person_keys) or []
    event.row_count = len(rows)
    event.detail["person_keys"] = [r["person_key"] for r in rows]
    audit.append(event)
    return {r["person_key"]: r for r in rows}


def record_view(
    audit: AuditLog,
    user: User,
    action: str,
    target: str,
    row_count: int,
    run_date: date | None = None,
    client: str | None = None,
) -> None:
    """Audit a page that shows personal economic data (household, case, report, PDF)."""
    detail: dict[str, Any] = {"run_date": str(run_date)} if run_date else {}
    if client:
        detail["client"] = client
    audit.append(
        AuditEvent(user.username, user.role, action, target, row_count=row_count, detail=detail)
    )
