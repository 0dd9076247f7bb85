"""CLI tokens: an admin issues one to a user (shown once); only its SHA-256 is stored."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from datetime import UTC, datetime, timedelta

from sqlalchemy import insert, select, update

from hedui.appdb import AppDB
from hedui.appdb.schema import api_tokens

PREFIX = "hdt"


def _digest(secret: str) -> str:
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


def issue(db: AppDB, username: str, issued_by: str, days: int = 90) -> str:
    """A new token ``hdt.<id>.<secret>`` for ``username``, valid ``days`` days."""
    token_id, secret = secrets.token_hex(8), secrets.token_urlsafe(32)
    now = datetime.now(UTC)
    with db.engine.begin() as con:
        con.execute(
            insert(api_tokens).values(
                token_id=token_id,
                secret_hash=_digest(secret),
                username=username,
                issued_by=issued_by,
                issued_at=now,
                expires_at=now + timedelta(days=days),
                revoked=False,
            )
        )
    return f"{PREFIX}.{token_id}.{secret}"


def owner(db: AppDB, token: str) -> str | None:
    """The user name a valid (known, unrevoked, unexpired) token belongs to, else None."""
    parts = token.strip().split(".")
    if len(parts) != 3 or parts[0] != PREFIX:
        return None
    with db.engine.connect() as con:
        row = con.execute(select(api_tokens).where(api_tokens.c.token_id == parts[1])).first()
    if row is None or not hmac.compare_digest(row.secret_hash, _digest(parts[2])):
        return None
    expires = row.expires_at if row.expires_at.tzinfo else row.expires_at.replace(tzinfo=UTC)
    if row.revoked or expires <= datetime.now(UTC):
        return None
    return row.username


def revoke_all(db: AppDB, username: str) -> int:
    with db.engine.begin() as con:
        cur = con.execute(
            update(api_tokens).where(api_tokens.c.username == username).values(revoked=True)
        )
    return cur.rowcount
