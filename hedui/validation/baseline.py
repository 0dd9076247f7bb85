"""The bench baseline: the same checks hand-written as plain DuckDB SQL, per source.

Each source lists (reason code, SQL condition) pairs written by hand; one statement per source
computes every row's reason codes, then the good rows go to the validated parquet and the rest
to a quarantine parquet. It exists to measure what the GX layer costs (bench.py) and, as an
independent implementation, to cross-check the compiled results.
"""

from __future__ import annotations

import os
from datetime import date
from pathlib import Path

import duckdb

from hedui import duck
from hedui.registry import get_source
from hedui.validation.business import REASON_PRIORITY
from hedui.validation.compiler import MACROS
from hedui.validation.gating import data_files, landing_dir
from hedui.validation.windows import window_bounds

# {D} delivery date, {P0}/{P1} period window, {W0}/{W1} date window (all SQL literals).
RULES: dict[str, list[tuple[str, str]]] = {
    "hukou": [
        ("ID_CHECKSUM", "NOT hd_valid_id(id_number)"),
        (
            "ENUM_INVALID",
            "gender NOT IN ('1', '2') OR relation_to_head NOT IN ('head', 'spouse', "
            "'child', 'parent', 'grandchild', 'grandparent', 'sibling', 'child_in_law', 'other') "
            "OR hukou_nature NOT IN ('urban', 'rural') "
            "OR status NOT IN ('normal', 'deceased', 'moved_out')",
        ),
        (
            "FORMAT_INVALID",
            "NOT regexp_full_match(household_no, '[0-9]{{9}}') "
            "OR NOT regexp_full_match(district_code, '12[0-9]{{4}}')",
        ),
        ("FUTURE_DATE", "birth_date > {D} OR status_date > {D}"),
        (
            "ID_MISMATCH",
            "hd_valid_id(id_number) AND (hd_id_birth(id_number) <> birth_date "
            "OR hd_id_gender(id_number) <> gender)",
        ),
        ("CONDITIONAL_REQUIRED", "status IN ('deceased', 'moved_out') AND status_date IS NULL"),
        (
            "REQUIRED_MISSING",
            "id_number IS NULL OR name IS NULL OR gender IS NULL "
            "OR birth_date IS NULL OR household_no IS NULL OR relation_to_head IS NULL "
            "OR district_code IS NULL OR hukou_nature IS NULL OR status IS NULL",
        ),
        ("DUPLICATE_KEY", "id_number IS NOT NULL AND count(*) OVER (PARTITION BY id_number) > 1"),
    ],
    "vehicle": [
        ("ID_CHECKSUM", "NOT hd_valid_id(owner_id_number)"),
        (
            "ENUM_INVALID",
            "vehicle_type NOT IN ('car', 'motorcycle', 'truck', "
            "'disability_vehicle', 'low_speed', 'other') "
            "OR status NOT IN ('normal', 'scrapped', 'deregistered')",
        ),
        ("NEGATIVE_AMOUNT", "purchase_price < 0"),
        ("FUTURE_DATE", "first_register_date > {D}"),
        (
            "REQUIRED_MISSING",
            "plate_no IS NULL OR owner_id_number IS NULL OR vehicle_type IS NULL "
            "OR first_register_date IS NULL OR status IS NULL",
        ),
        ("DUPLICATE_KEY", "plate_no IS NOT NULL AND count(*) OVER (PARTITION BY plate_no) > 1"),
    ],
    "real_estate": [
        ("ID_CHECKSUM", "NOT hd_valid_id(owner_id_number)"),
        (
            "ENUM_INVALID",
            "property_use NOT IN ('residential', 'commercial', 'parking', 'other') "
            "OR status NOT IN ('valid', 'cancelled')",
        ),
        ("FORMAT_INVALID", "NOT regexp_full_match(district_code, '12[0-9]{{4}}')"),
        ("RANGE_INVALID", "share_ratio <= 0 OR share_ratio > 1"),
        ("NEGATIVE_AMOUNT", "floor_area_m2 < 0"),
        ("FUTURE_DATE", "register_date > {D}"),
        (
            "REQUIRED_MISSING",
            "cert_no IS NULL OR owner_id_number IS NULL OR share_ratio IS NULL "
            "OR property_use IS NULL OR floor_area_m2 IS NULL OR district_code IS NULL "
            "OR register_date IS NULL OR status IS NULL",
        ),
        (
            "DUPLICATE_KEY",
            "NOT (cert_no IS NULL AND owner_id_number IS NULL) "
            "AND count(*) OVER (PARTITION BY cert_no, owner_id_number) > 1",
        ),
        (
            "SHARE_SUM",
            "cert_no IS NOT NULL AND share_ratio IS NOT NULL "
            "AND abs(sum(share_ratio) OVER (PARTITION BY cert_no) - 1) > 0.0001",
        ),
    ],
    "tax": [
        ("TYPE_INVALID", "NOT regexp_full_match(period, '[0-9]{{4}}-(0[1-9]|1[0-2])')"),
        ("ID_CHECKSUM", "NOT hd_valid_id(id_number)"),
        ("USCC_CHECKSUM", "NOT hd_valid_uscc(withholder_uscc)"),
        (
            "ENUM_INVALID",
            "income_item NOT IN ('wage', 'labor', 'business', 'royalty', "
            "'property_lease', 'interest_dividend', 'other')",
        ),
        ("NEGATIVE_AMOUNT", "income < 0 OR tax_paid < 0"),
        ("PERIOD_OUT_OF_WINDOW", "period NOT BETWEEN {P0} AND {P1}"),
        (
            "REQUIRED_MISSING",
            "id_number IS NULL OR period IS NULL OR income_item IS NULL "
            "OR income IS NULL OR tax_paid IS NULL",
        ),
        (
            "DUPLICATE_KEY",
            "NOT (id_number IS NULL AND period IS NULL AND income_item IS NULL "
            "AND withholder_uscc IS NULL) AND count(*) OVER "
            "(PARTITION BY id_number, period, income_item, withholder_uscc) > 1",
        ),
    ],
    "social_insurance": [
        ("TYPE_INVALID", "NOT regexp_full_match(period, '[0-9]{{4}}-(0[1-9]|1[0-2])')"),
        ("ID_CHECKSUM", "NOT hd_valid_id(id_number)"),
        ("USCC_CHECKSUM", "NOT hd_valid_uscc(employer_uscc)"),
        (
            "ENUM_INVALID",
            "record_type NOT IN ('contribution', 'benefit') "
            "OR item NOT IN ('pension', 'unemployment', 'injury', 'enterprise_pension', "
            "'public_pension', 'resident_pension', 'unemployment_benefit', 'injury_benefit') "
            "OR payment_status NOT IN ('paid', 'suspended') "
            "OR (NOT (record_type IS NULL AND item IS NULL) AND NOT coalesce("
            "(record_type = 'contribution' AND item IN ('pension', 'unemployment', 'injury')) OR "
            "(record_type = 'benefit' AND item IN ('enterprise_pension', 'public_pension', "
            "'resident_pension', 'unemployment_benefit', 'injury_benefit')), FALSE))",
        ),
        ("NEGATIVE_AMOUNT", "amount < 0"),
        ("PERIOD_OUT_OF_WINDOW", "period NOT BETWEEN {P0} AND {P1}"),
        (
            "REQUIRED_MISSING",
            "id_number IS NULL OR period IS NULL OR record_type IS NULL "
            "OR item IS NULL OR amount IS NULL OR payment_status IS NULL",
        ),
        (
            "DUPLICATE_KEY",
            "NOT (id_number IS NULL AND period IS NULL AND record_type IS NULL "
            "AND item IS NULL) AND count(*) OVER "
            "(PARTITION BY id_number, period, record_type, item) > 1",
        ),
    ],
    "employment": [
        ("ID_CHECKSUM", "NOT hd_valid_id(id_number)"),
        ("USCC_CHECKSUM", "NOT hd_valid_uscc(employer_uscc)"),
        (
            "ENUM_INVALID",
            "status NOT IN ('employed', 'flexible', 'registered_unemployed', "
            "'public_welfare_post', 'public_payroll')",
        ),
        ("FUTURE_DATE", "registered_date > {D}"),
        ("REQUIRED_MISSING", "id_number IS NULL OR status IS NULL OR registered_date IS NULL"),
        (
            "DUPLICATE_KEY",
            "NOT (id_number IS NULL AND registered_date IS NULL) "
            "AND count(*) OVER (PARTITION BY id_number, registered_date) > 1",
        ),
    ],
    "public_housing": [
        ("ID_CHECKSUM", "NOT hd_valid_id(id_number)"),
        (
            "ENUM_INVALID",
            "housing_type NOT IN ('public_rental', 'rent_subsidy', 'affordable_purchase')",
        ),
        ("NEGATIVE_AMOUNT", "floor_area_m2 < 0 OR monthly_subsidy < 0"),
        ("FUTURE_DATE", "start_date > {D}"),
        (
            "REQUIRED_MISSING",
            "contract_no IS NULL OR id_number IS NULL OR housing_type IS NULL "
            "OR start_date IS NULL",
        ),
        (
            "DUPLICATE_KEY",
            "contract_no IS NOT NULL AND count(*) OVER (PARTITION BY contract_no) > 1",
        ),
    ],
    "housing_fund": [
        ("TYPE_INVALID", "NOT regexp_full_match(period, '[0-9]{{4}}-(0[1-9]|1[0-2])')"),
        ("ID_CHECKSUM", "NOT hd_valid_id(id_number)"),
        ("ENUM_INVALID", "account_status NOT IN ('normal', 'sealed', 'closed')"),
        ("NEGATIVE_AMOUNT", "deposit_base < 0 OR monthly_deposit < 0 OR balance < 0"),
        ("PERIOD_OUT_OF_WINDOW", "period NOT BETWEEN {P0} AND {P1}"),
        (
            "REQUIRED_MISSING",
            "id_number IS NULL OR period IS NULL OR deposit_base IS NULL "
            "OR monthly_deposit IS NULL OR balance IS NULL OR account_status IS NULL",
        ),
        (
            "DUPLICATE_KEY",
            "NOT (id_number IS NULL AND period IS NULL) "
            "AND count(*) OVER (PARTITION BY id_number, period) > 1",
        ),
    ],
    "market_entity": [
        ("ID_CHECKSUM", "NOT hd_valid_id(person_id_number)"),
        ("USCC_CHECKSUM", "NOT hd_valid_uscc(uscc)"),
        (
            "ENUM_INVALID",
            "entity_type NOT IN ('individual_business', 'limited_company', "
            "'partnership', 'sole_proprietorship', 'farmer_cooperative') "
            "OR role NOT IN ('legal_representative', 'investor') "
            "OR status NOT IN ('active', 'revoked', 'cancelled')",
        ),
        ("NEGATIVE_AMOUNT", "subscribed_capital < 0"),
        ("FUTURE_DATE", "established_date > {D}"),
        ("CONDITIONAL_REQUIRED", "role = 'investor' AND subscribed_capital IS NULL"),
        (
            "REQUIRED_MISSING",
            "uscc IS NULL OR entity_name IS NULL OR entity_type IS NULL "
            "OR person_id_number IS NULL OR role IS NULL OR status IS NULL "
            "OR established_date IS NULL",
        ),
        (
            "DUPLICATE_KEY",
            "NOT (uscc IS NULL AND person_id_number IS NULL AND role IS NULL) "
            "AND count(*) OVER (PARTITION BY uscc, person_id_number, role) > 1",
        ),
    ],
    "marriage": [
        ("ID_CHECKSUM", "NOT hd_valid_id(party1_id_number) OR NOT hd_valid_id(party2_id_number)"),
        ("ENUM_INVALID", "event NOT IN ('marriage', 'divorce')"),
        ("FUTURE_DATE", "event_date > {D}"),
        (
            "REQUIRED_MISSING",
            "record_id IS NULL OR event IS NULL OR party1_id_number IS NULL "
            "OR party2_id_number IS NULL OR event_date IS NULL",
        ),
        ("DUPLICATE_KEY", "record_id IS NOT NULL AND count(*) OVER (PARTITION BY record_id) > 1"),
    ],
    "death": [
        ("ID_CHECKSUM", "NOT hd_valid_id(id_number)"),
        ("ENUM_INVALID", "record_source NOT IN ('death_certificate', 'cremation')"),
        ("FUTURE_DATE", "death_date > {D}"),
        ("PERIOD_OUT_OF_WINDOW", "death_date NOT BETWEEN {W0} AND {W1}"),
        ("REQUIRED_MISSING", "id_number IS NULL OR death_date IS NULL OR record_source IS NULL"),
        ("DUPLICATE_KEY", "id_number IS NOT NULL AND count(*) OVER (PARTITION BY id_number) > 1"),
    ],
    "disability": [
        ("ID_CHECKSUM", "NOT hd_valid_id(id_number)"),
        (
            "ENUM_INVALID",
            "disability_category NOT IN ('visual', 'hearing', 'speech', "
            "'physical', 'intellectual', 'mental', 'multiple')",
        ),
        ("RANGE_INVALID", "disability_grade NOT BETWEEN 1 AND 4"),
        ("FUTURE_DATE", "cert_issue_date > {D}"),
        (
            "REQUIRED_MISSING",
            "id_number IS NULL OR disability_category IS NULL "
            "OR disability_grade IS NULL OR cert_issue_date IS NULL",
        ),
        ("DUPLICATE_KEY", "id_number IS NOT NULL AND count(*) OVER (PARTITION BY id_number) > 1"),
    ],
    "medical_claims": [
        ("ID_CHECKSUM", "NOT hd_valid_id(id_number)"),
        ("ENUM_INVALID", "visit_type NOT IN ('outpatient', 'inpatient', 'chronic_special')"),
        ("NEGATIVE_AMOUNT", "total_cost < 0 OR fund_paid < 0 OR out_of_pocket < 0"),
        ("FUTURE_DATE", "settle_date > {D}"),
        ("PERIOD_OUT_OF_WINDOW", "settle_date NOT BETWEEN {W0} AND {W1}"),
        ("TOTAL_MISMATCH", "abs(total_cost - (fund_paid + out_of_pocket)) > 0.005"),
        (
            "REQUIRED_MISSING",
            "claim_id IS NULL OR id_number IS NULL OR settle_date IS NULL "
            "OR visit_type IS NULL OR total_cost IS NULL OR fund_paid IS NULL "
            "OR out_of_pocket IS NULL",
        ),
        ("DUPLICATE_KEY", "claim_id IS NOT NULL AND count(*) OVER (PARTITION BY claim_id) > 1"),
    ],
    "education": [
        ("ID_CHECKSUM", "NOT hd_valid_id(id_number)"),
        (
            "ENUM_INVALID",
            "stage NOT IN ('preschool', 'primary', 'junior_secondary', "
            "'senior_secondary', 'vocational', 'higher') "
            "OR enrollment_status NOT IN ('enrolled', 'suspended', 'graduated', 'withdrawn')",
        ),
        ("NEGATIVE_AMOUNT", "tuition_per_year < 0 OR boarding_per_year < 0"),
        (
            "REQUIRED_MISSING",
            "id_number IS NULL OR school_year IS NULL OR stage IS NULL "
            "OR enrollment_status IS NULL OR tuition_per_year IS NULL",
        ),
        (
            "DUPLICATE_KEY",
            "NOT (id_number IS NULL AND school_year IS NULL) "
            "AND count(*) OVER (PARTITION BY id_number, school_year) > 1",
        ),
    ],
    "deposit": [
        ("ID_CHECKSUM", "NOT hd_valid_id(id_number)"),
        (
            "ENUM_INVALID",
            "account_type NOT IN ('demand', 'time') "
            "OR currency NOT IN ('CNY', 'USD', 'EUR', 'HKD', 'JPY')",
        ),
        ("NEGATIVE_AMOUNT", "balance < 0 OR balance_cny < 0"),
        ("FUTURE_DATE", "as_of_date > {D}"),
        (
            "REQUIRED_MISSING",
            "bank_code IS NULL OR account_no IS NULL OR id_number IS NULL "
            "OR account_type IS NULL OR currency IS NULL OR balance IS NULL "
            "OR balance_cny IS NULL OR as_of_date IS NULL",
        ),
        (
            "DUPLICATE_KEY",
            "NOT (bank_code IS NULL AND account_no IS NULL) "
            "AND count(*) OVER (PARTITION BY bank_code, account_no) > 1",
        ),
    ],
    "wealth_product": [
        ("ID_CHECKSUM", "NOT hd_valid_id(id_number)"),
        ("NEGATIVE_AMOUNT", "market_value < 0"),
        ("FUTURE_DATE", "as_of_date > {D}"),
        (
            "REQUIRED_MISSING",
            "institution_code IS NULL OR product_code IS NULL "
            "OR id_number IS NULL OR market_value IS NULL OR as_of_date IS NULL",
        ),
        (
            "DUPLICATE_KEY",
            "NOT (institution_code IS NULL AND product_code IS NULL "
            "AND id_number IS NULL) AND count(*) OVER "
            "(PARTITION BY institution_code, product_code, id_number) > 1",
        ),
    ],
    "stock": [
        ("ID_CHECKSUM", "NOT hd_valid_id(id_number)"),
        ("NEGATIVE_AMOUNT", "quantity < 0 OR close_price < 0 OR market_value < 0"),
        ("FUTURE_DATE", "as_of_date > {D}"),
        (
            "TOTAL_MISMATCH",
            "abs(market_value - CAST(quantity AS DECIMAL(38, 8)) * close_price) > 0.005",
        ),
        (
            "REQUIRED_MISSING",
            "securities_account IS NULL OR id_number IS NULL "
            "OR security_code IS NULL OR quantity IS NULL OR close_price IS NULL "
            "OR market_value IS NULL OR as_of_date IS NULL",
        ),
        (
            "DUPLICATE_KEY",
            "NOT (securities_account IS NULL AND security_code IS NULL) "
            "AND count(*) OVER (PARTITION BY securities_account, security_code) > 1",
        ),
    ],
    "bond": [
        ("ID_CHECKSUM", "NOT hd_valid_id(id_number)"),
        ("NEGATIVE_AMOUNT", "face_value < 0 OR market_value < 0"),
        ("FUTURE_DATE", "as_of_date > {D}"),
        (
            "REQUIRED_MISSING",
            "id_number IS NULL OR bond_code IS NULL OR face_value IS NULL "
            "OR market_value IS NULL OR as_of_date IS NULL",
        ),
        (
            "DUPLICATE_KEY",
            "NOT (id_number IS NULL AND bond_code IS NULL) "
            "AND count(*) OVER (PARTITION BY id_number, bond_code) > 1",
        ),
    ],
    "fund": [
        ("ID_CHECKSUM", "NOT hd_valid_id(id_number)"),
        ("NEGATIVE_AMOUNT", "shares < 0 OR nav < 0 OR market_value < 0"),
        ("FUTURE_DATE", "as_of_date > {D}"),
        ("TOTAL_MISMATCH", "abs(market_value - CAST(shares AS DECIMAL(38, 8)) * nav) > 0.01"),
        (
            "REQUIRED_MISSING",
            "id_number IS NULL OR fund_code IS NULL OR shares IS NULL "
            "OR nav IS NULL OR market_value IS NULL OR as_of_date IS NULL",
        ),
        (
            "DUPLICATE_KEY",
            "NOT (id_number IS NULL AND fund_code IS NULL) "
            "AND count(*) OVER (PARTITION BY id_number, fund_code) > 1",
        ),
    ],
    "commercial_insurance": [
        ("ID_CHECKSUM", "NOT hd_valid_id(id_number)"),
        (
            "ENUM_INVALID",
            "product_type NOT IN ('life', 'annuity', 'universal', "
            "'investment_linked', 'health', 'accident')",
        ),
        ("NEGATIVE_AMOUNT", "cash_value < 0 OR annual_premium < 0"),
        ("FUTURE_DATE", "as_of_date > {D}"),
        (
            "REQUIRED_MISSING",
            "insurer_code IS NULL OR policy_no IS NULL OR id_number IS NULL "
            "OR product_type IS NULL OR cash_value IS NULL OR annual_premium IS NULL "
            "OR as_of_date IS NULL",
        ),
        (
            "DUPLICATE_KEY",
            "NOT (insurer_code IS NULL AND policy_no IS NULL) "
            "AND count(*) OVER (PARTITION BY insurer_code, policy_no) > 1",
        ),
    ],
    "assistance_roll": [
        ("ID_CHECKSUM", "NOT hd_valid_id(id_number)"),
        (
            "ENUM_INVALID",
            "member_role NOT IN ('applicant', 'member') "
            "OR assistance_type NOT IN ('dibao', 'tekun_centralized', 'tekun_dispersed', "
            "'low_income', 'expenditure_hardship') OR single_person_dibao NOT IN ('0', '1')",
        ),
        ("FORMAT_INVALID", "NOT regexp_full_match(street_code, '12[0-9]{{7}}')"),
        ("NEGATIVE_AMOUNT", "monthly_amount < 0"),
        ("FUTURE_DATE", "start_date > {D}"),
        (
            "REQUIRED_MISSING",
            "case_no IS NULL OR id_number IS NULL OR member_role IS NULL "
            "OR assistance_type IS NULL OR single_person_dibao IS NULL OR start_date IS NULL "
            "OR monthly_amount IS NULL OR street_code IS NULL",
        ),
        (
            "DUPLICATE_KEY",
            "NOT (case_no IS NULL AND id_number IS NULL) "
            "AND count(*) OVER (PARTITION BY case_no, id_number) > 1",
        ),
    ],
    "verification_request": [
        ("ID_CHECKSUM", "NOT hd_valid_id(member_id_number)"),
        (
            "ENUM_INVALID",
            "applicant NOT IN ('0', '1') OR purpose NOT IN ('dibao', 'tekun', "
            "'low_income', 'expenditure_hardship', 'temporary_assistance', 'review')",
        ),
        ("FORMAT_INVALID", "NOT regexp_full_match(street_code, '12[0-9]{{7}}')"),
        ("FUTURE_DATE", "requested_at > {D}"),
        ("PERIOD_OUT_OF_WINDOW", "requested_at NOT BETWEEN {W0} AND {W1}"),
        (
            "REQUIRED_MISSING",
            "request_id IS NULL OR member_id_number IS NULL "
            "OR applicant IS NULL OR purpose IS NULL OR street_code IS NULL "
            "OR requested_at IS NULL",
        ),
        (
            "DUPLICATE_KEY",
            "NOT (request_id IS NULL AND member_id_number IS NULL) "
            "AND count(*) OVER (PARTITION BY request_id, member_id_number) > 1",
        ),
    ],
}


