"""Declarative building blocks of scenario households (see ``scenarios.py``).

A scenario is a hukou household: its members and a list of *facts*, each one record family of
one source (a monthly income, a deposit, a claim, a case, ...). Facts are turned into source
rows by ``scenario_rows.py``.

Time in a spec is relative to the scenario run date D0 (day 0):
- ``*_days_ago`` counts days before D0 (negative: after D0);
- ``months`` are offsets before D0's month (1 = the last full month before D0, 13 = the
  oldest month of a 13-month window); ``None`` means every month of every window;
- ``days`` is the span of delivery-day indices a fact is delivered in, ``(first, last)``
  inclusive, ``last=None`` for open-ended. Two facts with the same source key and disjoint
  spans model a later delivery correcting a row (window sources) or a changed snapshot row.
Amounts are yuan, written as text or ints so they are exact decimals.
"""

from __future__ import annotations

from dataclasses import dataclass, field

Span = tuple[int, int | None]
ALWAYS: Span = (0, None)
Money = str | int


def in_span(span: Span, day_index: int) -> bool:
    first, last = span
    return day_index >= first and (last is None or day_index <= last)


@dataclass(frozen=True)
class Member:
    """A person of the scenario's hukou household (``key`` is local to the scenario)."""

    key: str
    age: int
    gender: str = "1"
    relation: str = "head"
    status: str = "normal"  # hukou status: normal, deceased, moved_out
    status_days_ago: int | None = None  # moved_out / deceased without a death fact
    birthday_today: bool = False  # age turns `age` exactly on D0 (age boundaries)
    #: a member registered in another region (its code, e.g. "110000"): an ID number of that
    #: region and no row in the city's hukou source (docs/policy.md §11)
    region: str | None = None


@dataclass(frozen=True)
class Pay:
    """Monthly tax income (tax items) or social-insurance benefit (benefit items)."""

    member: str
    item: str
    amount: Money
    recent: Money | None = None  # amount in offsets 1..3 (the last 3 full months before D0)
    months: tuple[int, ...] | None = None
    status: str = "paid"  # benefits only
    days: Span = ALWAYS


@dataclass(frozen=True)
class Contribution:
    """Monthly social-insurance contribution rows (base = amount)."""

    member: str
    base: Money
    months: tuple[int, ...] | None = None
    status: str = "paid"
    item: str = "pension"
    flexible: bool = False  # flexible employment: no employer USCC
    days: Span = ALWAYS


@dataclass(frozen=True)
class HousingFund:
    member: str
    base: Money
    balance: Money  # balance of the last full month before D0
    days: Span = ALWAYS


@dataclass(frozen=True)
class Death:
    member: str
    days_ago: int
    source: str = "death_certificate"
    days: Span = ALWAYS


@dataclass(frozen=True)
class Disability:
    member: str
    category: str
    grade: int
    issued_days_ago: int
    valid_days: int | None = None  # valid_until = D0 + valid_days (negative: expired)
    days: Span = ALWAYS


@dataclass(frozen=True)
class Claim:
    """A medical settlement; ``ref`` keeps the claim_id stable across corrections."""

    member: str
    ref: str
    visit: str
    days_ago: int
    total: Money
    oop: Money
    days: Span = ALWAYS


@dataclass(frozen=True)
class School:
    member: str
    stage: str
    tuition: Money
    boarding: Money | None = None
    year_offset: int = 0  # 0 = the school year current on D0
    status: str = "enrolled"
    days: Span = ALWAYS


@dataclass(frozen=True)
class Job:
    member: str
    status: str
    registered_days_ago: int
    end_days_ago: int | None = None
    days: Span = ALWAYS


@dataclass(frozen=True)
class Deposit:
    member: str
    cny: Money
    currency: str = "CNY"
    foreign: Money | None = None  # balance in the account currency when not CNY
    account_type: str = "demand"
    days: Span = ALWAYS


@dataclass(frozen=True)
class Wealth:
    member: str
    value: Money
    days: Span = ALWAYS


@dataclass(frozen=True)
class Stock:
    member: str
    quantity: int
    price: Money
    days: Span = ALWAYS


@dataclass(frozen=True)
class Bond:
    member: str
    face: Money
    value: Money
    days: Span = ALWAYS


