"""The planted scenario households, one declarative spec each (see ``scenario_spec.py``).

Codes: T tekun / capacity, D dibao, L low_income, N none / lines, E expenditure hardship,
A cash assets (A1), V vehicles (A2), P property (A3/A4), I income rules, C assistance cases
(reviews), Q verification requests, W warnings across days. ``expect`` states the intended
day-0 household_verification figures (checked against the reference computation).
"""

from __future__ import annotations

from hedui.generator.scenario_spec import (
    Bond,
    Case,
    Claim,
    Contribution,
    Death,
    Deposit,
    Disability,
    Entity,
    Fund,
    Housing,
    HousingFund,
    Insurance,
    Job,
    Marriage,
    Member,
    Pay,
    Property,
    Remote,
    Request,
    Scenario,
    School,
    Stock,
    Vehicle,
    Wealth,
)

F = "2"  # female (gender code)
HOME = "residential"


def wage(member: str, amount: object, **kw: object) -> Pay:
    return Pay(member, "wage", amount, **kw)  # type: ignore[arg-type]


def pension(member: str, amount: object, item: str = "enterprise_pension", **kw: object) -> Pay:
    return Pay(member, item, amount, **kw)  # type: ignore[arg-type]


def home(member: str, area: object, use: str = HOME, **kw: object) -> Property:
    return Property(((member, "1"),), use, area, **kw)  # type: ignore[arg-type]


def tier(name: str | None, amount: int | None, *reasons: str, **fields: object) -> dict:
    return {"tier": name, "monthly_amount": amount, "reason_codes": list(reasons), **fields}


def tekun(n: int, **fields: object) -> dict[str, object]:
    return tier("tekun", 1530 * n, "T_SUPPORTER_CHECK", **fields)


NR = (0, 1)  # delivered on days 0-1, corrected from day 2 on
FIX = (2, None)

