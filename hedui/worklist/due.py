"""Due dates of tasks: days after the episode's first night, per kind and severity.

Operational settings (not policy): ``HEDUI_TASK_DUE_DAYS`` overrides entries, e.g.
``warnings.red=3,warnings.orange=7,reviews=15``.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from datetime import date, timedelta

DEFAULT_DAYS: dict[str, int] = {
    "warnings.red": 3,
    "warnings.orange": 7,
    "warnings.yellow": 15,
    "warnings": 15,
    "reviews": 30,
    "outreach": 30,
}


def parse_days(text: str) -> dict[str, int]:
    """``key=days`` pairs separated by commas; keys ``kind`` or ``kind.severity``."""
    out: dict[str, int] = {}
    for part in filter(None, (p.strip() for p in text.split(","))):
        key, sep, value = part.partition("=")
        if not sep or not value.strip().isdigit():
            raise ValueError(f"HEDUI_TASK_DUE_DAYS: {part!r} is not key=days")
        out[key.strip()] = int(value)
    return out


@dataclass(frozen=True)
class DueRules:
    days: dict[str, int] = field(default_factory=lambda: dict(DEFAULT_DAYS))

    @classmethod
    def from_env(cls) -> DueRules:
        return cls({**DEFAULT_DAYS, **parse_days(os.environ.get("HEDUI_TASK_DUE_DAYS", ""))})

    def days_for(self, kind: str, severity: str | None) -> int:
        return self.days.get(f"{kind}.{severity}", self.days.get(kind, 30))

    def due(self, kind: str, severity: str | None, start: date) -> date:
        return start + timedelta(days=self.days_for(kind, severity))
