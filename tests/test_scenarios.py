"""Planted scenario households: coverage, clean rows, windows, determinism and ground truth."""

from __future__ import annotations

import itertools
import json
from datetime import date, timedelta

import polars as pl
import pytest

from hedui.generator.scenario_time import date_window, full_months_before, shift_years
from hedui.generator.scenarios import (
    build_scenarios,
    is_scenario_id_number,
    is_scenario_key,
)
from hedui.generator.schema import frame_schema
from hedui.idnumbers import id_birth_date, id_gender, is_valid_id_number, is_valid_uscc
from hedui.registry import get_source, local_registry, local_source_names

RUN = date(2026, 11, 27)
DAYS = 4
PERIOD_SOURCES = ("tax", "social_insurance", "housing_fund")
DATE_WINDOW = {"death": "death_date", "medical_claims": "settle_date"}
EVENT_DATES = {  # snapshot event dates that may not be after the delivery date
    "hukou": ["birth_date", "status_date"],
    "vehicle": ["first_register_date"],
    "real_estate": ["register_date"],
    "employment": ["registered_date"],
    "public_housing": ["start_date"],
    "market_entity": ["established_date"],
    "marriage": ["event_date"],
    "disability": ["cert_issue_date"],
    "deposit": ["as_of_date"],
    "wealth_product": ["as_of_date"],
    "stock": ["as_of_date"],
    "bond": ["as_of_date"],
    "fund": ["as_of_date"],
    "commercial_insurance": ["as_of_date"],
    "assistance_roll": ["start_date"],
    "verification_request": ["requested_at"],
}
STRING_KEYS = {  # scenario-prefixed identifiers
    "vehicle": "plate_no",
    "real_estate": "cert_no",
    "public_housing": "contract_no",
    "marriage": "record_id",
    "medical_claims": "claim_id",
    "deposit": "account_no",
    "wealth_product": "product_code",
    "stock": "securities_account",
    "bond": "bond_code",
    "fund": "fund_code",
    "commercial_insurance": "policy_no",
    "assistance_roll": "case_no",
    "verification_request": "request_id",
}


@pytest.fixture(scope="module")
def sset():
    return build_scenarios(RUN, days=DAYS)


@pytest.fixture(scope="module")
def truth(sset):
    return sset.ground_truth()


def _days(sset) -> list[date]:
    return [RUN + timedelta(days=k) for k in range(DAYS)]


# ---------------------------------------------------------------- interface and coverage


def test_frames_cover_all_sources_with_contract_schema(sset):
    for day in _days(sset):
        frames = sset.frames(day)
        assert list(frames) == local_source_names()
        for name, df in frames.items():
            assert df.schema == frame_schema(get_source(name)), name
    with pytest.raises(KeyError):
        sset.frames(RUN - timedelta(days=1))


def test_ground_truth_is_json_and_lists_every_date(sset, truth):
    text = json.dumps(truth, ensure_ascii=False)
    assert json.loads(text) == truth
    assert truth["dates"] == [d.isoformat() for d in _days(sset)]
    assert truth["parameters"]["dibao_standard"] == "1010"
    assert truth["inexact"] == []
    for sc in truth["scenarios"].values():
        assert list(sc["days"]) == truth["dates"]


def test_every_scenario_code_is_planted(truth):
    cov = truth["coverage"]
    assert set(cov["tiers"]) == {"tekun", "dibao", "low_income", "expenditure_hardship", "none"}
    assert {"A1", "A2", "A3", "A4", "T_SUPPORTER_CHECK", "V_AUTH_MISSING"} <= set(
        cov["reason_codes"]
    )
    assert {
        "W_INCOME_DROP:red",
        "W_INCOME_DROP:orange",
        "W_MEDICAL:orange",
        "W_MEDICAL:red",
        "W_DEATH:orange",
        "W_DISABILITY:orange",
        "W_JOB_LOSS:yellow",
        "W_EDUCATION:yellow",
    } <= set(cov["warnings"])
    assert set(cov["warning_status"]) == {"new", "ongoing", "resolved"}
    assert set(cov["reviews"]) == {
        "R_INCOME",
        "R_ASSETS",
        "R_VEHICLE",
        "R_PROPERTY",
        "R_DECEASED",
        "R_MOVED",
        "R_BUSINESS",
    }
    assert set(cov["categories"]) == {
        "tekun",
        "dibao",
        "low_income",
        "expenditure_hardship",
        "assisted",
        "monitored",
    }
    assert set(cov["outreach_tiers"]) == {"tekun", "dibao", "low_income", "expenditure_hardship"}


