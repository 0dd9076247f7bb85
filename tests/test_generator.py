"""The synthetic city generator: contract formats, consistency, defects, windows, determinism.

Deliveries are read back from disk as text and checked with rules written independently here,
so the ground truth is verified against what was actually written.
"""

from __future__ import annotations

import hashlib
import io
import json
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

import polars as pl
import pytest

from hedui.delivery import SUCCESS_MARKER, delivery_dir
from hedui.generator.city import GenerationResult, generate_city
from hedui.generator.ids import CURRENT_DISTRICTS, RETIRED_DISTRICTS
from hedui.generator.schema import empty_frame
from hedui.idnumbers import (
    id_birth_date,
    id_check_char,
    id_gender,
    is_valid_id_number,
    is_valid_uscc,
)
from hedui.reason_codes import Reason
from hedui.registry import Source, get_source, local_registry

DAY = date(2026, 11, 27)
STAND_IN_ID = "12010119800101901" + id_check_char("12010119800101901")  # a scenario-range ID
ALL_CODES = {
    "ID_CHECKSUM", "DUPLICATE_KEY", "REQUIRED_MISSING", "ENUM_INVALID", "TOTAL_MISMATCH",
    "SHARE_SUM", "TYPE_INVALID", "FUTURE_DATE", "NEGATIVE_AMOUNT", "CONDITIONAL_REQUIRED",
    "USCC_CHECKSUM", "ID_MISMATCH",
}  # fmt: skip
VALIDITY_DATES = {"cert_valid_until", "end_date"}
PERIOD_RE = r"^[0-9]{4}-(0[1-9]|1[0-2])$"
DECIMAL_RE = r"^[+-]?(\d+\.?\d*|\.\d+)$"


# ---------------------------------------------------------------- reading deliveries back


def read_file(source: Source, path: Path) -> pl.DataFrame:
    """One delivery file as text columns with canonical names, plus ``_file`` and ``_line``."""
    if source.format == "csv":
        text = path.read_bytes().decode("gbk" if source.encoding == "gbk" else "utf-8-sig")
        df = pl.read_csv(io.StringIO(text), infer_schema=False)
        first = 2
    elif source.format == "jsonl":
        df = pl.read_ndjson(path, infer_schema_length=None)
        first = 1
    elif source.format == "parquet":
        df = pl.read_parquet(path)
        first = 1
    else:
        df = pl.read_excel(path)
        first = 2
    df = df.rename(source.header_map, strict=False).select(source.column_names)
    return df.with_columns(pl.all().cast(pl.String)).with_columns(
        pl.lit(path.name).alias("_file"),
        pl.int_range(first, df.height + first, dtype=pl.Int64).alias("_line"),
    )


def read_delivery(out: Path, source: Source, day: date = DAY) -> pl.DataFrame:
    folder = delivery_dir(out, source.name, day)
    files = sorted(folder.glob(f"*.{source.format}"))
    return pl.concat([read_file(source, f) for f in files])


def ground_truth(result: GenerationResult) -> dict:
    return json.loads(result.ground_truth_path.read_text("utf-8"))


def defects_of(truth: dict, source: str, day: date = DAY) -> pl.DataFrame:
    rows = [
        {"_file": d["file"], "_line": d["line"], "reason_code": d["reason_code"]}
        for d in truth["defects"]
        if d["source"] == source and d["date"] == day.isoformat()
    ]
    schema = {"_file": pl.String, "_line": pl.Int64, "reason_code": pl.String}
    return pl.DataFrame(rows, schema=schema)


def population_id(expr: pl.Expr) -> pl.Expr:
    """ID numbers of the base population (sequence code 000-899, not a scenario household)."""
    return expr.str.slice(14, 3).str.contains(r"^[0-8]")


# ---------------------------------------------------------------- independent rule checks


def _is_valid(column: str, fn) -> pl.Expr:
    return pl.col(column).map_elements(fn, return_dtype=pl.Boolean, skip_nulls=True)


def _num(column: str) -> pl.Expr:
    text = pl.col(column).str.strip_chars()
    return pl.when(text.str.contains(DECIMAL_RE)).then(text).cast(pl.Float64, strict=False)


def _date(column: str) -> pl.Expr:
    return pl.col(column).str.to_date("%Y-%m-%d", strict=False)


