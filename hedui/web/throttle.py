"""Sign-in back-off and per-user rate limits, kept in the application database so every worker
shares them.

Wrong passwords back off per IP address and per user name: after ``login_free_failures`` the
next try must wait ``login_backoff_s`` seconds, doubled per further failure, up to
``ip_backoff_max_s`` for an address but only ``user_backoff_max_s`` for a user name, so nobody
can lock a colleague out for long. A success clears both; an admin can clear a user name.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import delete, insert, select, update
from sqlalchemy.exc import IntegrityError

from hedui.appdb import AppDB
from hedui.appdb.schema import throttle
from hedui.web.config import Limits


def _aware(value: datetime | None) -> datetime | None:
    return value.replace(tzinfo=UTC) if value is not None and value.tzinfo is None else value


class Throttle:
    def __init__(self, db: AppDB, limits: Limits) -> None:
        self.db = db
        self.limits = limits

    def _get(self, key: str):  # type: ignore[no-untyped-def]
        with self.db.engine.connect() as con:
            return con.execute(select(throttle).where(throttle.c.key == key)).first()

    def _bump(self, key: str, now: datetime, window: timedelta | None) -> int:
        """Count one more event under ``key`` (a new window when the old one expired)."""
        for _ in range(5):
            try:
                with self.db.engine.begin() as con:
                    row = con.execute(select(throttle).where(throttle.c.key == key)).first()
                    if row is None:
                        con.execute(insert(throttle).values(key=key, count=1, window_start=now))
                        return 1
                    expired = window is not None and _aware(row.window_start) <= now - window
                    count = 1 if expired else row.count + 1
                    values = {"count": count}
                    if expired:
                        values["window_start"] = now
                    con.execute(update(throttle).where(throttle.c.key == key).values(**values))
                    return count
            except IntegrityError:
                continue
        raise RuntimeError(f"throttle state for {key} is contended")

    # --- sign-in back-off ---------------------------------------------------------------------

    @staticmethod
    def _keys(username: str, ip: str | None) -> dict[str, str]:
        return {"user": f"login:user:{username.casefold()}", "ip": f"login:ip:{ip or '-'}"}

    def login_wait(self, username: str, ip: str | None, now: datetime | None = None) -> float:
        """Seconds before this user name from this address may try again (0: now)."""
        now = now or datetime.now(UTC)
        waits = [0.0]
        for key in self._keys(username, ip).values():
            row = self._get(key)
            if row is not None and row.blocked_until is not None:
                waits.append((_aware(row.blocked_until) - now).total_seconds())
        return max(waits)

    def login_failed(self, username: str, ip: str | None, now: datetime | None = None) -> float:
        """Record a wrong password; the back-off (seconds) it causes."""
        now = now or datetime.now(UTC)
        lim = self.limits
        longest = 0.0
        for kind, key in self._keys(username, ip).items():
            count = self._bump(key, now, timedelta(hours=1))
            if count <= lim.login_free_failures:
                continue
            cap = lim.user_backoff_max_s if kind == "user" else lim.ip_backoff_max_s
            wait = min(lim.login_backoff_s * 2 ** (count - lim.login_free_failures - 1), cap)
            with self.db.engine.begin() as con:
                con.execute(
                    update(throttle)
                    .where(throttle.c.key == key)
                    .values(blocked_until=now + timedelta(seconds=wait))
                )
            longest = max(longest, wait)
        return longest

    def login_succeeded(self, username: str, ip: str | None) -> None:
        with self.db.engine.begin() as con:
            keys = list(self._keys(username, ip).values())
            con.execute(delete(throttle).where(throttle.c.key.in_(keys)))

    def unlock(self, username: str) -> bool:
        """Clear a user name's back-off (admin); True when there was one."""
        with self.db.engine.begin() as con:
            cur = con.execute(
                delete(throttle).where(throttle.c.key == self._keys(username, None)["user"])
            )
        return cur.rowcount > 0

    # --- rate limits --------------------------------------------------------------------------

    def allow(
        self, username: str, what: str, limit: int, window_s: int, now: datetime | None = None
    ) -> bool:
        """Count one ``what`` (lookup, search) for the user; False beyond ``limit`` per window."""
        count = self._bump(
            f"rate:{what}:{username.casefold()}",
            now or datetime.now(UTC),
            timedelta(seconds=window_s),
        )
        return count <= limit

    def allow_lookup(self, username: str) -> bool:
        return self.allow(username, "lookup", self.limits.lookups_per_hour, 3600)

    def allow_search(self, username: str) -> bool:
        return self.allow(username, "search", self.limits.searches_per_minute, 60)
