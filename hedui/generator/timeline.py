"""The generator's calendar: delivery days, window months and date ranges, random streams.

The delivery date is the only clock. A city covering several consecutive delivery days is
generated once over the union of their windows; each day's delivery is then cut from it.
"""

from __future__ import annotations

import zlib
from dataclasses import dataclass
from datetime import date, timedelta

import numpy as np

from hedui.registry import Source

#: Window sources keyed by a date (their window includes the current month up to yesterday).
DATE_KEYED = frozenset({"death", "medical_claims"})
#: The column each window source's window applies to.
WINDOW_COLUMNS = {
    "tax": "period",
    "social_insurance": "period",
    "housing_fund": "period",
    "death": "death_date",
    "medical_claims": "settle_date",
    "verification_request": "requested_at",
}
#: Hidden column carrying a window row's month index or date (unaffected by planted defects).
WINDOW_KEY = "_w"
EPOCH = np.datetime64("1970-01-01", "D")


def month_index(day: date) -> int:
    return day.year * 12 + day.month - 1


def period_text(index: int) -> str:
    return f"{index // 12:04d}-{index % 12 + 1:02d}"


def month_start(index: int) -> date:
    return date(index // 12, index % 12 + 1, 1)


def school_year(day: date) -> int:
    """The school year current on ``day`` (started on 1 September on or before it)."""
    return day.year if (day.month, day.day) >= (9, 1) else day.year - 1


def to_np(day: date) -> np.datetime64:
    return np.datetime64(day.isoformat(), "D")


def stable_hash(text: str) -> int:
    return zlib.crc32(text.encode("utf-8"))


@dataclass(frozen=True)
class Timeline:
    """The delivery days of one generated city and the month/date ranges they need."""

    run_date: date
    days: int
    seed: int
    block: int = 0  # which household block of the city (block 0 keeps the plain streams)

    @property
    def deliveries(self) -> list[date]:
        return [self.run_date + timedelta(days=k) for k in range(self.days)]

    @property
    def last_day(self) -> date:
        return self.run_date + timedelta(days=self.days - 1)

    @property
    def today(self) -> np.datetime64:
        """The first delivery date (snapshots describe the state the day before it)."""
        return to_np(self.run_date)

    def rng(self, stream: str) -> np.random.Generator:
        """An independent, reproducible random stream per generator part."""
        if self.block:
            return np.random.default_rng([self.seed, stable_hash(stream), self.block])
        return np.random.default_rng([self.seed, stable_hash(stream)])

    # -- period windows (tax, social_insurance, housing_fund) -----------------------------
    def period_range(self, months: int = 13) -> tuple[int, int]:
        """Month indices [first, last] covering every delivery's window of ``months``."""
        return month_index(self.run_date) - months, month_index(self.last_day) - 1

    @property
    def first_month(self) -> int:
        return self.period_range()[0]

    @property
    def n_months(self) -> int:
        lo, hi = self.period_range()
        return hi - lo + 1

    # -- date windows ---------------------------------------------------------------------
    def date_range(self, months: int = 13) -> tuple[np.datetime64, np.datetime64]:
        """Dates covering every delivery's date-keyed window: earliest start .. last day - 1."""
        start = month_start(month_index(self.run_date) - months)
        return to_np(start), to_np(self.last_day) - 1

    def stable_date_range(self, months: int = 13) -> tuple[np.datetime64, np.datetime64]:
        """Dates inside the date-keyed window of *every* delivery day (for lasting facts)."""
        start = month_start(month_index(self.last_day) - months)
        return to_np(start), self.today - 1


def window_bounds(source: Source, day: date) -> tuple[int, int] | tuple[date, date]:
    """Inclusive window of ``source`` for a delivery on ``day``.

    Month indices for period sources and for verification_request (whose dated rows fall in
    full months), dates for the date-keyed sources.
    """
    months = source.window_months or 0
    first = month_index(day) - months
    if source.name in DATE_KEYED:
        return month_start(first), day - timedelta(days=1)
    return first, month_index(day) - 1
