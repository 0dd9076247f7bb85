"""The source registry: the source contracts as typed Python objects (the city's 22 local
sources and the cross-region exchange answers).

Everything that needs to know a source's shape (generator, connectors, landing schemas,
expectations, dbt sources) reads it from here; ``contracts/sources.yaml`` is the only copy.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import cache
from importlib import resources
from typing import Literal

import pyarrow as pa
import yaml

ColumnType = Literal["string", "int", "decimal", "date", "period", "enum", "id_number", "uscc"]

#: Arrow type used in the landing zone for each contract type.
DECIMAL_TYPE = pa.decimal128(18, 4)
ARROW_TYPES: dict[str, pa.DataType] = {
    "string": pa.string(),
    "int": pa.int64(),
    "decimal": DECIMAL_TYPE,
    "date": pa.date32(),
    "period": pa.string(),
    "enum": pa.string(),
    "id_number": pa.string(),
    "uscc": pa.string(),
}

#: Share of quarantined rows above which a delivery fails as a whole, unless the registry
#: gives the source its own ``quarantine_max_share``; the share is judged once more than
#: ``quarantine_min_rows`` rows are quarantined (a few bad rows of a small delivery are noise).
DEFAULT_QUARANTINE_MAX_SHARE = 0.05
DEFAULT_QUARANTINE_MIN_ROWS = 10

#: Contract type spellings read as another type (``integer`` is ``int``).
TYPE_ALIASES = {"integer": "int"}

#: Types whose text must be parsed on landing (and can therefore fail to parse).
PARSED_TYPES = frozenset({"int", "decimal", "date"})


@dataclass(frozen=True)
class Column:
    """One column of a source contract."""

    name: str
    zh: str
    type: ColumnType
    required: bool = False
    values: tuple[str, ...] = ()
    note: str = ""

    @property
    def arrow_type(self) -> pa.DataType:
        return ARROW_TYPES[self.type]


@dataclass(frozen=True)
class Source:
    """One source delivery contract."""

    name: str
    zh: str
    category: Literal["government", "financial", "internal", "exchange"]
    agency: str
    kind: Literal["snapshot", "window"]
    format: Literal["csv", "xlsx", "parquet", "jsonl"]
    primary_key: tuple[str, ...]
    columns: tuple[Column, ...]
    encoding: str | None = None
    headers: Literal["en", "zh"] = "en"
    window_months: int | None = None
    channel: str | None = None
    note: str = ""
    #: above this share of quarantined rows the whole delivery fails (registry, default 5 %)
    quarantine_max_share: float = DEFAULT_QUARANTINE_MAX_SHARE
    quarantine_min_rows: int = DEFAULT_QUARANTINE_MIN_ROWS
    _by_name: dict[str, Column] = field(default_factory=dict, repr=False, compare=False)

    def __post_init__(self) -> None:
        self._by_name.update({c.name: c for c in self.columns})

    @property
    def column_names(self) -> list[str]:
        return [c.name for c in self.columns]

    def column(self, name: str) -> Column:
        return self._by_name[name]

    @property
    def header_names(self) -> list[str]:
        """Column headers as the delivery writes them (Chinese or canonical)."""
        return [c.zh if self.headers == "zh" else c.name for c in self.columns]

    @property
    def header_map(self) -> dict[str, str]:
        """Every accepted header (canonical or Chinese) -> canonical column name."""
        mapping = {c.name: c.name for c in self.columns}
        mapping.update({c.zh: c.name for c in self.columns})
        return mapping

    @property
    def arrow_schema(self) -> pa.Schema:
        """The typed schema of this source in the landing zone (contract columns only)."""
        return pa.schema([pa.field(c.name, c.arrow_type) for c in self.columns])

    @property
    def id_columns(self) -> list[str]:
        return [c.name for c in self.columns if c.type == "id_number"]

    @property
    def file_extension(self) -> str:
        return self.format

    @property
    def is_monthly_window(self) -> bool:
        """A window source keyed by period (YYYY-MM): a delivery holds full months only."""
        return self.kind == "window" and any(c.type == "period" for c in self.columns)

    def window_covered_through(self, delivered_on: date) -> date | None:
        """Last day of the last full month a delivery of ``delivered_on`` covers (the month
        before its delivery month), for a monthly window source; None for other sources."""
        if not self.is_monthly_window:
            return None
        return delivered_on.replace(day=1) - timedelta(days=1)


def _column(raw: dict) -> Column:
    return Column(
        name=raw["name"],
        zh=raw["zh"],
        type=TYPE_ALIASES.get(raw["type"], raw["type"]),
        required=bool(raw.get("required", False)),
        values=tuple(str(v) for v in raw.get("values", ())),
        note=raw.get("note", ""),
    )


def _source(name: str, raw: dict) -> Source:
    return Source(
        name=name,
        zh=raw["zh"],
        category=raw["category"],
        agency=raw["agency"],
        kind=raw["kind"],
        format=raw["format"],
        primary_key=tuple(raw["primary_key"]),
        columns=tuple(_column(c) for c in raw["columns"]),
        encoding=raw.get("encoding"),
        headers=raw.get("headers", "en"),
        window_months=raw.get("window_months"),
        channel=raw.get("channel"),
        note=raw.get("note", ""),
        quarantine_max_share=float(raw.get("quarantine_max_share", DEFAULT_QUARANTINE_MAX_SHARE)),
        quarantine_min_rows=int(raw.get("quarantine_min_rows", DEFAULT_QUARANTINE_MIN_ROWS)),
    )


@cache
def load_registry() -> dict[str, Source]:
    """All sources of the contract, in contract order."""
    text = resources.files("hedui").joinpath("contracts/sources.yaml").read_text("utf-8")
    raw = yaml.safe_load(text)["sources"]
    return {name: _source(name, body) for name, body in raw.items()}


def get_source(name: str) -> Source:
    """One source by name; a clear error for an unknown one."""
    registry = load_registry()
    if name not in registry:
        raise KeyError(f"unknown source {name!r}; known: {', '.join(registry)}")
    return registry[name]


def source_names() -> list[str]:
    return list(load_registry())


def local_registry() -> dict[str, Source]:
    """The city's own sources (every category but the cross-region exchange), in contract
    order: what the synthetic city delivers."""
    return {n: s for n, s in load_registry().items() if s.category != "exchange"}


def local_source_names() -> list[str]:
    return list(local_registry())


def is_exchange(name: str) -> bool:
    """A source of partner regions' answers: it delivers only when queries were answered."""
    return get_source(name).category == "exchange"
