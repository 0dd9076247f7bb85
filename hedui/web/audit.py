"""Append-only, tamper-evident audit log in the application database (never in the warehouse).

Each record carries HMAC-SHA256(key, previous hash + the record's fields); the key
(``HEDUI_AUDIT_KEY``) is not the session secret and is not stored in the database, so whoever
edits rows cannot recompute the chain. Every append also writes the new head and record count to
``audit_anchor`` in the same transaction; on PostgreSQL the application's role may only INSERT
there, so cutting records off the end (or rewriting the chain with the key) no longer matches an
anchor. :meth:`AuditLog.verify` names the first record that does not fit.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import re
import time
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import desc, func, insert, select, text
from sqlalchemy.exc import DBAPIError, IntegrityError, OperationalError

from hedui.appdb import AppDB
from hedui.appdb.schema import audit_anchor, audit_log

GENESIS = "0" * 64

_FIELDS = (
    "seq",
    "at",
    "username",
    "role",
    "action",
    "target",
    "purpose",
    "authorization_no",
    "row_count",
    "outcome",
    "detail",
)


@dataclass(frozen=True)
class AuditRecord:
    """One audited action: who, when, what, why, how many rows, and how it ended."""

    seq: int
    at: str
    username: str
    role: str
    action: str
    target: str
    purpose: str | None
    authorization_no: str | None
    row_count: int | None
    outcome: str
    detail: str
    prev_hash: str
    hash: str

    @property
    def detail_dict(self) -> dict[str, Any]:
        return json.loads(self.detail or "{}")


@dataclass(frozen=True)
class ChainCheck:
    """The outcome of a verification. ``anchored`` is False when the anchor could not be read
    (the application's own role may not: run ``hedui audit-log --verify`` as owner/reader)."""

    ok: bool
    records: int
    head: str
    first_bad_seq: int | None = None
    problem: str | None = None
    anchored: bool = True


@dataclass
class AuditEvent:
    """What a caller wants recorded; the log adds seq, time and hashes."""

    username: str
    role: str
    action: str
    target: str
    outcome: str = "ok"
    purpose: str | None = None
    authorization_no: str | None = None
    row_count: int | None = None
    detail: dict[str, Any] = field(default_factory=dict)


def record_hash(key: bytes, prev_hash: str, values: dict[str, Any]) -> str:
    """HMAC-SHA256 over the previous hash and the record's fields as canonical JSON."""
    body = json.dumps({k: values[k] for k in _FIELDS}, sort_keys=True, ensure_ascii=False)
    return hmac.new(key, (prev_hash + "\n" + body).encode("utf-8"), hashlib.sha256).hexdigest()


_COLUMNS = [audit_log.c[k] for k in (*_FIELDS, "prev_hash", "hash")]
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029\u200b-\u200f\u202a-\u202e]")
_LIMITS = {
    "username": 64,
    "role": 16,
    "action": 64,
    "target": 200,
    "purpose": 300,
    "authorization_no": 100,
    "outcome": 32,
}


def _bounded(event: AuditEvent) -> AuditEvent:
    """The event with control characters removed and every field within its column."""
    values = asdict(event)
    for name, limit in _LIMITS.items():
        if values[name] is not None:
            values[name] = _CONTROL.sub("", str(values[name]))[:limit]
    values["detail"] = {
        str(k)[:64]: _CONTROL.sub("", v)[:500] if isinstance(v, str) else v
        for k, v in values["detail"].items()
    }
    return AuditEvent(**values)