def row_flags(source: Source, df: pl.DataFrame, day: date) -> pl.DataFrame:
    """``df`` with one boolean column per reason code a row fails."""
    flags: dict[str, list[pl.Expr]] = {code: [] for code in ALL_CODES}
    for col in source.columns:
        c = pl.col(col.name)
        present = c.is_not_null()
        if col.required:
            flags["REQUIRED_MISSING"].append(~present)
        if col.type == "enum":
            flags["ENUM_INVALID"].append(present & ~c.is_in(list(col.values)))
        if col.type == "id_number":
            flags["ID_CHECKSUM"].append(present & ~_is_valid(col.name, is_valid_id_number))
        if col.type == "uscc":
            flags["USCC_CHECKSUM"].append(present & ~_is_valid(col.name, is_valid_uscc))
        if col.type == "period":
            flags["TYPE_INVALID"].append(present & ~c.str.contains(PERIOD_RE))
        if col.type in ("int", "decimal"):
            flags["TYPE_INVALID"].append(present & _num(col.name).is_null())
        if col.type == "decimal" and col.name != "share_ratio":
            flags["NEGATIVE_AMOUNT"].append(_num(col.name) < 0)
        if col.type == "date":
            flags["TYPE_INVALID"].append(present & _date(col.name).is_null())
            if col.name not in VALIDITY_DATES:
                flags["FUTURE_DATE"].append(_date(col.name) > day)
    if source.name == "medical_claims":
        total = _num("fund_paid") + _num("out_of_pocket")
        flags["TOTAL_MISMATCH"].append((_num("total_cost") - total).abs() > 0.005)
    if source.name == "stock":
        value = _num("quantity") * _num("close_price")
        flags["TOTAL_MISMATCH"].append((_num("market_value") - value).abs() > 0.005)
        flags["NEGATIVE_AMOUNT"].append(_num("quantity") < 0)
    if source.name == "fund":
        flags["TOTAL_MISMATCH"].append(
            (_num("market_value") - _num("shares") * _num("nav")).abs() > 0.01
        )
    if source.name == "hukou":
        flags["CONDITIONAL_REQUIRED"].append(
            pl.col("status").is_in(["deceased", "moved_out"]) & pl.col("status_date").is_null()
        )
        valid = _is_valid("id_number", is_valid_id_number).fill_null(False)
        birth = pl.col("id_number").map_elements(
            lambda v: id_birth_date(v).isoformat() if is_valid_id_number(v) else None,
            return_dtype=pl.String,
        )
        gender = pl.col("id_number").map_elements(
            lambda v: id_gender(v) if is_valid_id_number(v) else None, return_dtype=pl.String
        )
        flags["ID_MISMATCH"].append(
            valid & ((birth != pl.col("birth_date")) | (gender != pl.col("gender")))
        )
    if source.name == "market_entity":
        flags["CONDITIONAL_REQUIRED"].append(
            (pl.col("role") == "investor") & pl.col("subscribed_capital").is_null()
        )
    key = list(source.primary_key)
    flags["DUPLICATE_KEY"].append(pl.len().over(key) > 1)
    out = df.with_columns(
        pl.any_horizontal([e.fill_null(False) for e in exprs]).alias(code)
        if exprs
        else pl.lit(False).alias(code)
        for code, exprs in flags.items()
    )
    if source.name == "real_estate":
        sums = (
            out.unique(key, keep="first")
            .group_by("cert_no")
            .agg(_num("share_ratio").sum().alias("_sum"))
        )
        out = out.join(sums, on="cert_no", how="left").with_columns(
            ((pl.col("_sum") - 1).abs() > 0.0001).alias("SHARE_SUM")
        )
    return out


@dataclass
class Checked:
    rows: pl.DataFrame  # every row: _file, _line, failed (list of codes), planted (code or null)


def check_delivery(out: Path, truth: dict, source: Source, day: date = DAY) -> Checked:
    df = row_flags(source, read_delivery(out, source, day), day)
    codes = sorted(ALL_CODES)
    failed = pl.concat_list(
        [pl.when(pl.col(c)).then(pl.lit(c)).otherwise(None) for c in codes]
    ).list.drop_nulls()
    rows = df.select("_file", "_line", failed.alias("failed")).join(
        defects_of(truth, source.name, day), on=["_file", "_line"], how="left"
    )
    return Checked(rows.rename({"reason_code": "planted"}))


