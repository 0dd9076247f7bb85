"""Build the warehouse on a small hand-made city and check exact tiers, amounts and reason codes,
completeness (a failed deposit source is never read as "no assets"), privacy and dbt docs."""

from __future__ import annotations

import hashlib
import hmac
import json
from collections import defaultdict
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

import duckdb
import pytest

from hedui.idnumbers import id_check_char
from hedui.warehouse import build_warehouse
from hedui.warehouse.dbt_runner import dbt_docs_generate
from hedui.warehouse.pseudonyms import KEY_ENV
from hedui.warehouse.publishable import export_published
from hedui_testing.warehouse import write_delivery, write_quarantined_keys, write_run

D = date(2026, 11, 27)
KEY = "build-test-secret"
PERIODS = [f"{y}-{m:02d}" for y, m in [(2025, 11), (2025, 12)] + [(2026, k) for k in range(1, 11)]]
pytestmark = pytest.mark.timeout(1500)  # a dbt build takes minutes on a loaded machine


class City:
    """A few planted households as validated source rows."""

    def __init__(self) -> None:
        self.rows: dict[str, list[dict]] = defaultdict(list)
        self.seq = 100
        self.ids: dict[str, str] = {}

    def person(self, key: str, household: str, age: int, status: str = "normal") -> str:
        birth = date(D.year - age, 1, 15)
        self.seq += 1
        first17 = f"120101{birth:%Y%m%d}{self.seq:03d}"
        pid = first17 + id_check_char(first17)
        self.ids[key] = pid
        self.rows["hukou"].append(
            {
                "id_number": pid,
                "name": f"居民{key}",
                "gender": "1" if self.seq % 2 else "2",
                "birth_date": birth,
                "household_no": household,
                "relation_to_head": "head",
                "district_code": "120101",
                "hukou_nature": "urban",
                "status": status,
                "status_date": D - timedelta(days=30) if status != "normal" else None,
            }
        )
        return pid

    def wage(self, pid: str, monthly: str) -> None:
        self.rows["tax"] += [
            {"id_number": pid, "period": p, "income_item": "wage", "income": monthly, "tax_paid": 0}
            for p in PERIODS
        ]

    def benefit(self, pid: str, item: str, monthly: str) -> None:
        self.rows["social_insurance"] += [
            {
                "id_number": pid,
                "period": p,
                "record_type": "benefit",
                "item": item,
                "amount": monthly,
                "payment_status": "paid",
            }
            for p in PERIODS
        ]

    def add(self, source: str, **row: object) -> None:
        self.rows[source].append(row)