TIERS = (
    Scenario(
        "T01",
        "tekun: elderly couple, resident pensions only (excluded income)",
        (Member("a", 72), Member("b", 68, F, "spouse")),
        (
            pension("a", 230, "resident_pension"),
            pension("b", 230, "resident_pension"),
            home("a", 60),
            Marriage("a", "b", 16000),
        ),
        expect=tekun(2, income_per_capita=0.0, residential_homes=1),
    ),
    Scenario(
        "T02",
        "tekun: grade-3 intellectual disability adult with a child",
        (Member("a", 45), Member("b", 12, F, "child")),
        (wage("a", 600), Disability("a", "intellectual", 3, 3000), School("b", "primary", 0)),
        expect=tekun(2, income_per_capita=300.0),
    ),
    Scenario(
        "T03",
        "tekun boundary: a member turns 60 on the run date",
        (Member("a", 63), Member("b", 60, F, "spouse", birthday_today=True)),
        (pension("a", 1800),),
        expect=tekun(2, income_per_capita=900.0),
    ),
    Scenario(
        "T04",
        "dibao, not tekun: a member turns 16 on the run date (has capacity)",
        (Member("a", 70), Member("b", 16, relation="grandchild", birthday_today=True)),
        (pension("a", 1200),),
        expect=tier("dibao", 820, income_per_capita=600.0),
    ),
    Scenario(
        "T05",
        "dibao, not tekun: grade-1 certificate expired",
        (Member("a", 75, F), Member("b", 50, relation="child")),
        (
            pension("a", 200, "resident_pension"),
            Disability("b", "physical", 1, 2000, valid_days=-30),
        ),
        expect=tier("dibao", 2020, income_per_capita=0.0),
    ),
    Scenario(
        "T06",
        "dibao, not tekun: grade-3 physical disability keeps capacity",
        (Member("a", 75), Member("b", 48, F, "child")),
        (
            pension("a", 200, "resident_pension"),
            wage("b", 300),
            Disability("b", "physical", 3, 1500),
        ),
        expect=tier("dibao", 1720, income_per_capita=150.0),
    ),
    Scenario(
        "D01",
        "dibao single person, amount 309.50 rounds half-up to 310",
        (Member("a", 45),),
        (wage("a", "700.50"),),
        expect=tier("dibao", 310, income_per_capita=700.5, member_count=1),
    ),
    Scenario(
        "D02",
        "dibao family; housing-fund balance and an old open unemployment "
        "registration are not assets / warnings",
        (Member("a", 40), Member("b", 38, F, "spouse"), Member("c", 10, relation="child")),
        (
            wage("a", 1800),
            Contribution("a", 3000),
            HousingFund("a", 3000, 80000),
            Job("a", "employed", 2000),
            Job("b", "registered_unemployed", 400),
            School("c", "primary", 0),
        ),
        expect=tier("dibao", 1230, income_per_capita=600.0, cash_assets_per_capita=0.0),
    ),
    Scenario(
        "L01",
        "low_income couple",
        (Member("a", 50), Member("b", 48, F, "spouse")),
        (wage("a", 2400),),
        expect=tier("low_income", 303, income_per_capita=1200.0),
    ),
    Scenario(
        "L02",
        "low_income with two single-person dibao members (grade 1 visual, grade 3 "
        "mental); an expired grade-2 certificate does not count",
        (
            Member("a", 50),
            Member("b", 22, F, "child"),
            Member("c", 25, relation="child"),
            Member("d", 28, relation="child"),
        ),
        (
            wage("a", 3900),
            Pay("c", "labor", 1300),
            Disability("b", "visual", 1, 800),
            Disability("c", "mental", 3, 900),
            Disability("d", "physical", 2, 2500, valid_days=-10),
        ),
        expect=tier("low_income", 2323, income_per_capita=1300.0, single_person_dibao_count=2),
    ),
    Scenario(
        "L03",
        "boundary: per-capita income exactly 1010 is low_income, not dibao",
        (Member("a", 40, F),),
        (wage("a", 1010),),
        expect=tier("low_income", 303, income_per_capita=1010.0),
    ),
    Scenario(
        "N01",
        "boundary: per-capita income exactly 1515 is not low_income (monitored)",
        (Member("a", 40),),
        (wage("a", 1515),),
        expect=tier("none", 0, "I_INCOME_ABOVE_LINE", income_per_capita=1515.0),
    ),
    Scenario(
        "N02",
        "none: ordinary earner (also co-owns a P01 home)",
        (Member("a", 35),),
        (wage("a", 3000), Contribution("a", 3000)),
        expect=tier(
            "none", 0, "I_INCOME_ABOVE_LINE", income_per_capita=3000.0, residential_homes=1
        ),
    ),
    Scenario(
        "N03",
        "none, not monitored: a large inpatient bill raises no warning",
        (Member("a", 40),),
        (wage("a", 2500), Claim("a", "c1", "inpatient", 10, 20000, 7200)),
        expect=tier("none", 0, "I_INCOME_ABOVE_LINE", rigid_expenditure_per_capita=600.0),
    ),
    Scenario(
        "E01",
        "expenditure_hardship from medical out-of-pocket (no alert-size claim)",
        (Member("a", 50), Member("b", 48, F, "spouse")),
        (
            wage("a", 3600),
            *(
                Claim("b", f"c{k}", "inpatient", ago, 8000, 2400)
                for k, ago in enumerate((100, 160, 220, 300))
            ),
        ),
        expect=tier(
            "expenditure_hardship",
            None,
            income_per_capita=1800.0,
            rigid_expenditure_per_capita=400.0,
        ),
    ),
    Scenario(
        "E02",
        "expenditure_hardship from vocational schooling; primary school and last "
        "year's record do not count",
        (Member("a", 48), Member("b", 18, F, "child"), Member("c", 12, relation="child")),
        (
            wage("a", 4800),
            School("b", "vocational", 6000, 1200),
            School("b", "senior_secondary", 3000, year_offset=-1, status="graduated"),
            School("c", "primary", 0),
        ),
        expect=tier(
            "expenditure_hardship",
            None,
            income_per_capita=1600.0,
            rigid_expenditure_per_capita=200.0,
        ),
    ),
)

