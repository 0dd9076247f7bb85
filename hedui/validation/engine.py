"""Run one source's suite over its landing parquet in DuckDB, in one pass.

The compiled fail flags of every row-level expectation are computed once into a temp table;
one aggregate gives GX its metric values, and two COPYs write the quarantined rows (with their
reason codes, in priority order) and the validated delivery.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import duckdb
from great_expectations.core import ExpectationSuiteValidationResult, ExpectationValidationResult
from great_expectations.expectations.expectation import Expectation

from hedui import duck
from hedui.landing_types import INVALID_COLUMN as INVALID
from hedui.registry import PARSED_TYPES, Source
from hedui.validation import business as b
from hedui.validation.answers import CODE as VERDICT_CODE
from hedui.validation.answers import REASON as VERDICT_REASON
from hedui.validation.answers import TABLE as VERDICTS
from hedui.validation.answers import add_verdicts
from hedui.validation.compiler import MACROS, TABLE_LEVEL, Compiled, compile_expectation, ident
from hedui.validation.compiler import literal as lit
from hedui.validation.results import not_evaluated, substitute, suite_result, validation_result
from hedui.validation.suites import build_suite
from hedui.warehouse.deliveries import HOUSEHOLD_KEY_COLUMNS, quarantined_keys_path

CHECKED = "hd_checked"


@dataclass
class SourceRun:
    """What running a suite over one landed delivery found."""

    rows_landed: int
    rows_loaded: int
    rows_quarantined: int
    suite_result: ExpectationSuiteValidationResult
    missing_columns: list[str]
    row_count_ok: bool
    failure: str | None = None  # why the delivery is rejected at source level
    reason_counts: dict[str, int] = field(default_factory=dict)


def source_failure(
    rows: int,
    missing_columns: list[str],
    row_count_ok: bool,
    min_rows: int,
    band: str,
    retyped: list[str] | None = None,
    quarantined: int = 0,
    max_share: float = 1.0,
    min_quarantined: int = 0,
) -> str | None:
    """The source-level finding that rejects a whole delivery, or None."""
    if missing_columns:
        return f"schema drift: columns missing from the delivery: {', '.join(missing_columns)}"
    if rows == 0:
        return "empty delivery: 0 rows"
    if retyped:
        return f"schema drift: {'; '.join(retyped)}"
    if not row_count_ok:
        kind = "collapsed delivery" if rows < min_rows else "row count jump"
        return f"{kind}: {rows} rows, outside {band}"
    if quarantined > min_quarantined and quarantined / rows > max_share:
        return (
            f"too many rows quarantined: {quarantined} of {rows} ({quarantined / rows:.1%}), "
            f"above the source's limit of {max_share:.1%}"
        )
    return None


def _delivered_label(dtype: str | None) -> str:
    """A delivered column type for a message: the typed file's own type, or "string"."""
    if dtype is None or dtype.lower() in ("string", "str", "utf8", "large_string", "null"):
        return "string"
    return dtype.lower()


def retyped_columns(
    con: duckdb.DuckDBPyConnection,
    source: Source,
    present: list[str],
    delivered_types: Mapping[str, str],
) -> list[str]:
    """Columns whose type no longer matches the contract: a parsed column (int, decimal,
    date) of which no delivered value parses while some are not empty. One message each,
    naming the column, the contract type and the delivered type."""
    if INVALID not in present:
        return []
    parsed = [c for c in source.columns if c.type in PARSED_TYPES and c.name in present]
    if not parsed:
        return []
    aggregates = []
    for c in parsed:
        path = lit(f'$."{c.name}"')
        aggregates += [
            f"count({ident(c.name)})",
            f"count_if(json_extract_string({ident(INVALID)}, {path}) IS NOT NULL)",
        ]
    row = con.execute(f"SELECT {', '.join(aggregates)} FROM {CHECKED}").fetchone()
    assert row is not None
    found = []
    for i, c in enumerate(parsed):
        ok, bad = int(row[2 * i] or 0), int(row[2 * i + 1] or 0)
        if bad and not ok:
            found.append(
                f"column {c.name} delivered as {_delivered_label(delivered_types.get(c.name))}, "
                f"contract type {c.type} ({bad} values, none parses)"
            )
    return found


@dataclass(frozen=True)
class _RowCheck:
    index: int
    expectation: Expectation
    sql: Compiled
    reason_code: str
    reason: str


def connect(threads: int | None = None) -> duckdb.DuckDBPyConnection:
    """A DuckDB connection with the validation macros."""
    con = duck.connect()
    if threads:
        con.execute(f"SET threads = {int(threads)}")
    for macro in MACROS:
        con.execute(macro)
    return con


def scan_sql(files: list[Path]) -> str:
    return "read_parquet([" + ", ".join(lit(str(f)) for f in files) + "])"


def _columns(e: Expectation) -> list[str]:
    kwargs = e.configuration.kwargs
    cols = [kwargs[k] for k in ("column", "column_A", "column_B") if k in kwargs]
    return cols + list(kwargs.get("column_list", []))


