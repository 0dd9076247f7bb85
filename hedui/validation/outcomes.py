"""What validation decided: one source's outcome and the whole run's, with their JSON forms.

Their own module so that the validation run and the Data Docs renderer share them without
importing each other.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any


@dataclass
class SourceValidation:
    """The outcome for one source and run date (one dq_source_runs row, plus file paths)."""

    source: str
    run_date: date
    status: str  # passed | failed | missing | late
    message: str
    rows_landed: int = 0
    rows_loaded: int = 0
    rows_quarantined: int = 0
    checks_evaluated: int = 0
    checks_failed: int = 0
    schema_hash: str | None = None
    data_as_of: date | None = None
    reason_counts: dict[str, int] = field(default_factory=dict)
    validated_path: Path | None = None
    result_path: Path | None = None
    docs_path: Path | None = None

    def record(self) -> dict[str, Any]:
        return {
            "source": self.source,
            "run_date": self.run_date,
            "status": self.status,
            "rows_landed": self.rows_landed,
            "rows_loaded": self.rows_loaded,
            "rows_quarantined": self.rows_quarantined,
            "checks_evaluated": self.checks_evaluated,
            "checks_failed": self.checks_failed,
            "schema_hash": self.schema_hash,
            "message": self.message,
            "data_as_of": self.data_as_of,
        }

    def to_json(self) -> dict[str, Any]:
        """The outcome as JSON (dates and paths as text), read back by :meth:`from_json`."""
        paths = {
            "validated_path": self.validated_path,
            "result_path": self.result_path,
            "docs_path": self.docs_path,
        }
        return {
            **self.record(),
            "reason_counts": self.reason_counts,
            **{k: str(v) if v is not None else None for k, v in paths.items()},
        }

    @classmethod
    def from_json(cls, payload: Mapping[str, Any]) -> SourceValidation:
        data = dict(payload)
        data["run_date"] = date.fromisoformat(data["run_date"])
        if data.get("data_as_of"):
            data["data_as_of"] = date.fromisoformat(data["data_as_of"])
        for key in ("validated_path", "result_path", "docs_path"):
            if data.get(key):
                data[key] = Path(data[key])
        return cls(**data)


@dataclass
class RunValidation:
    """Every source's outcome for one run date, and where the dq outputs are."""

    run_date: date
    dq_dir: Path
    sources: dict[str, SourceValidation]
    docs_index: Path | None = None

    @property
    def dq_source_runs_path(self) -> Path:
        return self.dq_dir / "dq_source_runs.parquet"

    @property
    def quarantine_path(self) -> Path:
        return self.dq_dir / "quarantine.parquet"

    def statuses(self) -> dict[str, str]:
        return {name: s.status for name, s in self.sources.items()}

    def unusable(self) -> list[str]:
        """Sources with no usable data for the run (failed or missing)."""
        return [n for n, s in self.sources.items() if s.status in ("failed", "missing")]