ASSETS = (
    Scenario(
        "A01",
        "A1 boundary: cash assets exactly 24 x 1010 per capita pass",
        (Member("a", 45), Member("b", 43, F, "spouse")),
        (wage("a", 1000), Deposit("a", 30000), Deposit("b", 18480, account_type="time")),
        expect=tier("dibao", 1020, cash_assets_per_capita=24240.0),
    ),
    Scenario(
        "A02",
        "A1 boundary: one cent over the limit fails",
        (Member("a", 45),),
        (wage("a", 500), Deposit("a", 20000), Wealth("a", "4240.01")),
        expect=tier("none", 0, "A1", cash_assets_per_capita=24240.01),
    ),
    Scenario(
        "A03",
        "A1 fail summing every cash-type asset (dropping any one would pass)",
        (Member("a", 50), Member("b", 47, F, "spouse")),
        (
            wage("a", 1200),
            Deposit("a", "10431.50"),
            Deposit("b", "7100.00", currency="USD", foreign="1000.00"),
            Wealth("a", 8000),
            Stock("b", 100, "12.34"),
            Bond("a", 5000, 5000),
            Fund("b", "1000.00", "1.2345"),
            Insurance("a", "life", 6000),
            Insurance("b", "annuity", 3000),
            Insurance("a", "universal", 2000),
            Insurance("b", "investment_linked", 1500),
            Entity("a", "e1", "investor", 3000, 800),
            Insurance("b", "health", 5000),
            Insurance("a", "accident", 800),
            Entity("b", "e2", "investor", 20000, 1200, status="revoked"),
            Entity("a", "e3", "legal_representative", None, 600),
        ),
        expect=tier("none", 0, "A1", cash_assets_per_capita=24250.0),
    ),
    Scenario(
        "A04",
        "A1 pass: health/accident insurance, revoked/cancelled entities and a "
        "legal-representative role are not cash assets",
        (Member("a", 55),),
        (
            wage("a", 800),
            Deposit("a", 20000),
            Insurance("a", "health", 5000),
            Insurance("a", "accident", 1000),
            Entity("a", "e1", "investor", 50000, 2000, status="revoked"),
            Entity("a", "e2", "investor", 10000, 3000, status="cancelled"),
            Entity("a", "e3", "legal_representative", None, 500),
        ),
        expect=tier("dibao", 210, cash_assets_per_capita=20000.0),
    ),
    Scenario(
        "V01",
        "A2 fail: a car with status normal",
        (Member("a", 40), Member("b", 38, F, "spouse")),
        (wage("a", 1000), Vehicle("a", "car", price=80000)),
        expect=tier("none", 0, "A2"),
    ),
    Scenario(
        "V02",
        "A2 pass: disability vehicle, motorcycle, low-speed, other, scrapped car "
        "and truck, deregistered car are exempt",
        (Member("a", 50),),
        (
            wage("a", 600),
            Vehicle("a", "disability_vehicle"),
            Vehicle("a", "motorcycle"),
            Vehicle("a", "low_speed"),
            Vehicle("a", "other"),
            Vehicle("a", "car", "scrapped"),
            Vehicle("a", "truck", "scrapped"),
            Vehicle("a", "car", "deregistered"),
        ),
        expect=tier("dibao", 410),
    ),
    Scenario(
        "V03",
        "A2 fail: a truck with status normal",
        (Member("a", 45),),
        (wage("a", 700), Vehicle("a", "truck", price=120000)),
        expect=tier("none", 0, "A2"),
    ),
    Scenario(
        "P01",
        "A3 fail at the boundary: two homes, 30 m2 per capita; a partly owned home "
        "counts its full area",
        (Member("a", 45), Member("b", 43, F, "spouse"), Member("c", 20, relation="child")),
        (
            wage("a", 1800),
            Property((("a", "0.5"), ("b", "0.5")), HOME, 50),
            Property((("c", "0.25"), ("N02.a", "0.75")), HOME, 40),
        ),
        expect=tier("none", 0, "A3", residential_homes=2),
    ),
    Scenario(
        "P02",
        "A3 pass: two homes under 30 m2 per capita; parking, cancelled certs, rent "
        "subsidy and an ended public rental do not count",
        (
            Member("a", 50),
            Member("b", 48, F, "spouse"),
            Member("c", 22, relation="child"),
            Member("d", 20, F, "child"),
        ),
        (
            wage("a", 2000),
            home("a", 60),
            home("b", 50),
            home("a", 15, "parking"),
            home("c", 40, status="cancelled"),
            home("d", 30, "commercial", status="cancelled"),
            Housing("a", "rent_subsidy", None, 300, subsidy=500),
            Housing("b", "public_rental", 40, 2000, end_days_ago=400),
        ),
        expect=tier("dibao", 2040, residential_homes=2),
    ),
    Scenario(
        "P03",
        "A3 fail: an active public-rental contract counts as a second home",
        (Member("a", 55),),
        (wage("a", 500), home("a", 35), Housing("a", "public_rental", 30, 700, end_days_ago=-365)),
        expect=tier("none", 0, "A3", residential_homes=2),
    ),
    Scenario(
        "P04",
        "A4 fail: a valid commercial property",
        (Member("a", 50),),
        (wage("a", 600), home("a", 20, "commercial"), home("a", 45)),
        expect=tier("none", 0, "A4", residential_homes=1),
    ),
)

