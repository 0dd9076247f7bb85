"""Writing one source's delivery for one day and recording where its defective rows landed.

Files go through :mod:`hedui.delivery` (byte-reproducible in every format). Line numbers
follow the landing zone's convention: CSV physical line (header = 1), XLSX spreadsheet row
(header = 1), JSONL line (first row = 1), Parquet 1-based row number.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path

import polars as pl

from hedui.delivery import delivery_dir, mark_complete, write_source_file
from hedui.generator.defects import REASON
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


def split_files(source: Source, frame: pl.DataFrame) -> dict[str, pl.DataFrame]:
    """File stem -> rows: one file per bank for deposits, one file otherwise."""
    if source.name != "deposit":
        return {source.name: frame}
    banks = sorted(frame["bank_code"].drop_nulls().unique().to_list())
    return {f"deposit_{bank}": frame.filter(pl.col("bank_code") == bank) for bank in banks}


def write_day(
    inbox: Path, source: Source, day: date, frame: pl.DataFrame
) -> tuple[dict[str, int], list[DefectRecord]]:
    """Write ``frame`` (with hidden ``_*`` columns) as the delivery of ``day``; mark complete.

    Returns rows per file name and the defect records (file, line, reason, key).
    """
    folder = delivery_dir(inbox, source.name, day)
    folder.mkdir(parents=True, exist_ok=True)
    hidden = [c for c in frame.columns if c.startswith("_")]
    rows: dict[str, int] = {}
    defects: list[DefectRecord] = []
    for stem, part in split_files(source, frame).items():
        name = f"{stem}.{source.file_extension}"
        rows[name] = part.height
        if REASON in part.columns:
            defects.extend(_defects(source, day, name, part))
        clean = part.drop(hidden)
        path = folder / name
        write_source_file(source, clean, path, bom=uses_bom(source))
    mark_complete(folder)
    return rows, defects


def _defects(source: Source, day: date, name: str, part: pl.DataFrame) -> list[DefectRecord]:
    marked = (
        part.with_row_index("_row")
        .filter(pl.col(REASON).is_not_null())
        .select(
            "_row",
            REASON,
            *[pl.col(k).cast(pl.String) for k in source.primary_key],
        )
    )
    first = FIRST_LINE[source.format]
    return [
        DefectRecord(
            source=source.name,
            date=day.isoformat(),
            file=name,
            line=int(row["_row"]) + first,
            reason_code=row[REASON],
            key={k: row[k] for k in source.primary_key},
        )
        for row in marked.iter_rows(named=True)
    ]
