"""A column whose type no longer matches the contract fails the source with a drift message
(Parquet, JSONL, XLSX); so does a delivery of which more rows are quarantined than the source's
limit (registry ``quarantine_max_share``, default 5 %)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import polars as pl
import pyarrow.parquet as pq

from connectors import FileConnector
from hedui.delivery import delivery_dir, write_source_file
from hedui.landing import land_source
from hedui.registry import (
    DEFAULT_QUARANTINE_MAX_SHARE,
    DEFAULT_QUARANTINE_MIN_ROWS,
    get_source,
    load_registry,
)
from hedui.validation import validate_run
from hedui_testing.synthetic import clean_table

D = date(2026, 11, 27)
ROWS = 40


def _frame(source: str, rows: int = ROWS) -> pl.DataFrame:
    df = pl.from_arrow(clean_table(get_source(source), rows, D))
    assert isinstance(df, pl.DataFrame)
    return df


def _deliver_and_validate(tmp_path: Path, source: str, df: pl.DataFrame) -> dict:
    contract = get_source(source)
    folder = delivery_dir(tmp_path / "inbox", source, D)
    write_source_file(contract, df, folder / f"{source}.{contract.format}")
    (folder / "_SUCCESS").write_bytes(b"")
    landed = land_source(source, D, FileConnector(tmp_path / "inbox"), tmp_path / "landing")
    assert landed.status == "landed", landed.error
    run = validate_run(
        D,
        tmp_path / "landing",
        tmp_path / "validated",
        tmp_path / "dq",
        landing_statuses={source: landed},
        sources=[source],
        render_docs=False,
    )
    rows = {r["source"]: r for r in pq.read_table(run.dq_source_runs_path).to_pylist()}
    return rows[source]


def test_parquet_with_a_retyped_date_column_fails_as_drift(tmp_path: Path) -> None:
    assert get_source("hukou").format == "parquet"
    df = _frame("hukou").with_columns(
        pl.col("birth_date").dt.strftime("%Y%m%d").cast(pl.Int64)  # 20261126-style integers
    )
    row = _deliver_and_validate(tmp_path, "hukou", df)
    assert row["status"] == "failed"
    assert row["message"].startswith(
        f"schema drift: column birth_date delivered as int64, contract type date ({ROWS} values"
    )
    assert (row["rows_landed"], row["rows_loaded"], row["rows_quarantined"]) == (ROWS, 0, ROWS)
    assert not (tmp_path / "validated" / "hukou" / D.isoformat()).exists()


def test_jsonl_with_text_where_a_number_belongs_fails_as_drift(tmp_path: Path) -> None:
    assert get_source("tax").format == "jsonl"
    df = _frame("tax").with_columns(pl.lit("一千二百元").alias("income"))
    row = _deliver_and_validate(tmp_path, "tax", df)
    assert row["status"] == "failed"
    assert row["message"].startswith(
        f"schema drift: column income delivered as string, contract type decimal ({ROWS} values"
    )
    assert (row["rows_loaded"], row["rows_quarantined"]) == (0, ROWS)


def test_xlsx_with_a_retyped_amount_column_fails_as_drift(tmp_path: Path) -> None:
    xlsx = [name for name, s in load_registry().items() if s.format == "xlsx"]
    source = get_source(xlsx[0])
    column = next(c for c in source.columns if c.type in ("decimal", "int", "date"))
    df = _frame(source.name).with_columns(pl.lit("n/a").alias(column.name))
    row = _deliver_and_validate(tmp_path, source.name, df)
    assert row["status"] == "failed"
    assert row["message"].startswith(
        f"schema drift: column {column.name} delivered as string, contract type {column.type}"
    )


def test_a_few_bad_values_are_quarantined_not_drift(tmp_path: Path) -> None:
    df = _frame("tax").with_columns(
        pl.when(pl.int_range(pl.len()) == 3)
        .then(pl.lit("bad"))
        .otherwise(pl.col("income").cast(pl.String))
        .alias("income")
    )
    row = _deliver_and_validate(tmp_path, "tax", df)
    assert row["status"] == "passed"
    assert (row["rows_loaded"], row["rows_quarantined"]) == (ROWS - 1, 1)


def test_a_quarantined_share_over_the_limit_fails_the_source(tmp_path: Path) -> None:
    source = get_source("tax")
    assert source.quarantine_max_share == DEFAULT_QUARANTINE_MAX_SHARE == 0.05
    assert source.quarantine_min_rows == DEFAULT_QUARANTINE_MIN_ROWS == 10
    rows = 200
    bad = list(range(0, rows, 18))  # 12 of 200 = 6 %; the other rows of the column still parse
    df = _frame("tax", rows).with_columns(
        pl.when(pl.int_range(pl.len()).is_in(bad))
        .then(pl.lit("bad"))
        .otherwise(pl.col("income").cast(pl.String))
        .alias("income")
    )
    row = _deliver_and_validate(tmp_path, "tax", df)
    assert row["status"] == "failed"
    assert row["message"].startswith(
        "too many rows quarantined: 12 of 200 (6.0%), above the source's limit of 5.0%"
    )
    assert (row["rows_loaded"], row["rows_quarantined"]) == (0, rows)


def test_a_few_bad_rows_of_a_small_delivery_are_not_judged_as_a_share(tmp_path: Path) -> None:
    bad = [1, 5, 9]  # 3 of 40 = 7.5 %, but only 3 rows: quarantined, the source passes
    df = _frame("tax").with_columns(
        pl.when(pl.int_range(pl.len()).is_in(bad))
        .then(pl.lit("bad"))
        .otherwise(pl.col("income").cast(pl.String))
        .alias("income")
    )
    row = _deliver_and_validate(tmp_path, "tax", df)
    assert row["status"] == "passed"
    assert (row["rows_loaded"], row["rows_quarantined"]) == (ROWS - 3, 3)