def test_spec_intents_match_the_reference_computation(sset):
    assert sset.intent_mismatches() == []
    for run, days in ((RUN, 1), (date(2027, 3, 2), 4), (date(2026, 9, 1), 3)):
        assert build_scenarios(run, days).intent_mismatches() == [], run


def test_clean_case_and_cases_never_outreach(truth):
    d0 = truth["dates"][0]
    cases = [sc for sc in truth["scenarios"].values() if sc["case_no"]]
    assert any(sc["days"][d0]["case"]["reviews"] == [] for sc in cases)
    for sc in cases:
        for day in sc["days"].values():
            if day["case"]["active"]:
                assert day["outreach"] is None
                assert day["monitored"]


# ---------------------------------------------------------------- hand-computed expectations


def _hv(truth, code, k=0):
    return truth["scenarios"][code]["days"][truth["dates"][k]]["household_verification"]


@pytest.mark.parametrize(
    ("code", "field", "value"),
    [
        ("T01", "tier", "tekun"),
        ("T01", "monthly_amount", 3060),
        ("T01", "reason_codes", ["T_SUPPORTER_CHECK"]),
        ("T03", "tier", "tekun"),
        ("T04", "tier", "dibao"),
        ("T04", "monthly_amount", 820),
        ("D01", "monthly_amount", 310),
        ("D01", "income_per_capita", 700.5),
        ("L02", "monthly_amount", 303 + 2 * 1010),
        ("L02", "single_person_dibao_count", 2),
        ("L03", "tier", "low_income"),
        ("L03", "monthly_amount", 303),
        ("N01", "tier", "none"),
        ("N01", "income_per_capita", 1515.0),
        ("E01", "tier", "expenditure_hardship"),
        ("E01", "monthly_amount", None),
        ("A01", "tier", "dibao"),
        ("A01", "cash_assets_per_capita", 24240.0),
        ("A02", "reason_codes", ["A1"]),
        ("A02", "cash_assets_per_capita", 24240.01),
        ("A03", "reason_codes", ["A1"]),
        ("A04", "tier", "dibao"),
        ("V01", "reason_codes", ["A2"]),
        ("V02", "tier", "dibao"),
        ("P01", "reason_codes", ["A3"]),
        ("P02", "tier", "dibao"),
        ("P03", "reason_codes", ["A3"]),
        ("P04", "reason_codes", ["A4"]),
        ("I01", "income_per_capita", 600.0),
        ("I02", "income_per_capita", 600.0),
        ("I03", "member_count", 2),
        ("I04", "member_count", 1),
        ("I05", "member_count", 2),
        ("I06", "income_per_capita", 800.0),
    ],
)
def test_hand_computed_household_results(truth, code, field, value):
    assert _hv(truth, code)[field] == value


def test_case_reviews_and_ending_case(truth):
    d = truth["dates"]
    sc = truth["scenarios"]
    for code, reviews in (
        ("C01", []),
        ("C02", ["R_INCOME"]),
        ("C03", []),
        ("C04", []),
        ("C05", ["R_ASSETS"]),
        ("C06", ["R_VEHICLE"]),
        ("C07", ["R_PROPERTY"]),
        ("C08", ["R_PROPERTY"]),
        ("C09", ["R_DECEASED"]),
        ("C10", ["R_MOVED"]),
        ("C11", ["R_BUSINESS"]),
    ):
        assert sc[code]["days"][d[0]]["case"]["reviews"] == reviews, code
    ending = sc["C12"]["days"]
    assert [ending[x]["case"]["active"] for x in d] == [True, True, False, False]
    assert [ending[x]["outreach"] for x in d[:2]] == [None, None]
    assert ending[d[2]]["outreach"] == {"tier": "dibao", "monthly_amount": 710}


def test_verification_reports(truth):
    d0 = truth["dates"][0]
    full = truth["scenarios"]["Q01"]["days"][d0]["verification_report"]
    assert (full["tier"], full["monthly_amount"], full["reason_codes"]) == ("dibao", 220, [])
    assert (full["members_verified"], full["members_refused"], full["complete"]) == (2, 0, True)
    part = truth["scenarios"]["Q03"]["days"][d0]["verification_report"]
    assert part["tier"] is None and part["income_per_capita"] is None
    assert part["reason_codes"] == ["V_AUTH_MISSING"]
    assert (part["members_verified"], part["members_refused"], part["complete"]) == (2, 1, False)


