"""Landing file deliveries: formats, encodings, typing, provenance, idempotency, failures."""

from __future__ import annotations

import json
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

import polars as pl
import pyarrow.parquet as pq
import pytest

from connectors import FileConnector
from hedui.delivery import delivery_dir, write_delivery, write_source_file
from hedui.landing import land_all, land_source, landing_dir, read_landed
from hedui.registry import get_source

DAY = date(2026, 11, 27)


def frame(source_name: str, n: int = 30, offset: int = 0) -> pl.DataFrame:
    """Deterministic rows of a source in its contract's column order (typed like the generator)."""
    source = get_source(source_name)
    cols: dict[str, pl.Series] = {}
    for c in source.columns:
        idx = range(offset, offset + n)
        if c.type == "int":
            values: list = [i % 4 + 1 for i in idx]
        elif c.type == "decimal":
            values = [round(i * 12.25 + 0.5, 2) for i in idx]
        elif c.type == "date":
            values = [date(2020, 1, 1) + timedelta(days=i) for i in idx]
        elif c.type == "enum":
            values = [c.values[i % len(c.values)] for i in idx]
        elif c.type == "period":
            values = [f"2026-{i % 12 + 1:02d}" for i in idx]
        elif c.type == "id_number":
            values = [f"1201011990{i:07d}X" for i in idx]
        else:
            values = [f"{c.name[:3]}号{i:05d}" for i in idx]
        cols[c.name] = pl.Series(c.name, values)
    return pl.DataFrame(cols)


def land(inbox: Path, root: Path, source: str):
    return land_source(source, DAY, FileConnector(inbox), root)


def contract_part(table, source: str) -> pl.DataFrame:
    return pl.from_arrow(table.select([*get_source(source).column_names, "_line"]))


def expected_typed(df: pl.DataFrame, source: str) -> pl.DataFrame:
    """What the landed contract columns should hold for a clean frame."""
    s = get_source(source)
    return df.with_columns(
        pl.col(c.name).cast(pl.Decimal(18, 4)) for c in s.columns if c.type == "decimal"
    )


@pytest.mark.parametrize(
    ("source", "bom"),
    [
        ("vehicle", False),  # csv, GBK, Chinese headers
        ("housing_fund", False),  # csv, GBK, Chinese headers, window source
        ("real_estate", False),  # csv, UTF-8, English headers
        ("real_estate", True),  # csv, UTF-8 with BOM
        ("disability", False),  # xlsx, Chinese headers, an int column
        ("commercial_insurance", False),  # xlsx
        ("hukou", False),  # parquet, typed columns
        ("tax", False),  # jsonl, decimals as JSON numbers
        ("stock", False),  # jsonl with int and decimal
    ],
)
def test_round_trip_per_format(tmp_path: Path, source: str, bom: bool) -> None:
    df = frame(source)
    write_delivery(tmp_path / "in", get_source(source), DAY, {source: df}, bom=bom)
    result = land(tmp_path / "in", tmp_path / "land", source)
    assert result.status == "landed", result.error
    assert result.rows == len(df)
    table = read_landed(tmp_path / "land", source, DAY)
    assert table.schema.field("_line").type.bit_width == 64
    got = pl.from_arrow(table)
    assert got.select(get_source(source).column_names).equals(expected_typed(df, source))
    first_line = 1 if get_source(source).format in ("parquet", "jsonl") else 2
    assert got["_line"].to_list() == list(range(first_line, first_line + len(df)))
    assert set(got["_file"]) == {f"{source}.{get_source(source).format}"}
    assert got["_invalid"].null_count() == len(df)


def test_gbk_csv_keeps_chinese_text_and_headers(tmp_path: Path) -> None:
    source = get_source("deposit")
    df = frame("deposit", 5)
    folder = write_delivery(tmp_path / "in", source, DAY, {"bank_a": df})
    raw = (folder / "bank_a.csv").read_bytes()
    assert "金融机构代码".encode("gbk") in raw
    result = land(tmp_path / "in", tmp_path / "land", "deposit")
    assert result.status == "landed"
    landed = pl.from_arrow(read_landed(tmp_path / "land", "deposit", DAY))
    assert landed["bank_code"].to_list() == df["bank_code"].to_list()
    manifest = json.loads((result.path / "manifest.json").read_text("utf-8"))
    assert manifest["header_map"]["金融机构代码"] == "bank_code"