def _sql_date(day: date) -> str:
    return f"DATE '{day.isoformat()}'"


def baseline_source(
    con: duckdb.DuckDBPyConnection, source: str, run_date: date, files: list[Path], out: Path
) -> tuple[int, int]:
    """Validate one source with its hand-written rules; returns (rows, quarantined)."""
    p0, p1 = window_bounds(run_date, 13, "period")
    months = get_source(source).window_months or 13
    w0, w1 = window_bounds(run_date, months, "date")
    values = {"D": _sql_date(run_date), "P0": f"'{p0}'", "P1": f"'{p1}'"}
    values |= {"W0": _sql_date(w0), "W1": _sql_date(w1)}
    rules = [("TYPE_INVALID", "_invalid IS NOT NULL"), *RULES[source]]
    order = [str(c) for c in REASON_PRIORITY]
    merged: dict[str, list[str]] = {}
    for code, condition in rules:
        merged.setdefault(code, []).append(f"({condition.format(**values)})")
    cases = [
        f"CASE WHEN {' OR '.join(merged[code])} THEN '{code}' END"
        for code in order
        if code in merged
    ]
    scan = "read_parquet([" + ", ".join(f"'{f}'" for f in files) + "])"
    con.execute(
        "CREATE OR REPLACE TEMP TABLE bl AS SELECT *, "
        f"list_filter([{', '.join(cases)}]::VARCHAR[], lambda x: x IS NOT NULL) AS codes "
        f"FROM {scan}"
    )
    rows, bad = con.execute("SELECT count(*), count_if(len(codes) > 0) FROM bl").fetchone()
    columns = ", ".join(f'"{c}"' for c in [*get_source(source).column_names, "_file", "_line"])
    folder = out / "validated" / source
    folder.mkdir(parents=True, exist_ok=True)
    con.execute(
        f"COPY (SELECT {columns} FROM bl WHERE len(codes) = 0) "
        f"TO '{folder / 'data.parquet'}' (FORMAT parquet)"
    )
    con.execute(
        f"COPY (SELECT '{source}' AS source, {values['D']} AS run_date, _file AS file, "
        "_line AS line, codes[1] AS reason_code, array_to_string(codes, '; ') AS reason, "
        f"codes AS reason_codes FROM bl WHERE len(codes) > 0) "
        f"TO '{out / f'quarantine-{source}.parquet'}' (FORMAT parquet)"
    )
    con.execute("DROP TABLE bl")
    return int(rows), int(bad)


def run_baseline(
    landing_root: Path,
    run_date: date,
    out: Path,
    threads: int | None = None,
    sources: list[str] | None = None,
) -> dict[str, tuple[int, int]]:
    """The whole baseline for every landed source of ``run_date``."""
    out.mkdir(parents=True, exist_ok=True)
    con = duck.connect()
    if threads:
        con.execute(f"SET threads = {int(threads)}")
    for macro in MACROS:
        con.execute(macro)
    counts = {}
    try:
        for source in sources or list(RULES):
            files = data_files(landing_dir(landing_root, source, run_date))
            if files:
                counts[source] = baseline_source(con, source, run_date, files, out)
        parts = sorted(out.glob("quarantine-*.parquet"))
        if parts:
            tmp = out / "quarantine.parquet.tmp"
            union = " UNION ALL ".join(f"SELECT * FROM read_parquet('{p}')" for p in parts)
            con.execute(f"COPY ({union} ORDER BY source, file, line) TO '{tmp}' (FORMAT parquet)")
            os.replace(tmp, out / "quarantine.parquet")
    finally:
        con.close()
    return counts