def _reason_sql(check: _RowCheck) -> str:
    if check.expectation.configuration.kwargs.get("column") == "_invalid":
        keys = "coalesce(try(array_to_string(json_keys(\"_invalid\"), ', ')), '?')"
        return f"'does not parse to its contract type: ' || {keys}"
    return lit(check.reason)


def _codes_and_reasons(
    checks: list[_RowCheck], rejected: str | None, verified: bool = False
) -> tuple[str, str]:
    """SQL for the ordered list of reason codes and the human reason text of a row (a refused
    exchange answer's code first)."""
    codes, texts = [], []
    if verified:
        codes.append(VERDICT_CODE)
        texts.append(VERDICT_REASON)
    for code in [str(c) for c in b.REASON_PRIORITY]:
        group = [c for c in checks if c.reason_code == code]
        if not group:
            continue
        flags = " OR ".join(f"hd_f{c.index}" for c in group)
        codes.append(f"CASE WHEN {flags} THEN {lit(code)} END")
        texts += [f"CASE WHEN hd_f{c.index} THEN {_reason_sql(c)} END" for c in group]
    if rejected is not None:
        codes.append(lit(b.DELIVERY_REJECTED))
        texts.append(lit(rejected))
    code_list = "list_filter([" + ", ".join(codes) + "]::VARCHAR[], lambda x: x IS NOT NULL)"
    return code_list, "concat_ws('; ', " + ", ".join(texts) + ")"


def run_suite(
    con: duckdb.DuckDBPyConnection,
    source: Source,
    run_date: date,
    files: list[Path],
    min_rows: int,
    max_rows: int | None,
) -> tuple[list[Expectation], list[_RowCheck], list[str], dict[str, Any]]:
    """Compute the flags temp table and the counts of every expectation."""
    parameters = {"delivery_date": run_date, "min_rows": min_rows, "max_rows": max_rows}
    expectations = substitute(build_suite(source.name), parameters)
    scan = scan_sql(files)
    present = [r[0] for r in con.execute(f"DESCRIBE SELECT * FROM {scan}").fetchall()]
    checks = [
        _RowCheck(i, e, compile_expectation(e), e.meta["reason_code"], e.meta["reason"])
        for i, e in enumerate(expectations)
        if e.expectation_type not in TABLE_LEVEL and set(_columns(e)) <= set(present)
    ]
    flags = "".join(f", {c.sql.fail} AS hd_f{c.index}" for c in checks)
    any_fail = " OR ".join(f"hd_f{c.index}" for c in checks) or "FALSE"
    if add_verdicts(con, source, run_date, files, scan):  # answers: signature, query, consent
        scan = f"(SELECT * FROM {scan} LEFT JOIN {VERDICTS} USING (_file, _line))"
        any_fail = f"{VERDICT_CODE} IS NOT NULL OR {any_fail}"
    con.execute(
        f"CREATE OR REPLACE TEMP TABLE {CHECKED} AS SELECT *, ({any_fail}) AS hd_any "
        f"FROM (SELECT *{flags} FROM {scan})"
    )
    aggregates = ["count(*)", "count_if(hd_any)"]
    for c in checks:
        aggregates.append(f"count_if(hd_f{c.index})")
        if c.sql.domain is not None:
            aggregates.append(f"count_if({c.sql.domain})")
        elif c.sql.column is not None:
            aggregates.append(f"count(*) - count({ident(c.sql.column)})")
    row = con.execute(f"SELECT {', '.join(aggregates)} FROM {CHECKED}").fetchone()
    assert row is not None
    row = tuple(int(v or 0) for v in row)  # aggregates over no rows are NULL
    counts: dict[str, Any] = {"row_count": row[0], "any": row[1], "columns": present}
    position = 2
    for c in checks:
        entry = {"unexpected": row[position]}
        key = "filtered" if c.sql.domain is not None else "nulls"
        entry[key] = row[position + 1]
        position += 2
        counts[f"check{c.index}"] = entry
    return expectations, checks, present, {**counts, "parameters": parameters}


