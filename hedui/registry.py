"""The source registry: the 22 source contracts as typed Python objects.

Everything that needs to know a source's shape (generator, connectors, landing schemas,
expectations, dbt sources) reads it from here; ``contracts/sources.yaml`` is the only copy.
"""

from __future__ import annotations

from dataclasses import dataclass, field
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
    category: Literal["government", "financial", "internal"]
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


def _column(raw: dict) -> Column:
    return Column(
        name=raw["name"],
        zh=raw["zh"],
        type=raw["type"],
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
