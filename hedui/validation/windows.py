"""Delivery windows of window sources, from the delivery date (the run date is the only clock)."""

from __future__ import annotations

from datetime import date, timedelta


def _month_start(day: date, months_back: int) -> date:
    index = day.year * 12 + day.month - 1 - months_back
    return date(index // 12, index % 12 + 1, 1)


def window_bounds(delivery: date, months: int, granularity: str) -> tuple:
    """Inclusive bounds of a delivery window.

    ``period``: the ``months`` full months before the delivery month, as ``YYYY-MM`` text
    (2025-10 … 2026-10 for a delivery on 2026-11-27 and 13 months). ``date``: the first day of
    the earliest of those months up to the day before the delivery date.
    """
    first = _month_start(delivery, months)
    if granularity == "period":
        last = _month_start(delivery, 1)
        return f"{first:%Y-%m}", f"{last:%Y-%m}"
    if granularity == "date":
        return first, delivery - timedelta(days=1)
    raise ValueError(f"unknown window granularity {granularity!r}")