INCOME = (
    Scenario(
        "I01",
        "income: a resident pension is not income",
        (Member("a", 40), Member("b", 62, F, "parent")),
        (wage("a", 1200), pension("b", 250, "resident_pension")),
        expect=tier("dibao", 820, income_per_capita=600.0),
    ),
    Scenario(
        "I02",
        "income: a suspended injury benefit is not income",
        (Member("a", 58),),
        (wage("a", 600), pension("a", 1500, "injury_benefit", status="suspended")),
        expect=tier("dibao", 410, income_per_capita=600.0),
    ),
    Scenario(
        "I03",
        "income: a dead member (death record and hukou deceased) is removed",
        (
            Member("a", 80, status="deceased"),
            Member("b", 50, F, "child"),
            Member("c", 20, relation="grandchild"),
        ),
        (Death("a", 150), pension("a", 3000, months=tuple(range(6, 14))), wage("b", 1000)),
        expect=tier("dibao", 1020, member_count=2, income_per_capita=500.0),
    ),
    Scenario(
        "I04",
        "income: a member with a death record but hukou still normal is removed",
        (Member("a", 85), Member("b", 55, F, "child")),
        (
            Death("a", 200, "cremation"),
            pension("a", 2800, months=tuple(range(8, 14))),
            wage("b", 900),
        ),
        expect=tier("dibao", 110, member_count=1, income_per_capita=900.0),
    ),
    Scenario(
        "I05",
        "income: a moved-out member is not in the hukou household",
        (
            Member("a", 58),
            Member("b", 56, F, "spouse"),
            Member("c", 30, relation="child", status="moved_out", status_days_ago=200),
        ),
        (wage("a", 1100), wage("c", 5000)),
        expect=tier("dibao", 920, member_count=2, income_per_capita=550.0),
    ),
    Scenario(
        "I06",
        "windows: income 13 months ago and a claim settled 380 days ago are delivered but "
        "outside the 12-month figures (no W_MEDICAL)",
        (Member("a", 45),),
        (
            wage("a", 800, months=tuple(range(1, 13))),
            Pay("a", "labor", 24000, months=(13,)),
            Claim("a", "c1", "inpatient", 380, 30000, 12000),
        ),
        expect=tier("dibao", 210, income_per_capita=800.0, rigid_expenditure_per_capita=0.0),
    ),
)