class AuditLog:
    """Append and read the audit log; there is deliberately no update or delete method."""

    def __init__(self, db: AppDB, key: bytes) -> None:
        if len(key) < 16:
            raise ValueError("the audit key must be at least 16 bytes")
        self.db = db
        self.key = key

    def append(self, event: AuditEvent, at: datetime | None = None) -> AuditRecord:
        """Write one record at the end of the chain and anchor the new head (one transaction)."""
        when = (at or datetime.now(UTC)).isoformat(timespec="microseconds")
        for attempt in range(50):
            try:
                return self._append(event, when)
            except (IntegrityError, OperationalError):  # another writer took the seq: retry
                if attempt == 49:
                    raise
                time.sleep(0.01 * (attempt + 1))
        raise AssertionError("unreachable")

    def _append(self, event: AuditEvent, when: str) -> AuditRecord:
        event = _bounded(event)
        with self.db.engine.begin() as con:
            if con.dialect.name == "postgresql":
                con.execute(text("SELECT pg_advisory_xact_lock(48011)"))
            last = con.execute(
                select(audit_log.c.seq, audit_log.c.hash).order_by(desc(audit_log.c.seq)).limit(1)
            ).first()
            seq, prev = (last.seq + 1, last.hash) if last else (1, GENESIS)
            values: dict[str, Any] = {
                **{k: v for k, v in asdict(event).items() if k != "detail"},
                "seq": seq,
                "at": when,
                "detail": json.dumps(event.detail, sort_keys=True, ensure_ascii=False),
            }
            digest = record_hash(self.key, prev, values)
            con.execute(insert(audit_log).values(**values, prev_hash=prev, hash=digest))
            con.execute(insert(audit_anchor).values(records=seq, head=digest, at=when))
        return AuditRecord(**{k: values[k] for k in _FIELDS}, prev_hash=prev, hash=digest)

    def records(
        self,
        limit: int = 200,
        offset: int = 0,
        username: str | None = None,
        action: str | None = None,
    ) -> list[AuditRecord]:
        """Newest first, optionally filtered by user and action prefix."""
        query = select(*_COLUMNS)
        if username:
            query = query.where(audit_log.c.username == username)
        if action:
            query = query.where(audit_log.c.action.startswith(action, autoescape=True))
        query = query.order_by(desc(audit_log.c.seq)).limit(limit).offset(offset)
        with self.db.engine.connect() as con:
            return [AuditRecord(*r) for r in con.execute(query).all()]

    def count(self, username: str | None = None, action: str | None = None) -> int:
        """How many records :meth:`records` would page through with these filters."""
        query = select(func.count()).select_from(audit_log)
        if username:
            query = query.where(audit_log.c.username == username)
        if action:
            query = query.where(audit_log.c.action.startswith(action, autoescape=True))
        with self.db.engine.connect() as con:
            return int(con.execute(query).scalar() or 0)

    def _anchors(self) -> dict[int, str] | None:
        """records -> head of every anchor, or None when this login may not read them."""
        try:
            with self.db.engine.connect() as con:
                rows = con.execute(
                    select(audit_anchor.c.records, audit_anchor.c.head).order_by(audit_anchor.c.id)
                ).all()
        except DBAPIError:
            return None
        return {r.records: r.head for r in rows}

    def verify(self) -> ChainCheck:
        """Recompute the whole chain and compare it with the anchors; the first record that does
        not fit is reported (edited, deleted, reordered, inserted or cut off the end)."""
        anchors = self._anchors()
        anchored = anchors is not None
        anchors = anchors or {}
        prev, count = GENESIS, 0

        def bad(seq: int, problem: str) -> ChainCheck:
            return ChainCheck(False, count, prev, seq, problem, anchored)

        with self.db.engine.connect() as con:
            for row in con.execute(select(*_COLUMNS).order_by(audit_log.c.seq)):
                rec = AuditRecord(*row)
                expected = count + 1
                if rec.seq != expected:
                    return bad(expected, f"record {expected} is missing (deleted)")
                if rec.prev_hash != prev:
                    return bad(
                        rec.seq,
                        f"record {rec.seq} does not follow record {count} "
                        "(reordered, replaced or inserted)",
                    )
                if not hmac.compare_digest(record_hash(self.key, prev, asdict(rec)), rec.hash):
                    return bad(rec.seq, f"record {rec.seq} was altered (HMAC does not match)")
                count, prev = expected, rec.hash
                if rec.seq in anchors and anchors[rec.seq] != rec.hash:
                    return bad(
                        rec.seq, f"record {rec.seq} differs from its anchor (chain rewritten)"
                    )
        if anchored:
            top = max(anchors, default=0)
            if top > count:
                return bad(
                    count + 1,
                    f"log truncated: the anchor counts {top} records, the log "
                    f"holds {count}; record {count + 1} onwards is gone",
                )
            if count > top:
                return bad(top + 1, f"records {top + 1}–{count} are not anchored")
        return ChainCheck(True, count, prev, anchored=anchored)
