"""Row-level data-quality reason codes shared by the generator's ground truth and validation."""

from __future__ import annotations

from enum import StrEnum


class Reason(StrEnum):
    """Why a delivered row is quarantined. One code per failed rule family."""

    TYPE_INVALID = "TYPE_INVALID"  # int / decimal / date / period text that does not parse
    REQUIRED_MISSING = "REQUIRED_MISSING"  # empty value in a required column
    CONDITIONAL_REQUIRED = "CONDITIONAL_REQUIRED"  # required by a note (status_date, capital)
    ENUM_INVALID = "ENUM_INVALID"  # value outside the contract's allowed set
    ID_CHECKSUM = "ID_CHECKSUM"  # ID number malformed or wrong GB 11643 check character
    ID_MISMATCH = "ID_MISMATCH"  # birth date / gender disagree with the ID number (hukou)
    USCC_CHECKSUM = "USCC_CHECKSUM"  # unified social credit code malformed or wrong check char
    FORMAT_INVALID = "FORMAT_INVALID"  # household_no, district or street code pattern
    RANGE_INVALID = "RANGE_INVALID"  # share_ratio outside (0, 1], grade outside 1-4, ...
    NEGATIVE_AMOUNT = "NEGATIVE_AMOUNT"  # an amount below zero
    TOTAL_MISMATCH = "TOTAL_MISMATCH"  # total_cost, market value = quantity x price, shares x nav
    SHARE_SUM = "SHARE_SUM"  # shares of one certificate do not sum to 1
    FUTURE_DATE = "FUTURE_DATE"  # an event date after the delivery date
    PERIOD_OUT_OF_WINDOW = "PERIOD_OUT_OF_WINDOW"  # a period/date outside the delivery window
    DUPLICATE_KEY = "DUPLICATE_KEY"  # primary key delivered more than once
