"""Open a deployment's application database and the stores over it (users, audit, throttle),
importing the legacy SQLite files (users.sqlite, audit.sqlite) the first time."""

from __future__ import annotations

import hashlib
import json
import sqlite3
from dataclasses import dataclass
from pathlib import Path

from hedui.appdb import AppDB
from hedui.web.audit import AuditEvent, AuditLog
from hedui.web.config import WebConfig
from hedui.web.throttle import Throttle
from hedui.web.users import UserStore


@dataclass
class Stores:
    db: AppDB
    users: UserStore
    audit: AuditLog
    throttle: Throttle


def open_stores(config: WebConfig, migrate: bool = True) -> Stores:
    db = AppDB.open(config.app_db_url, migrate=migrate)
    stores = Stores(db, UserStore(db), AuditLog(db, config.audit_key), Throttle(db, config.limits))
    import_legacy(stores, config.users_db, config.audit_db)
    return stores


def import_legacy(stores: Stores, users_db: Path, audit_db: Path) -> None:
    """Move the pre-app-database files in once: users keep their hashes (rehashed at the next
    sign-in); old audit records are re-chained with the HMAC key after a check of their unkeyed
    SHA-256 chain, whose result and head are recorded in an ``audit.import`` record. The files
    are then renamed ``*.imported``."""
    if users_db.exists():
        with sqlite3.connect(users_db) as con:
            rows = con.execute(
                "SELECT username, role, password_hash, active FROM users ORDER BY username"
            ).fetchall()
        existing = {u.username for u in stores.users.list()}
        for name, role, password_hash, active in rows:
            if name not in existing:
                stores.users.add_hashed(name, role, password_hash, bool(active))
        users_db.rename(users_db.with_suffix(".sqlite.imported"))
    if audit_db.exists():
        with sqlite3.connect(audit_db) as con:
            cols = (
                "seq, at, username, role, action, target, purpose, authorization_no, "
                "row_count, outcome, detail, prev_hash, hash"
            )
            rows = con.execute(f"SELECT {cols} FROM audit_log ORDER BY seq").fetchall()
        prev, legacy_ok = "0" * 64, True
        for row in rows:
            values = dict(zip(cols.split(", "), row, strict=True))
            body = json.dumps(
                {k: values[k] for k in list(values)[:11]}, sort_keys=True, ensure_ascii=False
            )
            digest = hashlib.sha256((prev + "\n" + body).encode("utf-8")).hexdigest()
            legacy_ok = legacy_ok and row[11] == prev and digest == row[12]
            prev = row[12]
            stores.audit.append(
                AuditEvent(
                    values["username"],
                    values["role"],
                    values["action"],
                    values["target"],
                    values["outcome"],
                    values["purpose"],
                    values["authorization_no"],
                    values["row_count"],
                    {
                        **json.loads(values["detail"] or "{}"),
                        "legacy_seq": values["seq"],
                        "legacy_at": values["at"],
                    },
                )
            )
        stores.audit.append(
            AuditEvent(
                "-",
                "-",
                "audit.import",
                str(audit_db.name),
                row_count=len(rows),
                detail={"legacy_chain_ok": legacy_ok, "legacy_head": prev},
            )
        )
        audit_db.rename(audit_db.with_suffix(".sqlite.imported"))
