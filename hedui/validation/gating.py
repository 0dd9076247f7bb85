"""Source-level facts around one delivery: landing status, previous delivery, freshness."""

from __future__ import annotations

import json
import math
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import pyarrow.parquet as pq

from hedui.validation.business import ROW_COUNT_BAND

#: Days an earlier validated delivery stays usable when a source delivers nothing (status late);
#: past it the source is missing. Every source delivers nightly, so one default for all.
DEFAULT_FRESHNESS_DAYS = 3
FRESHNESS_DAYS: dict[str, int] = {}

LANDING_STATUSES = ("landed", "not_delivered", "failed")


@dataclass(frozen=True)
class LandingInfo:
    """What the landing step reported for one source and date."""

    status: str  # landed | not_delivered | failed
    error: str | None = None

    @classmethod
    def coerce(cls, value: Any) -> LandingInfo:
        """From a status string, a mapping, or an object with status/error (LandingResult)."""
        if isinstance(value, LandingInfo):
            return value
        if isinstance(value, str):
            info = cls(value)
        elif isinstance(value, Mapping):
            info = cls(str(value["status"]), value.get("error"))
        else:
            info = cls(str(value.status), getattr(value, "error", None))
        if info.status not in LANDING_STATUSES:
            raise ValueError(f"unknown landing status {info.status!r}")
        return info


def freshness_days(source: str) -> int:
    return FRESHNESS_DAYS.get(source, DEFAULT_FRESHNESS_DAYS)


def landing_dir(landing_root: Path, source: str, day: date) -> Path:
    return Path(landing_root) / source / day.isoformat()


def data_files(folder: Path) -> list[Path]:
    """The landed parquet of a delivery: data.parquet and/or data-*.parquet parts."""
    return sorted(p for p in Path(folder).glob("data*.parquet") if p.is_file())


def read_manifest(folder: Path) -> dict[str, Any]:
    path = Path(folder) / "manifest.json"
    if not path.exists():
        return {}
    return json.loads(path.read_text(encoding="utf-8"))


def _earlier_dates(root: Path, before: date) -> list[date]:
    days = []
    for child in Path(root).glob("*"):
        try:
            day = date.fromisoformat(child.name)
        except ValueError:
            continue
        if day < before:
            days.append(day)
    return sorted(days, reverse=True)


def _failed_before(dq_root: Path, source: str, day: date) -> bool:
    path = Path(dq_root) / day.isoformat() / "dq_source_runs.parquet"
    if not path.exists():
        return False
    rows = pq.read_table(path, columns=["source", "status"]).to_pylist()
    return any(r["source"] == source and r["status"] != "passed" for r in rows)


def landed_rows(folder: Path) -> int:
    manifest = read_manifest(folder)
    if "row_count" in manifest:
        return int(manifest["row_count"])
    return sum(pq.read_metadata(f).num_rows for f in data_files(folder))


@dataclass(frozen=True)
class Band:
    """Allowed row count of a delivery, from the previous accepted delivery of its source."""

    min_rows: int
    max_rows: int | None
    text: str


def row_count_band(landing_root: Path, dq_root: Path, source: str, run_date: date) -> Band:
    """The band around the latest earlier delivery not recorded as failed in dq history."""
    for day in _earlier_dates(Path(landing_root) / source, run_date)[:31]:
        folder = landing_dir(landing_root, source, day)
        if not (data_files(folder) or "row_count" in read_manifest(folder)):
            continue
        if _failed_before(dq_root, source, day):
            continue
        previous = landed_rows(folder)
        if previous == 0:
            continue
        low, high = ROW_COUNT_BAND
        min_rows = max(1, math.ceil(previous * low))
        max_rows = math.floor(previous * high)
        text = (
            f"the band {min_rows}-{max_rows} rows ({low:.0%}-{high:.0%} of the {previous} rows "
            f"delivered on {day})"
        )
        return Band(min_rows, max_rows, text)
    return Band(1, None, "at least 1 row (no previous delivery to compare)")


def latest_validated(validated_root: Path, source: str, run_date: date) -> date | None:
    """The latest earlier date with a validated delivery of ``source``."""
    for day in _earlier_dates(Path(validated_root) / source, run_date):
        if data_files(Path(validated_root) / source / day.isoformat()):
            return day
    return None