def test_multi_file_deposit_delivery(tmp_path: Path) -> None:
    source = get_source("deposit")
    banks = {"bank_icbc": frame("deposit", 7), "bank_boc": frame("deposit", 5, offset=100)}
    write_delivery(tmp_path / "in", source, DAY, banks)
    result = land(tmp_path / "in", tmp_path / "land", "deposit")
    assert result.status == "landed" and result.rows == 12
    landed = pl.from_arrow(read_landed(tmp_path / "land", "deposit", DAY))
    assert landed.group_by("_file").len().sort("_file").rows() == [
        ("bank_boc.csv", 5),
        ("bank_icbc.csv", 7),
    ]
    per_file = landed.filter(pl.col("_file") == "bank_boc.csv")
    assert per_file["_line"].to_list() == [2, 3, 4, 5, 6]
    manifest = json.loads((result.path / "manifest.json").read_text("utf-8"))
    assert [i["name"] for i in manifest["inputs"]] == ["bank_boc.csv", "bank_icbc.csv"]
    assert all(len(i["sha256"]) == 64 and i["bytes"] > 0 for i in manifest["inputs"])


def test_manifest_layout(tmp_path: Path) -> None:
    write_delivery(tmp_path / "in", get_source("bond"), DAY, {"bond": frame("bond", 4)})
    result = land(tmp_path / "in", tmp_path / "land", "bond")
    assert result.path == landing_dir(tmp_path / "land", "bond", DAY)
    assert sorted(p.name for p in result.path.iterdir()) == ["data.parquet", "manifest.json"]
    manifest = json.loads((result.path / "manifest.json").read_text("utf-8"))
    assert manifest["source"] == "bond" and manifest["date"] == "2026-11-27"
    assert manifest["connector"] == "file" and manifest["row_count"] == 4
    assert manifest["files"] == ["data.parquet"]
    assert len(manifest["schema_hash"]) == 64
    assert [f["name"] for f in manifest["schema"]][-3:] == ["_file", "_line", "_invalid"]
    assert manifest["header_map"] == {c: c for c in get_source("bond").column_names}
    assert "extracted_at" in manifest


def test_relanding_is_idempotent(tmp_path: Path) -> None:
    write_delivery(tmp_path / "in", get_source("fund"), DAY, {"fund": frame("fund", 25)})
    first = land(tmp_path / "in", tmp_path / "land", "fund")
    data = (first.path / "data.parquet").read_bytes()
    second = land(tmp_path / "in", tmp_path / "land", "fund")
    assert second.status == "landed" and second.rows == first.rows == 25
    assert (second.path / "data.parquet").read_bytes() == data
    assert pq.read_table(second.path / "data.parquet").num_rows == 25
    assert sorted(p.name for p in (tmp_path / "land" / "fund").iterdir()) == ["2026-11-27"]
    assert sorted(p.name for p in (tmp_path / "land").iterdir()) == ["fund"]  # no staging left


def test_relanding_replaces_with_the_new_delivery(tmp_path: Path) -> None:
    source = get_source("fund")
    write_delivery(tmp_path / "in", source, DAY, {"fund": frame("fund", 25)})
    land(tmp_path / "in", tmp_path / "land", "fund")
    write_delivery(tmp_path / "in", source, DAY, {"fund": frame("fund", 10, offset=50)})
    result = land(tmp_path / "in", tmp_path / "land", "fund")
    landed = pl.from_arrow(read_landed(tmp_path / "land", "fund", DAY))
    assert result.rows == 10 and landed.height == 10
    assert landed["fund_code"].to_list() == frame("fund", 10, offset=50)["fund_code"].to_list()


def test_missing_success_marker_is_not_delivered(tmp_path: Path) -> None:
    source = get_source("bond")
    write_delivery(tmp_path / "in", source, DAY, {"bond": frame("bond")}, complete=False)
    result = land(tmp_path / "in", tmp_path / "land", "bond")
    assert result.status == "not_delivered" and result.rows == 0
    assert not landing_dir(tmp_path / "land", "bond", DAY).exists()
    missing = land(tmp_path / "in", tmp_path / "land", "fund")  # no folder at all
    assert missing.status == "not_delivered"


@pytest.mark.parametrize(
    ("source", "garbage"),
    [
        ("disability", b"PK\x03\x04 this is not really a workbook"),
        ("hukou", b"PAR1 definitely not parquet PAR1"),
        ("tax", b'{"id_number": "1", "period": \n'),
    ],
)
def test_corrupt_file_fails_naming_it(tmp_path: Path, source: str, garbage: bytes) -> None:
    src = get_source(source)
    folder = write_delivery(tmp_path / "in", src, DAY, {"part1": frame(source, 3)})
    (folder / f"part2.{src.format}").write_bytes(garbage)
    result = land(tmp_path / "in", tmp_path / "land", source)
    assert result.status == "failed"
    assert f"part2.{src.format}" in result.error
    assert not landing_dir(tmp_path / "land", source, DAY).exists()


