"""A reform: dated parameter rows layered over the policy-parameter seed (政策测算的改革方案).

A reform file is YAML::

    reform: dibao-1100          # name
    version: "1"
    window: {start: 2027-01-01, years: 2}   # optional budget window (calendar months)
    rows:
      - {parameter: dibao_standard, value: 1100, effective_from: 2027-01-01}

Refused, with the line named: an unknown parameter, a value that is not a number (or not a whole
number for a whole-number parameter, or negative), a duplicate (parameter, effective_from), and
an effective date before the snapshot's run date. The seed is read with a tolerant CSV reader
(extra columns such as unit or reference are carried along, never required).
"""

from __future__ import annotations

import csv
import hashlib
import json
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation
from pathlib import Path

import yaml

from hedui.paths import dbt_project_dir

SEED_COLUMNS = ("parameter", "value", "effective_from", "version", "basis")
VALUE_SCALE = 4  # the seed's value column is decimal(18,4)

# Lines the dbt model int_policy_parameters derives from the seed: derived line -> its bases.
DERIVED_LINES: dict[str, tuple[str, ...]] = {
    "low_income_line": ("dibao_standard", "low_income_multiplier"),
    "monitor_line": ("dibao_standard", "monitor_multiplier"),
    "asset_limit_per_person": ("dibao_standard", "asset_months"),
    "school_year": ("school_year_start_month",),
}


class ReformError(ValueError):
    """A reform file that cannot be used; the message names the file line."""


@dataclass(frozen=True)
class SeedRow:
    """One row of seeds/policy_parameters.csv (extra columns kept in ``extra``)."""

    parameter: str
    value: Decimal
    effective_from: date
    version: str
    basis: str
    extra: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True)
class ReformRow:
    parameter: str
    value: Decimal
    effective_from: date
    line: int


@dataclass(frozen=True)
class Reform:
    name: str
    version: str
    rows: tuple[ReformRow, ...]
    window_start: date | None = None
    window_years: int | None = None
    source: str = field(default="", compare=False)

    @property
    def label(self) -> str:
        return f"{self.name} v{self.version}"

    @property
    def digest(self) -> str:
        """sha256 of the reform's content: name, version, window and the rows in a canonical
        order (the order rows are written in does not change it)."""
        rows = sorted(
            (r.parameter, r.effective_from.isoformat(), _text(r.value)) for r in self.rows
        )
        body = {
            "name": self.name,
            "version": self.version,
            "window": [
                self.window_start.isoformat() if self.window_start else None,
                self.window_years,
            ],
            "rows": rows,
        }
        return hashlib.sha256(json.dumps(body, sort_keys=True).encode()).hexdigest()

    def changed_parameters(self) -> list[str]:
        return sorted({r.parameter for r in self.rows})

    def derived_lines(self) -> list[str]:
        """The derived lines that move with the reform's parameters (e.g. the low-income line,
        the per-capita asset limit and the monitoring line follow dibao_standard)."""
        changed = set(self.changed_parameters())
        return [line for line, bases in DERIVED_LINES.items() if changed & set(bases)]

    def step_dates(self) -> list[date]:
        return sorted({r.effective_from for r in self.rows})


def _text(value: Decimal) -> str:
    return format(value.normalize(), "f")


def seed_path() -> Path:
    return dbt_project_dir() / "seeds" / "policy_parameters.csv"


def read_seed(path: Path | None = None) -> list[SeedRow]:
    """The parameter seed's rows; columns beyond the five known ones are kept as ``extra``."""
    out = []
    with open(path or seed_path(), newline="", encoding="utf-8") as fh:
        for rec in csv.DictReader(fh):
            out.append(
                SeedRow(
                    parameter=rec["parameter"],
                    value=Decimal(rec["value"]),
                    effective_from=date.fromisoformat(rec["effective_from"]),
                    version=rec["version"],
                    basis=rec.get("basis") or "",
                    extra=tuple((k, v) for k, v in rec.items() if k not in SEED_COLUMNS),
                )
            )
    return out


def whole_number_parameters(seed: list[SeedRow]) -> set[str]:
    """Parameters whose every seed value is written as a whole number (ages, months, grades,
    counts, yuan amounts): a reform must give them a whole number too."""
    by_name: dict[str, bool] = {}
    for row in seed:
        whole = "." not in _raw_text(row.value)
        by_name[row.parameter] = by_name.get(row.parameter, True) and whole
    return {name for name, whole in by_name.items() if whole}