CASES = (
    Scenario(
        "C01",
        "case: clean dibao case (entity established before the case start)",
        (Member("a", 45), Member("b", 15, F, "child")),
        (wage("a", 1000), Entity("a", "e1", "investor", 2000, 1000)),
        case=Case("dibao", 400, 1020),
        expect=tier("dibao", 1020),
    ),
    Scenario(
        "C02",
        "case: R_INCOME, dibao case now above the dibao standard",
        (Member("a", 45), Member("b", 44, F, "spouse")),
        (wage("a", 2400),),
        case=Case("dibao", 600, 820, reviews=("R_INCOME",)),
        expect=tier("low_income", 303),
    ),
    Scenario(
        "C03",
        "case: low_income case between the lines, no review (public pension)",
        (Member("a", 62), Member("b", 58, F, "spouse")),
        (pension("a", 2400, "public_pension"),),
        case=Case("low_income", 500, 303),
        expect=tier("low_income", 303),
    ),
    Scenario(
        "C04",
        "case: expenditure_hardship case is never R_INCOME",
        (Member("a", 40),),
        (wage("a", 3000),),
        case=Case("expenditure_hardship", 200, 500),
        expect=tier("none", 0, "I_INCOME_ABOVE_LINE"),
    ),
    Scenario(
        "C05",
        "case: R_ASSETS (A1 fails)",
        (Member("a", 50),),
        (wage("a", 400), Deposit("a", 30000)),
        case=Case("dibao", 700, 610, reviews=("R_ASSETS",)),
        expect=tier("none", 0, "A1"),
    ),
    Scenario(
        "C06",
        "case: R_VEHICLE (A2 fails)",
        (Member("a", 45), Member("b", 40, F, "spouse")),
        (wage("a", 600), Vehicle("a", "car")),
        case=Case("dibao", 300, 1420, reviews=("R_VEHICLE",)),
        expect=tier("none", 0, "A2"),
    ),
    Scenario(
        "C07",
        "case: R_PROPERTY (A4 commercial property)",
        (Member("a", 52),),
        (wage("a", 500), home("a", 25, "commercial")),
        case=Case("dibao", 900, 510, reviews=("R_PROPERTY",)),
        expect=tier("none", 0, "A4"),
    ),
    Scenario(
        "C08",
        "case: R_PROPERTY (A3 two homes, 35 m2 per capita)",
        (Member("a", 48), Member("b", 46, F, "spouse")),
        (wage("a", 800), home("a", 40), home("b", 30)),
        case=Case("dibao", 365, 1220, reviews=("R_PROPERTY",)),
        expect=tier("none", 0, "A3"),
    ),
    Scenario(
        "C09",
        "case: R_DECEASED (a 78-year-old member died; no W_DEATH)",
        (Member("a", 78, status="deceased"), Member("b", 50, F, "child")),
        (Death("a", 60), wage("b", 400)),
        case=Case("dibao", 800, 1220, reviews=("R_DECEASED",)),
        expect=tier("dibao", 610, member_count=1),
    ),
    Scenario(
        "C10",
        "case: R_MOVED (a member moved out; stays a case member)",
        (
            Member("a", 55),
            Member("b", 52, F, "spouse"),
            Member("c", 24, relation="child", status="moved_out", status_days_ago=120),
        ),
        (wage("a", 1500),),
        case=Case("dibao", 1000, 1530, reviews=("R_MOVED",)),
        expect=tier("dibao", 520, member_count=2),
    ),
    Scenario(
        "C11",
        "case: R_BUSINESS (investor in an entity established after the case start)",
        (Member("a", 46), Member("b", 44, F, "spouse")),
        (wage("a", 800), Entity("b", "e1", "investor", 5000, 100, kind="individual_business")),
        case=Case("dibao", 500, 1220, reviews=("R_BUSINESS",)),
        expect=tier("dibao", 1220, cash_assets_per_capita=2500.0),
    ),
    Scenario(
        "C12",
        "case ends on day 1: assisted on days 0-1, outreach candidate from day 2",
        (Member("a", 50),),
        (wage("a", 300),),
        case=Case("dibao", 400, 710, end_days_ago=-1),
        expect=tier("dibao", 710),
    ),
    Scenario(
        "C13",
        "case: clean tekun_dispersed case",
        (Member("a", 80, F),),
        (pension("a", 200, "resident_pension"),),
        case=Case("tekun_dispersed", 1200, 1530),
        expect=tekun(1),
    ),
)

