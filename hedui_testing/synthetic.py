"""Clean synthetic landing deliveries, for validation tests and the bench.

Builds rows that pass every rule of a source's suite (valid check characters, consistent totals,
dates inside the window) and writes them in the landing format: ``data.parquet`` with the
contract columns plus ``_file``/``_line``/``_invalid``, and ``manifest.json``.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from hedui.idnumbers import ID_CHECK_CHARS, ID_WEIGHTS, USCC_ALPHABET, USCC_WEIGHTS
from hedui.registry import Source
from hedui.validation.business import VALIDITY_DATES, WINDOW_COLUMNS
from hedui.validation.windows import window_bounds

_EPOCH = np.datetime64("1950-01-01", "D")


def _digits(values: np.ndarray, width: int) -> np.ndarray:
    return np.char.zfill(values.astype(np.int64).astype(str), width)


def id_numbers(index: np.ndarray, region: str = "120101") -> np.ndarray:
    """Distinct valid ID numbers, one per index (birth 1950-2004, sequence from the index)."""
    days = _EPOCH + (index % 20000).astype("timedelta64[D]")
    births = np.datetime_as_string(days, unit="D")
    births = np.char.replace(births, "-", "")
    first17 = np.char.add(np.char.add(region, births), _digits(index // 20000 % 1000, 3))
    digits = first17.astype("S17").view(np.uint8).reshape(-1, 17).astype(np.int64) - 48
    checks = np.array(list(ID_CHECK_CHARS))[digits @ ID_WEIGHTS % 11]
    return np.char.add(first17, checks)


def usccs(index: np.ndarray) -> np.ndarray:
    """Distinct valid unified social credit codes."""
    first17 = np.char.add("91120000", _digits(index, 9))
    values = first17.astype("S17").view(np.uint8).reshape(-1, 17).astype(np.int64)
    lookup = np.zeros(128, dtype=np.int64)
    for i, ch in enumerate(USCC_ALPHABET):
        lookup[ord(ch)] = i
    total = lookup[values] @ USCC_WEIGHTS
    checks = np.array(list(USCC_ALPHABET))[(31 - total % 31) % 31]
    return np.char.add(first17, checks)


def _dates(values: np.ndarray) -> pa.Array:
    return pa.array(values.astype("datetime64[D]"), type=pa.date32())


def _column(source: Source, name: str, i: np.ndarray, run_date: date) -> pa.Array:
    col = source.column(name)
    n = len(i)
    d = np.datetime64(run_date, "D")
    if col.type == "id_number":
        return pa.array(id_numbers(i + 7 * source.id_columns.index(name) * n))
    if col.type == "uscc":
        return pa.array(usccs(i))
    if col.type == "enum":
        return pa.array(np.array(col.values)[i % len(col.values)])
    if col.type == "period":
        low, _ = window_bounds(run_date, source.window_months or 13, "period")
        months = int(low[:4]) * 12 + int(low[5:]) - 1 + i % (source.window_months or 13)
        return pa.array([f"{m // 12:04d}-{m % 12 + 1:02d}" for m in months.tolist()])
    if col.type == "date":
        if WINDOW_COLUMNS.get(source.name) == name:
            return _dates(d - 1 - (i % 20).astype("timedelta64[D]"))
        if name in VALIDITY_DATES:
            return _dates(d + 365 + (i % 30).astype("timedelta64[D]"))
        return _dates(d - 30 - (i % 300).astype("timedelta64[D]"))
    if col.type == "int":
        return pa.array(1 + i % 4, type=pa.int64())
    if col.type == "decimal":
        return pc.cast(pa.array(np.round(100 + (i % 997) * 1.37, 2)), col.arrow_type, safe=False)
    fixed = {
        "household_no": 100000000 + i,
        "district_code": 120101 + 0 * i,
        "street_code": 120101001 + 0 * i,
    }
    if name in fixed:
        return pa.array(fixed[name].astype(str))
    return pa.array(np.char.add(name[:3].upper(), _digits(i, 9)))


def _set(table: pa.Table, name: str, values: pa.Array) -> pa.Table:
    index = table.schema.get_field_index(name)
    field = table.schema.field(index)
    return table.set_column(index, field, pc.cast(values, field.type, safe=False))


def _hukou(t: pa.Table, run_date: date) -> pa.Table:
    ids = t["id_number"].to_numpy(zero_copy_only=False).astype(str)
    births = np.array([f"{s[6:10]}-{s[10:12]}-{s[12:14]}" for s in ids], dtype="datetime64[D]")
    gender = np.where(np.char.str_len(ids) > 0, [str(2 - int(s[16]) % 2) for s in ids], "1")
    t = _set(t, "birth_date", _dates(births))
    t = _set(t, "gender", pa.array(gender))
    normal = pc.equal(t["status"], "normal")
    return _set(
        t, "status_date", pc.if_else(normal, pa.nulls(len(t), pa.date32()), t["status_date"])
    )


def _social_insurance(t: pa.Table, run_date: date) -> pa.Table:
    contribution = pc.equal(t["record_type"], "contribution")
    t = _set(t, "item", pc.if_else(contribution, "pension", "enterprise_pension"))
    return _set(
        t,
        "employer_uscc",
        pc.if_else(contribution, t["employer_uscc"], pa.nulls(len(t), pa.string())),
    )


def _product(result: str, a: str, b: str, digits: int) -> Callable[[pa.Table, date], pa.Table]:
    def fix(t: pa.Table, run_date: date) -> pa.Table:
        x = t[a].to_numpy(zero_copy_only=False).astype(float)
        y = t[b].to_numpy(zero_copy_only=False).astype(float)
        return _set(t, result, pa.array(np.round(x * y, digits)))

    return fix


def _medical(t: pa.Table, run_date: date) -> pa.Table:
    fund = t["fund_paid"].to_numpy(zero_copy_only=False).astype(float)
    oop = t["out_of_pocket"].to_numpy(zero_copy_only=False).astype(float)
    return _set(t, "total_cost", pa.array(np.round(fund + oop, 2)))


def _real_estate(t: pa.Table, run_date: date) -> pa.Table:
    return _set(t, "share_ratio", pa.array(np.ones(len(t))))


def _school_year(t: pa.Table, run_date: date) -> pa.Table:
    return _set(t, "school_year", pa.array(np.full(len(t), run_date.year - 1)))


FIXES: dict[str, Callable[[pa.Table, date], pa.Table]] = {
    "hukou": _hukou,
    "social_insurance": _social_insurance,
    "medical_claims": _medical,
    "stock": _product("market_value", "quantity", "close_price", 2),
    "fund": _product("market_value", "shares", "nav", 2),
    "real_estate": _real_estate,
    "education": _school_year,
}


def clean_table(source: Source, rows: int, run_date: date, offset: int = 0) -> pa.Table:
    """``rows`` valid rows of ``source`` (contract columns, landing types)."""
    if rows == 0:
        return source.arrow_schema.empty_table()
    i = np.arange(offset, offset + rows, dtype=np.int64)
    arrays = [_column(source, c.name, i, run_date) for c in source.columns]
    table = pa.Table.from_arrays(arrays, schema=source.arrow_schema)
    fix = FIXES.get(source.name)
    return fix(table, run_date) if fix else table


def with_landing_columns(table: pa.Table, file: str, first_line: int = 2) -> pa.Table:
    """Add ``_file``, ``_line`` (from ``first_line``) and an all-null ``_invalid``."""
    n = len(table)
    table = table.append_column("_file", pa.array([file] * n, pa.string()))
    table = table.append_column(
        "_line", pa.array(np.arange(first_line, first_line + n, dtype=np.int64))
    )
    return table.append_column("_invalid", pa.nulls(n, pa.string()))


def write_landing(root: Path, source: str, day: date, table: pa.Table, parts: int = 1) -> Path:
    """Write a landed delivery (data.parquet or data-N.parquet parts, manifest.json)."""
    folder = Path(root) / source / day.isoformat()
    folder.mkdir(parents=True, exist_ok=True)
    if parts == 1:
        pq.write_table(table, folder / "data.parquet")
    else:
        size = -(-len(table) // parts)
        for k in range(parts):
            pq.write_table(table.slice(k * size, size), folder / f"data-{k:04d}.parquet")
    manifest = {
        "source": source,
        "date": day.isoformat(),
        "row_count": len(table),
        "inputs": sorted(set(table["_file"].to_pylist())) if len(table) else [],
        "schema_hash": "synthetic",
    }
    (folder / "manifest.json").write_text(json.dumps(manifest, indent=2), encoding="utf-8")
    return folder


def dated(run_date: date, days: int) -> date:
    return run_date + timedelta(days=days)


def mutate(table: pa.Table, changes: dict[int, dict[str, object]]) -> pa.Table:
    """Rows ``index`` with ``{column: value}`` replaced (``_invalid`` takes a dict -> JSON)."""
    rows = table.to_pylist()
    for index, values in changes.items():
        for name, value in values.items():
            rows[index][name] = json.dumps(value) if name == "_invalid" else value
    return pa.Table.from_pylist(rows, schema=table.schema)


def duplicate(table: pa.Table, index: int, line: int) -> pa.Table:
    """Append a copy of row ``index`` as physical line ``line`` (a duplicated primary key)."""
    row = table.slice(index, 1).to_pylist()[0]
    row["_line"] = line
    return pa.concat_tables([table, pa.Table.from_pylist([row], schema=table.schema)])