# ---------------------------------------------------------------- delivery layout and formats


def test_all_sources_delivered_in_contract_format(small_city_result):
    out = small_city_result.out
    for name, source in local_registry().items():
        folder = delivery_dir(out, name, DAY)
        assert (folder / SUCCESS_MARKER).exists(), name
        files = [p for p in folder.iterdir() if p.name != SUCCESS_MARKER]
        assert files and all(p.suffix == f".{source.format}" for p in files), name
        df = read_delivery(out, source)
        assert df.height == small_city_result.rows[(DAY.isoformat(), name)] > 0, name
    assert small_city_result.ground_truth_path == out / "_ground_truth" / "ground_truth.json"
    assert not (out / "cross_region_answer").exists()  # answers come from the partner regions
    for region in ("110000", "130000"):  # what they hold (policy.md §11)
        persons = (out / "_partners" / region / "persons.jsonl").read_text("utf-8").splitlines()
        assert persons and all(json.loads(p)["id_number"][:2] == region[:2] for p in persons)


def test_deposit_has_one_file_per_bank(small_city_result):
    source = get_source("deposit")
    folder = delivery_dir(small_city_result.out, "deposit", DAY)
    files = sorted(folder.glob("*.csv"))
    assert len(files) >= 5
    for f in files:
        banks = read_file(source, f)["bank_code"].unique().to_list()
        assert len(banks) == 1, f.name


def test_gbk_files_decode_as_gbk_with_chinese_headers(small_city_result):
    gbk = [s for s in local_registry().values() if s.encoding == "gbk"]
    assert {s.name for s in gbk} == {"vehicle", "housing_fund", "deposit"}
    for source in gbk:
        for f in delivery_dir(small_city_result.out, source.name, DAY).glob("*.csv"):
            data = f.read_bytes()
            with pytest.raises(UnicodeDecodeError):
                data.decode("utf-8")
            header = data.decode("gbk").splitlines()[0].split(",")
            assert header == source.header_names, f.name


def test_utf8_csvs_some_with_bom_some_without(small_city_result):
    boms = {}
    for source in local_registry().values():
        if source.format == "csv" and source.encoding == "utf-8":
            f = next(delivery_dir(small_city_result.out, source.name, DAY).glob("*.csv"))
            boms[source.name] = f.read_bytes().startswith(b"\xef\xbb\xbf")
    assert any(boms.values()) and not all(boms.values())
    truth = ground_truth(small_city_result)
    for name, bom in boms.items():
        assert truth["deliveries"][DAY.isoformat()][name]["bom"] is bom


def test_xlsx_headers_follow_contract(small_city_result):
    for name in ("disability", "commercial_insurance"):
        source = get_source(name)
        f = next(delivery_dir(small_city_result.out, name, DAY).glob("*.xlsx"))
        assert pl.read_excel(f).columns == source.header_names


# ---------------------------------------------------------------- planted defects


def test_rows_fail_exactly_their_planted_reason(small_city_result):
    """Every written row is clean unless listed in the ground truth, and a listed row fails
    exactly the reason given for it (checked by rules written independently of the
    generator)."""
    truth = ground_truth(small_city_result)
    for source in local_registry().values():
        rows = check_delivery(small_city_result.out, truth, source).rows
        clean = rows.filter(pl.col("planted").is_null() & (pl.col("failed").list.len() > 0))
        assert clean.height == 0, (source.name, clean.head(5).to_dicts())
        planted = rows.filter(pl.col("planted").is_not_null())
        failed = pl.col("failed")
        wrong = planted.filter(
            (failed.list.len() != 1) | (failed.list.first() != pl.col("planted"))
        )
        assert wrong.height == 0, (source.name, wrong.head(5).to_dicts())


def test_every_reason_code_planted_and_listed_rows_exist(small_city_result):
    truth = ground_truth(small_city_result)
    counts = truth["defect_counts"][DAY.isoformat()]
    assert set(counts) == ALL_CODES
    assert all(n > 0 for n in counts.values())
    assert all(code in Reason.__members__ for code in counts)
    assert sum(counts.values()) == len(truth["defects"]) == small_city_result.defects
    by_file: dict[tuple[str, str], int] = {}
    for name, d in truth["deliveries"][DAY.isoformat()].items():
        for file, n in d["files"].items():
            by_file[(name, file)] = n
    for d in truth["defects"]:
        assert 1 <= d["line"] <= by_file[(d["source"], d["file"])] + 1
        assert set(d["key"]) == set(get_source(d["source"]).primary_key)