REQUESTS = (
    Scenario(
        "Q01",
        "request: fully authorized, dibao",
        (Member("a", 46), Member("b", 44, F, "spouse")),
        (
            wage("a", 1600),
            wage("b", 200),
            Deposit("a", 10000),
            home("a", 70),
            Claim("b", "c1", "outpatient", 50, 3000, 1200),
        ),
        request=Request(
            "dibao",
            ("a", "b"),
            report=tier(
                "dibao",
                220,
                income_per_capita=900.0,
                members_verified=2,
                members_refused=0,
                complete=True,
            ),
        ),
        expect=tier(
            "dibao",
            220,
            income_per_capita=900.0,
            cash_assets_per_capita=5000.0,
            rigid_expenditure_per_capita=50.0,
            residential_homes=1,
        ),
    ),
    Scenario(
        "Q02",
        "request: fully authorized, a car fails A2",
        (Member("a", 50),),
        (wage("a", 800), Vehicle("a", "car")),
        request=Request(
            "dibao",
            ("a",),
            report=tier("none", 0, "A2", members_verified=1, members_refused=0, complete=True),
        ),
        expect=tier("none", 0, "A2"),
    ),
    Scenario(
        "Q03",
        "request: one member without authorization (V_AUTH_MISSING)",
        (Member("a", 45), Member("b", 43, F, "spouse"), Member("c", 15, relation="child")),
        (wage("a", 1200),),
        request=Request(
            "low_income",
            ("a", "b", "c"),
            refused=("b",),
            report=tier(
                None,
                None,
                "V_AUTH_MISSING",
                income_per_capita=None,
                members_verified=2,
                members_refused=1,
                complete=False,
            ),
        ),
        expect=tier("dibao", 1830, income_per_capita=400.0),
    ),
)