def test_requests_with_members_from_other_regions(truth):
    """Before any partner answer (the city's deliveries hold none) and once answered."""
    d0 = truth["dates"][0]
    day = {c: truth["scenarios"][c]["days"][d0] for c in ("X01", "X02", "X03", "X04", "X05")}
    for code, state in day.items():
        assert state["verification_report"] == state["cross_region"]["before"], code
        assert not state["cross_region"]["before"]["complete"], code
    before = {c: day[c]["cross_region"]["before"] for c in day}
    after = {c: day[c]["cross_region"]["after_answer"] for c in day}
    assert before["X01"]["tier"] is None
    assert before["X01"]["missing_sources"] == ["cross_region:110000"]
    assert (after["X01"]["tier"], after["X01"]["monthly_amount"]) == ("dibao", 1020)
    assert after["X01"]["income_per_capita"] == 500.0  # the resident pension is not income
    assert (after["X02"]["tier"], after["X02"]["monthly_amount"]) == ("dibao", 1220)
    assert (after["X03"]["tier"], after["X03"]["residential_homes"]) == ("low_income", 1)
    assert (before["X04"]["tier"], before["X04"]["reason_codes"]) == ("none", ["A2"])
    assert before["X05"] == after["X05"] and after["X05"]["tier"] is None
    x01 = truth["scenarios"]["X01"]
    assert [m["region"] for m in x01["members_from_other_regions"]] == ["110000"]
    assert x01["days"][d0]["household_verification"]["member_count"] == 1  # hukou: local only


def _timeline(truth, code):
    return [
        [(w["code"], w["severity"], w["status"]) for w in sc_day["warnings"]]
        for sc_day in truth["scenarios"][code]["days"].values()
    ]


def test_warning_timelines(truth):
    assert _timeline(truth, "W01") == [
        [("W_INCOME_DROP", "red", "new")],
        [("W_INCOME_DROP", "red", "ongoing")],
        [("W_INCOME_DROP", "red", "resolved")],
        [],
    ]
    assert _timeline(truth, "W08") == [
        [],
        [("W_DISABILITY", "orange", "new")],
        [("W_DISABILITY", "orange", "ongoing")],
        [("W_DISABILITY", "orange", "resolved")],
    ]
    resolved = truth["scenarios"]["W06"]["days"][truth["dates"][2]]["warnings"][0]
    assert resolved["first_seen"] == truth["dates"][0]
    assert resolved["last_seen"] == truth["dates"][1]
    planted = {f"W{k:02d}" for k in range(1, 12)}
    for code, sc in truth["scenarios"].items():
        if code not in planted:
            assert all(day["warnings"] == [] for day in sc["days"].values()), code


def test_single_day_has_only_new_warnings():
    one = build_scenarios(RUN, days=1).ground_truth()
    statuses = {
        w["status"]
        for sc in one["scenarios"].values()
        for day in sc["days"].values()
        for w in day["warnings"]
    }
    assert statuses == {"new"}
    assert one["dates"] == [RUN.isoformat()]


def test_job_loss_fires_through_registration_and_contribution_stop(sset):
    frames = sset.frames(RUN)
    truth = sset.ground_truth()["scenarios"]
    ids = {code: [m["id_number"] for m in truth[code]["members"]] for code in ("W09", "W10")}
    emp = frames["employment"].filter(pl.col("id_number").is_in(ids["W09"]))
    assert "registered_unemployed" in emp["status"].to_list()
    si = frames["social_insurance"].filter(pl.col("id_number").is_in(ids["W10"]))
    assert set(si["record_type"].to_list()) == {"contribution", "benefit"}


# ---------------------------------------------------------------- clean rows


def test_ids_are_valid_scenario_ids(sset):
    for day in _days(sset):
        frames = sset.frames(day)
        hukou = frames["hukou"]
        for row in hukou.iter_rows(named=True):
            pid = row["id_number"]
            assert is_valid_id_number(pid) and is_scenario_id_number(pid)
            assert 900 <= int(pid[14:17]) <= 999
            assert id_birth_date(pid) == row["birth_date"]
            assert id_gender(pid) == row["gender"]
            assert pid[:4] == "1201"
            assert row["household_no"].startswith("9") and len(row["household_no"]) == 9
            assert (row["status_date"] is None) == (row["status"] == "normal")
        known = set(hukou["id_number"])
        remote = {  # request members registered in other regions: no hukou row (policy §11)
            m["id_number"]
            for sc in sset.ground_truth()["scenarios"].values()
            for m in sc.get("members_from_other_regions", [])
        }
        assert remote and {pid[:2] for pid in remote} == {"11", "13", "32"}
        for name, source in local_registry().items():
            df = frames[name]
            for col in source.id_columns:
                allowed = known | remote if name == "verification_request" else known
                assert set(df[col].drop_nulls()) <= allowed, (name, col)
            for col in (c.name for c in source.columns if c.type == "uscc"):
                assert all(is_valid_uscc(v) for v in df[col].drop_nulls()), (name, col)
            if name in STRING_KEYS:
                assert all(is_scenario_key(v) for v in df[STRING_KEYS[name]]), name


