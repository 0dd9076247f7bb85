"""Audited access to personal data: searches, ID-number lookups, identity reveals, page views.

Every function here writes exactly one audit record, whether it succeeds, is refused or fails;
callers (web routes, CLI functions) never read restricted data any other way. An ID lookup or a
reveal must cite an authorization from the register (``restricted.lookup_authorizations``) that
covers the person, with a purpose from :data:`PURPOSES`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from hedui.idnumbers import is_valid_id_number
from hedui.web import queries as q
from hedui.web.audit import AuditEvent, AuditLog
from hedui.web.masking import clean_text, mask_free_text, mask_id, normalise_id
from hedui.web.security import can
from hedui.web.users import User

MAX_NOTE = 200
MAX_AUTH = 64
MIN_SEARCH = 6

#: purpose code -> (label, authorization kinds it may cite)
PURPOSES: dict[str, tuple[str, tuple[str, ...]]] = {
    "verification": ("家庭经济状况核对 Verification request", ("verification_request",)),
    "case_review": ("救助对象复核 Assistance case review", ("assistance_case",)),
    "case_change": ("救助变更 Assistance case change", ("assistance_case",)),
}

Limiter = Callable[[], bool]


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


def purpose_text(purpose: str | None, note: str | None) -> str:
    """What the audit record stores: the purpose code, then the masked free text."""
    code = clean_text(purpose, 32)
    text = mask_free_text(note, MAX_NOTE)
    return f"{code}: {text}" if text else code


def _refuse(audit: AuditLog, event: AuditEvent, reason: str, outcome: str = "refused") -> None:
    event.outcome = outcome
    event.detail["reason"] = reason
    audit.append(event)
    raise LookupRefused(reason)


def _justify(
    audit: AuditLog,
    event: AuditEvent,
    user: User,
    purpose: str,
    authorization_no: str,
    limiter: Limiter | None,
) -> None:
    """Refuse (and audit) unless staff, a listed purpose, an authorization number, and within the
    user's rate limit."""
    if not can(user, "identity"):
        _refuse(
            audit,
            event,
            "只有核对人员可以查看身份信息 (only verification staff may see identities)",
        )
    if purpose not in PURPOSES:
        _refuse(audit, event, "请选择查询事由 (choose a purpose from the list)")
    if not authorization_no:
        _refuse(audit, event, "请填写授权书编号 (an authorization number is required)")
    if limiter is not None and not limiter():
        _refuse(audit, event, "查询过于频繁 (too many lookups: rate limit reached)", "throttled")


def _coverage(
    con: q.Con, audit: AuditLog, event: AuditEvent, purpose: str, authorization_no: str
) -> set[str]:
    """person_keys the cited authorization covers; refused when it is not in the register."""
    kinds = PURPOSES[purpose][1]
    rows = q.authorization_coverage(con, authorization_no, kinds)
    if rows is None:
        _refuse(
            audit,
            event,
            "此仓库没有授权登记 (no authorization register in this warehouse)",
            "unavailable",
        )
    if not rows:
        _refuse(
            audit,
            event,
            f"授权书编号不在登记中 (no {'/'.join(kinds)} authorization with this number)",
        )
    event.detail["authorization"] = sorted(
        {f"{r['authorization_kind']}:{r['reference']}" for r in rows or []}
    )
    return {r["person_key"] for r in rows or []}


def _event(
    user: User,
    action: str,
    target: str,
    purpose: str,
    note: str | None,
    authorization_no: str,
    client: str | None,
) -> AuditEvent:
    return AuditEvent(
        user.username,
        user.role,
        action,
        target,
        purpose=purpose_text(purpose, note) or None,
        authorization_no=authorization_no or None,
        detail={"client": client} if client else {},
    )