WARNINGS = (
    Scenario(
        "W01",
        "W_INCOME_DROP red: last 3 months 1000 vs 2000 before; corrected on day 2",
        (Member("a", 40),),
        (wage("a", 2000, recent=1000, days=NR), wage("a", 2000, days=FIX)),
        expect=tier("none", 0, "I_INCOME_ABOVE_LINE", income_per_capita=1750.0),
        later={2: {"income_per_capita": 2000.0}},
        warnings={"W_INCOME_DROP": "red:NOR"},
    ),
    Scenario(
        "W02",
        "W_INCOME_DROP orange: 1520 vs 2180 (3-month mean above the low-income "
        "line); day 2 corrects to 1530 (no drop, still monitored)",
        (Member("a", 38, F),),
        (wage("a", 2180, recent=1520, days=NR), wage("a", 2180, recent=1530, days=FIX)),
        expect=tier("none", 0, "I_INCOME_ABOVE_LINE", income_per_capita=2015.0),
        later={2: {"income_per_capita": 2017.5}},
        warnings={"W_INCOME_DROP": "orange:NOR"},
    ),
    Scenario(
        "W03",
        "W_MEDICAL orange: inpatient self-pay 6600 in the last 90 days; corrected to 4200 on day 2",
        (Member("a", 50), Member("b", 48, F, "spouse")),
        (
            wage("a", 2400),
            Claim("b", "c1", "inpatient", 20, 20000, 6600, days=NR),
            Claim("b", "c1", "inpatient", 20, 20000, 4200, days=FIX),
        ),
        expect=tier("low_income", 303, rigid_expenditure_per_capita=275.0),
        later={2: {"rigid_expenditure_per_capita": 175.0}},
        warnings={"W_MEDICAL": "orange:NOR"},
    ),
    Scenario(
        "W04",
        "W_MEDICAL red: inpatient 7200 and >= 50 % of income; corrected on day 2",
        (Member("a", 55),),
        (
            wage("a", 800),
            Claim("a", "c1", "inpatient", 30, 24000, 7200, days=NR),
            Claim("a", "c1", "inpatient", 30, 24000, 1200, days=FIX),
        ),
        expect=tier("dibao", 210, rigid_expenditure_per_capita=600.0),
        later={2: {"rigid_expenditure_per_capita": 100.0}},
        warnings={"W_MEDICAL": "red:NOR"},
    ),
    Scenario(
        "W05",
        "W_MEDICAL orange at the boundary: 12-month self-pay exactly 50 % of income",
        (Member("a", 52, F),),
        (
            wage("a", 600),
            Claim("a", "c1", "chronic_special", 40, 2000, 1200, days=NR),
            Claim("a", "c1", "chronic_special", 40, 2000, 0, days=FIX),
            Claim("a", "c2", "chronic_special", 130, 2000, 1200),
            Claim("a", "c3", "outpatient", 250, 1500, 1200),
        ),
        expect=tier("dibao", 410, rigid_expenditure_per_capita=300.0),
        later={2: {"rigid_expenditure_per_capita": 200.0}},
        warnings={"W_MEDICAL": "orange:NOR"},
    ),
    Scenario(
        "W06",
        "W_DEATH: a 45-year-old earner died 20 days ago; date corrected to 100 days ago on day 2",
        (
            Member("a", 45, status="deceased"),
            Member("b", 43, F, "spouse"),
            Member("c", 10, relation="child"),
        ),
        (
            Death("a", 20, days=NR),
            Death("a", 100, days=FIX),
            wage("a", 4000, months=tuple(range(6, 14))),
            wage("b", 1500),
            Marriage("a", "b", 6000),
        ),
        expect=tier("dibao", 520, member_count=2, income_per_capita=750.0),
        warnings={"W_DEATH": "orange:NOR"},
    ),
    Scenario(
        "W07",
        "W_DISABILITY: grade-2 certificate issued 15 days ago; re-assessed grade 3 on day 2",
        (Member("a", 55), Member("b", 30, F, "child")),
        (
            wage("a", 1400),
            Disability("b", "physical", 2, 15, days=NR),
            Disability("b", "physical", 3, 15, days=FIX),
        ),
        expect=tier("dibao", 620),
        warnings={"W_DISABILITY": "orange:NOR"},
    ),
    Scenario(
        "W08",
        "W_DISABILITY from day 1: grade-1 certificate issued on day 1 adds "
        "single-person dibao; re-assessed grade 3 on day 3",
        (Member("a", 48), Member("b", 20, F, "child")),
        (
            wage("a", 2200),
            Disability("b", "visual", 1, -1, days=(1, 2)),
            Disability("b", "visual", 3, -1, days=(3, None)),
        ),
        expect=tier("low_income", 303, single_person_dibao_count=0),
        later={
            1: {"monthly_amount": 1313, "single_person_dibao_count": 1},
            3: {"monthly_amount": 303, "single_person_dibao_count": 0},
        },
        warnings={"W_DISABILITY": "orange:-NOR"},
    ),
    Scenario(
        "W09",
        "W_JOB_LOSS: registered unemployed 10 days ago; registration closed and a new job on day 2",
        (Member("a", 40), Member("b", 42, F, "spouse")),
        (
            wage("b", 2400),
            Job("a", "employed", 1500, end_days_ago=11),
            Job("a", "registered_unemployed", 10, days=NR),
            Job("a", "registered_unemployed", 10, end_days_ago=-2, days=FIX),
            Job("a", "employed", -2, days=FIX),
        ),
        expect=tier("low_income", 303),
        warnings={"W_JOB_LOSS": "yellow:NOR"},
    ),
    Scenario(
        "W10",
        "W_JOB_LOSS: pension contributions paid in exactly 6 of the 9 earlier "
        "months, suspended in the last 3; paid late on day 2",
        (Member("a", 52), Member("b", 55, F, "spouse")),
        (
            Contribution("a", 3000, months=tuple(range(4, 10)), flexible=True),
            Contribution("a", 3000, months=(1, 2, 3), status="suspended", flexible=True, days=NR),
            Contribution("a", 3000, months=(1, 2, 3), flexible=True, days=FIX),
            pension("b", 2200),
        ),
        expect=tier("low_income", 303, income_per_capita=1100.0),
        warnings={"W_JOB_LOSS": "yellow:NOR"},
    ),
    Scenario(
        "W11",
        "W_EDUCATION: higher-education cost exactly 30 % of income; tuition waiver on day 2",
        (Member("a", 45), Member("b", 19, F, "child")),
        (
            wage("a", 3000),
            School("b", "higher", 9600, 1200, days=NR),
            School("b", "higher", 4800, 1200, days=FIX),
        ),
        expect=tier("low_income", 303, rigid_expenditure_per_capita=450.0),
        later={2: {"rigid_expenditure_per_capita": 250.0}},
        warnings={"W_EDUCATION": "yellow:NOR"},
    ),
)

