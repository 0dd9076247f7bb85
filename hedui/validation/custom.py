"""Custom Great Expectations expectations for the contract's business rules.

Each is a real GX expectation (a subclass of GX's map expectation bases with a pandas metric),
so every suite in ``expectations/`` is valid GX and can be run by GX itself. Production runs
compile the same configurations to DuckDB SQL (:mod:`hedui.validation.compiler`); the parity
test proves both agree.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import ClassVar, Literal

import pandas as pd
from great_expectations.compatibility import pydantic
from great_expectations.core.suite_parameters import SuiteParameterDict
from great_expectations.execution_engine import PandasExecutionEngine
from great_expectations.expectations.expectation import (
    ColumnMapExpectation,
    ColumnPairMapExpectation,
    MulticolumnMapExpectation,
)
from great_expectations.expectations.metrics.map_metric_provider import (
    ColumnMapMetricProvider,
    ColumnPairMapMetricProvider,
    MulticolumnMapMetricProvider,
    column_condition_partial,
    column_pair_condition_partial,
)
from great_expectations.expectations.metrics.map_metric_provider.multicolumn_condition_partial import (  # noqa: E501
    multicolumn_condition_partial,
)
from great_expectations.render import RenderedStringTemplateContent
from great_expectations.render.components import LegacyRendererType
from great_expectations.render.renderer.renderer import renderer

from hedui.idnumbers import id_birth_date, id_gender, is_valid_id_number, is_valid_uscc
from hedui.validation.windows import window_bounds

_LIBRARY = {"maturity": "experimental", "tags": ["hedui"], "contributors": ["hedui"]}


def _as_date(value: object) -> date:
    if isinstance(value, pd.Timestamp):
        return value.date()
    if isinstance(value, date):
        return value
    return date.fromisoformat(str(value)[:10])


def _as_decimal(value: object) -> Decimal:
    return value if isinstance(value, Decimal) else Decimal(str(value))


class _Described:
    """Data Docs text of a custom expectation: its docstring's first line and its columns."""

    @classmethod
    @renderer(renderer_type=LegacyRendererType.PRESCRIPTIVE)
    def _prescriptive_renderer(
        cls, configuration: object = None, result: object = None, **kwargs: object
    ) -> list[RenderedStringTemplateContent]:
        config = configuration or getattr(result, "expectation_config", None)
        args = dict(getattr(config, "kwargs", {}) or {})
        columns = [args[k] for k in ("column", "column_A", "column_B") if k in args]
        columns += list(args.get("column_list", []))
        summary = (cls.__doc__ or "").strip().splitlines()[0]
        return [
            RenderedStringTemplateContent(
                content_block_type="string_template",
                string_template={
                    "template": f"{summary} Columns: {', '.join(columns)}.",
                    "params": {},
                    "styling": {},
                },
            )
        ]


# ------------------------------------------------------------------ ID numbers and USCC


class ColumnValuesValidIdNumber(ColumnMapMetricProvider):
    condition_metric_name = "column_values.hedui_valid_id_number"

    @column_condition_partial(engine=PandasExecutionEngine)
    def _pandas(cls, column: pd.Series, **kwargs: object) -> pd.Series:
        return column.map(lambda v: is_valid_id_number(str(v))).astype(bool)


class ExpectColumnValuesToBeValidIdNumber(_Described, ColumnMapExpectation):
    """Expect 18-character resident ID numbers with a right GB 11643 check character."""

    map_metric = "column_values.hedui_valid_id_number"
    library_metadata: ClassVar[dict] = _LIBRARY


class ColumnValuesValidUscc(ColumnMapMetricProvider):
    condition_metric_name = "column_values.hedui_valid_uscc"

    @column_condition_partial(engine=PandasExecutionEngine)
    def _pandas(cls, column: pd.Series, **kwargs: object) -> pd.Series:
        return column.map(lambda v: is_valid_uscc(str(v))).astype(bool)