def lookup_by_id_number(
    con: q.Con,
    audit: AuditLog,
    user: User,
    id_number: str,
    purpose: str | None,
    authorization_no: str | None,
    client: str | None = None,
    note: str | None = None,
    limiter: Limiter | None = None,
) -> IdLookupResult:
    """The person and households behind an ID number: staff, a listed purpose and an
    authorization from the register that covers this person."""
    id_number = normalise_id(clean_text(id_number, 32))
    purpose, auth = clean_text(purpose, 32), clean_text(authorization_no, MAX_AUTH)
    event = _event(user, "lookup.id_number", mask_id(id_number), purpose, note, auth, client)
    _justify(audit, event, user, purpose, auth, limiter)
    if not is_valid_id_number(id_number):
        _refuse(audit, event, "身份证号码格式或校验位不正确 (not a valid ID number)")
    try:
        covered = _coverage(con, audit, event, purpose, auth)
        persons = q.persons_by_id_number(con, id_number)
        if persons is None:
            _refuse(
                audit,
                event,
                "此仓库没有身份对照表 (no identity table in this warehouse)",
                "unavailable",
            )
        keys = [p["person_key"] for p in persons or []]
        if not keys or not set(keys) <= covered:
            event.detail["person_found"] = bool(keys)
            _refuse(audit, event, "该授权不涵盖此人 (the authorization does not cover this person)")
        households = q.households_of_persons(con, keys)
    except LookupRefused:
        raise
    except Exception as exc:
        event.outcome, event.detail["error"] = "error", type(exc).__name__
        audit.append(event)
        raise
    event.row_count = len(persons or [])
    event.detail.update(
        person_keys=keys, households=sorted({h["household_id"] for h in households})
    )
    audit.append(event)
    return IdLookupResult(id_number, persons or [], households)


def reveal_identities(
    con: q.Con,
    audit: AuditLog,
    user: User,
    subject: str,
    person_keys: list[str],
    purpose: str | None,
    authorization_no: str | None,
    client: str | None = None,
    note: str | None = None,
    limiter: Limiter | None = None,
) -> dict[str, dict[str, Any]]:
    """Names and ID numbers of the household members the cited authorization covers."""
    purpose, auth = clean_text(purpose, 32), clean_text(authorization_no, MAX_AUTH)
    event = _event(user, "identity.reveal", subject, purpose, note, auth, client)
    _justify(audit, event, user, purpose, auth, limiter)
    covered = _coverage(con, audit, event, purpose, auth) & set(person_keys)
    if not covered:
        _refuse(audit, event, "该授权不涵盖此户成员 (the authorization covers no member here)")
    rows = q.identities(con, sorted(covered)) or []
    event.row_count = len(rows)
    event.detail["person_keys"] = [r["person_key"] for r in rows]
    event.detail["not_covered"] = len(set(person_keys) - covered)
    audit.append(event)
    return {r["person_key"]: r for r in rows}


SEARCHES: dict[str, Callable[[q.Con, str, int, int], list[dict[str, Any]]]] = {
    "household": q.search_households,
    "case": q.search_cases,
    "request": q.search_requests,
}


def search(
    con: q.Con,
    audit: AuditLog,
    user: User,
    kind: str,
    text: str,
    client: str | None = None,
    limiter: Limiter | None = None,
) -> list[dict[str, Any]]:
    """Households, cases or requests by number or prefix (at least :data:`MIN_SEARCH`
    characters); audited with the masked query and the row count."""
    return search_page(con, audit, user, kind, text, client, limiter)[0]


def search_page(
    con: q.Con,
    audit: AuditLog,
    user: User,
    kind: str,
    text: str,
    client: str | None = None,
    limiter: Limiter | None = None,
    page: int = 1,
    page_size: int = 50,
) -> tuple[list[dict[str, Any]], int]:
    """One page of a search and the number of matches; audited like :func:`search` (the rows
    shown, with the page and total in the detail)."""
    text = clean_text(text, 64)
    event = AuditEvent(
        user.username,
        user.role,
        f"search.{kind}",
        mask_free_text(text, 64) or "-",
        detail={"client": client} if client else {},
    )
    if kind not in SEARCHES:
        _refuse(audit, event, "unknown search kind")
    if len(text) < MIN_SEARCH:
        _refuse(audit, event, f"请至少输入 {MIN_SEARCH} 个字符 (at least {MIN_SEARCH} characters)")
    if limiter is not None and not limiter():
        _refuse(audit, event, "查询过于频繁 (too many searches: rate limit reached)", "throttled")
    total = q.search_count(con, kind, text)
    rows = SEARCHES[kind](con, text, page_size, (max(page, 1) - 1) * page_size)
    event.row_count = len(rows)
    if page > 1 or total > len(rows):
        event.detail = {**event.detail, "page": page, "total": total}
    audit.append(event)
    return rows, total


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
