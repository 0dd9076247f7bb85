"""Where a delivery's defective rows landed, and the fixed per-source writing choices.

:mod:`hedui.generator.stream` writes the files. Line numbers follow the landing zone's
convention: CSV physical line (header = 1), XLSX spreadsheet row (header = 1), JSONL line
(first row = 1), Parquet 1-based row number.
"""

from __future__ import annotations

from dataclasses import dataclass

from hedui.registry import Source

#: UTF-8 CSV sources written with a byte-order mark (a fixed, deterministic choice).
BOM_SOURCES = frozenset({"social_insurance", "employment", "marriage", "education", "fund"})
FIRST_LINE = {"csv": 2, "xlsx": 2, "jsonl": 1, "parquet": 1}


@dataclass(frozen=True)
class DefectRecord:
    source: str
    date: str
    file: str
    line: int
    reason_code: str
    key: dict[str, str | None]

    def as_json(self) -> dict:
        return {
            "source": self.source,
            "date": self.date,
            "file": self.file,
            "line": self.line,
            "reason_code": self.reason_code,
            "key": self.key,
        }


def uses_bom(source: Source) -> bool:
    return source.format == "csv" and source.encoding != "gbk" and source.name in BOM_SOURCES