def test_rows_follow_the_contract_rules(sset):
    for day in _days(sset):
        for name, source in local_registry().items():
            df = sset.frames(day)[name]
            for col in source.columns:
                if col.required:
                    assert df[col.name].null_count() == 0, (name, col.name)
                if col.values:
                    assert set(df[col.name].drop_nulls()) <= set(col.values), (name, col.name)
                if col.type == "decimal":
                    assert (df[col.name].drop_nulls() >= 0).all(), (name, col.name)
        f = sset.frames(day)
        shares = f["real_estate"].group_by("cert_no").agg(pl.col("share_ratio").sum())
        assert ((shares["share_ratio"] - 1).abs() < 1e-4).all()
        claims = f["medical_claims"]
        assert (
            (claims["total_cost"] - claims["fund_paid"] - claims["out_of_pocket"]).abs() < 0.005
        ).all()
        stock = f["stock"]
        assert (
            (stock["quantity"] * stock["close_price"] - stock["market_value"]).abs() < 0.005
        ).all()
        fund = f["fund"]
        assert ((fund["shares"] * fund["nav"] - fund["market_value"]).abs() <= 0.01).all()
        ent = f["market_entity"].filter(pl.col("role") == "investor")
        assert ent["subscribed_capital"].null_count() == 0
        assert f["hukou"]["district_code"].str.starts_with("12").all()
        roll = f["assistance_roll"]
        assert (roll["street_code"].str.len_chars() == 9).all()


def test_no_primary_key_collisions(sset):
    for day in _days(sset):
        for name, source in local_registry().items():
            df = sset.frames(day)[name]
            keys = df.select(source.primary_key)
            assert keys.height == keys.unique().height, (day, name)


def test_rows_are_inside_their_windows(sset):
    for day in _days(sset):
        f = sset.frames(day)
        periods = set(full_months_before(day, 13))
        for name in PERIOD_SOURCES:
            assert set(f[name]["period"]) <= periods, name
            assert set(f[name]["period"]) == periods or name != "tax"
        first, last = date_window(day)
        for name, col in DATE_WINDOW.items():
            assert f[name][col].is_between(first, last).all(), name
        for name, cols in EVENT_DATES.items():
            for col in cols:
                assert (f[name][col].drop_nulls() <= day).all(), (name, col)
        prev_month = full_months_before(day, 1)[0]
        requested = f["verification_request"]["requested_at"]
        assert requested.len() > 0
        assert all(d.strftime("%Y-%m") == prev_month for d in requested)


def test_later_deliveries_replace_rows_by_key(sset):
    """A window key of day k-1 still inside day k's window is delivered again on day k."""
    days = _days(sset)
    for prev, day in itertools.pairwise(days):
        for name in (*PERIOD_SOURCES, *DATE_WINDOW, "verification_request"):
            key = list(get_source(name).primary_key)
            old = sset.frames(prev)[name]
            if name in PERIOD_SOURCES:
                old = old.filter(pl.col("period").is_in(full_months_before(day, 13)))
            new = sset.frames(day)[name].select(key)
            assert old.select(key).join(new, on=key, how="anti", nulls_equal=True).height == 0


def test_deterministic():
    a, b = build_scenarios(RUN, 3), build_scenarios(RUN, 3)
    assert json.dumps(a.ground_truth(), sort_keys=True) == json.dumps(
        b.ground_truth(), sort_keys=True
    )
    for day in a.dates:
        for name in local_source_names():
            assert a.frames(day)[name].equals(b.frames(day)[name]), name


# ---------------------------------------------------------------- independent recomputation


def _members(f: dict[str, pl.DataFrame], day: date) -> pl.DataFrame:
    dead = f["death"].filter(pl.col("death_date") <= day)["id_number"]
    return (
        f["hukou"]
        .filter((pl.col("status") == "normal") & ~pl.col("id_number").is_in(dead.implode()))
        .select("id_number", "household_no")
    )