def _raw_text(value: Decimal) -> str:
    return format(value, "f")


def _fail(where: str, line: int | None, message: str) -> ReformError:
    at = f"{where}, line {line}" if line else where
    return ReformError(f"{at}: {message}")


def parse_reform(
    text: str, run_date: date, *, where: str = "reform", seed: list[SeedRow] | None = None
) -> Reform:
    """Parse and check a reform's YAML text against the seed and the snapshot's run date."""
    seed = seed if seed is not None else read_seed()
    known = {r.parameter for r in seed}
    whole = whole_number_parameters(seed)
    try:
        root = yaml.compose(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        raise _fail(where, mark.line + 1 if mark else None, f"not valid YAML: {exc}") from exc
    if not isinstance(root, yaml.MappingNode):
        raise _fail(where, 1, "a reform is a mapping with keys reform, version, rows")
    top = {k.value: v for k, v in root.value}
    for key in top:
        if key not in ("reform", "version", "window", "rows"):
            line = next(k.start_mark.line + 1 for k, _ in root.value if k.value == key)
            raise _fail(where, line, f"unknown key {key!r} (reform, version, window, rows)")
    name = _scalar(top, "reform", where, root)
    version = _scalar(top, "version", where, root)
    window_start, window_years = _window(top.get("window"), where, run_date)
    rows_node = top.get("rows")
    if rows_node is None:
        raise _fail(where, root.start_mark.line + 1, "missing key 'rows' (a list, may be empty)")
    if isinstance(rows_node, yaml.ScalarNode) and rows_node.value in ("", "~", "null"):
        items: list[yaml.Node] = []
    elif isinstance(rows_node, yaml.SequenceNode):
        items = rows_node.value
    else:
        raise _fail(where, rows_node.start_mark.line + 1, "'rows' must be a list of rows")
    rows: list[ReformRow] = []
    seen: dict[tuple[str, date], int] = {}
    for item in items:
        line = item.start_mark.line + 1
        if not isinstance(item, yaml.MappingNode):
            raise _fail(where, line, "a row is a mapping: parameter, value, effective_from")
        fields = {k.value: v for k, v in item.value}
        extra = sorted(set(fields) - {"parameter", "value", "effective_from"})
        if extra:
            raise _fail(where, line, f"unknown field(s) {', '.join(extra)} in a row")
        for need in ("parameter", "value", "effective_from"):
            node = fields.get(need)
            if not isinstance(node, yaml.ScalarNode) or node.value in ("", "~", "null"):
                raise _fail(where, line, f"row without {need}")
        parameter = fields["parameter"].value
        if parameter not in known:
            raise _fail(
                where,
                line,
                f"unknown parameter {parameter!r} (not in the parameter "
                "seed dbt_project/seeds/policy_parameters.csv)",
            )
        raw = fields["value"].value
        try:
            value = Decimal(raw)
            if not value.is_finite():
                raise InvalidOperation
        except InvalidOperation:
            raise _fail(where, line, f"{parameter}: value {raw!r} is not a number") from None
        if value < 0:
            raise _fail(where, line, f"{parameter}: value {raw} is negative")
        if parameter in whole and value != value.to_integral_value():
            raise _fail(where, line, f"{parameter}: value {raw} must be a whole number")
        if -value.as_tuple().exponent > VALUE_SCALE:  # type: ignore[operator]
            raise _fail(
                where, line, f"{parameter}: value {raw} has more than {VALUE_SCALE} decimals"
            )
        try:
            effective = date.fromisoformat(fields["effective_from"].value)
        except ValueError:
            raise _fail(
                where,
                line,
                f"{parameter}: effective_from "
                f"{fields['effective_from'].value!r} is not a date (YYYY-MM-DD)",
            ) from None
        if effective < run_date:
            raise _fail(
                where,
                line,
                f"{parameter}: effective_from {effective} is before the "
                f"snapshot's run date {run_date}; a reform changes the future only",
            )
        key = (parameter, effective)
        if key in seen:
            raise _fail(
                where,
                line,
                f"duplicate row: {parameter} effective {effective} is "
                f"already given on line {seen[key]}",
            )
        seen[key] = line
        rows.append(ReformRow(parameter, value, effective, line))
    return Reform(name, version, tuple(rows), window_start, window_years, source=text)


def _scalar(top: dict, key: str, where: str, root: yaml.Node) -> str:
    node = top.get(key)
    if node is None:
        raise _fail(where, root.start_mark.line + 1, f"missing key {key!r}")
    if not isinstance(node, yaml.ScalarNode) or not node.value.strip():
        raise _fail(where, node.start_mark.line + 1, f"{key!r} must be a non-empty text")
    return node.value.strip()


def _window(node: yaml.Node | None, where: str, run_date: date) -> tuple[date | None, int | None]:
    if node is None:
        return None, None
    line = node.start_mark.line + 1
    if not isinstance(node, yaml.MappingNode):
        raise _fail(where, line, "window is a mapping: {start: YYYY-MM-DD, years: N}")
    fields = {k.value: v.value for k, v in node.value}
    if set(fields) - {"start", "years"}:
        raise _fail(where, line, "window has only start and years")
    try:
        start = date.fromisoformat(str(fields["start"])) if "start" in fields else None
        years = int(fields["years"]) if "years" in fields else None
    except ValueError:
        raise _fail(where, line, "window start must be a date, years a whole number") from None
    if start is not None and (start.day != 1 or start < run_date.replace(day=1)):
        raise _fail(
            where,
            line,
            f"window start {start} must be the first of a month not "
            f"before the run month of {run_date}",
        )
    if years is not None and not 1 <= years <= 10:
        raise _fail(where, line, "window years must be 1 to 10")
    return start, years


def load_reform(path: Path, run_date: date, seed: list[SeedRow] | None = None) -> Reform:
    """Read and check a reform file (YAML)."""
    path = Path(path)
    return parse_reform(path.read_text("utf-8"), run_date, where=path.name, seed=seed)


def empty_reform() -> Reform:
    return Reform("baseline", "0", ())


def stack(first: Reform, second: Reform) -> Reform:
    """Two reforms together (rows of both); a (parameter, date) given by both is refused."""
    seen = {(r.parameter, r.effective_from): r for r in first.rows}
    for row in second.rows:
        if (row.parameter, row.effective_from) in seen:
            raise ReformError(
                f"{second.name}, line {row.line}: {row.parameter} effective "
                f"{row.effective_from} is also set by {first.name}"
            )
    return Reform(
        f"{first.name}+{second.name}",
        f"{first.version}+{second.version}",
        first.rows + second.rows,
        first.window_start or second.window_start,
        first.window_years or second.window_years,
    )


@dataclass(frozen=True)
class ParameterSet:
    """The parameter rows in force on one date, under the seed and a reform, as written into a
    scenario's parameter table: one row per parameter."""

    on: date
    rows: tuple[SeedRow, ...]

    @property
    def values(self) -> dict[str, Decimal]:
        return {r.parameter: r.value for r in self.rows}

    @property
    def key(self) -> str:
        body = sorted((r.parameter, _text(r.value)) for r in self.rows)
        return hashlib.sha256(json.dumps(body).encode()).hexdigest()[:16]


def in_force(seed: list[SeedRow], reform: Reform, on: date, run_date: date) -> ParameterSet:
    """Per parameter the latest row on or before ``on`` among the seed and the reform (a reform
    row wins over a seed row of the same date). Rows dated after ``run_date`` are projected onto
    ``run_date`` (the snapshot's date, the date the dbt models pick parameters for), and the
    reform's rows carry the reform's label as their version."""
    chosen: dict[str, tuple[tuple[date, int], SeedRow]] = {}
    for row in seed:
        if row.effective_from <= on:
            rank = (row.effective_from, 0)
            if row.parameter not in chosen or rank > chosen[row.parameter][0]:
                chosen[row.parameter] = (rank, row)
    extras = {r.parameter: r.extra for r in seed}
    for rrow in reform.rows:
        if rrow.effective_from <= on:
            rank = (rrow.effective_from, 1)
            if rrow.parameter not in chosen or rank > chosen[rrow.parameter][0]:
                chosen[rrow.parameter] = (
                    rank,
                    SeedRow(
                        rrow.parameter,
                        rrow.value,
                        rrow.effective_from,
                        f"reform {reform.label} ({rrow.effective_from})",
                        f"reform {reform.label}, line {rrow.line}",
                        extras.get(rrow.parameter, ()),
                    ),
                )
    rows = []
    for _, row in sorted(chosen.values(), key=lambda c: c[1].parameter):
        if row.effective_from > run_date:
            row = SeedRow(row.parameter, row.value, run_date, row.version, row.basis, row.extra)
        rows.append(row)
    return ParameterSet(on, tuple(rows))
