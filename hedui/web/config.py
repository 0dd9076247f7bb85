"""Where the web application finds the published warehouse, its own state and the Data Docs."""

from __future__ import annotations

import os
import secrets
from dataclasses import dataclass
from pathlib import Path

from hedui.appdb import app_db_url

LOOPBACK = {"127.0.0.1", "::1", "localhost"}


def secure_cookies(host: str) -> bool | None:
    """Secure cookies (and HSTS) whenever the app is reachable beyond loopback; on loopback the
    environment decides (HEDUI_WEB_HTTPS_ONLY, default off). None: leave it to the environment."""
    if host in LOOPBACK:
        return None
    return os.environ.get("HEDUI_WEB_HTTPS_ONLY", "1") not in {"0", "false", "no"}


@dataclass(frozen=True)
class Limits:
    """Per-user rate limits and sign-in back-off (shared by every worker via the app DB)."""

    lookups_per_hour: int = 60  # ID lookups and identity reveals
    searches_per_minute: int = 30
    login_free_failures: int = 3  # wrong passwords before back-off starts
    login_backoff_s: float = 2.0  # first delay, doubled per further failure
    user_backoff_max_s: float = 60.0  # a user name is never held longer (no lock-out by others)
    ip_backoff_max_s: float = 900.0


DEFAULT_ISSUER = "天津市居民家庭经济状况核对中心"


@dataclass(frozen=True)
class WebConfig:
    """Folders, secrets and limits of one deployment of the web application.

    ``state_dir`` (0700) holds the embedded app database ``app.sqlite`` unless
    ``HEDUI_APP_DB_URL`` names another, plus the session and audit keys when they do not come
    from the environment: next to the published warehouse, never inside it.
    """

    warehouse_dir: Path
    state_dir: Path
    dq_root: Path | None
    secret_key: str
    https_only: bool = False
    session_max_age: int = 8 * 3600
    idle_timeout_s: int = 30 * 60
    app_db_url: str = ""
    audit_key: bytes = b""
    limits: Limits = Limits()
    issuer: str = DEFAULT_ISSUER  # issuing body printed on reports (HEDUI_REPORT_ISSUER)

    @property
    def users_db(self) -> Path:
        """The legacy users file (imported into the app database once)."""
        return self.state_dir / "users.sqlite"

    @property
    def audit_db(self) -> Path:
        """The legacy audit file (imported into the app database once)."""
        return self.state_dir / "audit.sqlite"

    @classmethod
    def create(
        cls,
        warehouse_dir: Path | str,
        state_dir: Path | str | None = None,
        dq_root: Path | str | None = None,
        secret_key: str | None = None,
        https_only: bool | None = None,
        app_db: str | None = None,
        audit_key: str | None = None,
        limits: Limits | None = None,
    ) -> WebConfig:
        """Fill unset values from the environment, then defaults.

        HEDUI_WEB_STATE, HEDUI_DQ, HEDUI_WEB_SECRET, HEDUI_AUDIT_KEY, HEDUI_APP_DB_URL,
        HEDUI_WEB_HTTPS_ONLY, HEDUI_WEB_IDLE_MINUTES. Keys not in the environment are generated
        once into the state folder (0600).
        """
        warehouse_dir = Path(warehouse_dir).resolve()
        state = Path(state_dir or os.environ.get("HEDUI_WEB_STATE") or warehouse_dir / "web")
        dq = dq_root or os.environ.get("HEDUI_DQ") or warehouse_dir.parent / "dq"
        state.mkdir(mode=0o700, parents=True, exist_ok=True)
        key = secret_key or os.environ.get("HEDUI_WEB_SECRET") or _stored_key(state, "session.key")
        audit = audit_key or os.environ.get("HEDUI_AUDIT_KEY") or _stored_key(state, "audit.key")
        if audit == key:
            raise ValueError("HEDUI_AUDIT_KEY must differ from the session secret")
        if https_only is None:
            https_only = os.environ.get("HEDUI_WEB_HTTPS_ONLY", "") in {"1", "true", "yes"}
        idle = int(float(os.environ.get("HEDUI_WEB_IDLE_MINUTES") or 30) * 60)
        return cls(
            warehouse_dir,
            state.resolve(),
            Path(dq).resolve(),
            key,
            https_only,
            idle_timeout_s=idle,
            app_db_url=app_db or app_db_url(state),
            audit_key=audit.encode("utf-8"),
            limits=limits or Limits(),
            issuer=os.environ.get("HEDUI_REPORT_ISSUER") or DEFAULT_ISSUER,
        )


def _stored_key(state_dir: Path, name: str) -> str:
    """A deployment key created once with owner-only permissions."""
    path = state_dir / name
    if not path.exists():
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:
            return path.read_text().strip()
        with os.fdopen(fd, "w") as fh:
            fh.write(secrets.token_urlsafe(48))
    return path.read_text().strip()
