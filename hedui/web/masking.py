"""Masking of ID numbers for pages and logs that must not show them raw."""

from __future__ import annotations

import re

from hedui.idnumbers import is_valid_id_number

_ID_LIKE = re.compile(r"(?<![0-9A-Za-z])\d{17}[\dXx](?![0-9A-Za-z])")


def normalise_id(value: str) -> str:
    """Strip spaces and upper-case the check character."""
    return re.sub(r"\s+", "", value or "").upper()


def mask_id(value: str | None) -> str:
    """120101********123X: region code and last four kept, birth date and sequence hidden."""
    if not value:
        return ""
    value = normalise_id(value)
    if len(value) <= 10:
        return "*" * len(value)
    return value[:6] + "*" * (len(value) - 10) + value[-4:]


def scrub_ids(text: str) -> str:
    """Mask every well-formed ID number inside free text (defence in depth for non-staff)."""
    return _ID_LIKE.sub(
        lambda m: mask_id(m.group(0)) if is_valid_id_number(m.group(0).upper()) else m.group(0),
        text,
    )