def city() -> City:
    c = City()
    # H1 tekun: one person of 70 living on the resident pension (not income)
    c.benefit(c.person("h1", "100000001", 70), "resident_pension", "230")
    # H2 dibao: a dead earner and a moved-out member are no members
    c.wage(c.person("h2a", "100000002", 40), "1200")
    c.person("h2b", "100000002", 38)
    c.wage(c.person("h2c", "100000002", 45), "5000")
    c.add(
        "death",
        id_number=c.ids["h2c"],
        death_date=date(2026, 10, 1),
        record_source="death_certificate",
    )
    c.wage(c.person("h2d", "100000002", 30, status="moved_out"), "9000")
    # H3 low_income with one single-person dibao member (grade 1)
    c.wage(c.person("h3a", "100000003", 50), "2400")
    c.person("h3b", "100000003", 20)
    c.add(
        "disability",
        id_number=c.ids["h3b"],
        disability_category="physical",
        disability_grade=1,
        cert_issue_date=date(2020, 1, 1),
        cert_valid_until=None,
    )
    # H4 a car fails A2 (a motorcycle is exempt)
    h4 = c.person("h4", "100000004", 45)
    for plate, kind in (("津A00001", "car"), ("津A00002", "motorcycle")):
        c.add(
            "vehicle",
            plate_no=plate,
            owner_id_number=h4,
            vehicle_type=kind,
            purchase_price=None,
            first_register_date=date(2020, 1, 1),
            status="normal",
        )
    # H5 two homes of 70 m2 for 2 people fail A3; cash exactly at the limit passes A1
    h5a, h5b = c.person("h5a", "100000005", 40), c.person("h5b", "100000005", 40)
    for cert, owner, share, area in (
        ("RE-5A", h5a, "1", "40"),
        ("RE-5B", h5a, "0.5", "30"),
        ("RE-5B", h5b, "0.5", "30"),
    ):
        c.add(
            "real_estate",
            cert_no=cert,
            owner_id_number=owner,
            share_ratio=share,
            property_use="residential",
            floor_area_m2=area,
            district_code="120101",
            register_date=date(2015, 1, 1),
            status="valid",
        )
    c.add(
        "deposit",
        bank_code="102",
        account_no="5-1",
        id_number=h5a,
        account_type="demand",
        currency="CNY",
        balance="48480.00",
        balance_cny="48480.00",
        as_of_date=D,
    )
    # H6 expenditure hardship: 1600 income, 100 a month of medical costs
    h6 = c.person("h6", "100000006", 40)
    c.wage(h6, "1600")
    for claim, day, oop in (
        ("MC-6A", date(2026, 6, 1), "1200"),
        ("MC-6B", date(2025, 11, 27), "9999"),
    ):  # a year ago: outside
        c.add(
            "medical_claims",
            claim_id=claim,
            id_number=h6,
            settle_date=day,
            visit_type="outpatient",
            total_cost=oop,
            fund_paid=0,
            out_of_pocket=oop,
        )
    # H7 dibao, already assisted (active case): not an outreach candidate
    h7 = c.person("h7", "100000007", 40)
    c.add(
        "assistance_roll",
        case_no="CASE-7",
        id_number=h7,
        member_role="applicant",
        assistance_type="dibao",
        single_person_dibao="0",
        start_date=date(2025, 1, 1),
        end_date=None,
        monthly_amount="1010",
        street_code="120101001",
    )
    # H8 a valid commercial property fails A4
    c.add(
        "real_estate",
        cert_no="RE-8",
        owner_id_number=c.person("h8", "100000008", 45),
        share_ratio="1",
        property_use="commercial",
        floor_area_m2="20",
        district_code="120101",
        register_date=date(2015, 1, 1),
        status="valid",
    )
    # H9 cash-type assets one cent over the limit fail A1
    h9 = c.person("h9", "100000009", 30)
    c.add(
        "deposit",
        bank_code="102",
        account_no="9-1",
        id_number=h9,
        account_type="time",
        currency="CNY",
        balance="20000.00",
        balance_cny="20000.00",
        as_of_date=D,
    )
    c.add(
        "fund",
        id_number=h9,
        fund_code="F9",
        shares="4240.01",
        nav="1.0000",
        market_value="4240.01",
        as_of_date=D,
    )
    # H10 income exactly at the standard: low_income, not dibao
    c.wage(c.person("h10", "100000010", 30), "1010")
    # H11 tekun: grade-3 intellectual disability and a child
    c.wage(c.person("h11a", "100000011", 45), "600")
    c.person("h11b", "100000011", 10)
    c.add(
        "disability",
        id_number=c.ids["h11a"],
        disability_category="intellectual",
        disability_grade=3,
        cert_issue_date=date(2020, 1, 1),
        cert_valid_until=None,
    )
    # Requests: R1 all authorized (H2's members), R2 one member refused (H3)
    for rid, key, auth in (
        ("R1", "h2a", "AU-1"),
        ("R1", "h2b", "AU-2"),
        ("R2", "h3a", "AU-3"),
        ("R2", "h3b", None),
    ):
        c.add(
            "verification_request",
            request_id=rid,
            member_id_number=c.ids[key],
            applicant="1" if key.endswith("a") else "0",
            authorization_no=auth,
            purpose="dibao",
            street_code="120101001",
            requested_at=date(2026, 10, 15),
        )
    return c