class ExpectColumnValuesToBeValidUscc(_Described, ColumnMapExpectation):
    """Expect 18-character unified social credit codes with a right GB 32100 check character."""

    map_metric = "column_values.hedui_valid_uscc"
    library_metadata: ClassVar[dict] = _LIBRARY


class ColumnPairAgreesWithIdNumber(ColumnPairMapMetricProvider):
    condition_metric_name = "column_pair_values.hedui_agree_with_id_number"
    condition_value_keys = ("attribute",)

    @column_pair_condition_partial(engine=PandasExecutionEngine)
    def _pandas(
        cls, column_A: pd.Series, column_B: pd.Series, attribute: str, **kwargs: object
    ) -> pd.Series:
        def agrees(id_number: object, value: object) -> bool:
            text = str(id_number)
            if not is_valid_id_number(text):
                return True  # a malformed ID is the checksum rule's finding, not this one's
            if attribute == "birth_date":
                return id_birth_date(text) == _as_date(value)
            return id_gender(text) == str(value)

        return pd.Series(
            [agrees(a, b) for a, b in zip(column_A, column_B, strict=True)],
            index=column_A.index,
            dtype=bool,
        )


class ExpectColumnPairValuesToAgreeWithIdNumber(_Described, ColumnPairMapExpectation):
    """Expect column_B (birth date or gender) to agree with the ID number in column_A."""

    attribute: Literal["birth_date", "gender"]
    ignore_row_if: Literal["both_values_are_missing", "either_value_is_missing", "neither"] = (
        "either_value_is_missing"
    )
    map_metric = "column_pair_values.hedui_agree_with_id_number"
    domain_keys = (
        "batch_id",
        "column_A",
        "column_B",
        "row_condition",
        "condition_parser",
        "ignore_row_if",
    )
    success_keys = ("mostly", "attribute")
    args_keys = ("column_A", "column_B", "attribute")
    library_metadata: ClassVar[dict] = _LIBRARY


# ------------------------------------------------------------------ dates and windows


class ColumnValuesInDeliveryWindow(ColumnMapMetricProvider):
    condition_metric_name = "column_values.hedui_in_delivery_window"
    condition_value_keys = ("window_months", "granularity", "delivery_date")

    @column_condition_partial(engine=PandasExecutionEngine)
    def _pandas(
        cls,
        column: pd.Series,
        window_months: int,
        granularity: str,
        delivery_date: object,
        **kwargs: object,
    ) -> pd.Series:
        low, high = window_bounds(_as_date(delivery_date), window_months, granularity)
        if granularity == "period":
            return column.map(lambda v: low <= str(v) <= high).astype(bool)
        return column.map(lambda v: low <= _as_date(v) <= high).astype(bool)


class ExpectColumnValuesToBeInDeliveryWindow(_Described, ColumnMapExpectation):
    """Expect periods (YYYY-MM) or dates inside the delivery window of a window source.

    ``period``: the ``window_months`` full months before the delivery date. ``date``: those
    months plus the delivery month up to the day before the delivery date.
    """

    window_months: int
    granularity: Literal["period", "date"]
    delivery_date: date | str | SuiteParameterDict
    map_metric = "column_values.hedui_in_delivery_window"
    success_keys = ("mostly", "window_months", "granularity", "delivery_date")
    args_keys = ("column", "window_months", "granularity", "delivery_date")
    library_metadata: ClassVar[dict] = _LIBRARY


# ------------------------------------------------------------------ multi-column rules


class MulticolumnValuesRequiredWhen(MulticolumnMapMetricProvider):
    condition_metric_name = "multicolumn_values.hedui_required_when"
    condition_value_keys = ("value_set",)
    condition_domain_keys = (
        "batch_id",
        "table",
        "column_list",
        "row_condition",
        "condition_parser",
        "ignore_row_if",
    )

    @multicolumn_condition_partial(engine=PandasExecutionEngine)
    def _pandas(cls, column_list: pd.DataFrame, value_set: list, **kwargs: object) -> pd.Series:
        target, condition = column_list.columns[0], column_list.columns[1]
        triggered = column_list[condition].isin(list(value_set))
        return ~(triggered & column_list[target].isna())


