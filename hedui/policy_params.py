"""The dated policy-parameter table and the rows in force on a date.

The one source of every policy number is the dbt seed ``dbt_project/seeds/policy_parameters.csv``
(parameter, value, effective_from, version, unit, basis, reference); the warehouse, the
generator's reference computation and the web explanations all read it. Each parameter is a row
with an effective date; a run uses, per name, the latest row whose ``effective_from`` is on or
before its run date. The policy version of a run is the latest effective date among the rows it
uses.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from functools import cache
from pathlib import Path

from hedui.paths import dbt_project_dir


@dataclass(frozen=True)
class ParamRow:
    """One row of the parameter table."""

    name: str
    value: Decimal
    effective_from: date
    basis: str
    unit: str = ""
    reference: str = ""
    version: str = ""


def seed_path() -> Path:
    return dbt_project_dir() / "seeds" / "policy_parameters.csv"


def read_parameter_rows(path: Path | None = None) -> tuple[ParamRow, ...]:
    """Every row of the parameter seed (all editions), in file order."""
    with open(path or seed_path(), encoding="utf-8", newline="") as fh:
        return tuple(
            ParamRow(
                name=row["parameter"],
                value=Decimal(row["value"]),
                effective_from=date.fromisoformat(row["effective_from"]),
                basis=row["basis"],
                unit=row.get("unit") or "",
                reference=row.get("reference") or "",
                version=row.get("version") or row["effective_from"],
            )
            for row in csv.DictReader(fh)
        )


@cache
def _seed_rows() -> tuple[ParamRow, ...]:
    return read_parameter_rows()


def __getattr__(name: str) -> tuple[ParamRow, ...]:
    # PARAMETER_ROWS is read from the seed on first use, so importing this module reads no file.
    if name == "PARAMETER_ROWS":
        return _seed_rows()
    raise AttributeError(name)


@dataclass(frozen=True)
class PolicyParams:
    """The parameter values in force on one run date (every parameter of the seed by name,
    e.g. ``params.dibao_standard``), the rows they come from and the version."""

    values: dict[str, Decimal]
    rows: dict[str, ParamRow]
    version: str

    def __getattr__(self, name: str) -> Decimal:
        try:
            return self.__dict__["values"][name]
        except KeyError:
            raise AttributeError(name) from None

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
        out = {name: str(value) for name, value in self.values.items()}
        out["version"] = self.version
        return out


def params_on(run_date: date, rows: tuple[ParamRow, ...] | None = None) -> PolicyParams:
    """The parameters in force on ``run_date`` (latest effective row per name)."""
    rows = _seed_rows() if rows is None else rows
    names = tuple(dict.fromkeys(r.name for r in rows))
    chosen: dict[str, ParamRow] = {}
    for row in rows:
        if row.effective_from <= run_date and (
            row.name not in chosen or row.effective_from > chosen[row.name].effective_from
        ):
            chosen[row.name] = row
    missing = [n for n in names if n not in chosen]
    if missing:
        raise ValueError(f"no parameter row in force on {run_date} for {', '.join(missing)}")
    version = max(r.effective_from for r in chosen.values()).isoformat()
    return PolicyParams(
        values={n: chosen[n].value for n in names},
        rows={n: chosen[n] for n in names},
        version=version,
    )


def categories_path() -> Path:
    return dbt_project_dir() / "seeds" / "policy_categories.csv"


@cache
def _category_rows() -> tuple[dict[str, str], ...]:
    with open(categories_path(), encoding="utf-8", newline="") as fh:
        return tuple(csv.DictReader(fh))


def categories_on(run_date: date) -> dict[str, frozenset[str]]:
    """The policy category lists in force on ``run_date`` (seeds/policy_categories.csv): per
    (category, member) the latest row on or before the date decides inclusion."""
    latest: dict[tuple[str, str], dict[str, str]] = {}
    for row in _category_rows():
        if date.fromisoformat(row["effective_from"]) > run_date:
            continue
        key = (row["category"], row["member"])
        if key not in latest or row["effective_from"] > latest[key]["effective_from"]:
            latest[key] = row
    out: dict[str, set[str]] = {}
    for (category, member), row in latest.items():
        out.setdefault(category, set())
        if row["included"].strip().lower() == "true":
            out[category].add(member)
    return {category: frozenset(members) for category, members in out.items()}
