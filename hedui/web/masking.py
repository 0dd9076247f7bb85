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


# 15- or 18-character ID numbers, checksum or not: free text is masked before it is stored.
_ID_SHAPED = re.compile(r"(?<![0-9A-Za-z])(?:\d{17}[\dXx]|\d{15})(?![0-9A-Za-z])")
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029\u200b-\u200f\u202a-\u202e]")


def clean_text(text: str | None, limit: int) -> str:
    """Form text as stored: control and bidi characters removed, trimmed, at most ``limit``."""
    return _CONTROL.sub("", text or "").strip()[:limit]


def mask_free_text(text: str | None, limit: int = 200) -> str:
    """Cleaned free text with every ID-shaped number (15 or 18 digits) masked."""
    return _ID_SHAPED.sub(lambda m: mask_id(m.group(0)), clean_text(text, limit))


def mask_name(name: str | None) -> str:
    """张*明: first and last character kept (张* for two characters); empty stays empty."""
    name = (name or "").strip()
    if len(name) <= 1:
        return "*" if name else ""
    if len(name) == 2:
        return name[0] + "*"
    return name[0] + "*" * (len(name) - 2) + name[-1]


def mask_id_report(value: str | None) -> str:
    """1201**********123X: the form printed on reports (first 4 and last 4 kept)."""
    if not value:
        return ""
    value = normalise_id(value)
    if len(value) <= 8:
        return "*" * len(value)
    return value[:4] + "*" * (len(value) - 8) + value[-4:]
