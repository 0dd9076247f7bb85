"""Users of the web application and their roles, in a small SQLite file beside the audit log."""

from __future__ import annotations

import re
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from hedui.web.passwords import DUMMY_HASH, check_strength, hash_password, verify_password

ROLES = ("staff", "auditor", "admin")
_NAME = re.compile(r"^[A-Za-z0-9_.-]{2,40}$")

_SCHEMA = """
CREATE TABLE IF NOT EXISTS users (
    username      TEXT PRIMARY KEY,
    role          TEXT NOT NULL CHECK (role IN ('staff', 'auditor', 'admin')),
    password_hash TEXT NOT NULL,
    active        INTEGER NOT NULL DEFAULT 1,
    created_at    TEXT NOT NULL,
    updated_at    TEXT NOT NULL
)
"""


class UserError(ValueError):
    """A user operation that cannot be done (bad name, role, password, unknown user)."""


@dataclass(frozen=True)
class User:
    username: str
    role: str
    active: bool = True

    @property
    def is_staff(self) -> bool:
        return self.role == "staff"


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


class UserStore:
    """CRUD over the users table; passwords only ever stored as scrypt hashes."""

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with self._connect() as con:
            con.execute(_SCHEMA)

    @contextmanager
    def _connect(self) -> Iterator[sqlite3.Connection]:
        con = sqlite3.connect(self.path, timeout=10)
        try:
            with con:
                yield con
        finally:
            con.close()

    def add(self, username: str, password: str, role: str) -> User:
        if not _NAME.match(username):
            raise UserError("用户名只能含字母、数字、._- (2–40 characters: letters, digits, ._-)")
        if role not in ROLES:
            raise UserError(f"unknown role {role!r}; one of {', '.join(ROLES)}")
        if problem := check_strength(password):
            raise UserError(problem)
        now = _now()
        try:
            with self._connect() as con:
                con.execute(
                    "INSERT INTO users (username, role, password_hash, active, created_at,"
                    " updated_at) VALUES (?, ?, ?, 1, ?, ?)",
                    (username, role, hash_password(password), now, now),
                )
        except sqlite3.IntegrityError as exc:
            raise UserError(f"user {username!r} exists already") from exc
        return User(username, role, True)

    def get(self, username: str) -> User | None:
        with self._connect() as con:
            row = con.execute(
                "SELECT username, role, active FROM users WHERE username = ?", (username,)
            ).fetchone()
        return User(row[0], row[1], bool(row[2])) if row else None

    def list(self) -> list[User]:
        with self._connect() as con:
            rows = con.execute("SELECT username, role, active FROM users ORDER BY username")
            return [User(r[0], r[1], bool(r[2])) for r in rows.fetchall()]

    def count(self) -> int:
        with self._connect() as con:
            return con.execute("SELECT count(*) FROM users").fetchone()[0]

    def authenticate(self, username: str, password: str) -> User | None:
        """The active user whose password matches, else None (same cost either way)."""
        with self._connect() as con:
            row = con.execute(
                "SELECT username, role, active, password_hash FROM users WHERE username = ?",
                (username,),
            ).fetchone()
        ok = verify_password(password, row[3] if row else DUMMY_HASH)
        if not row or not ok or not row[2]:
            return None
        return User(row[0], row[1], True)

    def _update(self, username: str, column: str, value: object) -> None:
        assert column in {"role", "password_hash", "active"}
        with self._connect() as con:
            cur = con.execute(
                f"UPDATE users SET {column} = ?, updated_at = ? WHERE username = ?",
                (value, _now(), username),
            )
        if cur.rowcount == 0:
            raise UserError(f"no user {username!r}")

    def set_password(self, username: str, password: str) -> None:
        if problem := check_strength(password):
            raise UserError(problem)
        self._update(username, "password_hash", hash_password(password))

    def set_role(self, username: str, role: str) -> None:
        if role not in ROLES:
            raise UserError(f"unknown role {role!r}; one of {', '.join(ROLES)}")
        self._update(username, "role", role)

    def set_active(self, username: str, active: bool) -> None:
        self._update(username, "active", 1 if active else 0)