def validate_delivery(
    con: duckdb.DuckDBPyConnection,
    source: Source,
    run_date: date,
    files: list[Path],
    min_rows: int,
    max_rows: int | None,
    validated_path: Path,
    quarantine_path: Path,
    band: str,
    delivered_types: Mapping[str, str] | None = None,
) -> SourceRun:
    """Validate one landed delivery and write its quarantine and validated parquet.

    When a source-level check fails (schema drift: a column missing or retyped, empty, row
    count outside ``band``, a text such as "the band 50-200 rows around ...", or more rows
    quarantined than the source's ``quarantine_max_share``) the whole delivery is quarantined
    with DELIVERY_REJECTED and nothing is validated. ``delivered_types`` (the landing
    manifest's) names a retyped column's delivered type.
    """
    expectations, checks, present, counts = run_suite(
        con, source, run_date, files, min_rows, max_rows
    )
    n = counts["row_count"]
    by_index = {c.index: c for c in checks}
    results: list[ExpectationValidationResult] = []
    for i, e in enumerate(expectations):
        if e.expectation_type in TABLE_LEVEL:
            results.append(validation_result(e, {"row_count": n, "columns": present}))
        elif i in by_index:
            results.append(validation_result(e, {"row_count": n, **counts[f"check{i}"]}))
        else:
            missing = sorted(set(_columns(e)) - set(present))
            results.append(not_evaluated(e, f"column missing: {', '.join(missing)}"))
    missing_columns = [
        e.configuration.kwargs["column"]
        for e, r in zip(expectations, results, strict=True)
        if e.expectation_type == "expect_column_to_exist" and not r.success
    ]
    row_count_ok = all(
        r.success
        for e, r in zip(expectations, results, strict=True)
        if e.expectation_type == "expect_table_row_count_to_be_between"
    )
    run = SourceRun(
        rows_landed=n,
        rows_loaded=0,
        rows_quarantined=0,
        suite_result=suite_result(
            source.name, run_date, results, counts["parameters"], [f.name for f in files]
        ),
        missing_columns=missing_columns,
        row_count_ok=row_count_ok,
    )
    retyped = retyped_columns(con, source, present, delivered_types or {})
    run.failure = source_failure(
        n,
        missing_columns,
        row_count_ok,
        min_rows,
        band,
        retyped,
        counts["any"],
        source.quarantine_max_share,
        source.quarantine_min_rows,
    )
    rejected = None if run.failure is None else f"delivery rejected: {run.failure}"
    _write_quarantine(con, source, run_date, checks, present, rejected, quarantine_path)
    run.rows_quarantined = n if rejected is not None else counts["any"]
    run.rows_loaded = n - run.rows_quarantined
    if rejected is None:
        _write_validated(con, source, present, validated_path)
        _write_quarantined_keys(con, source, present, quarantined_keys_path(validated_path))
    run.reason_counts = dict(
        con.execute(
            f"SELECT reason_code, count(*) FROM read_parquet({lit(str(quarantine_path))}) "
            "GROUP BY 1 ORDER BY 2 DESC, 1"
        ).fetchall()
    )
    con.execute(f"DROP TABLE IF EXISTS {CHECKED}")
    con.execute(f"DROP TABLE IF EXISTS {VERDICTS}")
    return run


def _write_quarantine(
    con: duckdb.DuckDBPyConnection,
    source: Source,
    run_date: date,
    checks: list[_RowCheck],
    present: list[str],
    rejected: str | None,
    path: Path,
) -> None:
    columns = {r[0] for r in con.execute(f"DESCRIBE {CHECKED}").fetchall()}
    codes, reasons = _codes_and_reasons(checks, rejected, VERDICT_CODE in columns)
    file_sql = "_file" if "_file" in present else "NULL::VARCHAR"
    line_sql = "_line" if "_line" in present else "NULL::BIGINT"
    where = "TRUE" if rejected is not None else "hd_any"
    path.parent.mkdir(parents=True, exist_ok=True)
    con.execute(
        f"""COPY (
            SELECT {lit(source.name)} AS source, {lit(run_date)} AS run_date,
                   CAST(file AS VARCHAR) AS file, CAST(line AS BIGINT) AS line,
                   codes[1] AS reason_code, reason, codes AS reason_codes
            FROM (SELECT {file_sql} AS file, {line_sql} AS line, {codes} AS codes,
                         {reasons} AS reason
                  FROM {CHECKED} WHERE {where})
        ) TO {lit(str(path))} (FORMAT parquet)"""
    )


def _write_quarantined_keys(
    con: duckdb.DuckDBPyConnection, source: Source, present: list[str], path: Path
) -> None:
    """The persons (ID columns, key_kind 'person') and households (the household number of
    hukou, case and request rows, key_kind = the result kind) named by the rows quarantined
    from an accepted delivery: their data of this source is incomplete for the run."""
    keys = [(c.name, "person") for c in source.columns if c.type == "id_number"]
    if source.name in HOUSEHOLD_KEY_COLUMNS:
        keys.append(HOUSEHOLD_KEY_COLUMNS[source.name])
    selects = [
        f"SELECT {lit(kind)} AS key_kind, upper(trim(CAST({ident(col)} AS VARCHAR))) AS key "
        f"FROM {CHECKED} WHERE hd_any"
        for col, kind in keys
        if col in present
    ] or ["SELECT NULL::VARCHAR AS key_kind, NULL::VARCHAR AS key WHERE FALSE"]
    tmp = path.with_name(path.name + ".tmp")
    con.execute(
        f"COPY (SELECT DISTINCT key_kind, key FROM ({' UNION ALL '.join(selects)}) "
        f"WHERE key IS NOT NULL AND key <> '' ORDER BY key_kind, key) "
        f"TO {lit(str(tmp))} (FORMAT parquet)"
    )
    os.replace(tmp, path)


def _write_validated(
    con: duckdb.DuckDBPyConnection, source: Source, present: list[str], path: Path
) -> None:
    columns = [*source.column_names, "_file", "_line"]
    select = ", ".join(ident(c) for c in columns if c in present)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    con.execute(
        f"COPY (SELECT {select} FROM {CHECKED} WHERE NOT hd_any) TO {lit(str(tmp))} "
        "(FORMAT parquet)"
    )
    os.replace(tmp, path)