@dataclass(frozen=True)
class Fund:
    member: str
    shares: Money
    nav: Money
    days: Span = ALWAYS


@dataclass(frozen=True)
class Insurance:
    member: str
    product: str
    cash_value: Money
    premium: Money = 1200
    days: Span = ALWAYS


@dataclass(frozen=True)
class Entity:
    """A market-entity person row; ``ref`` groups rows of one entity (same USCC)."""

    member: str
    ref: str
    role: str
    capital: Money | None
    established_days_ago: int
    status: str = "active"
    kind: str = "limited_company"
    days: Span = ALWAYS


@dataclass(frozen=True)
class Vehicle:
    member: str
    vtype: str
    status: str = "normal"
    price: Money | None = 60000
    days: Span = ALWAYS


@dataclass(frozen=True)
class Property:
    """A real-estate certificate; owners are (member ref, share) pairs.

    A member ref is a key of this scenario or ``CODE.key`` for a member of another scenario.
    """

    owners: tuple[tuple[str, str], ...]
    use: str
    area: Money
    status: str = "valid"
    registered_days_ago: int = 2000
    days: Span = ALWAYS


@dataclass(frozen=True)
class Housing:
    member: str
    kind: str  # public_rental, rent_subsidy, affordable_purchase
    area: Money | None
    start_days_ago: int
    end_days_ago: int | None = None
    subsidy: Money | None = None
    days: Span = ALWAYS


@dataclass(frozen=True)
class Marriage:
    a: str
    b: str
    days_ago: int
    event: str = "marriage"


@dataclass(frozen=True)
class Case:
    """An assistance_roll case of (some of) the scenario's members."""

    atype: str
    start_days_ago: int
    amount: Money
    members: tuple[str, ...] | None = None  # default: every member of the scenario
    end_days_ago: int | None = None
    single: tuple[str, ...] = ()  # members included as single-person dibao
    reviews: tuple[str, ...] = ()  # intended review codes while active


@dataclass(frozen=True)
class Request:
    """A verification request declaring members; ``refused`` members sign no authorization."""

    purpose: str
    members: tuple[str, ...]
    refused: tuple[str, ...] = ()
    report: dict[str, object] = field(default_factory=dict)  # intended report subset
    #: intended report subset once every partner region answered (members from other regions)
    answered: dict[str, object] = field(default_factory=dict)


@dataclass(frozen=True)
class Remote:
    """What the partner region of a member from another region holds on them (the reference
    partner service answers from it, hedui.generator.cross_region): monthly income over the
    last 24 months, cash-type assets, homes, floor area and non-exempt vehicles there.
    ``held=False``: the partner has no record of the person (their answer is not_found)."""

    member: str
    wage: Money = 0
    pension: Money = 0  # enterprise_pension (income)
    resident_pension: Money = 0  # not income (policy.md §3)
    cash: Money = 0
    homes: int = 0
    area: Money = 0
    vehicles: int = 0
    held: bool = True


Fact = (
    Pay
    | Contribution
    | HousingFund
    | Death
    | Disability
    | Claim
    | School
    | Job
    | Deposit
    | Wealth
    | Stock
    | Bond
    | Fund
    | Insurance
    | Entity
    | Vehicle
    | Property
    | Housing
    | Marriage
    | Remote
)


@dataclass(frozen=True)
class Scenario:
    """One planted household: members, facts, optional case / request, and its intent.

    ``expect`` is the intended day-0 household_verification subset (tier, monthly_amount,
    reason_codes, ...); ``later`` overrides it from a day index on. ``warnings`` maps a code
    to ``"severity:timeline"`` where the timeline has one character per day: ``N`` new,
    ``O`` ongoing, ``R`` resolved, ``-`` absent (absent after its end). Codes not listed are
    intended absent on every day. The intent is checked against the reference computation.
    """

    code: str
    title: str
    members: tuple[Member, ...]
    facts: tuple[Fact, ...] = ()
    case: Case | None = None
    request: Request | None = None
    expect: dict[str, object] = field(default_factory=dict)
    later: dict[int, dict[str, object]] = field(default_factory=dict)
    warnings: dict[str, str] = field(default_factory=dict)
    tags: tuple[str, ...] = ()
