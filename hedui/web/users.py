"""Users of the web application and the CLI, their roles and session versions (app database)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import UTC, datetime

from sqlalchemy import func, insert, select, update
from sqlalchemy.exc import IntegrityError

from hedui.appdb import AppDB
from hedui.appdb.schema import users
from hedui.web.passwords import (
    check_strength,
    dummy_hash,
    hash_password,
    needs_rehash,
    verify_password,
)

ROLES = ("staff", "auditor", "admin", "analyst")
#: extra permissions an admin may grant on top of a role
GRANTS = ("household_economics",)
_NAME = re.compile(r"^[A-Za-z0-9_.-]{2,40}$")


class UserError(ValueError):
    """A user operation that cannot be done (bad name, role, password, unknown user)."""


@dataclass(frozen=True)
class User:
    username: str
    role: str
    active: bool = True
    grants: frozenset[str] = field(default_factory=frozenset)
    must_change_password: bool = False
    session_version: int = 1

    @property
    def is_staff(self) -> bool:
        return self.role == "staff"


def _now() -> datetime:
    return datetime.now(UTC)


def _user(row) -> User:  # type: ignore[no-untyped-def]
    return User(
        row.username,
        row.role,
        bool(row.active),
        frozenset(g for g in (row.grants or "").split(",") if g),
        bool(row.must_change_password),
        int(row.session_version),
    )


_COLUMNS = (
    users.c.username,
    users.c.role,
    users.c.active,
    users.c.grants,
    users.c.must_change_password,
    users.c.session_version,
)


class UserStore:
    """CRUD over the users table; passwords only ever stored as scrypt hashes."""

    def __init__(self, db: AppDB) -> None:
        self.db = db

    def add(self, username: str, password: str, role: str, must_change: bool = False) -> User:
        if not _NAME.match(username):
            raise UserError("用户名只能含字母、数字、._- (2–40 characters: letters, digits, ._-)")
        if role not in ROLES:
            raise UserError(f"unknown role {role[:16]!r}; one of {', '.join(ROLES)}")
        if problem := check_strength(password):
            raise UserError(problem)
        now = _now()
        try:
            with self.db.engine.begin() as con:
                con.execute(
                    insert(users).values(
                        username=username,
                        role=role,
                        grants="",
                        password_hash=hash_password(password),
                        active=True,
                        must_change_password=must_change,
                        session_version=1,
                        created_at=now,
                        updated_at=now,
                    )
                )
        except IntegrityError as exc:
            raise UserError(f"user {username!r} exists already") from exc
        return User(username, role, True, frozenset(), must_change)

    def add_hashed(self, username: str, role: str, password_hash: str, active: bool) -> None:
        """Import a user with an existing hash (migration of the legacy users file)."""
        now = _now()
        with self.db.engine.begin() as con:
            con.execute(
                insert(users).values(
                    username=username,
                    role=role,
                    grants="",
                    password_hash=password_hash,
                    active=active,
                    must_change_password=False,
                    session_version=1,
                    created_at=now,
                    updated_at=now,
                )
            )

    def get(self, username: str) -> User | None:
        with self.db.engine.connect() as con:
            row = con.execute(select(*_COLUMNS).where(users.c.username == username)).first()
        return _user(row) if row else None

    def list(self) -> list[User]:
        with self.db.engine.connect() as con:
            rows = con.execute(select(*_COLUMNS).order_by(users.c.username)).all()
        return [_user(r) for r in rows]

    def count(self) -> int:
        with self.db.engine.connect() as con:
            return con.execute(select(func.count()).select_from(users)).scalar_one()

    def authenticate(self, username: str, password: str) -> User | None:
        """The active user whose password matches, else None (same cost either way). A hash
        made with weaker parameters than today's is replaced by a new one."""
        with self.db.engine.connect() as con:
            row = con.execute(
                select(*_COLUMNS, users.c.password_hash).where(users.c.username == username)
            ).first()
        stored = row.password_hash if row else dummy_hash()
        ok = verify_password(password, stored)
        if not row or not ok or not row.active:
            return None
        if needs_rehash(stored):
            self._update(username, password_hash=hash_password(password))
        return _user(row)

    def _update(self, username: str, bump_session: bool = False, **values: object) -> None:
        if bump_session:
            values["session_version"] = users.c.session_version + 1
        with self.db.engine.begin() as con:
            cur = con.execute(
                update(users)
                .where(users.c.username == username)
                .values(**values, updated_at=_now())
            )
        if cur.rowcount == 0:
            raise UserError(f"no user {username!r}")

    def set_password(self, username: str, password: str, must_change: bool = False) -> None:
        """New password; every session of the user ends. ``must_change``: an admin's reset,
        which the user has to replace at the next sign-in."""
        if problem := check_strength(password):
            raise UserError(problem)
        self._update(
            username,
            bump_session=True,
            password_hash=hash_password(password),
            must_change_password=must_change,
        )

    def set_role(self, username: str, role: str) -> None:
        if role not in ROLES:
            raise UserError(f"unknown role {role[:16]!r}; one of {', '.join(ROLES)}")
        self._update(username, bump_session=True, role=role)

    def set_grants(self, username: str, grants: set[str]) -> None:
        unknown = set(grants) - set(GRANTS)
        if unknown:
            raise UserError(f"unknown grant; one of {', '.join(GRANTS)}")
        self._update(username, bump_session=True, grants=",".join(sorted(grants)))

    def set_active(self, username: str, active: bool) -> None:
        self._update(username, bump_session=True, active=active)

    def end_sessions(self, username: str) -> None:
        """Sign the user out everywhere (sign-out bumps the session version)."""
        self._update(username, bump_session=True)
