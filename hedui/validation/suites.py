"""One GX ExpectationSuite per source, generated from the registry and the business rules.

The structural half comes from the contract (columns present, required, enum value sets, period
format, primary key uniqueness, row-count band); the business half from
:mod:`hedui.validation.business`. ``expectations/<source>.json`` holds each suite as
``suite.to_json_dict()``; a test keeps those files equal to what this module generates, and
:func:`write_suites` rewrites them.
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path

import great_expectations as gx
from great_expectations.expectations.expectation_configuration import ExpectationConfiguration

import hedui.validation.custom  # noqa: F401  (registers the custom expectations with GX)
from hedui.paths import expectations_dir
from hedui.reason_codes import Reason
from hedui.registry import Source, get_source, load_registry
from hedui.validation import business as b

META_COLUMNS = ("_file", "_line", "_invalid")


def _structural(source: Source) -> list[b.Check]:
    checks = [
        b.Check(
            f"column_exists:{name}",
            "expect_column_to_exist",
            {"column": name},
            f"{name}: column missing from the delivery",
            extra_meta={"level": "source"},
        )
        for name in [*source.column_names, *META_COLUMNS]
    ]
    checks.append(
        b.Check(
            "row_count_band",
            "expect_table_row_count_to_be_between",
            {"min_value": b.MIN_ROWS, "max_value": b.MAX_ROWS},
            "row count outside the band around the previous delivery",
            extra_meta={"level": "source", "band": list(b.ROW_COUNT_BAND)},
        )
    )
    checks.append(
        b.Check(
            "type_invalid:_invalid",
            "expect_column_values_to_be_null",
            {"column": "_invalid"},
            "a value does not parse to its contract type",
            Reason.TYPE_INVALID,
        )
    )
    for col in source.columns:
        if col.required:
            checks.append(
                b.Check(
                    f"required:{col.name}",
                    "expect_column_values_to_not_be_null",
                    {"column": col.name},
                    f"{col.name}: required value missing",
                    Reason.REQUIRED_MISSING,
                )
            )
        if col.type == "enum":
            checks.append(
                b.Check(
                    f"enum:{col.name}",
                    "expect_column_values_to_be_in_set",
                    {"column": col.name, "value_set": list(col.values)},
                    f"{col.name}: not an allowed value",
                    Reason.ENUM_INVALID,
                )
            )
        if col.type == "period":
            checks.append(
                b.Check(
                    f"period_format:{col.name}",
                    "expect_column_values_to_match_regex",
                    {"column": col.name, "regex": b.PERIOD_REGEX},
                    f"{col.name}: not a YYYY-MM period",
                    Reason.TYPE_INVALID,
                )
            )
    key = list(source.primary_key)
    unique = (
        ("expect_column_values_to_be_unique", {"column": key[0]})
        if len(key) == 1
        else (
            "expect_compound_columns_to_be_unique",
            {"column_list": key, "ignore_row_if": "all_values_are_missing"},
        )
    )
    checks.append(
        b.Check(
            "primary_key",
            unique[0],
            unique[1],
            f"primary key ({', '.join(key)}) delivered more than once",
            Reason.DUPLICATE_KEY,
        )
    )
    return checks


def _business(source: Source) -> list[b.Check]:
    checks: list[b.Check] = []
    for col in source.columns:
        if col.type in b.TYPE_RULES:
            expectation, code, text = b.TYPE_RULES[col.type]
            checks.append(
                b.Check(
                    f"{code.lower()}:{col.name}",
                    expectation,
                    {"column": col.name},
                    f"{col.name}: {text}",
                    code,
                )
            )
        if col.name in b.COLUMN_RULES:
            checks.append(b.COLUMN_RULES[col.name])
        if col.type == "decimal" and col.name not in b.RANGED_DECIMALS:
            checks.append(
                b.Check(
                    f"negative_amount:{col.name}",
                    "expect_column_values_to_be_between",
                    {"column": col.name, "min_value": 0},
                    f"{col.name}: negative",
                    Reason.NEGATIVE_AMOUNT,
                )
            )
        if col.type == "date" and col.name not in b.VALIDITY_DATES:
            checks.append(
                b.Check(
                    f"future_date:{col.name}",
                    "expect_column_values_to_be_between",
                    {"column": col.name, "max_value": b.DELIVERY_DATE},
                    f"{col.name}: after the delivery date",
                    Reason.FUTURE_DATE,
                )
            )
    if source.kind == "window":
        column = b.WINDOW_COLUMNS[source.name]
        granularity = "period" if source.column(column).type == "period" else "date"
        checks.append(
            b.Check(
                f"window:{column}",
                "expect_column_values_to_be_in_delivery_window",
                {
                    "column": column,
                    "window_months": source.window_months,
                    "granularity": granularity,
                    "delivery_date": b.DELIVERY_DATE,
                },
                f"{column}: outside the {source.window_months}-month delivery window",
                Reason.PERIOD_OUT_OF_WINDOW,
            )
        )
    checks.extend(b.SOURCE_RULES.get(source.name, []))
    return checks


def source_checks(source: Source) -> list[b.Check]:
    """Every check of a source, structural first, with unique names."""
    checks = _structural(source) + _business(source)
    names = [c.name for c in checks]
    duplicates = {n for n in names if names.count(n) > 1}
    if duplicates:
        raise ValueError(f"{source.name}: duplicate check names {sorted(duplicates)}")
    return checks


def _meta(check: b.Check) -> dict:
    meta = {"check": check.name, "reason": check.reason, **check.extra_meta}
    if check.reason_code is not None:
        meta["reason_code"] = str(check.reason_code)
    return meta


@cache
def build_suite(source_name: str) -> gx.ExpectationSuite:
    """The GX suite of one source."""
    source = get_source(source_name)
    expectations = [
        ExpectationConfiguration(
            type=check.expectation, kwargs=dict(check.kwargs), meta=_meta(check)
        ).to_domain_obj()
        for check in source_checks(source)
    ]
    return gx.ExpectationSuite(
        name=source_name,
        expectations=expectations,
        meta={
            "source": source_name,
            "generated_by": "hedui.validation.suites",
            "suite_parameters": ["delivery_date", "min_rows", "max_rows"],
        },
    )


def suite_json(source_name: str) -> str:
    """The committed text of ``expectations/<source>.json``."""
    payload = build_suite(source_name).to_json_dict()
    return json.dumps(payload, indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def write_suites(directory: Path | None = None) -> list[Path]:
    """Rewrite every ``expectations/<source>.json`` from the registry (CLI: regenerate suites)."""
    target = Path(directory or expectations_dir())
    target.mkdir(parents=True, exist_ok=True)
    paths = []
    for name in load_registry():
        path = target / f"{name}.json"
        path.write_text(suite_json(name), encoding="utf-8")
        paths.append(path)
    return paths


def stale_suites(directory: Path | None = None) -> list[str]:
    """Sources whose committed suite file differs from the generated one (or is missing)."""
    target = Path(directory or expectations_dir())
    stale = []
    for name in load_registry():
        path = target / f"{name}.json"
        if not path.exists() or path.read_text(encoding="utf-8") != suite_json(name):
            stale.append(name)
    return stale


if __name__ == "__main__":  # python -m hedui.validation.suites: regenerate expectations/*.json
    for written in write_suites():
        print(written)
