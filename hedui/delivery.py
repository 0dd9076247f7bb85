"""Writing and locating source deliveries in an inbox, exactly as the contract lays them out.

``<inbox>/<source>/<YYYY-MM-DD>/<files>`` plus a ``_SUCCESS`` marker written last. The
generator and the tests write deliveries through this module; connectors read them.
"""

from __future__ import annotations

import json
from datetime import date, datetime
from pathlib import Path

import polars as pl
from xlsxwriter import Workbook

from hedui.registry import Source

SUCCESS_MARKER = "_SUCCESS"


def delivery_dir(inbox: Path, source: str, day: date | str) -> Path:
    """The folder of one source's delivery for one date."""
    return Path(inbox) / source / str(day)


def is_complete(folder: Path) -> bool:
    """A delivery is complete when the agency has written the _SUCCESS marker."""
    return (Path(folder) / SUCCESS_MARKER).exists()


def mark_complete(folder: Path) -> None:
    (Path(folder) / SUCCESS_MARKER).write_bytes(b"")


def delivery_files(folder: Path, source: Source) -> list[Path]:
    """Data files of a delivery (by the contract's extension), in a stable order."""
    return sorted(p for p in Path(folder).glob(f"*.{source.file_extension}") if p.is_file())


def _as_text(df: pl.DataFrame) -> pl.DataFrame:
    return df.with_columns(pl.all().cast(pl.String))


def write_source_file(
    source: Source,
    df: pl.DataFrame,
    path: Path,
    *,
    bom: bool = False,
    headers: str | None = None,
) -> Path:
    """Write one delivery file of ``source`` in its contract format.

    ``df`` has the canonical column names in contract order. Values are written as they are:
    text formats cast every column to text, typed formats keep the frame's types (a column
    carrying a deliberately malformed value is simply a text column). ``headers`` overrides
    the contract's header language (tests use it to simulate a non-conforming delivery).
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    header_lang = headers or source.headers
    names = {c.name: (c.zh if header_lang == "zh" else c.name) for c in source.columns}
    out = df.rename({k: v for k, v in names.items() if k in df.columns})
    fmt = source.format
    if fmt == "csv":
        _write_csv(out, path, gbk=source.encoding == "gbk", bom=bom)
    elif fmt == "xlsx":
        _write_xlsx(out, path)
    elif fmt == "parquet":
        out.write_parquet(path, compression="zstd")
    elif fmt == "jsonl":
        _write_jsonl(out, path)
    else:  # pragma: no cover - the registry only has the four formats
        raise ValueError(f"unknown format {fmt!r}")
    return path


#: Fixed workbook creation date: xlsxwriter would otherwise embed the wall clock.
XLSX_CREATED = datetime(2020, 1, 1)
CSV_CHUNK_ROWS = 250_000


def _write_csv(df: pl.DataFrame, path: Path, *, gbk: bool, bom: bool) -> None:
    """CSV in chunks (bounded memory); GBK is encoded chunk by chunk."""
    text = _as_text(df)
    if not gbk:
        text.write_csv(path, null_value="", include_bom=bom)
        return
    with open(path, "wb") as fh:
        for i, offset in enumerate(range(0, max(text.height, 1), CSV_CHUNK_ROWS)):
            chunk = text.slice(offset, CSV_CHUNK_ROWS)
            fh.write(chunk.write_csv(null_value="", include_header=i == 0).encode("gbk"))


def _write_xlsx(df: pl.DataFrame, path: Path) -> None:
    """XLSX with text cells kept as text and a fixed creation date (byte-identical output)."""
    workbook = Workbook(
        str(path),
        {
            "nan_inf_to_errors": True,
            "strings_to_formulas": False,
            "strings_to_numbers": False,
            "default_date_format": "yyyy-mm-dd;@",
        },
    )
    workbook.set_properties({"created": XLSX_CREATED})
    df.write_excel(workbook, worksheet="data", autofit=False)
    workbook.close()


def _write_jsonl(df: pl.DataFrame, path: Path) -> None:
    """JSON lines with dates as ISO text and decimals as JSON numbers."""
    converted = df.with_columns(
        [pl.col(c).cast(pl.String) for c, t in df.schema.items() if t.is_temporal()]
        + [pl.col(c).cast(pl.Float64) for c, t in df.schema.items() if t.is_decimal()]
    )
    converted.write_ndjson(path)


def write_delivery(
    inbox: Path,
    source: Source,
    day: date | str,
    frames: dict[str, pl.DataFrame],
    *,
    bom: bool = False,
    complete: bool = True,
) -> Path:
    """Write a whole delivery: one file per entry of ``frames`` (stem -> rows), then _SUCCESS."""
    folder = delivery_dir(inbox, source.name, day)
    folder.mkdir(parents=True, exist_ok=True)
    for stem, df in frames.items():
        write_source_file(source, df, folder / f"{stem}.{source.file_extension}", bom=bom)
    if complete:
        mark_complete(folder)
    return folder


def write_json(path: Path, payload: object) -> None:
    """Pretty, stable JSON (sorted keys, UTF-8) for manifests and ground truth."""
    Path(path).write_text(
        json.dumps(payload, ensure_ascii=False, indent=2, sort_keys=True, default=str) + "\n",
        encoding="utf-8",
    )
