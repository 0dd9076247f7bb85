"""Small vectorised helpers shared by the generator parts (numpy in, numpy or polars out)."""

from __future__ import annotations

from datetime import date

import numpy as np
import polars as pl


def expand(starts: np.ndarray, ends: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Rows of the half-open integer ranges ``[starts[i], ends[i])``: (owner index, value)."""
    counts = np.maximum(np.asarray(ends) - np.asarray(starts), 0)
    owner = np.repeat(np.arange(len(counts)), counts)
    offsets = np.cumsum(counts) - counts
    values = np.asarray(starts)[owner] + (np.arange(counts.sum()) - offsets[owner])
    return owner, values


def repeat_counts(counts: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Owner index and 0-based rank within the owner for ``counts[i]`` rows per owner."""
    return expand(np.zeros(len(counts), dtype=np.int64), np.asarray(counts, dtype=np.int64))


def gather(series: pl.Series, index: np.ndarray, name: str | None = None) -> pl.Series:
    """``series[index]``; negative indices give null."""
    index = np.asarray(index, dtype=np.int64)
    if (index < 0).any():
        idx = pl.Series(index).set(pl.Series(index < 0), None)
        out = series.gather(idx)
    else:
        out = series.gather(index)
    return out.alias(name or series.name)


def pick(values: tuple | list, index: np.ndarray, name: str = "") -> pl.Series:
    """Strings from a small pool by index (negative -> null)."""
    return gather(pl.Series(name, list(values), dtype=pl.String), index, name)


def choice(rng: np.random.Generator, n: int, weights: dict[str, float] | list[float]):
    """Indices drawn with the given relative weights."""
    w = np.array(list(weights.values()) if isinstance(weights, dict) else weights, dtype=float)
    return rng.choice(len(w), n, p=w / w.sum())


def money(values: np.ndarray) -> np.ndarray:
    """Round to the cent (yuan with 2 decimals)."""
    return np.round(np.asarray(values, dtype=float), 2)


def lognormal(rng: np.random.Generator, median: np.ndarray | float, sigma: float, n: int):
    return np.asarray(median, dtype=float) * np.exp(rng.normal(0.0, sigma, n))


def group_first(keys: np.ndarray, priority: np.ndarray) -> np.ndarray:
    """Index of the highest-priority row of every key group (keys need not be sorted)."""
    order = np.lexsort((-priority, keys))
    sorted_keys = keys[order]
    first = np.r_[True, sorted_keys[1:] != sorted_keys[:-1]]
    return order[first]


def days(values: np.ndarray) -> np.ndarray:
    return np.asarray(values, dtype=np.int64).astype("timedelta64[D]")


def add_years(day: np.ndarray, years: np.ndarray | int) -> np.ndarray:
    """Same calendar day ``years`` later (approximately; 365.2425-day years)."""
    return np.asarray(day, dtype="datetime64[D]") + days(np.asarray(years) * 365.2425)


def month_of(day: np.ndarray) -> np.ndarray:
    """Month index (year * 12 + month - 1) of datetime64[D] values."""
    return np.asarray(day, dtype="datetime64[D]").astype("datetime64[M]").astype(np.int64) + (
        1970 * 12
    )


def month_first_day(index: np.ndarray) -> np.ndarray:
    """First day (datetime64[D]) of month indices."""
    return (
        (np.asarray(index, dtype=np.int64) - 1970 * 12)
        .astype("datetime64[M]")
        .astype("datetime64[D]")
    )


def const_date(name: str, day: date, n: int) -> pl.Series:
    """A Date column holding ``day`` ``n`` times."""
    return pl.Series(name, np.full(n, np.datetime64(day.isoformat(), "D")))
