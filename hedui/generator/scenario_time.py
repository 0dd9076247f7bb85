"""Calendar helpers shared by the scenario rows and the reference computation."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction

CENT = Decimal("0.01")


def shift_years(day: date, years: int) -> date:
    """Same month and day ``years`` later (Feb 29 -> Feb 28 in a common year)."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


def month_index(day: date) -> int:
    return day.year * 12 + day.month - 1


def period_of(index: int) -> str:
    return f"{index // 12:04d}-{index % 12 + 1:02d}"


def period_index(period: str) -> int:
    return int(period[:4]) * 12 + int(period[5:7]) - 1


def full_months_before(day: date, n: int) -> list[str]:
    """The ``n`` full calendar months before ``day``'s month, most recent first."""
    current = month_index(day)
    return [period_of(current - k) for k in range(1, n + 1)]


def month_start(index: int) -> date:
    return date(index // 12, index % 12 + 1, 1)


def date_window(day: date, months: int = 13) -> tuple[date, date]:
    """Dates a date-keyed window delivery on ``day`` holds: months before plus this month."""
    return month_start(month_index(day) - months), day - timedelta(days=1)


def age_on(birth: date, day: date) -> int:
    """Full years on ``day``."""
    return day.year - birth.year - ((day.month, day.day) < (birth.month, birth.day))


def school_year(day: date, start_month: int | None = None) -> int:
    """The school year current on ``day``: it started on the 1st of ``start_month`` (default:
    the ``school_year_start_month`` parameter in force on ``day``) on or before it."""
    if start_month is None:
        from hedui.policy_params import params_on

        start_month = int(params_on(day).school_year_start_month)
    return day.year if day.month >= start_month else day.year - 1


def in_last_days(event: date, day: date, n: int) -> bool:
    """``event`` within the last ``n`` days of ``day``: (day - n, day]."""
    return day - timedelta(days=n) < event <= day


def in_last_year(event: date, day: date) -> bool:
    """``event`` within the last 12 months of ``day``: (day - 1 year, day]."""
    return shift_years(day, -1) < event <= day


def cents(value: Fraction | Decimal | int) -> Decimal:
    """Money rounded half-up to the cent."""
    if isinstance(value, Fraction):
        value = Decimal(value.numerator) / Decimal(value.denominator)
    return Decimal(value).quantize(CENT, rounding=ROUND_HALF_UP)


def yuan(value: Decimal) -> int:
    """A benefit rounded half-up to the whole yuan."""
    return int(value.quantize(Decimal(1), rounding=ROUND_HALF_UP))