def test_renamed_column_fails_naming_expected_and_found(tmp_path: Path) -> None:
    source = get_source("real_estate")
    df = frame("real_estate").rename({"share_ratio": "share"})
    folder = delivery_dir(tmp_path / "in", "real_estate", DAY)
    write_source_file(source, df, folder / "real_estate.csv")
    (folder / "_SUCCESS").write_bytes(b"")
    result = land(tmp_path / "in", tmp_path / "land", "real_estate")
    assert result.status == "failed"
    assert "real_estate.csv" in result.error
    assert "missing ['share_ratio']" in result.error and "unexpected ['share']" in result.error
    assert "expected [" in result.error and "found [" in result.error


def test_missing_and_extra_columns_fail(tmp_path: Path) -> None:
    source = get_source("bond")
    folder = delivery_dir(tmp_path / "in", "bond", DAY)
    df = frame("bond").drop("face_value").with_columns(pl.lit("x").alias("comment"))
    write_source_file(source, df, folder / "bond.csv")
    (folder / "_SUCCESS").write_bytes(b"")
    result = land(tmp_path / "in", tmp_path / "land", "bond")
    assert result.status == "failed"
    assert "missing ['face_value']" in result.error and "unexpected ['comment']" in result.error


def test_gbk_file_for_a_utf8_source_fails_readably(tmp_path: Path) -> None:
    source = get_source("real_estate")
    folder = delivery_dir(tmp_path / "in", "real_estate", DAY)
    folder.mkdir(parents=True)
    text = frame("real_estate", 5).write_csv()
    (folder / "real_estate.csv").write_bytes(text.encode("gbk"))
    (folder / "_SUCCESS").write_bytes(b"")
    result = land(tmp_path / "in", tmp_path / "land", "real_estate")
    assert result.status == "failed"
    assert "real_estate.csv" in result.error and "UTF-8" in result.error and "GBK" in result.error
    assert source.encoding == "utf-8"


def test_utf8_file_for_a_gbk_source_is_not_mojibaked(tmp_path: Path) -> None:
    folder = delivery_dir(tmp_path / "in", "vehicle", DAY)
    folder.mkdir(parents=True)
    src = get_source("vehicle")
    text = frame("vehicle", 5).rename(dict(zip(src.column_names, src.header_names, strict=True)))
    (folder / "vehicle.csv").write_bytes(text.write_csv().encode("utf-8"))
    (folder / "_SUCCESS").write_bytes(b"")
    result = land(tmp_path / "in", tmp_path / "land", "vehicle")
    assert result.status == "failed"
    assert "vehicle.csv" in result.error and "UTF-8" in result.error


def test_malformed_values_are_kept_with_raw_text(tmp_path: Path) -> None:
    source = get_source("vehicle")
    df = frame("vehicle", 6).with_columns(pl.col(c).cast(pl.String) for c in ("purchase_price",))
    df = df.with_columns(
        pl.col("first_register_date").cast(pl.String),
    )
    df[2, "purchase_price"] = "12a.5"
    df[4, "first_register_date"] = "2026-02-30"
    df[5, "purchase_price"] = 'x"1\\'
    df[5, "first_register_date"] = "2026/01/31"
    df[1, "purchase_price"] = ""
    write_delivery(tmp_path / "in", source, DAY, {"vehicle": df})
    result = land(tmp_path / "in", tmp_path / "land", "vehicle")
    assert result.status == "landed" and result.rows == 6 and result.invalid_rows == 3
    landed = pl.from_arrow(read_landed(tmp_path / "land", "vehicle", DAY))
    row = landed.filter(pl.col("_line") == 4).row(0, named=True)
    assert row["purchase_price"] is None and json.loads(row["_invalid"]) == {
        "purchase_price": "12a.5"
    }
    row = landed.filter(pl.col("_line") == 6).row(0, named=True)
    assert row["first_register_date"] is None
    assert json.loads(row["_invalid"]) == {"first_register_date": "2026-02-30"}
    assert row["purchase_price"] == Decimal(df[4, "purchase_price"]).quantize(Decimal("0.0001"))
    row = landed.filter(pl.col("_line") == 7).row(0, named=True)
    assert json.loads(row["_invalid"]) == {
        "purchase_price": 'x"1\\',
        "first_register_date": "2026/01/31",
    }
    empty = landed.filter(pl.col("_line") == 3).row(0, named=True)
    assert empty["purchase_price"] is None and empty["_invalid"] is None