EXPECTED = {  # household -> (member_count, income pc, tier, amount, spd, reason codes)
    "100000001": (1, "0.00", "tekun", 1530, 0, ["T_SUPPORTER_CHECK"]),
    "100000002": (2, "600.00", "dibao", 820, 0, []),
    "100000003": (2, "1200.00", "low_income", 1313, 1, []),
    "100000004": (1, "0.00", "none", 0, 0, ["A2"]),
    "100000005": (2, "0.00", "none", 0, 0, ["A3"]),
    "100000006": (1, "1600.00", "expenditure_hardship", None, 0, []),
    "100000007": (1, "0.00", "dibao", 1010, 0, []),
    "100000008": (1, "0.00", "none", 0, 0, ["A4"]),
    "100000009": (1, "0.00", "none", 0, 0, ["A1"]),
    "100000010": (1, "1010.00", "low_income", 303, 0, []),
    "100000011": (2, "300.00", "tekun", 3060, 0, ["T_SUPPORTER_CHECK"]),
}


def _build(
    root: Path,
    statuses: dict[str, str] | None = None,
    quarantined: dict[str, list[str]] | None = None,
) -> Path:
    c = city()
    validated, dq = root / "validated", root / "dq"
    if statuses and statuses.get("vehicle") == "late":
        write_delivery(validated, "vehicle", D - timedelta(days=2), c.rows["vehicle"])
    write_run(validated, dq, D, c.rows, statuses)
    for source, keys in (quarantined or {}).items():
        write_quarantined_keys(
            validated,
            source,
            D,
            [("person", c.ids[k]) if k in c.ids else tuple(k.split(":")) for k in keys],
        )
    warehouse = root / "warehouse.duckdb"
    _, built = build_warehouse(D, validated, dq, warehouse, target_path=root / "dbt-target")
    built.raise_for_failure()
    return warehouse


def _rows(warehouse: Path, sql: str) -> list[dict]:
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        return con.sql(sql).pl().to_dicts()
    finally:
        con.close()


@pytest.fixture(scope="module")
def key_env() -> object:
    mp = pytest.MonkeyPatch()
    mp.setenv(KEY_ENV, KEY)
    yield
    mp.undo()


@pytest.fixture(scope="module")
def warehouse(tmp_path_factory: pytest.TempPathFactory, key_env: object) -> Path:
    return _build(tmp_path_factory.mktemp("complete"))


@pytest.fixture(scope="module")
def partial(tmp_path_factory: pytest.TempPathFactory, key_env: object) -> Path:
    """Every source passed, but quarantined rows named members of H2 (deposit, tax), H4 and H7
    (deposit) and H9 (vehicle), someone who is in no household, and H10 by its household number
    (a hukou row whose ID number was unreadable)."""
    return _build(
        tmp_path_factory.mktemp("partial"),
        quarantined={
            "deposit": ["h2a", "h4", "h7"],
            "tax": ["h2b"],
            "vehicle": ["h9", "person:120101199001011237"],
            "hukou": ["hukou:100000010"],
        },
    )


@pytest.fixture(scope="module")
def incomplete(tmp_path_factory: pytest.TempPathFactory, key_env: object) -> Path:
    return _build(tmp_path_factory.mktemp("incomplete"), {"deposit": "failed", "vehicle": "late"})


def test_household_verification_tiers_amounts_and_reasons(warehouse: Path) -> None:
    rows = {
        r["household_id"]: r for r in _rows(warehouse, "select * from marts.household_verification")
    }
    assert set(rows) == set(EXPECTED)
    for hid, (members, income, tier, amount, spd, reasons) in EXPECTED.items():
        r = rows[hid]
        got = (
            r["member_count"],
            r["income_per_capita"],
            r["tier"],
            r["monthly_amount"],
            r["single_person_dibao_count"],
            r["reason_codes"],
        )
        assert got == (members, Decimal(income), tier, amount, spd, reasons), hid
        assert r["complete"] is True and r["missing_sources"] == []
        assert r["policy_version"] == "2020-09-01" and r["run_date"] == D