class ExpectColumnValuesToNotBeNullWhen(_Described, MulticolumnMapExpectation):
    """Expect the first column to be present on rows whose second column is in value_set."""

    value_set: list[str]
    map_metric = "multicolumn_values.hedui_required_when"
    success_keys = ("mostly", "value_set")
    args_keys = ("column_list", "value_set")
    library_metadata: ClassVar[dict] = _LIBRARY


class MulticolumnArithmeticHolds(MulticolumnMapMetricProvider):
    condition_metric_name = "multicolumn_values.hedui_arithmetic_holds"
    condition_value_keys = ("operator", "tolerance")
    condition_domain_keys = MulticolumnValuesRequiredWhen.condition_domain_keys

    @multicolumn_condition_partial(engine=PandasExecutionEngine)
    def _pandas(
        cls, column_list: pd.DataFrame, operator: str, tolerance: float, **kwargs: object
    ) -> pd.Series:
        tol = _as_decimal(tolerance)

        def holds(row: tuple) -> bool:
            result, a, b = (_as_decimal(v) for v in row)
            expected = a + b if operator == "+" else a * b
            return abs(result - expected) <= tol

        return pd.Series(
            [holds(r) for r in column_list.itertuples(index=False)],
            index=column_list.index,
            dtype=bool,
        )


class ExpectMulticolumnValuesToSatisfyArithmetic(_Described, MulticolumnMapExpectation):
    """Expect the first column to equal the second (operator) the third, within tolerance."""

    operator: Literal["+", "*"]
    tolerance: float = pydantic.Field(ge=0)
    ignore_row_if: Literal["all_values_are_missing", "any_value_is_missing", "never"] = (
        "any_value_is_missing"
    )
    map_metric = "multicolumn_values.hedui_arithmetic_holds"
    success_keys = ("mostly", "operator", "tolerance")
    args_keys = ("column_list", "operator", "tolerance")
    library_metadata: ClassVar[dict] = _LIBRARY


class MulticolumnGroupSumEquals(MulticolumnMapMetricProvider):
    condition_metric_name = "multicolumn_values.hedui_group_sum_equals"
    condition_value_keys = ("sum_total", "tolerance")
    condition_domain_keys = MulticolumnValuesRequiredWhen.condition_domain_keys

    @multicolumn_condition_partial(engine=PandasExecutionEngine)
    def _pandas(
        cls, column_list: pd.DataFrame, sum_total: float, tolerance: float, **kwargs: object
    ) -> pd.Series:
        keys, value = list(column_list.columns[:-1]), column_list.columns[-1]
        values = column_list[value].map(_as_decimal)
        sums = values.groupby([column_list[k] for k in keys]).transform(lambda s: sum(s))
        target, tol = _as_decimal(sum_total), _as_decimal(tolerance)
        return sums.map(lambda s: abs(s - target) <= tol).astype(bool)


class ExpectMulticolumnGroupSumToEqual(_Described, MulticolumnMapExpectation):
    """Expect the last column summed over rows sharing the other columns to equal sum_total.

    Every row of a group whose sum is off by more than ``tolerance`` is unexpected.
    """

    sum_total: float
    tolerance: float = pydantic.Field(ge=0)
    ignore_row_if: Literal["all_values_are_missing", "any_value_is_missing", "never"] = (
        "any_value_is_missing"
    )
    map_metric = "multicolumn_values.hedui_group_sum_equals"
    success_keys = ("mostly", "sum_total", "tolerance")
    args_keys = ("column_list", "sum_total", "tolerance")
    library_metadata: ClassVar[dict] = _LIBRARY


CUSTOM_EXPECTATIONS = (
    ExpectColumnValuesToBeValidIdNumber,
    ExpectColumnValuesToBeValidUscc,
    ExpectColumnPairValuesToAgreeWithIdNumber,
    ExpectColumnValuesToBeInDeliveryWindow,
    ExpectColumnValuesToNotBeNullWhen,
    ExpectMulticolumnValuesToSatisfyArithmetic,
    ExpectMulticolumnGroupSumToEqual,
)