def test_typed_formats_accept_text_columns_with_bad_values(tmp_path: Path) -> None:
    """A parquet or jsonl delivery whose typed column arrives as text (one bad value)."""
    for name in ("medical_claims", "stock"):
        df = frame(name, 8).with_columns(
            pl.col("as_of_date" if name == "stock" else "settle_date").cast(pl.String)
        )
        money = "market_value" if name == "stock" else "total_cost"
        df = df.with_columns(pl.col(money).cast(pl.String))
        df[3, money] = "1,234.50"
        write_delivery(tmp_path / "in", get_source(name), DAY, {name: df})
        result = land(tmp_path / "in", tmp_path / "land", name)
        assert result.status == "landed" and result.rows == 8 and result.invalid_rows == 1
        landed = pl.from_arrow(read_landed(tmp_path / "land", name, DAY))
        bad = landed.filter(pl.col("_invalid").is_not_null())
        assert bad["_line"].to_list() == [4]
        assert json.loads(bad["_invalid"][0]) == {money: "1,234.50"}
        assert landed[money].null_count() == 1


def test_decimal_text_variants_parse_alike(tmp_path: Path) -> None:
    df = frame("bond", 4).with_columns(pl.col("face_value").cast(pl.String))
    for i, text in enumerate(["1234.5", "1234.5000", " 1234.50 ", "+1234.5"]):
        df[i, "face_value"] = text
    write_delivery(tmp_path / "in", get_source("bond"), DAY, {"bond": df})
    land(tmp_path / "in", tmp_path / "land", "bond")
    landed = pl.from_arrow(read_landed(tmp_path / "land", "bond", DAY))
    assert set(landed["face_value"].to_list()) == {Decimal("1234.5000")}


def test_csv_quoted_newlines_keep_physical_line_numbers(tmp_path: Path) -> None:
    df = frame("marriage", 4)
    df[1, "record_id"] = "two\nlines"
    write_delivery(tmp_path / "in", get_source("marriage"), DAY, {"marriage": df})
    land(tmp_path / "in", tmp_path / "land", "marriage")
    landed = pl.from_arrow(read_landed(tmp_path / "land", "marriage", DAY))
    assert landed["_line"].to_list() == [2, 3, 5, 6]
    assert landed["record_id"][1] == "two\nlines"


def test_jsonl_blank_lines_keep_line_numbers(tmp_path: Path) -> None:
    folder = write_delivery(tmp_path / "in", get_source("tax"), DAY, {"tax": frame("tax", 3)})
    path = folder / "tax.jsonl"
    lines = path.read_text("utf-8").splitlines()
    path.write_text("\n".join([lines[0], "", lines[1], "   ", lines[2]]) + "\n", "utf-8")
    result = land(tmp_path / "in", tmp_path / "land", "tax")
    landed = pl.from_arrow(read_landed(tmp_path / "land", "tax", DAY))
    assert result.rows == 3 and landed["_line"].to_list() == [1, 3, 5]


def test_empty_strings_become_null(tmp_path: Path) -> None:
    df = frame("employment", 3).with_columns(pl.col("employer_uscc").cast(pl.String))
    df[0, "employer_uscc"] = ""
    write_delivery(tmp_path / "in", get_source("employment"), DAY, {"employment": df})
    land(tmp_path / "in", tmp_path / "land", "employment")
    landed = pl.from_arrow(read_landed(tmp_path / "land", "employment", DAY))
    assert landed["employer_uscc"][0] is None and landed["_invalid"][0] is None


def test_land_all_isolates_failures(tmp_path: Path) -> None:
    inbox = tmp_path / "in"
    write_delivery(inbox, get_source("bond"), DAY, {"bond": frame("bond", 5)})
    write_delivery(inbox, get_source("fund"), DAY, {"fund": frame("fund", 5)})
    folder = write_delivery(inbox, get_source("hukou"), DAY, {"hukou": frame("hukou", 5)})
    (folder / "hukou.parquet").write_bytes(b"broken")
    results = {r.source: r for r in land_all(DAY, inbox, tmp_path / "land")}
    assert len(results) == 23  # 22 local sources and the cross-region answers
    assert results["bond"].status == results["fund"].status == "landed"
    assert results["hukou"].status == "failed" and "hukou.parquet" in results["hukou"].error
    assert results["tax"].status == "not_delivered"
    assert all(r.connector == "file" and r.duration_s >= 0 for r in results.values())
    some = land_all(DAY, inbox, tmp_path / "land2", sources=["bond"])
    assert [r.source for r in some] == ["bond"]


