"""The business rules of the source contract, as one declarative table.

Rules come in three layers, all data: by contract type (every id_number column gets the GB 11643
check, ...), by column name (household_no, district_code, street_code wherever they appear) and
per source (the rules a column note states). :mod:`hedui.validation.suites` turns them, together
with the structural rules derived from the registry, into one GX suite per source.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from hedui.reason_codes import Reason

DELIVERY_DATE = {"$PARAMETER": "delivery_date"}
MIN_ROWS = {"$PARAMETER": "min_rows"}
MAX_ROWS = {"$PARAMETER": "max_rows"}

#: Row-count band vs the previous delivery of the same source (fractions of its row count).
ROW_COUNT_BAND = (0.5, 2.0)

#: Date columns that may lie after the delivery date (validity and end dates); every other date
#: column is an event date and may not.
VALIDITY_DATES = frozenset({"cert_valid_until", "end_date", "benefit_end"})

#: The column a window source's window applies to (periods, or dates for date-keyed sources).
WINDOW_COLUMNS = {
    "tax": "period",
    "social_insurance": "period",
    "housing_fund": "period",
    "death": "death_date",
    "medical_claims": "settle_date",
    "verification_request": "requested_at",
    "cross_region_answer": "as_of",
}

PERIOD_REGEX = r"^[0-9]{4}-(?:0[1-9]|1[0-2])$"


@dataclass(frozen=True)
class Check:
    """One rule: a GX expectation type, its kwargs, and what a failing row means."""

    name: str  # unique within a suite, e.g. "id_checksum:id_number"
    expectation: str
    kwargs: dict[str, Any]
    reason: str  # human text for the quarantine table; never a value
    reason_code: Reason | None = None  # None: a source-level check
    extra_meta: dict[str, Any] = field(default_factory=dict)


def _between(column: str, code: Reason, text: str, **bounds: Any) -> Check:
    return Check(
        f"{code.lower()}:{column}",
        "expect_column_values_to_be_between",
        {"column": column, **bounds},
        f"{column}: {text}",
        code,
    )


def _regex(column: str, pattern: str, text: str) -> Check:
    return Check(
        f"format:{column}",
        "expect_column_values_to_match_regex",
        {"column": column, "regex": pattern},
        f"{column}: {text}",
        Reason.FORMAT_INVALID,
    )


def _agrees(id_column: str, column: str) -> Check:
    return Check(
        f"id_agrees:{column}",
        "expect_column_pair_values_to_agree_with_id_number",
        {
            "column_A": id_column,
            "column_B": column,
            "attribute": column,
            "ignore_row_if": "either_value_is_missing",
        },
        f"{column}: disagrees with the ID number",
        Reason.ID_MISMATCH,
    )


def _required_when(column: str, condition: str, values: list[str]) -> Check:
    return Check(
        f"required_when:{column}",
        "expect_column_values_to_not_be_null_when",
        {
            "column_list": [column, condition],
            "value_set": values,
            "ignore_row_if": "all_values_are_missing",
        },
        f"{column}: required when {condition} is {' or '.join(values)}",
        Reason.CONDITIONAL_REQUIRED,
    )


def _arithmetic(result: str, a: str, op: str, b: str, tolerance: float, text: str) -> Check:
    return Check(
        f"total:{result}",
        "expect_multicolumn_values_to_satisfy_arithmetic",
        {
            "column_list": [result, a, b],
            "operator": op,
            "tolerance": tolerance,
            "ignore_row_if": "any_value_is_missing",
        },
        f"{result}: not {a} {op} {b} {text}",
        Reason.TOTAL_MISMATCH,
    )


#: Rules by contract column type: (expectation, reason code, reason text).
TYPE_RULES: dict[str, tuple[str, Reason, str]] = {
    "id_number": (
        "expect_column_values_to_be_valid_id_number",
        Reason.ID_CHECKSUM,
        "not a valid GB 11643 ID number (format or check character)",
    ),
    "uscc": (
        "expect_column_values_to_be_valid_uscc",
        Reason.USCC_CHECKSUM,
        "not a valid GB 32100 unified social credit code (format or check character)",
    ),
}

#: Rules by column name, wherever the column appears.
COLUMN_RULES: dict[str, Check] = {
    "household_no": _regex("household_no", r"^[0-9]{9}$", "not 9 digits"),
    "district_code": _regex("district_code", r"^12[0-9]{4}$", "not a 6-digit 12xxxx code"),
    "street_code": _regex("street_code", r"^12[0-9]{7}$", "not a 9-digit 12xxxxxxx code"),
}

_SI_ITEMS = {
    "contribution": ["pension", "unemployment", "injury"],
    "benefit": [
        "enterprise_pension",
        "public_pension",
        "resident_pension",
        "unemployment_benefit",
        "injury_benefit",
    ],
}

#: Rules stated by the column notes of one source.
SOURCE_RULES: dict[str, list[Check]] = {
    "hukou": [
        _agrees("id_number", "birth_date"),
        _agrees("id_number", "gender"),
        _required_when("status_date", "status", ["deceased", "moved_out"]),
    ],
    "real_estate": [
        _between(
            "share_ratio",
            Reason.RANGE_INVALID,
            "outside (0, 1]",
            min_value=0,
            max_value=1,
            strict_min=True,
        ),
        Check(
            "share_sum:cert_no",
            "expect_multicolumn_group_sum_to_equal",
            {
                "column_list": ["cert_no", "share_ratio"],
                "sum_total": 1.0,
                "tolerance": 0.0001,
                "ignore_row_if": "any_value_is_missing",
            },
            "share_ratio: shares of the certificate do not sum to 1",
            Reason.SHARE_SUM,
        ),
    ],
    "social_insurance": [
        Check(
            "item_for_record_type:item",
            "expect_column_pair_values_to_be_in_set",
            {
                "column_A": "record_type",
                "column_B": "item",
                "value_pairs_set": [[t, i] for t, items in _SI_ITEMS.items() for i in items],
                "ignore_row_if": "both_values_are_missing",
            },
            "item: not an item of this record_type",
            Reason.ENUM_INVALID,
        ),
    ],
    "market_entity": [_required_when("subscribed_capital", "role", ["investor"])],
    "disability": [
        _between("disability_grade", Reason.RANGE_INVALID, "outside 1-4", min_value=1, max_value=4),
    ],
    "medical_claims": [
        _arithmetic("total_cost", "fund_paid", "+", "out_of_pocket", 0.005, "to the cent"),
    ],
    "stock": [
        _between("quantity", Reason.NEGATIVE_AMOUNT, "negative", min_value=0),
        _arithmetic("market_value", "quantity", "*", "close_price", 0.005, "to the cent"),
    ],
    "fund": [_arithmetic("market_value", "shares", "*", "nav", 0.01, "within 0.01")],
}

#: Decimal columns with a range rule of their own instead of "not negative".
RANGED_DECIMALS = frozenset({"share_ratio"})

#: The order in which a quarantined row's codes are reported; the first is its reason_code.
#: Row-specific findings come before derived ones (a TYPE_INVALID value also leaves a required
#: column empty; a future birth date also disagrees with the ID) and group findings come last.
REASON_PRIORITY: tuple[Reason, ...] = (
    Reason.TYPE_INVALID,
    Reason.ID_CHECKSUM,
    Reason.USCC_CHECKSUM,
    Reason.ENUM_INVALID,
    Reason.FORMAT_INVALID,
    Reason.RANGE_INVALID,
    Reason.NEGATIVE_AMOUNT,
    Reason.FUTURE_DATE,
    Reason.PERIOD_OUT_OF_WINDOW,
    Reason.ID_MISMATCH,
    Reason.TOTAL_MISMATCH,
    Reason.CONDITIONAL_REQUIRED,
    Reason.REQUIRED_MISSING,
    Reason.DUPLICATE_KEY,
    Reason.SHARE_SUM,
)

#: Source-level quarantine code (not a row defect, so not in the shared Reason enum): the whole
#: delivery failed a source-level check and every landed row is quarantined with it, so that
#: rows_landed = rows_loaded + rows_quarantined holds.
DELIVERY_REJECTED = "DELIVERY_REJECTED"
