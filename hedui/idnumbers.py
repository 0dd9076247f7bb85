"""Check characters of Chinese identifiers: GB 11643 resident ID numbers, GB 32100 USCC.

Scalar functions for single values and numpy-vectorised ones for whole columns.
"""

from __future__ import annotations

from datetime import date

import numpy as np

ID_WEIGHTS = np.array([7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2], dtype=np.int64)
ID_CHECK_CHARS = "10X98765432"

USCC_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
USCC_WEIGHTS = np.array([1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28])
_USCC_VALUE = {ch: i for i, ch in enumerate(USCC_ALPHABET)}


def id_check_char(first17: str) -> str:
    """ISO 7064 MOD 11-2 check character for the first 17 digits of an ID number."""
    total = sum(int(d) * int(w) for d, w in zip(first17, ID_WEIGHTS, strict=True))
    return ID_CHECK_CHARS[total % 11]


def is_valid_id_number(value: str | None) -> bool:
    """True for an 18-character ID number with a right check character and a real birth date."""
    if not value or len(value) != 18 or not value[:17].isdigit():
        return False
    if value[17] != id_check_char(value[:17]):
        return False
    try:
        date(int(value[6:10]), int(value[10:12]), int(value[12:14]))
    except ValueError:
        return False
    return True


def id_birth_date(value: str) -> date:
    return date(int(value[6:10]), int(value[10:12]), int(value[12:14]))


def id_gender(value: str) -> str:
    """'1' male, '2' female, from the sequence digit (17th character)."""
    return "1" if int(value[16]) % 2 == 1 else "2"


def id_check_chars(first17: np.ndarray) -> np.ndarray:
    """Vectorised check characters for an array of 17-digit strings (numpy ``<U17``)."""
    digits = first17.astype("S17").view(np.uint8).reshape(-1, 17).astype(np.int64) - 48
    totals = digits @ ID_WEIGHTS % 11
    return np.array(list(ID_CHECK_CHARS))[totals]


def uscc_check_char(first17: str) -> str:
    """GB 32100-2015 check character for the first 17 characters of a USCC."""
    total = sum(_USCC_VALUE[c] * int(w) for c, w in zip(first17, USCC_WEIGHTS, strict=True))
    return USCC_ALPHABET[(31 - total % 31) % 31]


def is_valid_uscc(value: str | None) -> bool:
    if not value or len(value) != 18 or any(c not in _USCC_VALUE for c in value):
        return False
    return value[17] == uscc_check_char(value[:17])