def test_duplicate_keys_list_every_row_of_the_key(small_city_result):
    truth = ground_truth(small_city_result)
    dups = [d for d in truth["defects"] if d["reason_code"] == "DUPLICATE_KEY"]
    keys: dict[tuple, int] = {}
    for d in dups:
        k = (d["source"], json.dumps(d["key"], sort_keys=True))
        keys[k] = keys.get(k, 0) + 1
    assert keys and all(n >= 2 for n in keys.values())


def test_share_sum_defects_list_all_rows_of_the_certificate(small_city_result):
    truth = ground_truth(small_city_result)
    listed = {d["key"]["cert_no"] for d in truth["defects"] if d["reason_code"] == "SHARE_SUM"}
    df = read_delivery(small_city_result.out, get_source("real_estate"))
    rows = df.filter(pl.col("cert_no").is_in(list(listed))).height
    share_rows = sum(d["reason_code"] == "SHARE_SUM" for d in truth["defects"])
    assert listed and rows == share_rows


def test_no_defects_without_defect_rate(tmp_path):
    result = generate_city(
        600, 3, DAY, tmp_path, defect_rate=0.0, scenario_builder=lambda d, n: StandIn(d, n)
    )
    truth = ground_truth(result)
    assert truth["defects"] == [] and result.defects == 0
    for source in local_registry().values():
        rows = check_delivery(tmp_path, truth, source).rows
        assert rows.filter(pl.col("failed").list.len() > 0).height == 0, source.name


# ---------------------------------------------------------------- identities and consistency


def test_id_numbers_valid_except_planted(small_city_result):
    truth = ground_truth(small_city_result)
    for source in local_registry().values():
        if not source.id_columns:
            continue
        df = read_delivery(small_city_result.out, source).join(
            defects_of(truth, source.name), on=["_file", "_line"], how="left"
        )
        for col in source.id_columns:
            bad = df.filter(pl.col(col).is_not_null() & ~_is_valid(col, is_valid_id_number))
            assert (bad["reason_code"] == "ID_CHECKSUM").all(), (source.name, col)


def test_hukou_agrees_with_id_numbers_except_planted(small_city_result):
    truth = ground_truth(small_city_result)
    df = read_delivery(small_city_result.out, get_source("hukou")).join(
        defects_of(truth, "hukou"), on=["_file", "_line"], how="left"
    )
    ok = df.filter(pl.col("reason_code").is_null())
    for id_number, birth, gender in ok.select("id_number", "birth_date", "gender").iter_rows():
        assert id_birth_date(id_number).isoformat() == birth
        assert id_gender(id_number) == gender
    assert df.filter(pl.col("reason_code") == "ID_MISMATCH").height > 0


def test_population_identity_conventions(small_city_result):
    truth = ground_truth(small_city_result)
    df = read_delivery(small_city_result.out, get_source("hukou")).join(
        defects_of(truth, "hukou"), on=["_file", "_line"], how="left"
    )
    pop = df.filter(pl.col("reason_code").is_null() & population_id(pl.col("id_number")))
    assert pop.height > 2900
    codes = {str(c) for c in (*CURRENT_DISTRICTS, *RETIRED_DISTRICTS)}
    assert set(pop["id_number"].str.slice(0, 6).unique()) <= codes
    assert set(pop["id_number"].str.slice(0, 6).unique()) & {str(c) for c in RETIRED_DISTRICTS}
    assert set(pop["district_code"].unique()) <= {str(c) for c in CURRENT_DISTRICTS}
    assert pop["household_no"].str.contains(r"^[1-8][0-9]{8}$").all()
    touched = df.filter(pl.col("reason_code").is_not_null())["household_no"]
    heads = (
        pop.filter(~pl.col("household_no").is_in(touched.implode()))
        .group_by("household_no")
        .agg((pl.col("relation_to_head") == "head").sum())
    )
    assert (heads["relation_to_head"] == 1).all()
    relations = set(pop["relation_to_head"].unique())
    assert {"head", "spouse", "child", "parent", "grandchild"} <= relations
    status = pop["status"].value_counts()
    share = dict(zip(status["status"], status["count"] / pop.height, strict=True))
    assert 0.003 < share["deceased"] < 0.03 and 0.002 < share["moved_out"] < 0.03
    gone = pop.filter(pl.col("status") != "normal")
    assert gone["status_date"].is_not_null().all()