def test_figures_to_the_cent(warehouse: Path) -> None:
    rows = {
        r["household_id"]: r for r in _rows(warehouse, "select * from marts.household_verification")
    }
    assert rows["100000005"]["cash_assets_per_capita"] == Decimal("24240.00")
    assert rows["100000005"]["residential_homes"] == 2
    assert rows["100000009"]["cash_assets_per_capita"] == Decimal("24240.01")
    assert rows["100000006"]["rigid_expenditure_per_capita"] == Decimal("100.00")


def test_verification_reports(warehouse: Path) -> None:
    rows = {
        r["request_id"]: r for r in _rows(warehouse, "select * from marts.verification_reports")
    }
    r1, r2 = rows["R1"], rows["R2"]
    assert (r1["member_count"], r1["income_per_capita"], r1["tier"], r1["monthly_amount"]) == (
        2,
        Decimal("600.00"),
        "dibao",
        820,
    )
    assert (r1["members_verified"], r1["members_refused"], r1["complete"]) == (2, 0, True)
    assert r1["reason_codes"] == [] and json.loads(r1["sources_as_of"])["tax"] == D.isoformat()
    assert (r2["member_count"], r2["members_verified"], r2["members_refused"]) == (2, 1, 1)
    assert r2["reason_codes"] == ["V_AUTH_MISSING"] and r2["complete"] is False
    assert r2["tier"] is None and r2["income_per_capita"] is None
    assert r2["monthly_amount"] is None and r2["cash_assets_per_capita"] is None


def test_verification_report_members(warehouse: Path) -> None:
    c = city()
    keys = {
        r["id_number"]: r["person_key"]
        for r in _rows(warehouse, "select * from restricted.identity")
    }
    rows = {
        (r["person_key"], r["source"]): r
        for r in _rows(
            warehouse, "select * from marts.verification_report_members where request_id = 'R2'"
        )
    }
    refused, verified = keys[c.ids["h3b"]], keys[c.ids["h3a"]]
    assert {r["finding"] for (k, _), r in rows.items() if k == refused} == {"not_looked_up"}
    assert (rows[verified, "tax"]["finding"], rows[verified, "tax"]["records"]) == ("found", 12)
    assert rows[verified, "deposit"]["finding"] == "none_found"
    assert rows[refused, "disability"]["records"] is None  # the refused member's grade 1 cert


def test_outreach_candidates(warehouse: Path) -> None:
    rows = {
        r["household_id"]: (r["tier"], r["monthly_amount"])
        for r in _rows(warehouse, "select * from marts.outreach_candidates")
    }
    assert rows == {
        "100000001": ("tekun", 1530),
        "100000002": ("dibao", 820),
        "100000003": ("low_income", 1313),
        "100000006": ("expenditure_hardship", None),
        "100000010": ("low_income", 303),
        "100000011": ("tekun", 3060),
    }


def test_marts_hold_pseudonyms_only(warehouse: Path) -> None:
    columns = _rows(
        warehouse,
        "select table_schema, table_name, column_name "
        "from information_schema.columns "
        "where table_schema in ('marts', 'restricted')",
    )
    exposed = {
        (c["table_name"], c["column_name"])
        for c in columns
        if c["table_schema"] == "marts" and c["column_name"] in ("id_number", "name")
    }
    assert not exposed
    identity = _rows(warehouse, "select * from restricted.identity")
    assert len(identity) == sum(1 for _ in city().rows["hukou"])
    for r in identity:
        digest = hmac.new(KEY.encode(), r["id_number"].encode(), hashlib.sha256).hexdigest()
        assert r["person_key"] == digest


