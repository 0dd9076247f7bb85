"""Append-only audit log with a hash chain, in its own SQLite file (never in the warehouse).

Every record stores the hash of the one before it and its own hash over both; triggers refuse
UPDATE and DELETE, and :meth:`AuditLog.verify` recomputes the chain so an edited, removed or
inserted row is found. (Cutting rows off the end leaves a valid shorter chain: compare the head
hash shown on the audit page with one kept elsewhere to catch that.)
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

GENESIS = "0" * 64

_SCHEMA = """
CREATE TABLE IF NOT EXISTS audit_log (
    seq              INTEGER PRIMARY KEY,
    at               TEXT NOT NULL,
    username         TEXT NOT NULL,
    role             TEXT NOT NULL,
    action           TEXT NOT NULL,
    target           TEXT NOT NULL,
    purpose          TEXT,
    authorization_no TEXT,
    row_count        INTEGER,
    outcome          TEXT NOT NULL,
    detail           TEXT NOT NULL,
    prev_hash        TEXT NOT NULL,
    hash             TEXT NOT NULL
);
CREATE TRIGGER IF NOT EXISTS audit_log_no_update BEFORE UPDATE ON audit_log
BEGIN SELECT RAISE(ABORT, 'audit log is append-only'); END;
CREATE TRIGGER IF NOT EXISTS audit_log_no_delete BEFORE DELETE ON audit_log
BEGIN SELECT RAISE(ABORT, 'audit log is append-only'); END;
"""

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
    ok: bool
    records: int
    head: str
    first_bad_seq: int | None = None
    problem: str | None = None


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


def record_hash(prev_hash: str, values: dict[str, Any]) -> str:
    """sha256 over the previous hash and the record's fields as canonical JSON."""
    body = json.dumps({k: values[k] for k in _FIELDS}, sort_keys=True, ensure_ascii=False)
    return hashlib.sha256((prev_hash + "\n" + body).encode("utf-8")).hexdigest()


class AuditLog:
    """Append and read the audit log; there is deliberately no update or delete method."""

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with self._connect() as con:
            con.executescript(_SCHEMA)

    @contextmanager
    def _connect(self) -> Iterator[sqlite3.Connection]:
        con = sqlite3.connect(self.path, timeout=30, isolation_level=None)
        try:
            yield con
        finally:
            con.close()

    def append(self, event: AuditEvent, at: datetime | None = None) -> AuditRecord:
        """Write one record at the end of the chain (serialised by an IMMEDIATE transaction)."""
        when = (at or datetime.now(UTC)).isoformat(timespec="microseconds")
        with self._connect() as con:
            con.execute("BEGIN IMMEDIATE")
            try:
                last = con.execute(
                    "SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1"
                ).fetchone()
                seq, prev = (last[0] + 1, last[1]) if last else (1, GENESIS)
                values: dict[str, Any] = {
                    **{k: v for k, v in asdict(event).items() if k != "detail"},
                    "seq": seq,
                    "at": when,
                    "detail": json.dumps(event.detail, sort_keys=True, ensure_ascii=False),
                }
                digest = record_hash(prev, values)
                con.execute(
                    f"INSERT INTO audit_log ({', '.join(_FIELDS)}, prev_hash, hash) "
                    f"VALUES ({', '.join('?' * (len(_FIELDS) + 2))})",
                    [*(values[k] for k in _FIELDS), prev, digest],
                )
                con.execute("COMMIT")
            except BaseException:
                con.execute("ROLLBACK")
                raise
        return AuditRecord(**{k: values[k] for k in _FIELDS}, prev_hash=prev, hash=digest)

    def records(
        self,
        limit: int = 200,
        offset: int = 0,
        username: str | None = None,
        action: str | None = None,
    ) -> list[AuditRecord]:
        """Newest first, optionally filtered by user and action prefix."""
        where, params = [], []
        if username:
            where.append("username = ?")
            params.append(username)
        if action:
            where.append("action LIKE ? ESCAPE '\\'")
            params.append(
                action.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
            )
        sql = (
            f"SELECT {', '.join(_FIELDS)}, prev_hash, hash FROM audit_log"
            + (f" WHERE {' AND '.join(where)}" if where else "")
            + " ORDER BY seq DESC LIMIT ? OFFSET ?"
        )
        with self._connect() as con:
            rows = con.execute(sql, [*params, limit, offset]).fetchall()
        return [AuditRecord(*r) for r in rows]

    def verify(self) -> ChainCheck:
        """Recompute the whole chain; the first record that does not fit is reported."""
        prev, count = GENESIS, 0
        with self._connect() as con:
            cur = con.execute(
                f"SELECT {', '.join(_FIELDS)}, prev_hash, hash FROM audit_log ORDER BY seq"
            )
            for row in cur:
                rec = AuditRecord(*row)
                count += 1
                if rec.seq != count:
                    return ChainCheck(False, count, prev, rec.seq, f"gap before seq {rec.seq}")
                if rec.prev_hash != prev:
                    return ChainCheck(False, count, prev, rec.seq, "prev_hash does not match")
                values = asdict(rec)
                if record_hash(prev, values) != rec.hash:
                    return ChainCheck(False, count, prev, rec.seq, "record was altered")
                prev = rec.hash
        return ChainCheck(True, count, prev)