def _clean(out: Path, truth: dict, name: str) -> pl.DataFrame:
    df = read_delivery(out, get_source(name)).join(
        defects_of(truth, name), on=["_file", "_line"], how="left"
    )
    return df.filter(pl.col("reason_code").is_null())


def test_people_in_other_sources_exist_in_hukou(small_city_result):
    truth = ground_truth(small_city_result)
    # A defective hukou row may carry a broken check character: compare the first 17 chars.
    hukou = set(
        read_delivery(small_city_result.out, get_source("hukou"))["id_number"].str.slice(0, 17)
    )
    for name, col in (
        ("tax", "id_number"),
        ("social_insurance", "id_number"),
        ("deposit", "id_number"),
        ("real_estate", "owner_id_number"),
        ("vehicle", "owner_id_number"),
        ("market_entity", "person_id_number"),
        ("assistance_roll", "id_number"),
        ("verification_request", "member_id_number"),
        ("medical_claims", "id_number"),
    ):
        ids = _clean(small_city_result.out, truth, name).filter(population_id(pl.col(col)))[col]
        ids = ids.str.slice(0, 17)
        missing = set(ids) - hukou
        assert not missing, (name, sorted(missing)[:3])


def test_employer_agrees_between_tax_social_insurance_and_employment(small_city_result):
    truth = ground_truth(small_city_result)
    tax = _clean(small_city_result.out, truth, "tax").filter(pl.col("income_item") == "wage")
    si = _clean(small_city_result.out, truth, "social_insurance").filter(
        (pl.col("record_type") == "contribution") & (pl.col("item") == "pension")
    )
    joined = tax.join(si, on=["id_number", "period"], how="inner")
    assert joined.height > 1000
    assert (joined["withholder_uscc"] == joined["employer_uscc"]).all()
    employment = _clean(small_city_result.out, truth, "employment")
    pairs = set(zip(employment["id_number"], employment["employer_uscc"], strict=True))
    wage_pairs = set(zip(tax["id_number"], tax["withholder_uscc"], strict=True))
    population = {p for p in wage_pairs if p[0][14] != "9"}
    assert len(population & pairs) / len(population) > 0.95
    entities = set(_clean(small_city_result.out, truth, "market_entity")["uscc"])
    enterprises = {u for _, u in population if u.startswith("91")}
    assert enterprises <= entities | _defective_usccs(truth)


def _defective_usccs(truth: dict) -> set[str]:
    return {d["key"].get("uscc") for d in truth["defects"] if d["source"] == "market_entity"}


def test_workers_have_contributions_and_housing_fund(small_city_result):
    truth = ground_truth(small_city_result)
    tax = _clean(small_city_result.out, truth, "tax")
    wage = set(
        tax.filter((pl.col("income_item") == "wage") & population_id(pl.col("id_number")))[
            "id_number"
        ]
    )
    si = _clean(small_city_result.out, truth, "social_insurance")
    contributors = set(si.filter(pl.col("record_type") == "contribution")["id_number"])
    assert len(wage & contributors) / len(wage) > 0.97
    fund = set(_clean(small_city_result.out, truth, "housing_fund")["id_number"])
    assert 0.4 < len(wage & fund) / len(wage) < 0.95
    items = set(si["item"])
    assert {"pension", "unemployment", "injury", "enterprise_pension", "resident_pension"} <= items


def test_deceased_in_hukou_iff_death_record(small_city_result):
    truth = ground_truth(small_city_result)
    hukou = _clean(small_city_result.out, truth, "hukou").filter(population_id(pl.col("id_number")))
    dead = hukou.filter(pl.col("status") == "deceased").select("id_number", "status_date")
    deaths = _clean(small_city_result.out, truth, "death").filter(
        population_id(pl.col("id_number"))
    )
    # Leave out people with a defective hukou or death row (compare IDs without check char).
    touched = {
        d["key"]["id_number"][:17] for d in truth["defects"] if d["source"] in ("hukou", "death")
    }
    a = {r for r in dead.iter_rows() if r[0][:17] not in touched}
    b = {
        r for r in deaths.select("id_number", "death_date").iter_rows() if r[0][:17] not in touched
    }
    assert a and a == b