# Requests with members registered in Beijing (110000), Hebei (130000) or Jiangsu (320000): no
# row in the city's hukou source, so the city's silence on them is not "no income, no assets"
# (docs/policy.md §11). `report` is the request before any partner answer, `answered` once the
# partner regions answered (hedui.generator.cross_region).
BJ, HB, JS = "110000", "130000", "320000"
WAITING = {"complete": False, "members_refused": 0}

CROSS_REGION = (
    Scenario(
        "X01",
        "cross-region: a Beijing member answered; dibao once the answer counts",
        (Member("a", 50), Member("b", 48, F, "spouse", region=BJ)),
        (wage("a", 600), Remote("b", wage=400, resident_pension=200, cash=3000)),
        request=Request(
            "dibao",
            ("a", "b"),
            report=tier(None, None, missing_sources=[f"cross_region:{BJ}"], **WAITING),
            answered=tier("dibao", 1020, income_per_capita=500.0, complete=True),
        ),
        expect=tier("dibao", 410, income_per_capita=600.0),
    ),
    Scenario(
        "X02",
        "cross-region: the Hebei partner holds nothing on the member (not_found: zeros)",
        (Member("a", 44), Member("b", 16, relation="child", region=HB)),
        (wage("a", 800), Remote("b", held=False)),
        request=Request(
            "dibao",
            ("a", "b"),
            report=tier(None, None, missing_sources=[f"cross_region:{HB}"], **WAITING),
            answered=tier("dibao", 1220, income_per_capita=400.0, complete=True),
        ),
        expect=tier("dibao", 210, income_per_capita=800.0),
    ),
    Scenario(
        "X03",
        "cross-region: a Hebei member's pension and home count; low_income once answered",
        (Member("a", 58), Member("b", 62, F, "spouse", region=HB)),
        (wage("a", 1000), Remote("b", pension=2000, cash=10000, homes=1, area=60)),
        request=Request(
            "low_income",
            ("a", "b"),
            report=tier(None, None, missing_sources=[f"cross_region:{HB}"], **WAITING),
            answered=tier("low_income", 303, income_per_capita=1500.0, complete=True),
        ),
        expect=tier("dibao", 10, income_per_capita=1000.0),
    ),
    Scenario(
        "X04",
        "cross-region: a local car fails A2, decided without waiting for Beijing",
        (Member("a", 40), Member("b", 39, F, "spouse", region=BJ)),
        (wage("a", 500), Vehicle("a", "car"), Remote("b", wage=300)),
        request=Request(
            "dibao",
            ("a", "b"),
            report=tier("none", 0, "A2", missing_sources=[f"cross_region:{BJ}"], **WAITING),
            answered=tier("none", 0, "A2", complete=True),
        ),
        expect=tier("none", 0, "A2"),
    ),
    Scenario(
        "X05",
        "cross-region: a Jiangsu member, no partner region: stays undecided",
        (Member("a", 47), Member("b", 45, F, "spouse", region=JS)),
        (wage("a", 500),),
        request=Request(
            "dibao",
            ("a", "b"),
            report=tier(None, None, missing_sources=[f"cross_region:{JS}"], **WAITING),
            answered=tier(None, None, missing_sources=[f"cross_region:{JS}"], **WAITING),
        ),
        expect=tier("dibao", 510, income_per_capita=500.0),
    ),
    Scenario(
        "X06",
        "cross-region: a Beijing member without authorization is never queried",
        (Member("a", 52), Member("b", 50, F, "spouse", region=BJ)),
        (wage("a", 500), Remote("b", wage=5000)),
        request=Request(
            "dibao",
            ("a", "b"),
            refused=("b",),
            report=tier(None, None, "V_AUTH_MISSING", complete=False, members_refused=1),
            answered=tier(None, None, "V_AUTH_MISSING", complete=False, members_refused=1),
        ),
        expect=tier("dibao", 510, income_per_capita=500.0),
    ),
)

SCENARIOS: tuple[Scenario, ...] = (
    *TIERS,
    *ASSETS,
    *INCOME,
    *CASES,
    *REQUESTS,
    *WARNINGS,
    *CROSS_REGION,
)
