"""Turn scenario specs into source rows for one delivery day.

Identities: ID numbers use Tianjin address codes, birth dates from the spec's ages and sequence
codes 900-999 (odd for men, even for women) with valid GB 11643 check characters; household
numbers are ``9`` + 8 digits; every other key (case, request, plate, certificate, contract,
claim, account, policy, record ids) starts with :data:`PREFIX`; USCCs use organization codes
starting ``W9``. Rows are plain dicts (decimals as :class:`~decimal.Decimal`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from hedui.generator import scenario_spec as sp
from hedui.generator.scenario_time import (
    cents,
    date_window,
    full_months_before,
    month_index,
    period_index,
    school_year,
    shift_years,
)
from hedui.idnumbers import id_check_char, uscc_check_char

PREFIX = "SCN"
SEQ_FIRST, SEQ_LAST = 900, 999
DISTRICTS = (
    "120101",
    "120102",
    "120103",
    "120104",
    "120105",
    "120106",
    "120110",
    "120111",
    "120112",
    "120113",
    "120114",
    "120115",
    "120116",
    "120117",
    "120118",
    "120119",
)
TAX_ITEMS = frozenset(
    {"wage", "labor", "business", "royalty", "property_lease", "interest_dividend", "other"}
)
#: Address codes of the ID numbers of members from other regions (Member.region).
REGION_DISTRICTS = {"110000": "110105", "130000": "130102", "320000": "320102"}
SELF_DECLARED = frozenset({"business", "property_lease", "other"})
BANKS = ("102", "103", "104", "105")
_SURNAMES = "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗"
_GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华建国玉兰"


def dec(value: sp.Money | None) -> Decimal | None:
    return None if value is None else Decimal(str(value))


def make_uscc(n: int, kind: str = "1") -> str:
    """A valid USCC with a scenario organization code (``W9`` + 7 digits)."""
    first17 = f"9{kind}120101W9{n:07d}"
    return first17 + uscc_check_char(first17)


@dataclass(frozen=True)
class Person:
    """A resolved scenario member."""

    code: str
    key: str
    id_number: str
    name: str
    birth: date
    household_no: str
    district: str
    member: sp.Member


class World:
    """Resolved identities and stable numbering of a scenario set for one run date."""

    def __init__(self, scenarios: Sequence[sp.Scenario], run_date: date) -> None:
        self.scenarios = tuple(scenarios)
        self.run_date = run_date
        self.people: dict[str, Person] = {}  # "CODE.key" -> person
        self.household_no: dict[str, str] = {}
        self.employer: dict[str, str] = {}
        self.case_no: dict[str, str] = {}
        self.request_id: dict[str, str] = {}
        self.index: dict[str, int] = {}
        self.entity_uscc: dict[tuple[str, str], str] = {}
        seq_used: dict[tuple[str, date], set[int]] = {}
        codes = [s.code for s in self.scenarios]
        if len(set(codes)) != len(codes):
            raise ValueError("duplicate scenario codes")
        n_case = n_req = 0
        for h, s in enumerate(self.scenarios, start=1):
            district = DISTRICTS[h % len(DISTRICTS)]
            self.index[s.code] = h
            self.household_no[s.code] = f"9{h:08d}"
            for f in s.facts:
                if isinstance(f, sp.Entity) and (s.code, f.ref) not in self.entity_uscc:
                    kind = "2" if f.kind == "individual_business" else "1"
                    self.entity_uscc[s.code, f.ref] = make_uscc(
                        10_000 + len(self.entity_uscc), kind
                    )
            self.employer[s.code] = make_uscc(h)
            if s.case:
                n_case += 1
                self.case_no[s.code] = f"{PREFIX}-CASE-{n_case:04d}"
            if s.request:
                n_req += 1
                self.request_id[s.code] = f"{PREFIX}-REQ-{n_req:04d}"
            for j, m in enumerate(s.members):
                birth = self._birth(m)
                home = REGION_DISTRICTS[m.region] if m.region else district
                used = seq_used.setdefault((home, birth), set())
                seq = next(
                    q
                    for q in range(SEQ_FIRST + (m.gender == "1"), SEQ_LAST + 1, 2)
                    if q not in used
                )
                used.add(seq)
                first17 = f"{home}{birth:%Y%m%d}{seq:03d}"
                name = _SURNAMES[h % 20] + _GIVEN[(h * 7 + j * 3) % len(_GIVEN)]
                if j % 2:
                    name += _GIVEN[(h + j * 5) % len(_GIVEN)]
                self.people[f"{s.code}.{m.key}"] = Person(
                    s.code,
                    m.key,
                    first17 + id_check_char(first17),
                    name,
                    birth,
                    self.household_no[s.code],
                    home,
                    m,
                )

    def _birth(self, m: sp.Member) -> date:
        anniversary = shift_years(self.run_date, -m.age)
        return anniversary if m.birthday_today else anniversary - timedelta(days=100)

    def person(self, code: str, ref: str) -> Person:
        return self.people[ref if "." in ref else f"{code}.{ref}"]

    def ago(self, days: int) -> date:
        return self.run_date - timedelta(days=days)


class _Rows:
    """Accumulates rows per source for one day."""

    def __init__(self) -> None:
        self.by_source: dict[str, list[dict]] = {}

    def add(self, source: str, **row: object) -> None:
        self.by_source.setdefault(source, []).append(row)


def _month_amount(fact: sp.Pay, offset: int) -> Decimal | None:
    if fact.months is not None and offset not in fact.months:
        return None
    if fact.recent is not None and 1 <= offset <= 3:
        return dec(fact.recent)
    return dec(fact.amount)


def _tax_paid(income: Decimal) -> Decimal:
    return cents((income - 5000) * Decimal("0.03")) if income > 5000 else Decimal("0.00")


def rows_for_day(world: World, day_index: int, day: date) -> dict[str, list[dict]]:
    """Every scenario row of the delivery of ``day`` (day ``day_index`` of the run)."""
    out = _Rows()
    d0 = world.run_date
    periods = full_months_before(day, 13)
    first_date, last_date = date_window(day)
    for s in world.scenarios:
        _hukou(world, s, day_index, day, out)
        for n, fact in enumerate(s.facts):
            if isinstance(fact, sp.Remote):  # held by a partner region, not a city source
                continue
            if hasattr(fact, "days") and not sp.in_span(fact.days, day_index):
                continue
            ref = f"{s.code}-{n:02d}"
            _fact_rows(world, s, fact, ref, day, periods, (first_date, last_date), out)
        if s.case:
            _case_rows(world, s, out)
        if s.request and _in_request_window(_request_date(d0), day):
            _request_rows(world, s, out)
    return out.by_source


def _hukou(world: World, s: sp.Scenario, day_index: int, day: date, out: _Rows) -> None:
    deaths = {
        f.member: world.ago(f.days_ago)
        for f in s.facts
        if isinstance(f, sp.Death) and sp.in_span(f.days, day_index)
    }
    for m in s.members:
        if m.region:  # registered in another region: not in the city's hukou source
            continue
        p = world.person(s.code, m.key)
        status_date = None
        if m.status != "normal":
            status_date = deaths.get(m.key) or world.ago(m.status_days_ago or 0)
        out.add(
            "hukou",
            id_number=p.id_number,
            name=p.name,
            gender=m.gender,
            birth_date=p.birth,
            household_no=p.household_no,
            relation_to_head=m.relation,
            district_code=p.district,
            hukou_nature="urban" if int(p.household_no) % 3 else "rural",
            status=m.status,
            status_date=status_date,
        )


def _request_date(d0: date) -> date:
    """Requests are dated the 15th of the month before D0 (inside the 1-month window)."""
    prev = month_index(d0) - 1
    return date(prev // 12, prev % 12 + 1, 15)


def _in_request_window(value: date, day: date) -> bool:
    """``value`` in the 1 full month before ``day`` (the verification_request window)."""
    return month_index(value) == month_index(day) - 1


def _case_rows(world: World, s: sp.Scenario, out: _Rows) -> None:
    case = s.case
    assert case is not None
    keys = case.members or tuple(m.key for m in s.members)
    for j, key in enumerate(keys):
        p = world.person(s.code, key)
        out.add(
            "assistance_roll",
            case_no=world.case_no[s.code],
            id_number=p.id_number,
            member_role="applicant" if j == 0 else "member",
            assistance_type=case.atype,
            single_person_dibao="1" if key in case.single else "0",
            start_date=world.ago(case.start_days_ago),
            end_date=None if case.end_days_ago is None else world.ago(case.end_days_ago),
            monthly_amount=dec(case.amount),
            street_code=p.district + "001",
        )


def _request_rows(world: World, s: sp.Scenario, out: _Rows) -> None:
    req = s.request
    assert req is not None
    rid = world.request_id[s.code]
    street = world.person(s.code, req.members[0]).district + "001"  # the applicant's street
    for j, key in enumerate(req.members):
        p = world.person(s.code, key)
        out.add(
            "verification_request",
            request_id=rid,
            member_id_number=p.id_number,
            applicant="1" if j == 0 else "0",
            authorization_no=None if key in req.refused else f"{PREFIX}-AUTH-{rid[-4:]}-{j}",
            purpose=req.purpose,
            street_code=street,
            requested_at=_request_date(world.run_date),
        )


def _fact_rows(
    world: World,
    s: sp.Scenario,
    f: sp.Fact,
    ref: str,
    day: date,
    periods: list[str],
    dates: tuple[date, date],
    out: _Rows,
) -> None:
    d0_month = month_index(world.run_date)
    asof = day - timedelta(days=1)
    num = world.index[s.code] * 100 + int(ref.rsplit("-", 1)[1])
    if isinstance(f, sp.Marriage):
        out.add(
            "marriage",
            record_id=f"{PREFIX}-MR-{num:05d}",
            event=f.event,
            party1_id_number=world.person(s.code, f.a).id_number,
            party2_id_number=world.person(s.code, f.b).id_number,
            event_date=world.ago(f.days_ago),
        )
        return
    if isinstance(f, sp.Property):
        for owner, share in f.owners:
            p = world.person(s.code, owner)
            out.add(
                "real_estate",
                cert_no=f"{PREFIX}-RE-{num:05d}",
                owner_id_number=p.id_number,
                share_ratio=dec(share),
                property_use=f.use,
                floor_area_m2=dec(f.area),
                district_code=p.district,
                register_date=world.ago(f.registered_days_ago),
                status=f.status,
            )
        return
    p = world.person(s.code, f.member)
    pid = p.id_number
    if isinstance(f, sp.Pay):
        for period in periods:
            amount = _month_amount(f, d0_month - period_index(period))
            if amount is None:
                continue
            if f.item in TAX_ITEMS:
                out.add(
                    "tax",
                    id_number=pid,
                    period=period,
                    income_item=f.item,
                    income=amount,
                    tax_paid=_tax_paid(amount),
                    withholder_uscc=None if f.item in SELF_DECLARED else world.employer[s.code],
                )
            else:
                out.add(
                    "social_insurance",
                    id_number=pid,
                    period=period,
                    record_type="benefit",
                    item=f.item,
                    amount=amount,
                    employer_uscc=None,
                    payment_status=f.status,
                )
    elif isinstance(f, sp.Contribution):
        for period in periods:
            offset = d0_month - period_index(period)
            if f.months is None or offset in f.months:
                out.add(
                    "social_insurance",
                    id_number=pid,
                    period=period,
                    record_type="contribution",
                    item=f.item,
                    amount=dec(f.base),
                    employer_uscc=None if f.flexible else world.employer[s.code],
                    payment_status=f.status,
                )
    elif isinstance(f, sp.HousingFund):
        base = dec(f.base)
        monthly = cents(base * Decimal("0.24"))
        for period in periods:
            offset = d0_month - period_index(period)
            out.add(
                "housing_fund",
                id_number=pid,
                period=period,
                deposit_base=base,
                monthly_deposit=monthly,
                balance=dec(f.balance) - monthly * (offset - 1),
                account_status="normal",
            )
    elif isinstance(f, sp.Death):
        when = world.ago(f.days_ago)
        if dates[0] <= when <= dates[1]:
            out.add("death", id_number=pid, death_date=when, record_source=f.source)
    elif isinstance(f, sp.Disability):
        out.add(
            "disability",
            id_number=pid,
            disability_category=f.category,
            disability_grade=f.grade,
            cert_issue_date=world.ago(f.issued_days_ago),
            cert_valid_until=None if f.valid_days is None else world.ago(-f.valid_days),
        )
    elif isinstance(f, sp.Claim):
        when = world.ago(f.days_ago)
        total, oop = dec(f.total), dec(f.oop)
        if dates[0] <= when <= dates[1]:
            out.add(
                "medical_claims",
                claim_id=f"{PREFIX}-MC-{s.code}-{f.ref}",
                id_number=pid,
                settle_date=when,
                visit_type=f.visit,
                total_cost=total,
                fund_paid=total - oop,
                out_of_pocket=oop,
            )
    elif isinstance(f, sp.School):
        out.add(
            "education",
            id_number=pid,
            school_year=school_year(world.run_date) + f.year_offset,
            stage=f.stage,
            enrollment_status=f.status,
            tuition_per_year=dec(f.tuition),
            boarding_per_year=dec(f.boarding),
        )
    elif isinstance(f, sp.Job):
        out.add(
            "employment",
            id_number=pid,
            status=f.status,
            employer_uscc=world.employer[s.code] if f.status == "employed" else None,
            registered_date=world.ago(f.registered_days_ago),
            end_date=None if f.end_days_ago is None else world.ago(f.end_days_ago),
        )
    elif isinstance(f, sp.Deposit):
        cny = dec(f.cny)
        out.add(
            "deposit",
            bank_code=BANKS[num % len(BANKS)],
            account_no=f"{PREFIX}-AC-{num:05d}",
            id_number=pid,
            account_type=f.account_type,
            currency=f.currency,
            balance=cny if f.foreign is None else dec(f.foreign),
            balance_cny=cny,
            as_of_date=asof,
        )
    elif isinstance(f, sp.Wealth):
        out.add(
            "wealth_product",
            institution_code="WM102",
            product_code=f"{PREFIX}-WP-{num:05d}",
            id_number=pid,
            market_value=dec(f.value),
            as_of_date=asof,
        )
    elif isinstance(f, sp.Stock):
        price = dec(f.price)
        out.add(
            "stock",
            securities_account=f"{PREFIX}-SA-{num:05d}",
            id_number=pid,
            security_code="600000",
            quantity=f.quantity,
            close_price=price,
            market_value=cents(price * f.quantity),
            as_of_date=asof,
        )
    elif isinstance(f, sp.Bond):
        out.add(
            "bond",
            id_number=pid,
            bond_code=f"{PREFIX}-BD-{num:05d}",
            face_value=dec(f.face),
            market_value=dec(f.value),
            as_of_date=asof,
        )
    elif isinstance(f, sp.Fund):
        shares, nav = dec(f.shares), dec(f.nav)
        out.add(
            "fund",
            id_number=pid,
            fund_code=f"{PREFIX}-FD-{num:05d}",
            shares=shares,
            nav=nav,
            market_value=cents(shares * nav),
            as_of_date=asof,
        )
    elif isinstance(f, sp.Insurance):
        out.add(
            "commercial_insurance",
            insurer_code="INS001",
            policy_no=f"{PREFIX}-POL-{num:05d}",
            id_number=pid,
            product_type=f.product,
            cash_value=dec(f.cash_value),
            annual_premium=dec(f.premium),
            as_of_date=asof,
        )
    elif isinstance(f, sp.Entity):
        out.add(
            "market_entity",
            uscc=world.entity_uscc[s.code, f.ref],
            entity_name=f"天津{p.name[0]}氏{f.ref}商贸有限公司",
            entity_type=f.kind,
            person_id_number=pid,
            role=f.role,
            subscribed_capital=dec(f.capital),
            status=f.status,
            established_date=world.ago(f.established_days_ago),
        )
    elif isinstance(f, sp.Vehicle):
        out.add(
            "vehicle",
            plate_no=f"{PREFIX}-津A{num:05d}",
            owner_id_number=pid,
            vehicle_type=f.vtype,
            purchase_price=dec(f.price),
            first_register_date=world.ago(1500),
            status=f.status,
        )
    elif isinstance(f, sp.Housing):
        out.add(
            "public_housing",
            contract_no=f"{PREFIX}-PH-{num:05d}",
            id_number=pid,
            housing_type=f.kind,
            floor_area_m2=dec(f.area),
            monthly_subsidy=dec(f.subsidy),
            start_date=world.ago(f.start_days_ago),
            end_date=None if f.end_days_ago is None else world.ago(f.end_days_ago),
        )
    else:  # pragma: no cover - every fact kind is handled above
        raise TypeError(f"unknown fact {f!r}")