def test_co_owned_certificates_and_market_values(small_city_result):
    truth = ground_truth(small_city_result)
    re = _clean(small_city_result.out, truth, "real_estate")
    owners = re.group_by("cert_no").len()
    assert owners["len"].max() >= 2
    stock = _clean(small_city_result.out, truth, "stock")
    assert (stock["quantity"].cast(pl.Int64) % 100 == 0).all()


def test_schooling_uses_current_school_year(small_city_result):
    truth = ground_truth(small_city_result)
    edu = _clean(small_city_result.out, truth, "education")
    years = set(edu["school_year"].cast(pl.Int64))
    assert years == {2026, 2025}
    current = edu.filter(pl.col("school_year") == "2026")
    assert set(current["stage"]) == {
        "preschool",
        "primary",
        "junior_secondary",
        "senior_secondary",
        "vocational",
        "higher",
    }


def test_assistance_roll_and_requests(small_city_result):
    truth = ground_truth(small_city_result)
    roll = _clean(small_city_result.out, truth, "assistance_roll").filter(
        population_id(pl.col("id_number"))
    )
    assert roll["street_code"].str.contains(r"^12[0-9]{7}$").all()
    hukou = _clean(small_city_result.out, truth, "hukou").select("id_number", "district_code")
    joined = roll.join(hukou, on="id_number")
    assert (joined["street_code"].str.slice(0, 6) == joined["district_code"]).all()
    touched = [d["key"]["case_no"] for d in truth["defects"] if d["source"] == "assistance_roll"]
    applicants = (
        roll.filter(~pl.col("case_no").is_in(touched))
        .group_by("case_no")
        .agg((pl.col("member_role") == "applicant").sum())
    )
    assert (applicants["member_role"] == 1).all()
    req = _clean(small_city_result.out, truth, "verification_request").filter(
        population_id(pl.col("member_id_number"))
    )
    per_request = req.group_by("request_id").len()
    assert per_request.height >= 3 and per_request["len"].max() >= 2
    assert req["authorization_no"].is_not_null().mean() > 0.85


def test_low_income_share_is_a_few_percent(small_city_result):
    """Per-capita income under the policy (section 3) from the written tax and pension rows."""
    truth = ground_truth(small_city_result)
    out = small_city_result.out
    periods = [f"2025-{m:02d}" for m in (11, 12)] + [f"2026-{m:02d}" for m in range(1, 11)]
    tax = _clean(out, truth, "tax").select("id_number", "period", pl.col("income").alias("x"))
    si = (
        _clean(out, truth, "social_insurance")
        .filter(
            pl.col("item").is_in(
                ["enterprise_pension", "public_pension", "unemployment_benefit", "injury_benefit"]
            )
            & (pl.col("payment_status") == "paid")
        )
        .select("id_number", "period", pl.col("amount").alias("x"))
    )
    income = (
        pl.concat([tax, si])
        .filter(pl.col("period").is_in(periods))
        .group_by("id_number")
        .agg((pl.col("x").cast(pl.Float64).sum() / 12).alias("m"))
    )
    hukou = _clean(out, truth, "hukou").filter(
        (pl.col("status") == "normal") & population_id(pl.col("id_number"))
    )
    per_capita = (
        hukou.join(income, on="id_number", how="left")
        .group_by("household_no")
        .agg((pl.col("m").fill_null(0).sum() / pl.len()).alias("pc"))
    )
    below_line = (per_capita["pc"] < 1.5 * 1010).mean()
    below_dibao = (per_capita["pc"] < 1010).mean()
    assert 0.01 < below_line < 0.12 and 0.003 < below_dibao < below_line


# ---------------------------------------------------------------- windows


