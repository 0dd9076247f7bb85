"""Vectorised identifiers: GB 11643 ID numbers, GB 32100 USCCs, unique codes, digit strings.

Everything works on whole numpy arrays; strings come back as polars String series (built from
fixed-width byte arrays, which is much faster than Python strings).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

import numpy as np
import polars as pl

from hedui.idnumbers import ID_CHECK_CHARS, ID_WEIGHTS, USCC_ALPHABET, USCC_WEIGHTS

#: Current Tianjin district codes -> short names (used in certificate numbers and names).
CURRENT_DISTRICTS: dict[int, str] = {
    120101: "和平",
    120102: "河东",
    120103: "河西",
    120104: "南开",
    120105: "河北",
    120106: "红桥",
    120110: "东丽",
    120111: "西青",
    120112: "津南",
    120113: "北辰",
    120114: "武清",
    120115: "宝坻",
    120116: "滨海新",
    120117: "宁河",
    120118: "静海",
    120119: "蓟州",
}
#: Retired codes still carried by older ID numbers: 塘沽, 汉沽, 大港 (merged into 滨海新区 in
#: 2009), 宁河县, 静海县, 蓟县 (became districts in 2015-2016).
RETIRED_DISTRICTS: dict[int, str] = {
    120107: "塘沽",
    120108: "汉沽",
    120109: "大港",
    120221: "宁河县",
    120223: "静海县",
    120225: "蓟县",
}
#: Relative resident population of the current districts (millions, roughly).
DISTRICT_WEIGHTS: dict[int, float] = {
    120101: 0.36,
    120102: 0.86,
    120103: 0.82,
    120104: 0.89,
    120105: 0.65,
    120106: 0.48,
    120110: 0.86,
    120111: 1.19,
    120112: 0.88,
    120113: 0.91,
    120114: 1.15,
    120115: 0.72,
    120116: 2.06,
    120117: 0.40,
    120118: 0.79,
    120119: 0.80,
}

_ID_CHARS = np.frombuffer(ID_CHECK_CHARS.encode(), dtype=np.uint8)
_USCC_BYTES = np.frombuffer(USCC_ALPHABET.encode(), dtype=np.uint8)


def bytes_to_series(matrix: np.ndarray, name: str = "") -> pl.Series:
    """A polars String series from an ``(n, width)`` uint8 matrix of ASCII characters."""
    matrix = np.ascontiguousarray(matrix, dtype=np.uint8)
    width = matrix.shape[1]
    raw = matrix.view(f"S{width}").reshape(-1)
    return pl.Series(name, raw).cast(pl.String)


def digit_matrix(values: np.ndarray, width: int) -> np.ndarray:
    """Zero-padded decimal digits of non-negative integers, as an ``(n, width)`` int64 matrix."""
    values = np.asarray(values, dtype=np.int64)
    powers = 10 ** np.arange(width - 1, -1, -1, dtype=np.int64)
    return (values[:, None] // powers) % 10


def digits(values: np.ndarray, width: int, name: str = "") -> pl.Series:
    """Zero-padded digit strings of integers (``width`` characters)."""
    return bytes_to_series(digit_matrix(values, width) + 48, name)


def id_numbers(
    address: np.ndarray, birth: np.ndarray, sequence: np.ndarray, name: str = "id_number"
) -> pl.Series:
    """GB 11643 ID numbers from address codes, birth dates (datetime64[D]) and 3-digit sequences."""
    birth = np.asarray(birth, dtype="datetime64[D]")
    years = birth.astype("datetime64[Y]").astype(np.int64) + 1970
    months = birth.astype("datetime64[M]").astype(np.int64) % 12 + 1
    days = (birth - birth.astype("datetime64[M]")).astype(np.int64) + 1
    ymd = years * 10000 + months * 100 + days
    body = np.hstack([digit_matrix(address, 6), digit_matrix(ymd, 8), digit_matrix(sequence, 3)])
    check = _ID_CHARS[(body @ ID_WEIGHTS) % 11]
    return bytes_to_series(np.hstack([body + 48, check[:, None]]), name)


def uscc_codes(first17: np.ndarray, name: str = "uscc") -> pl.Series:
    """GB 32100 codes from an ``(n, 17)`` matrix of alphabet indices (0..30)."""
    first17 = np.asarray(first17, dtype=np.int64)
    total = first17 @ USCC_WEIGHTS.astype(np.int64)
    check = (31 - total % 31) % 31
    chars = _USCC_BYTES[np.hstack([first17, check[:, None]])]
    return bytes_to_series(chars, name)


#: USCC organisation-code alphabet without W (scenario households use organisation codes "W9").
_ORG_ALPHABET = np.array([USCC_ALPHABET.index(c) for c in "0123456789ABCDEFGHJKLMNPQRTUXY"])


def make_usccs(
    rng: np.random.Generator, dept: np.ndarray, kind: np.ndarray, district: np.ndarray
) -> pl.Series:
    """Distinct valid USCCs: registration dept, kind, 6-digit region and a random 9-char code.

    Organisation codes start with "MA" (post-2015 registrations) or a digit, never "W".
    """
    n = len(dept)
    body = np.empty((n, 17), dtype=np.int64)
    body[:, 0] = dept
    body[:, 1] = kind
    body[:, 2:8] = digit_matrix(district, 6)
    serial = unique_integers(rng, n, 30**7)
    body[:, 10:17] = _ORG_ALPHABET[digit_base(serial, 30, 7)]
    new_style = rng.random(n) < 0.6
    body[:, 8] = np.where(new_style, USCC_ALPHABET.index("M"), rng.integers(0, 10, n))
    body[:, 9] = np.where(new_style, USCC_ALPHABET.index("A"), rng.integers(0, 10, n))
    return uscc_codes(body)


def digit_base(values: np.ndarray, base: int, width: int) -> np.ndarray:
    """Digits of ``values`` in ``base`` (most significant first), ``(n, width)``."""
    values = np.asarray(values, dtype=np.int64)
    powers = base ** np.arange(width - 1, -1, -1, dtype=np.int64)
    return (values[:, None] // powers) % base


@dataclass(frozen=True)
class Block:
    """Which of ``count`` independently generated household blocks is being generated."""

    index: int = 0
    count: int = 1


_BLOCK = [Block()]


@contextmanager
def in_block(block: Block) -> Iterator[None]:
    """Draw identifiers for ``block``: keys stay distinct across every block of the city."""
    _BLOCK.append(block)
    try:
        yield
    finally:
        _BLOCK.pop()


def unique_integers(
    rng: np.random.Generator, n: int, space: int, *, shared: bool = False
) -> np.ndarray:
    """``n`` distinct random integers in ``[0, space)`` (int64).

    Inside :func:`in_block` the values are also distinct from every other block's: block ``b``
    of ``k`` draws from the residues ``b (mod k)`` of the space. ``shared`` pools (codes every
    block may reuse) skip that.
    """
    block = Block() if shared else _BLOCK[-1]
    sub = (space - block.index + block.count - 1) // block.count
    if n > sub:
        raise ValueError(f"cannot draw {n} distinct values from {sub} (space {space})")
    draws = rng.choice(sub, size=n, replace=False).astype(np.int64)
    return draws * block.count + block.index if block.count > 1 else draws


class SequenceLedger:
    """Per (address code, birth date, gender): how many ID sequence codes the city has used.

    The k-th person of a group gets slot ``(start + 37 k) mod 450``, with ``start`` fixed per
    group for the whole city, so blocks generated one after another never repeat an ID number.
    """

    SLOTS = 450
    SPAN_DAYS = 40_000  # birth dates back from the first delivery day (about 109 years)

    def __init__(self, rng: np.random.Generator, today: np.datetime64) -> None:
        self.codes = np.array(sorted({*CURRENT_DISTRICTS, *RETIRED_DISTRICTS}), dtype=np.int64)
        self.first_day = int((np.datetime64(today, "D") - self.SPAN_DAYS).astype(np.int64))
        size = len(self.codes) * (self.SPAN_DAYS + 1) * 2
        self.start = rng.integers(0, self.SLOTS, size).astype(np.int16)
        self.used = np.zeros(size, dtype=np.int32)

    def group(self, address: np.ndarray, birth: np.ndarray, male: np.ndarray) -> np.ndarray:
        code = np.searchsorted(self.codes, np.asarray(address, dtype=np.int64))
        day = np.asarray(birth, dtype="datetime64[D]").astype(np.int64) - self.first_day
        if (code >= len(self.codes)).any() or (day < 0).any() or (day > self.SPAN_DAYS).any():
            raise ValueError("address code or birth date outside the ID sequence ledger")
        return (code * (self.SPAN_DAYS + 1) + day) * 2 + np.asarray(male, dtype=np.int64)


def sequence_codes(
    rng: np.random.Generator,
    address: np.ndarray,
    birth: np.ndarray,
    male: np.ndarray,
    ledger: SequenceLedger | None = None,
) -> np.ndarray:
    """3-digit ID sequence codes, 000-899, odd for men, unique per (address, birth date).

    Within each (address, birth date, gender) group the k-th person gets slot
    ``(start + 37 k) mod 450`` (37 is coprime to 450, so slots never repeat).
    """
    n = len(address)
    if ledger is None:
        key = (
            np.asarray(address, dtype=np.int64) * 100_000
            + np.asarray(birth, dtype="datetime64[D]").astype(np.int64)
        ) * 2 + np.asarray(male, dtype=np.int64)
    else:
        key = ledger.group(address, birth, male)
    order = np.lexsort((rng.random(n), key))
    sorted_key = key[order]
    first = np.r_[True, sorted_key[1:] != sorted_key[:-1]]
    group_start = np.maximum.accumulate(np.where(first, np.arange(n), 0))
    rank = np.arange(n) - group_start
    if ledger is None:
        start = rng.integers(0, 450, n)[group_start]
    else:
        start = ledger.start[sorted_key].astype(np.int64)
        rank = rank + ledger.used[sorted_key]
        if n and rank.max() >= ledger.SLOTS:
            raise ValueError("more than 450 persons of one gender, birth date and address")
        ledger.used += np.bincount(key, minlength=len(ledger.used)).astype(np.int32)
    slot = np.empty(n, dtype=np.int64)
    slot[order] = (start + 37 * rank) % 450
    return slot * 2 + np.asarray(male, dtype=np.int64)


def corrupt_check_char(values: list[str], shift: np.ndarray, alphabet: str) -> list[str]:
    """Replace the last character of each value with a different one of ``alphabet``."""
    out = []
    for value, k in zip(values, shift, strict=True):
        pos = alphabet.index(value[-1]) if value[-1] in alphabet else 0
        out.append(value[:-1] + alphabet[(pos + 1 + int(k) % (len(alphabet) - 1)) % len(alphabet)])
    return out
