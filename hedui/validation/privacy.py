"""Keep identifiers out of messages, logs and reports."""

from __future__ import annotations

import re

#: ID numbers, USCCs, account and similar long codes: 15+ letters/digits with at least one digit.
_LONG_CODE = re.compile(r"(?<![0-9A-Za-z])(?=[0-9A-Za-z]*[0-9])[0-9A-Za-z]{15,}(?![0-9A-Za-z])")
MASK = "[masked]"


def mask(text: str | None) -> str:
    """``text`` with every long code (ID number, USCC, account number) replaced by [masked]."""
    return _LONG_CODE.sub(MASK, text or "")