def _per_person(f: dict[str, pl.DataFrame], day: date) -> pl.DataFrame:
    periods = full_months_before(day, 12)
    tax = (
        f["tax"]
        .filter(pl.col("period").is_in(periods))
        .group_by("id_number")
        .agg(pl.col("income").sum().alias("tax"))
    )
    benefit = (
        f["social_insurance"]
        .filter(
            pl.col("period").is_in(periods)
            & (pl.col("record_type") == "benefit")
            & (pl.col("payment_status") == "paid")
            & pl.col("item").is_in(
                ["enterprise_pension", "public_pension", "unemployment_benefit", "injury_benefit"]
            )
        )
        .group_by("id_number")
        .agg(pl.col("amount").sum().alias("benefit"))
    )
    cash_parts = [
        f[name].select("id_number", pl.col(col).alias("cash"))
        for name, col in (
            ("deposit", "balance_cny"),
            ("wealth_product", "market_value"),
            ("stock", "market_value"),
            ("bond", "market_value"),
            ("fund", "market_value"),
        )
    ]
    cash_parts.append(
        f["commercial_insurance"]
        .filter(pl.col("product_type").is_in(["life", "annuity", "universal", "investment_linked"]))
        .select("id_number", pl.col("cash_value").alias("cash"))
    )
    cash_parts.append(
        f["market_entity"]
        .filter((pl.col("role") == "investor") & (pl.col("status") == "active"))
        .select(
            pl.col("person_id_number").alias("id_number"),
            pl.col("subscribed_capital").alias("cash"),
        )
    )
    cash = pl.concat(cash_parts).group_by("id_number").agg(pl.col("cash").sum())
    year = day.year if (day.month, day.day) >= (9, 1) else day.year - 1
    school = (
        f["education"]
        .filter(
            (pl.col("school_year") == year)
            & (pl.col("enrollment_status") == "enrolled")
            & pl.col("stage").is_in(["preschool", "senior_secondary", "vocational", "higher"])
        )
        .group_by("id_number")
        .agg(
            (pl.col("tuition_per_year") + pl.col("boarding_per_year").fill_null(0))
            .sum()
            .alias("school")
        )
    )
    oop = (
        f["medical_claims"]
        .filter((pl.col("settle_date") > shift_years(day, -1)) & (pl.col("settle_date") <= day))
        .group_by("id_number")
        .agg(pl.col("out_of_pocket").sum().alias("oop"))
    )
    out = _members(f, day)
    for part in (tax, benefit, cash, school, oop):
        out = out.join(part, on="id_number", how="left")
    return out.fill_null(0)


def test_recomputed_household_figures_match_ground_truth(sset, truth):
    by_household = {sc["household_no"]: sc for sc in truth["scenarios"].values()}
    for day in _days(sset):
        households = (
            _per_person(sset.frames(day), day)
            .group_by("household_no")
            .agg(
                pl.len().alias("n"),
                ((pl.col("tax") + pl.col("benefit")).sum() / 12 / pl.len()).round(2).alias("inc"),
                (pl.col("cash").sum() / pl.len()).round(2).alias("cash"),
                ((pl.col("school") + pl.col("oop")).sum() / 12 / pl.len()).round(2).alias("rigid"),
            )
        )
        assert households.height == len(by_household)
        for row in households.iter_rows(named=True):
            hv = by_household[row["household_no"]]["days"][day.isoformat()][
                "household_verification"
            ]
            assert hv["member_count"] == row["n"]
            assert hv["income_per_capita"] == pytest.approx(row["inc"], abs=0.005)
            assert hv["cash_assets_per_capita"] == pytest.approx(row["cash"], abs=0.005)
            assert hv["rigid_expenditure_per_capita"] == pytest.approx(row["rigid"], abs=0.005)


def test_expected_tables_flatten_the_truth(sset):
    hv = sset.expected("household_verification", RUN)
    assert len(hv) == len(sset.household_nos)
    assert {r["household_id"] for r in hv} == sset.household_nos
    reviews = sset.expected("recipient_reviews", RUN)
    assert {r["review_code"] for r in reviews} >= {"R_INCOME", "R_MOVED"}
    outreach = sset.expected("outreach_candidates", RUN)
    assert all(r["tier"] != "none" for r in outreach)
    pop = sset.expected("low_income_population", RUN)
    assert all(r["category"] == r["categories"][0] for r in pop)
    assert len(sset.expected("verification_reports", RUN)) == 3 + 6  # Q01-Q03, X01-X06
    assert sset.expected("return_to_poverty_warnings", RUN)
