"""Compile GX expectation configurations to DuckDB SQL.

Every row-level expectation becomes a boolean *fail* expression (true only for rows GX counts as
unexpected) and, for multi-column kinds, a *domain* expression (the rows GX evaluates after
``ignore_row_if``), so one SELECT over the landing parquet yields all flags of a source. Table-level
expectations (columns present, row-count band) are answered from the table itself.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from great_expectations.expectations.expectation import Expectation

from hedui.idnumbers import ID_CHECK_CHARS, ID_WEIGHTS, USCC_ALPHABET, USCC_WEIGHTS
from hedui.validation.windows import window_bounds

TABLE_LEVEL = frozenset({"expect_column_to_exist", "expect_table_row_count_to_be_between"})


def _id_sum(s: str) -> str:
    return " + ".join(
        f"(ascii(substr({s}, {i + 1}, 1)) - 48) * {int(w)}" for i, w in enumerate(ID_WEIGHTS)
    )


def _uscc_sum(s: str) -> str:
    return " + ".join(
        f"(instr('{USCC_ALPHABET}', substr({s}, {i + 1}, 1)) - 1) * {int(w)}"
        for i, w in enumerate(USCC_WEIGHTS)
    )


#: DuckDB macros shared by the compiled checks and the hand-written bench baseline.
MACROS = (
    f"""CREATE OR REPLACE MACRO hd_valid_id(s) AS (
        length(s) = 18 AND regexp_full_match(s, '[0-9]{{17}}[0-9X]')
        AND substr(s, 7, 4) >= '0001' AND try_strptime(substr(s, 7, 8), '%Y%m%d') IS NOT NULL
        AND substr('{ID_CHECK_CHARS}', ({_id_sum("s")}) % 11 + 1, 1) = substr(s, 18, 1))""",
    f"""CREATE OR REPLACE MACRO hd_valid_uscc(s) AS (
        length(s) = 18 AND regexp_full_match(s, '[0-9A-HJ-NP-RTUW-Y]{{18}}')
        AND substr('{USCC_ALPHABET}', (31 - ({_uscc_sum("s")}) % 31) % 31 + 1, 1)
            = substr(s, 18, 1))""",
    """CREATE OR REPLACE MACRO hd_id_birth(s) AS
        CAST(try_strptime(substr(s, 7, 8), '%Y%m%d') AS DATE)""",
    """CREATE OR REPLACE MACRO hd_id_gender(s) AS
        CASE WHEN (ascii(substr(s, 17, 1)) - 48) % 2 = 1 THEN '1' ELSE '2' END""",
)


def ident(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def literal(value: Any) -> str:
    """A SQL literal for a kwarg value (text, number, date)."""
    if value is None:
        return "NULL"
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, date):
        return f"DATE '{value.isoformat()}'"
    if isinstance(value, int | float | Decimal):
        text = format(Decimal(str(value)), "f")
        return text if "." in text else f"{text}.0"
    return "'" + str(value).replace("'", "''") + "'"


@dataclass(frozen=True)
class Compiled:
    """SQL of one row-level expectation."""

    fail: str  # boolean, never NULL: the row is unexpected
    domain: str | None = None  # boolean: the row is evaluated (multi-column kinds)
    column: str | None = None  # the column whose nulls GX excludes (column-map kinds)


def _all_null(columns: list[str]) -> str:
    return "(" + " AND ".join(f"{ident(c)} IS NULL" for c in columns) + ")"


def _any_null(columns: list[str]) -> str:
    return "(" + " OR ".join(f"{ident(c)} IS NULL" for c in columns) + ")"


def _domain(columns: list[str], ignore_row_if: str) -> str:
    if ignore_row_if in ("all_values_are_missing", "both_values_are_missing"):
        return f"NOT {_all_null(columns)}"
    if ignore_row_if in ("any_value_is_missing", "either_value_is_missing"):
        return f"NOT {_any_null(columns)}"
    return "TRUE"


def _column_map(column: str, passes: str) -> Compiled:
    c = ident(column)
    return Compiled(f"({c} IS NOT NULL AND NOT coalesce({passes}, FALSE))", column=column)


def _between(e: Any) -> str:
    c, parts = ident(e.column), []
    if e.min_value is not None:
        parts.append(f"{c} {'>' if e.strict_min else '>='} {literal(e.min_value)}")
    if e.max_value is not None:
        parts.append(f"{c} {'<' if e.strict_max else '<='} {literal(e.max_value)}")
    return " AND ".join(parts) or "TRUE"


def _window(e: Any) -> str:
    low, high = window_bounds(_as_date(e.delivery_date), e.window_months, e.granularity)
    return f"{ident(e.column)} BETWEEN {literal(low)} AND {literal(high)}"


def _as_date(value: Any) -> date:
    return value if isinstance(value, date) else date.fromisoformat(str(value)[:10])


def _pair_in_set(e: Any) -> str:
    a, b = ident(e.column_A), ident(e.column_B)
    pairs = " OR ".join(
        f"({a} = {literal(x)} AND {b} = {literal(y)})" for x, y in e.value_pairs_set
    )
    return pairs or "FALSE"


def _agrees(e: Any) -> str:
    a, b = ident(e.column_A), ident(e.column_B)
    fn = "hd_id_birth" if e.attribute == "birth_date" else "hd_id_gender"
    return f"(NOT hd_valid_id({a}) OR {fn}({a}) = {b})"


def _arithmetic(e: Any) -> str:
    r, a, b = (ident(c) for c in e.column_list)
    expected = f"({a} + {b})" if e.operator == "+" else f"(CAST({a} AS DECIMAL(38, 8)) * {b})"
    return f"abs({r} - {expected}) <= {literal(e.tolerance)}"


def _group_sum(e: Any) -> str:
    keys, value = e.column_list[:-1], e.column_list[-1]
    total = f"sum({ident(value)}) OVER (PARTITION BY {', '.join(ident(k) for k in keys)})"
    return f"abs({total} - {literal(e.sum_total)}) <= {literal(e.tolerance)}"


def _duplicated(columns: list[str]) -> str:
    return f"count(*) OVER (PARTITION BY {', '.join(ident(c) for c in columns)}) > 1"


def _multi(columns: list[str], ignore_row_if: str, passes: str) -> Compiled:
    domain = _domain(columns, ignore_row_if)
    return Compiled(f"({domain} AND NOT coalesce({passes}, FALSE))", domain=domain)


def compile_expectation(e: Expectation) -> Compiled:
    """The SQL of one row-level expectation (suite parameters already substituted)."""
    kind = e.expectation_type
    x: Any = e
    if kind == "expect_column_values_to_not_be_null":
        return Compiled(f"({ident(x.column)} IS NULL)", column=x.column)
    if kind == "expect_column_values_to_be_null":
        return Compiled(f"({ident(x.column)} IS NOT NULL)", column=x.column)
    if kind == "expect_column_values_to_be_in_set":
        values = ", ".join(literal(v) for v in x.value_set)
        return _column_map(x.column, f"{ident(x.column)} IN ({values})")
    if kind == "expect_column_values_to_match_regex":
        return _column_map(x.column, f"regexp_matches({ident(x.column)}, {literal(x.regex)})")
    if kind == "expect_column_values_to_be_between":
        return _column_map(x.column, _between(x))
    if kind == "expect_column_values_to_be_unique":
        return _column_map(x.column, f"NOT ({_duplicated([x.column])})")
    if kind == "expect_column_values_to_be_valid_id_number":
        return _column_map(x.column, f"hd_valid_id({ident(x.column)})")
    if kind == "expect_column_values_to_be_valid_uscc":
        return _column_map(x.column, f"hd_valid_uscc({ident(x.column)})")
    if kind == "expect_column_values_to_be_in_delivery_window":
        return _column_map(x.column, _window(x))
    if kind == "expect_compound_columns_to_be_unique":
        return _multi(x.column_list, x.ignore_row_if, f"NOT ({_duplicated(x.column_list)})")
    if kind == "expect_column_pair_values_to_be_in_set":
        return _multi([x.column_A, x.column_B], x.ignore_row_if, _pair_in_set(x))
    if kind == "expect_column_pair_values_to_agree_with_id_number":
        return _multi([x.column_A, x.column_B], x.ignore_row_if, _agrees(x))
    if kind == "expect_column_values_to_not_be_null_when":
        target, condition = (ident(c) for c in x.column_list)
        values = ", ".join(literal(v) for v in x.value_set)
        passes = f"NOT ({condition} IN ({values}) AND {target} IS NULL)"
        return _multi(x.column_list, x.ignore_row_if, passes)
    if kind == "expect_multicolumn_values_to_satisfy_arithmetic":
        return _multi(x.column_list, x.ignore_row_if, _arithmetic(x))
    if kind == "expect_multicolumn_group_sum_to_equal":
        return _multi(x.column_list, x.ignore_row_if, _group_sum(x))
    raise NotImplementedError(f"no DuckDB compilation for {kind}")
