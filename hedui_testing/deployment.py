"""A served web deployment of the test suites: its folder, settings and app (audit, users)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from fastapi import FastAPI

from hedui.web.audit import AuditLog, AuditRecord
from hedui.web.config import WebConfig
from hedui.web.users import UserStore


@dataclass
class Deployment:
    root: Path
    config: WebConfig
    app: FastAPI

    @property
    def audit(self) -> AuditLog:
        return self.app.state.audit

    @property
    def users(self) -> UserStore:
        return self.app.state.users

    def last(self, action: str) -> AuditRecord:
        """The newest audit record of ``action``."""
        return self.audit.records(1, action=action)[0]

    def count(self, action: str) -> int:
        """How many audit records of ``action`` there are."""
        return len(self.audit.records(10_000, action=action))