def test_failed_deposit_source_is_never_read_as_no_assets(incomplete: Path) -> None:
    rows = {
        r["household_id"]: r
        for r in _rows(incomplete, "select * from marts.household_verification")
    }
    for r in rows.values():
        assert r["complete"] is False and r["missing_sources"] == ["deposit"]
        assert r["cash_assets_per_capita"] is None
    # assets unknown: no household is eligible on assets it may hold ...
    assert rows["100000001"]["tier"] is None and rows["100000001"]["monthly_amount"] is None
    assert rows["100000009"]["tier"] is None and rows["100000009"]["reason_codes"] == []
    # ... but a test that is known to fail still decides (vehicle is late, not missing)
    assert (rows["100000004"]["tier"], rows["100000004"]["reason_codes"]) == ("none", ["A2"])
    assert (rows["100000008"]["tier"], rows["100000008"]["reason_codes"]) == ("none", ["A4"])
    assert rows["100000002"]["income_per_capita"] == Decimal("600.00")
    report = _rows(incomplete, "select * from marts.verification_reports where request_id = 'R1'")
    assert report[0]["complete"] is False and report[0]["missing_sources"] == ["deposit"]
    assert report[0]["tier"] is None
    assert json.loads(report[0]["sources_as_of"])["vehicle"] == (D - timedelta(days=2)).isoformat()
    assert _rows(incomplete, "select * from marts.outreach_candidates") == []


def test_quarantined_rows_of_a_member_make_the_result_incomplete(partial: Path) -> None:
    rows = {
        r["household_id"]: r for r in _rows(partial, "select * from marts.household_verification")
    }
    h2, h4, h7, h9, h10 = (rows[f"1000000{n:02d}"] for n in (2, 4, 7, 9, 10))
    assert (h2["complete"], h2["missing_sources"]) == (False, ["deposit", "tax"])
    assert (h4["complete"], h4["missing_sources"]) == (False, ["deposit"])
    assert (h7["complete"], h7["missing_sources"]) == (False, ["deposit"])
    assert (h9["complete"], h9["missing_sources"]) == (False, ["vehicle"])
    assert (h10["complete"], h10["missing_sources"]) == (False, ["hukou"])
    # the figures are still those of the rows that loaded ...
    assert h2["income_per_capita"] == Decimal("600.00")
    assert h7["cash_assets_per_capita"] == Decimal("0.00")
    # ... but a dibao household with a lost deposit row may hold assets over the limit:
    # undecided, no amount, no reason code
    for undecided in (h2, h7):
        assert (undecided["tier"], undecided["monthly_amount"]) == (None, None)
        assert undecided["reason_codes"] == []
    # a car that loaded fails A2 whatever the lost deposit row held: none stands
    assert (h4["tier"], h4["monthly_amount"], h4["reason_codes"]) == ("none", 0, ["A2"])
    # assets over the limit on the rows that loaded fail A1 whatever the lost vehicle row was
    assert (h9["tier"], h9["reason_codes"]) == ("none", ["A1"])
    # a lost hukou row: the member count is unknown, so is the tier (1010.00 at the standard)
    assert (h10["tier"], h10["monthly_amount"]) == (None, None)
    touched = {h["household_id"] for h in (h2, h4, h7, h9, h10)}
    others = [r for k, r in rows.items() if k not in touched]
    assert len(others) == len(EXPECTED) - 5
    assert all(r["complete"] and r["missing_sources"] == [] for r in others)
    assert all((r["tier"], r["monthly_amount"]) == EXPECTED[r["household_id"]][2:4] for r in others)
    report = _rows(partial, "select * from marts.verification_reports where request_id = 'R1'")
    assert report[0]["complete"] is False
    assert report[0]["missing_sources"] == ["deposit", "tax"]
    assert report[0]["tier"] is None
    r2 = _rows(partial, "select * from marts.verification_reports where request_id = 'R2'")
    assert r2[0]["missing_sources"] == []
    outreach = {
        r["household_id"]: r for r in _rows(partial, "select * from marts.outreach_candidates")
    }
    # an undecided household is no outreach candidate; a decided one stays
    assert "100000002" not in outreach
    assert outreach["100000003"]["complete"] and outreach["100000003"]["missing_sources"] == []


