"""Which validated deliveries a run loads, per source.

Snapshot sources: the latest validated (passed) delivery on or before the run date. Window
sources: every delivery repeats its whole window, so the latest delivery holds every row the
rules need, except for ``HISTORY_SOURCES`` (deaths): a death older than the latest window still
makes a person dead, so earlier deliveries add the rows before the window loaded so far (one
delivery per earlier window start, read only for those older dates). An exchange source
(cross-region answers) delivers only the answers of the day, so every delivery of its window (the
``window_months`` months before the run's month, and the run's month) is loaded. Staging lets
the latest delivery of a primary key win.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path

from hedui.registry import Source

DATA_FILE = "data.parquet"
QUARANTINED_KEYS_FILE = "quarantined_keys.parquet"

#: Sources whose rows make up a household a result is about: the column holding its number and
#: the result kind (int_household_members). A quarantined row of such a source leaves that
#: household short of a member even when the member's ID number is unreadable.
HOUSEHOLD_KEY_COLUMNS: dict[str, tuple[str, str]] = {
    "hukou": ("household_no", "hukou"),
    "assistance_roll": ("case_no", "case"),
    "verification_request": ("request_id", "request"),
}

#: Window sources whose rows stay relevant after they leave the delivery window.
HISTORY_SOURCES = frozenset({"death"})


@dataclass(frozen=True)
class Part:
    """One delivery to load; ``before`` keeps only rows whose window column is earlier."""

    source: str
    day: date
    path: Path
    before: date | str | None = None


def validated_days(validated_root: Path, source: str, run_date: date) -> list[date]:
    """Dates of validated deliveries of ``source`` on or before ``run_date``, newest first."""
    days = []
    folder = Path(validated_root) / source
    if not folder.is_dir():
        return []
    for child in folder.iterdir():
        try:
            day = date.fromisoformat(child.name)
        except ValueError:
            continue
        if day <= run_date and (child / DATA_FILE).is_file():
            days.append(day)
    return sorted(days, reverse=True)


def window_column(source: Source) -> str | None:
    """The column a window delivery is cut on: its period column, else its one date column."""
    if source.kind != "window":
        return None
    periods = [c.name for c in source.columns if c.type == "period"]
    dates = [c.name for c in source.columns if c.type == "date"]
    return (periods or dates or [None])[0]


def window_start(source: Source, delivery: date) -> date | str:
    """First period (YYYY-MM) or first date held by a delivery of a window source."""
    index = delivery.year * 12 + delivery.month - 1 - int(source.window_months or 0)
    first = date(index // 12, index % 12 + 1, 1)
    column = window_column(source)
    if column and source.column(column).type == "period":
        return f"{first:%Y-%m}"
    return first


def plan_source(validated_root: Path, source: Source, run_date: date) -> list[Part]:
    """The deliveries of one source a run loads, newest first."""
    days = validated_days(validated_root, source.name, run_date)
    if not days:
        return []
    path = _path(validated_root, source.name, days[0])
    parts = [Part(source.name, days[0], path)]
    if source.category == "exchange":
        d_name = source.name
        first = window_start(source, run_date)
        earlier = [d for d in days[1:] if f"{d:%Y-%m-%d}" >= f"{first}"]
        return parts + [Part(source.name, d, _path(validated_root, d_name, d)) for d in earlier]
    if source.kind != "window" or source.name not in HISTORY_SOURCES:
        return parts
    covered_from = window_start(source, days[0])
    for day in days[1:]:
        start = window_start(source, day)
        if start < covered_from:  # type: ignore[operator]
            parts.append(
                Part(source.name, day, _path(validated_root, source.name, day), covered_from)
            )
            covered_from = start
    return parts


def _path(root: Path, source: str, day: date) -> Path:
    return Path(root) / source / day.isoformat() / DATA_FILE


def quarantined_keys_path(data_path: Path) -> Path:
    """Beside a validated delivery: the persons (ID numbers) and households named by its
    quarantined rows (personal data: kept in the validated zone, never in the dq outputs)."""
    return Path(data_path).with_name(QUARANTINED_KEYS_FILE)