def test_failed_relanding_keeps_the_previous_landing(tmp_path: Path) -> None:
    inbox = tmp_path / "in"
    write_delivery(inbox, get_source("bond"), DAY, {"bond": frame("bond", 5)})
    assert land(inbox, tmp_path / "land", "bond").status == "landed"
    (delivery_dir(inbox, "bond", DAY) / "bond.csv").write_bytes(b"id_number\n1\n")
    assert land(inbox, tmp_path / "land", "bond").status == "failed"
    assert read_landed(tmp_path / "land", "bond", DAY).num_rows == 5


def test_errors_never_carry_id_numbers(tmp_path: Path) -> None:
    folder = delivery_dir(tmp_path / "in", "death", DAY)
    folder.mkdir(parents=True)
    (folder / "death.csv").write_text(
        "id_number,death_date,record_source\n120101199001011234,2026-01-01,cremation,extra\n"
    )
    (folder / "_SUCCESS").write_bytes(b"")
    result = land(tmp_path / "in", tmp_path / "land", "death")
    assert result.status == "failed" and "death.csv" in result.error
    assert "120101199001011234" not in result.error


def test_xlsx_malformed_cells_keep_spreadsheet_rows(tmp_path: Path) -> None:
    df = frame("disability", 5).with_columns(
        pl.col("disability_grade").cast(pl.String), pl.col("cert_issue_date").cast(pl.String)
    )
    df[1, "disability_grade"] = "two"
    df[3, "cert_issue_date"] = "2026-02-30"
    write_delivery(tmp_path / "in", get_source("disability"), DAY, {"disability": df})
    result = land(tmp_path / "in", tmp_path / "land", "disability")
    assert result.status == "landed" and result.invalid_rows == 2
    landed = pl.from_arrow(read_landed(tmp_path / "land", "disability", DAY))
    assert landed["_line"].to_list() == [2, 3, 4, 5, 6]
    invalid = dict(zip(landed["_line"], landed["_invalid"], strict=True))
    assert json.loads(invalid[3]) == {"disability_grade": "two"}
    assert json.loads(invalid[5]) == {"cert_issue_date": "2026-02-30"}
    assert landed["disability_grade"].to_list() == [1, None, 3, 4, 1]


def test_csv_blank_lines_are_skipped_but_empty_records_kept(tmp_path: Path) -> None:
    folder = delivery_dir(tmp_path / "in", "death", DAY)
    folder.mkdir(parents=True)
    (folder / "death.csv").write_text(
        "id_number,death_date,record_source\n"
        "A1,2026-01-01,cremation\n"
        "\n"
        ",,\n"
        "A2,2026-01-02,cremation\n"
    )
    (folder / "_SUCCESS").write_bytes(b"")
    result = land(tmp_path / "in", tmp_path / "land", "death")
    landed = pl.from_arrow(read_landed(tmp_path / "land", "death", DAY))
    assert result.rows == 3
    assert landed["_line"].to_list() == [2, 4, 5]
    assert landed.row(1)[:3] == (None, None, None)


def test_csv_without_header_fails_without_leaking_ids(tmp_path: Path) -> None:
    folder = delivery_dir(tmp_path / "in", "death", DAY)
    folder.mkdir(parents=True)
    (folder / "death.csv").write_text("120101195001010011,2026-01-01,cremation\n")
    (folder / "_SUCCESS").write_bytes(b"")
    result = land(tmp_path / "in", tmp_path / "land", "death")
    assert result.status == "failed" and "death.csv" in result.error
    assert "missing ['id_number', 'death_date', 'record_source']" in result.error
    assert "120101195001010011" not in result.error


def test_jsonl_column_null_in_its_first_hundred_lines_still_reads() -> None:
    """Schema inference over the key sample must not type a late-filled column as NULL."""
    import json as _json

    from connectors.formats import read_jsonl

    lines = [_json.dumps({"a": "x", "b": None}) for _ in range(500)]
    lines.append(_json.dumps({"a": "y", "b": 12.5}))
    df, line_numbers = read_jsonl(("\n".join(lines) + "\n").encode(), "t.jsonl", ["a", "b"])
    assert df["b"].to_list()[-1] == "12.5"
    assert df["b"].null_count() == 500
    assert line_numbers.to_list()[-1] == 501