def test_export_published_keeps_marts_and_restricted_only(warehouse: Path, tmp_path: Path) -> None:
    out = tmp_path / "published.duckdb"
    counts = export_published(warehouse, out)
    assert counts["marts.household_verification"] == len(EXPECTED)
    schemas = {r["schema_name"] for r in _rows(out, "select schema_name from duckdb_tables()")}
    assert schemas == {"marts", "restricted"}
    hv = _rows(out, "select reason_codes from marts.household_verification limit 1")
    assert isinstance(hv[0]["reason_codes"], list)


def test_dbt_docs_generate(warehouse: Path, tmp_path: Path) -> None:
    result = dbt_docs_generate(D, warehouse=warehouse, target_path=tmp_path / "docs")
    result.raise_for_failure()
    catalog = json.loads((tmp_path / "docs" / "catalog.json").read_text("utf-8"))
    assert "model.hedui.household_verification" in catalog["nodes"]


def test_months_a_late_delivery_does_not_cover_are_missing_not_zero(
    tmp_path: Path, key_env: object
) -> None:
    """Run on the 1st of a month with tax and social insurance delivered on the 29th of the
    previous month: that delivery ends with the month before it, so the last month of the
    window is missing, not zero."""
    run = date(2026, 12, 1)
    delivered = date(2026, 11, 29)
    c = city()
    c.wage(c.person("h12", "100000012", 40), "3000")  # well above the line on 11 months too
    validated, dq = tmp_path / "validated", tmp_path / "dq"
    late = {"tax": "late", "social_insurance": "late"}
    for source in late:
        write_delivery(validated, source, delivered, c.rows[source])
    write_run(validated, dq, run, c.rows, late)
    warehouse = tmp_path / "warehouse.duckdb"
    _, built = build_warehouse(run, validated, dq, warehouse, target_path=tmp_path / "dbt-target")
    built.raise_for_failure()
    rows = {
        r["household_id"]: r for r in _rows(warehouse, "select * from marts.household_verification")
    }
    for r in rows.values():
        assert r["complete"] is False
        assert r["missing_sources"] == ["social_insurance", "tax"]
    # 1010 a month, 11 months loaded: 925.83 shown, but November may hold the rest
    h10 = rows["100000010"]
    assert h10["income_per_capita"] == Decimal("925.83")
    assert (h10["tier"], h10["monthly_amount"]) == (None, None)
    assert (rows["100000002"]["tier"], rows["100000002"]["monthly_amount"]) == (None, None)
    # decisions no missing month can change stand
    assert (rows["100000012"]["tier"], rows["100000012"]["monthly_amount"]) == ("none", 0)
    assert (rows["100000004"]["tier"], rows["100000004"]["reason_codes"]) == ("none", ["A2"])
    # tekun on the resident pension (not income) at 0: undecided too, income could be higher
    assert rows["100000001"]["tier"] is None
    warnings = _rows(
        warehouse,
        "select household_id, warning_code from marts.return_to_poverty_warnings "
        "where warning_code = 'W_INCOME_DROP'",
    )
    assert warnings == []
    status = _rows(
        warehouse,
        "select source, covers_window from intermediate.int_source_status "
        "where source in ('tax', 'social_insurance', 'deposit') order by source",
    )
    assert [(s["source"], s["covers_window"]) for s in status] == [
        ("deposit", True),
        ("social_insurance", False),
        ("tax", False),
    ]
