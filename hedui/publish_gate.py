"""The publish gate: compare a night's numbers with the last published night before publishing.

Households per tier, the total monthly amount, recipients added and removed, warnings per code
and rows loaded per source are read from both warehouses; a change beyond its band
(``config/publish_gate.yaml``) holds the publish. A held night gets a readable diff report and an
alert; ``hedui publish --approve D`` (or the DAG param ``approve_publish``) releases it. A row
that passed every row-level check can still be wrong in bulk (30 % of one source's rows silently
missing): this gate is the check on the numbers users see.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import duckdb
import yaml

CONFIG_ENV = "HEDUI_PUBLISH_GATE_CONFIG"
DEFAULT_CONFIG = Path(__file__).resolve().parents[1] / "config" / "publish_gate.yaml"
PAYING_TIERS = ("tekun", "dibao", "low_income")
REPORT_FILE = "publish_gate.txt"
HELD_FILE = "publish_held.json"
APPROVED_FILE = "publish_approved.json"


@dataclass(frozen=True)
class Band:
    relative: float
    min_change: float

    def allows(self, before: float, after: float) -> bool:
        return abs(after - before) <= max(self.min_change, self.relative * abs(before))


@dataclass(frozen=True)
class Change:
    """One compared number of the night."""

    band: str
    metric: str
    before: float
    after: float
    allowed: float
    held: bool

    @property
    def line(self) -> str:
        delta = self.after - self.before
        share = f" ({delta / self.before:+.1%})" if self.before else ""
        mark = "HOLD" if self.held else "ok  "
        return (
            f"{mark} {self.metric}: {_num(self.before)} -> {_num(self.after)}, "
            f"change {_num(delta, signed=True)}{share}, band ±{_num(self.allowed)}"
        )


def _num(value: float, signed: bool = False) -> str:
    text = f"{value:+,.2f}" if signed else f"{value:,.2f}"
    return text.removesuffix(".00")


def load_bands(path: Path | None = None) -> dict[str, Band]:
    """The bands of the configuration file (``HEDUI_PUBLISH_GATE_CONFIG`` or the default)."""
    path = Path(path or os.environ.get(CONFIG_ENV) or DEFAULT_CONFIG)
    raw = yaml.safe_load(path.read_text("utf-8"))["bands"]
    return {
        name: Band(float(body["relative"]), float(body["min_change"])) for name, body in raw.items()
    }


def _night(table: str, before: str | None = None) -> str:
    """``marts.<table>``'s rows of one night: its latest run date, or with ``before`` the latest
    run date before it. A published warehouse keeps every night (``marts.<table>`` is a view over
    all of them), a staged one holds its own night only."""
    where = f" WHERE run_date < DATE '{before}'" if before else ""
    return (
        f"(SELECT * FROM marts.{table} WHERE run_date = "
        f"(SELECT max(run_date) FROM marts.{table}{where}))"
    )


Warehouse = Path | duckdb.DuckDBPyConnection


@contextmanager
def _reading(warehouse: Warehouse) -> Iterator[duckdb.DuckDBPyConnection]:
    """A read-only connection: the one given, or one opened (and closed) on the file."""
    if isinstance(warehouse, duckdb.DuckDBPyConnection):
        yield warehouse
        return
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        yield con
    finally:
        con.close()


def night_numbers(warehouse: Warehouse, before: str | None = None) -> dict[str, Any]:
    """The numbers of the latest night a (published or staged) warehouse holds, or with
    ``before`` of its latest night before that date."""
    households = _night("household_verification", before)
    with _reading(warehouse) as con:
        tiers = dict(
            con.execute(
                f"SELECT coalesce(tier, 'undecided'), count(*) FROM {households} GROUP BY 1"
            ).fetchall()
        )
        (amount,) = con.execute(
            f"SELECT coalesce(sum(monthly_amount), 0) FROM {households}"
        ).fetchone() or (0,)
        recipients = sorted(
            r[0]
            for r in con.execute(
                f"SELECT household_id FROM {households} WHERE tier IN "
                f"({', '.join(repr(t) for t in PAYING_TIERS)})"
            ).fetchall()
        )
        warnings = dict(
            con.execute(
                f"SELECT warning_code, count(*) FROM "
                f"{_night('return_to_poverty_warnings', before)} "
                "WHERE status <> 'resolved' GROUP BY 1"
            ).fetchall()
        )
        runs = con.execute(
            f"SELECT source, status, rows_loaded FROM {_night('dq_source_runs', before)}"
        ).fetchall()
        (night,) = con.execute(
            f"SELECT max(run_date) FROM {_night('dq_source_runs', before)}"
        ).fetchone() or (None,)
    return {
        "tiers": {k: int(v) for k, v in tiers.items()},
        "total_monthly_amount": float(amount),
        "recipients": recipients,
        "warnings": {k: int(v) for k, v in warnings.items()},
        "rows": {s: int(n or 0) for s, status, n in runs if status != "late"},
        # a late source delivered nothing tonight: the rows in use are its earlier delivery's
        "late": sorted(s for s, status, _ in runs if status == "late"),
        "night": str(night) if night else None,
    }


def rows_in_use(numbers: dict[str, Any], published: Warehouse) -> dict[str, int]:
    """Rows in use per source. A late source delivered nothing on the night: its earlier
    delivery is in use, i.e. the rows it loaded on its latest earlier night that passed (the
    published dq history). Unknown there (a night no longer kept), it is left out of the
    comparison rather than read as 0."""
    rows = dict(numbers["rows"])
    late = numbers.get("late") or []
    if not late or not numbers.get("night"):
        return rows
    with _reading(published) as con:
        found = con.execute(
            "SELECT source, arg_max(rows_loaded, run_date) FROM marts.dq_source_runs "
            "WHERE status = 'passed' AND run_date < ? AND list_contains(?, source) "
            "GROUP BY source",
            [numbers["night"], late],
        ).fetchall()
    rows.update({source: int(n or 0) for source, n in found})
    return rows


def compare(before: dict[str, Any], after: dict[str, Any], bands: dict[str, Band]) -> list[Change]:
    """Every compared number, each with whether it holds the publish."""
    changes: list[Change] = []

    def add(band: str, metric: str, old: float, new: float) -> None:
        b = bands[band]
        allowed = max(b.min_change, b.relative * abs(old))
        changes.append(Change(band, metric, old, new, allowed, not b.allows(old, new)))

    for tier in sorted(set(before["tiers"]) | set(after["tiers"])):
        add(
            "households_per_tier",
            f"households {tier}",
            before["tiers"].get(tier, 0),
            after["tiers"].get(tier, 0),
        )
    add(
        "total_monthly_amount",
        "total monthly amount",
        before["total_monthly_amount"],
        after["total_monthly_amount"],
    )
    old, new = set(before["recipients"]), set(after["recipients"])
    for band, metric, moved in (
        ("recipients_added", "recipients added", new - old),
        ("recipients_removed", "recipients removed", old - new),
    ):
        b = bands[band]
        allowed = max(b.min_change, b.relative * len(old))
        changes.append(Change(band, metric, 0, len(moved), allowed, len(moved) > allowed))
    for code in sorted(set(before["warnings"]) | set(after["warnings"])):
        add(
            "warnings_per_code",
            f"warnings {code}",
            before["warnings"].get(code, 0),
            after["warnings"].get(code, 0),
        )
    unknown = set(before.get("late") or {}) - set(before["rows"])
    unknown |= set(after.get("late") or {}) - set(after["rows"])
    for source in sorted((set(before["rows"]) | set(after["rows"])) - unknown):
        add(
            "rows_per_source",
            f"rows {source}",
            before["rows"].get(source, 0),
            after["rows"].get(source, 0),
        )
    return changes


@dataclass(frozen=True)
class GateResult:
    run_date: str
    previous: str | None
    held: bool
    changes: list[Change]

    @property
    def holding(self) -> list[Change]:
        return [c for c in self.changes if c.held]

    def report(self) -> str:
        """The diff report a data engineer reads before approving."""
        head = (
            f"publish gate {self.run_date}: HELD, {len(self.holding)} change(s) beyond their band"
            if self.held
            else f"publish gate {self.run_date}: passed"
        )
        lines = [head, f"compared with the published night {self.previous or '(none)'}", ""]
        lines += [c.line for c in self.holding]
        lines += ["", "all numbers:"] + [f"  {c.line}" for c in self.changes]
        if self.held:
            lines += ["", f"release with: hedui publish --approve {self.run_date}"]
        return "\n".join(lines) + "\n"


def check(
    staged: Path, published: Path, run_date: str, bands: dict[str, Band] | None = None
) -> GateResult:
    """Compare the staged night with the published one; nothing published yet passes."""
    if not Path(published).exists():
        return GateResult(run_date, None, False, [])
    bands = bands or load_bands()
    with _reading(published) as con:
        row = con.execute(
            "SELECT max(run_date) FROM marts.household_verification WHERE run_date < ?",
            [run_date],
        ).fetchone()
        previous = str(row[0]) if row and row[0] is not None else None
        if previous is None:
            # nothing published before this night (a re-run of the first night): nothing to
            # compare
            return GateResult(run_date, None, False, [])
        before, after = night_numbers(con, before=run_date), night_numbers(staged)
        before["rows"] = rows_in_use(before, con)
        after["rows"] = rows_in_use(after, con)
    changes = compare(before, after, bands)
    return GateResult(run_date, previous, any(c.held for c in changes), changes)


def hold(result: GateResult, reports_dir: Path, pending: dict[str, Any]) -> Path:
    """Write the held night's report and what ``--approve`` needs; raise the alert."""
    from hedui.alerts import send

    reports_dir.mkdir(parents=True, exist_ok=True)
    path = reports_dir / REPORT_FILE
    path.write_text(result.report(), encoding="utf-8")
    (reports_dir / HELD_FILE).write_text(
        json.dumps({**pending, "changes": [asdict(c) for c in result.holding]}, indent=1),
        encoding="utf-8",
    )
    send(
        "publish_held",
        f"publish of {result.run_date} held: " + "; ".join(c.metric for c in result.holding),
        run_date=result.run_date,
        report=str(path),
        changes=[c.metric for c in result.holding],
    )
    return path


def held(reports_dir: Path) -> dict[str, Any] | None:
    """The pending publish of a held night, or None."""
    path = reports_dir / HELD_FILE
    return json.loads(path.read_text("utf-8")) if path.exists() else None


def approve(reports_dir: Path, by: str) -> Path:
    """Record the approval of a held night (who approved; the report stays next to it)."""
    path = reports_dir / APPROVED_FILE
    path.write_text(json.dumps({"approved_by": by}), encoding="utf-8")
    return path
