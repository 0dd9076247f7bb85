"""Where the web application finds the published warehouse, its own state and the Data Docs."""

from __future__ import annotations

import os
import secrets
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class WebConfig:
    """Folders and secrets of one deployment of the web application.

    ``state_dir`` holds users.sqlite, audit.sqlite and the session key: next to the published
    warehouse, never inside it (publishing replaces the warehouse file whole).
    """

    warehouse_dir: Path
    state_dir: Path
    dq_root: Path | None
    secret_key: str
    https_only: bool = False
    session_max_age: int = 8 * 3600

    @property
    def users_db(self) -> Path:
        return self.state_dir / "users.sqlite"

    @property
    def audit_db(self) -> Path:
        return self.state_dir / "audit.sqlite"

    @classmethod
    def create(
        cls,
        warehouse_dir: Path | str,
        state_dir: Path | str | None = None,
        dq_root: Path | str | None = None,
        secret_key: str | None = None,
        https_only: bool | None = None,
    ) -> WebConfig:
        """Fill unset values: HEDUI_WEB_STATE / HEDUI_DQ / HEDUI_WEB_SECRET, then defaults.

        Defaults: state in ``<warehouse_dir>/web``, Data Docs in ``<warehouse_dir>/../dq`` (the
        workspace layout of a pipeline run), session key generated once into the state folder.
        """
        warehouse_dir = Path(warehouse_dir).resolve()
        state = Path(state_dir or os.environ.get("HEDUI_WEB_STATE") or warehouse_dir / "web")
        dq = dq_root or os.environ.get("HEDUI_DQ") or warehouse_dir.parent / "dq"
        state.mkdir(parents=True, exist_ok=True)
        key = secret_key or os.environ.get("HEDUI_WEB_SECRET") or _stored_key(state)
        if https_only is None:
            https_only = os.environ.get("HEDUI_WEB_HTTPS_ONLY", "") in {"1", "true", "yes"}
        return cls(warehouse_dir, state.resolve(), Path(dq).resolve(), key, https_only)


def _stored_key(state_dir: Path) -> str:
    """The deployment's session-signing key, created once with owner-only permissions."""
    path = state_dir / "session.key"
    if not path.exists():
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as fh:
            fh.write(secrets.token_urlsafe(48))
    return path.read_text().strip()