def test_window_sources_hold_contract_months(small_city_result):
    truth = ground_truth(small_city_result)
    expected = [f"2025-{m}" for m in ("10", "11", "12")] + [f"2026-{m:02d}" for m in range(1, 11)]
    for name in ("tax", "social_insurance", "housing_fund"):
        df = _clean(small_city_result.out, truth, name)
        assert sorted(set(df["period"])) == expected, name
        assert truth["deliveries"][DAY.isoformat()][name]["window"] == ["2025-10", "2026-10"]
    for name, col in (("death", "death_date"), ("medical_claims", "settle_date")):
        dates = _clean(small_city_result.out, truth, name)[col].str.to_date()
        assert dates.min() >= date(2025, 10, 1) and dates.max() <= date(2026, 11, 26), name
    claims = _clean(small_city_result.out, truth, "medical_claims")["settle_date"].str.to_date()
    assert claims.filter(claims >= date(2026, 11, 1)).len() > 0
    assert claims.filter(claims < date(2025, 11, 1)).len() > 0
    req = _clean(small_city_result.out, truth, "verification_request")["requested_at"].str.to_date()
    assert req.min() >= date(2026, 10, 1) and req.max() <= date(2026, 10, 31)


# ---------------------------------------------------------------- determinism and multi-day


def _digests(root: Path) -> dict[str, str]:
    return {
        str(p.relative_to(root)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(root.rglob("*"))
        if p.is_file()
    }


def test_same_seed_same_bytes_other_seed_differs(tmp_path):
    args = {"persons": 800, "run_date": DAY}
    a = _digests(generate_city(seed=11, out=tmp_path / "a", **args).out)
    b = _digests(generate_city(seed=11, out=tmp_path / "b", **args).out)
    c = _digests(generate_city(seed=12, out=tmp_path / "c", **args).out)
    assert a == b
    assert any(name.endswith(".xlsx") for name in a)
    data = [k for k in a if not k.endswith(SUCCESS_MARKER)]
    assert all(a[k] != c.get(k) for k in data if "hukou" in k or k.endswith(".xlsx"))


class StandIn:
    """A minimal ScenarioSet: one household and its tax rows for every delivery day."""

    def __init__(self, run_date: date, days: int) -> None:
        self.days = [run_date + timedelta(days=k) for k in range(days)]

    def frames(self, day: date) -> dict[str, pl.DataFrame]:
        assert day in self.days
        frames = {name: empty_frame(s) for name, s in local_registry().items()}
        hukou = get_source("hukou")
        frames["hukou"] = pl.concat(
            [
                frames["hukou"],
                pl.DataFrame(
                    {
                        "id_number": [STAND_IN_ID],
                        "name": ["测试"],
                        "gender": ["1"],
                        "birth_date": [date(1980, 1, 1)],
                        "household_no": ["900000001"],
                        "relation_to_head": ["head"],
                        "district_code": ["120101"],
                        "hukou_nature": ["urban"],
                        "status": ["normal"],
                        "status_date": [None],
                    },
                    schema=empty_frame(hukou).schema,
                ),
            ]
        )
        month = day.year * 12 + day.month - 2
        frames["tax"] = pl.DataFrame(
            {
                "id_number": [STAND_IN_ID],
                "period": [f"{month // 12}-{month % 12 + 1:02d}"],
                "income_item": ["wage"],
                "income": [4321.0],
                "tax_paid": [0.0],
                "withholder_uscc": [None],
            },
            schema=empty_frame(get_source("tax")).schema,
        )
        return frames

    def ground_truth(self) -> dict:
        return {"stand_in": [d.isoformat() for d in self.days]}


def test_scenario_rows_are_written_and_never_defective(tmp_path):
    result = generate_city(
        1000, 5, DAY, tmp_path, days=1, scenario_builder=lambda d, n: StandIn(d, n)
    )
    truth = ground_truth(result)
    assert truth["scenarios"] == {"stand_in": [DAY.isoformat()]}
    hukou = read_delivery(tmp_path, get_source("hukou"))
    tax = read_delivery(tmp_path, get_source("tax"))
    assert hukou.filter(pl.col("id_number") == STAND_IN_ID).height == 1
    row = tax.filter(pl.col("id_number") == STAND_IN_ID)
    assert row.height == 1 and row["income"][0] == "4321.0"
    listed = [d for d in truth["defects"] if STAND_IN_ID in d["key"].values()]
    assert listed == []
    assert truth["deliveries"][DAY.isoformat()]["hukou"]["scenario_rows"] == 1


def test_multi_day_snapshots_stay_and_windows_shift(tmp_path):
    start = date(2026, 11, 29)
    result = generate_city(
        800, 9, start, tmp_path, days=3, scenario_builder=lambda d, n: StandIn(d, n)
    )
    days = [start + timedelta(days=k) for k in range(3)]
    truth = ground_truth(result)
    assert truth["generator"]["deliveries"] == [d.isoformat() for d in days]

    def data(name: str, day: date) -> bytes:
        folder = delivery_dir(tmp_path, name, day)
        return b"".join(p.read_bytes() for p in sorted(folder.glob("*.*")))

    for name in ("deposit", "real_estate", "disability", "market_entity"):
        assert data(name, days[0]) == data(name, days[1]) == data(name, days[2]), name
    assert data("housing_fund", days[0]) == data("housing_fund", days[1])
    assert data("housing_fund", days[1]) != data("housing_fund", days[2])
    periods = [
        sorted(set(read_delivery(tmp_path, get_source("social_insurance"), d)["period"]))
        for d in days
    ]
    assert periods[0][0] == "2025-10" and periods[0][-1] == "2026-10"
    assert periods[2][0] == "2025-11" and periods[2][-1] == "2026-11"
    death = [truth["deliveries"][d.isoformat()]["death"]["window"] for d in days]
    assert death[0] == ["2025-10-01", "2026-11-28"] and death[2] == ["2025-11-01", "2026-11-30"]
    for day in days:
        for source in local_registry().values():
            rows = check_delivery(tmp_path, truth, source, day).rows
            unexpected = rows.filter(
                pl.col("planted").is_null() & (pl.col("failed").list.len() > 0)
            )
            assert unexpected.height == 0, (day, source.name)


def test_progress_reports_stages(tmp_path):
    seen: list[tuple[str, int, int]] = []
    generate_city(
        300,
        1,
        DAY,
        tmp_path,
        progress=lambda s, d, t: seen.append((s, d, t)),
        scenario_builder=lambda d, n: StandIn(d, n),
    )
    stages = [s for s, _, _ in seen]
    assert stages[0] == "population" and stages[-1] == "ground_truth"
    assert [d for _, d, _ in seen] == sorted(d for _, d, _ in seen)
    assert seen[-1][1] == seen[-1][2]


# ---------------------------------------------------------------- streaming, block by block


def test_streamed_city_same_bytes_whatever_the_chunk_size(tmp_path, monkeypatch):
    """Three household blocks written one per chunk or all in one chunk: identical files.

    Small XLSX and Parquet limits make the chunking cross file and row-group boundaries; the
    rows still fail exactly their planted reasons at the file and line the truth lists, ID
    numbers stay distinct across blocks, and a delivery split into several XLSX files lands
    whole.
    """
    from hedui.generator import stream
    from hedui.landing import land_all

    monkeypatch.setattr(stream, "XLSX_MAX_DATA_ROWS", 97)
    monkeypatch.setattr(stream, "PARQUET_ROW_GROUP", 150)
    args = {"persons": 2400, "seed": 3, "run_date": DAY, "days": 2, "block_persons": 800}
    one = generate_city(out=tmp_path / "one", chunk_persons=800, **args)
    whole = generate_city(out=tmp_path / "whole", chunk_persons=2400, **args)
    assert _digests(one.out) == _digests(whole.out)

    truth = ground_truth(one)
    assert truth["population"]["persons"] == 2400
    xlsx = truth["deliveries"][DAY.isoformat()]["commercial_insurance"]["files"]
    assert len(xlsx) >= 2 and max(xlsx.values()) == 97
    hukou = read_delivery(one.out, get_source("hukou"))
    planted = {d["key"]["id_number"] for d in truth["defects"] if d["source"] == "hukou"}
    ids = hukou.filter(~pl.col("id_number").is_in(list(planted)))["id_number"]
    assert ids.n_unique() == ids.len() > 2000
    households = hukou["household_no"].unique()
    assert households.len() > 900
    for day in (DAY, DAY + timedelta(days=1)):
        for source in local_registry().values():
            rows = check_delivery(one.out, truth, source, day).rows
            wrong = rows.filter(
                pl.col("failed").list.len() != pl.col("planted").is_not_null().cast(pl.UInt32)
            )
            assert wrong.height == 0, (day, source.name, wrong.head(3).to_dicts())
    landed = {r.source: r for r in land_all(DAY, one.out, tmp_path / "landing")}
    insurance = landed["commercial_insurance"]
    assert insurance.status == "landed"
    assert insurance.rows == sum(xlsx.values())
