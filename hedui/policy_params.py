"""The dated policy-parameter table (policy.md section 1) and the rows in force on a date.

Each parameter is a row with an effective date; a run uses, per name, the latest row whose
``effective_from`` is on or before its run date. The policy version of a run is the latest
effective date among the rows it uses.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal


@dataclass(frozen=True)
class ParamRow:
    """One row of the parameter table."""

    name: str
    value: Decimal
    effective_from: date
    basis: str


_SEED = "seed plan"
PARAMETER_ROWS: tuple[ParamRow, ...] = (
    ParamRow("dibao_standard", Decimal("1010"), date(2020, 9, 1), _SEED),
    ParamRow("low_income_multiplier", Decimal("1.5"), date(2020, 9, 1), "Tianjin practice"),
    ParamRow("low_income_aid", Decimal("303"), date(2020, 9, 1), _SEED),
    ParamRow("tekun_centralized", Decimal("1870"), date(2020, 9, 1), _SEED),
    ParamRow("tekun_dispersed", Decimal("1530"), date(2020, 9, 1), _SEED),
    ParamRow("asset_months", Decimal("24"), date(2020, 9, 1), "Tianjin practice"),
    ParamRow("city_avg_living_area_m2", Decimal("30"), date(2020, 9, 1), "assumed"),
    ParamRow("income_window_months", Decimal("12"), date(2020, 9, 1), "national rule"),
    ParamRow("monitor_multiplier", Decimal("2.0"), date(2020, 9, 1), "assumed"),
    ParamRow("inpatient_oop_alert", Decimal("6000"), date(2020, 9, 1), "medical insurance rule"),
)


@dataclass(frozen=True)
class PolicyParams:
    """The parameter values in force on one run date."""

    dibao_standard: Decimal
    low_income_multiplier: Decimal
    low_income_aid: Decimal
    tekun_centralized: Decimal
    tekun_dispersed: Decimal
    asset_months: Decimal
    city_avg_living_area_m2: Decimal
    income_window_months: Decimal
    monitor_multiplier: Decimal
    inpatient_oop_alert: Decimal
    version: str

    @property
    def low_income_line(self) -> Decimal:
        return self.low_income_multiplier * self.dibao_standard

    @property
    def monitor_line(self) -> Decimal:
        return self.monitor_multiplier * self.dibao_standard

    @property
    def asset_limit(self) -> Decimal:
        """Cash-type assets limit per person (asset_months x dibao_standard)."""
        return self.asset_months * self.dibao_standard

    def as_dict(self) -> dict[str, str]:
        """JSON-able values (decimal text) plus the version."""
        out = {row: str(getattr(self, row)) for row in _NAMES}
        out["version"] = self.version
        return out


_NAMES = tuple(dict.fromkeys(r.name for r in PARAMETER_ROWS))


def params_on(run_date: date, rows: tuple[ParamRow, ...] = PARAMETER_ROWS) -> PolicyParams:
    """The parameters in force on ``run_date`` (latest effective row per name)."""
    chosen: dict[str, ParamRow] = {}
    for row in rows:
        if row.effective_from <= run_date and (
            row.name not in chosen or row.effective_from > chosen[row.name].effective_from
        ):
            chosen[row.name] = row
    missing = [n for n in _NAMES if n not in chosen]
    if missing:
        raise ValueError(f"no parameter row in force on {run_date} for {', '.join(missing)}")
    version = max(r.effective_from for r in chosen.values()).isoformat()
    return PolicyParams(**{n: chosen[n].value for n in _NAMES}, version=version)
