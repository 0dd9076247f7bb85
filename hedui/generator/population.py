"""The base population: hukou households and persons, built vectorised from household templates.

Households are drawn from a few templates (single, couple, nuclear, three generations, ...);
member ages follow from the head's age, so relations, ages and genders stay consistent. Every
person gets a GB 11643 ID number whose address code is where they were first registered
(older people in merged districts carry the retired codes) and whose sequence code is 000-899
(scenario households use 900-999). Household numbers start with 1-8 (scenarios use 9).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import polars as pl

from hedui.generator import ids, names
from hedui.generator.timeline import Timeline

RELATIONS = ("head", "spouse", "child", "parent", "grandchild", "child_in_law")
SLOTS = ("head", "spouse", "child1", "child2", "father", "mother", "child_in_law", "grandchild")
SLOT_RELATION = np.array([0, 1, 2, 2, 3, 3, 5, 4], dtype=np.int8)
STATUSES = ("normal", "deceased", "moved_out")
NORMAL, DECEASED, MOVED_OUT = 0, 1, 2

#: Household classes: 0 deep poverty, 1 poor, 2 lower income, 3 middle, 4 affluent.
CLASS_SHARES = (0.016, 0.032, 0.12, 0.68, 0.152)


@dataclass(frozen=True)
class Template:
    name: str
    weight: float
    head_age: tuple[int, int]
    male_head: float
    slots: dict[str, float]  # slot -> presence probability


TEMPLATES = (
    Template("single_young", 0.08, (20, 39), 0.55, {"head": 1}),
    Template("single_mid", 0.05, (40, 59), 0.5, {"head": 1}),
    Template("single_old", 0.09, (60, 96), 0.35, {"head": 1}),
    Template("couple_young", 0.08, (23, 39), 0.85, {"head": 1, "spouse": 1}),
    Template("couple_mid", 0.06, (40, 59), 0.85, {"head": 1, "spouse": 1}),
    Template("couple_old", 0.16, (60, 92), 0.85, {"head": 1, "spouse": 1}),
    Template("nuclear1", 0.22, (25, 55), 0.85, {"head": 1, "spouse": 1, "child1": 1}),
    Template("nuclear2", 0.09, (30, 52), 0.85, {"head": 1, "spouse": 1, "child1": 1, "child2": 1}),
    Template(
        "three_gen",
        0.06,
        (30, 52),
        0.85,
        {"head": 1, "spouse": 1, "child1": 1, "father": 0.6, "mother": 1},
    ),
    Template(
        "elder_stem",
        0.08,
        (55, 80),
        0.8,
        {"head": 1, "spouse": 0.85, "child1": 1, "child_in_law": 0.9, "grandchild": 0.9},
    ),
    Template("single_parent", 0.03, (28, 55), 0.2, {"head": 1, "child1": 1}),
)


@dataclass
class Households:
    """One row per hukou household."""

    no: pl.Series  # household_no, 9 digits starting 1-8
    district: np.ndarray  # current district code
    street: np.ndarray  # 9-digit street code (district + 3 digits)
    rural: np.ndarray  # bool
    klass: np.ndarray  # 0..4, see CLASS_SHARES
    template: np.ndarray  # index into TEMPLATES

    @property
    def n(self) -> int:
        return len(self.district)


@dataclass
class People:
    """One row per person, grouped by household (head first)."""

    hh: np.ndarray
    rel: np.ndarray  # index into RELATIONS
    male: np.ndarray
    birth: np.ndarray  # datetime64[D]
    age: np.ndarray  # full years on the first delivery date
    address: np.ndarray  # ID address code
    id: pl.Series
    name: pl.Series
    status: np.ndarray  # index into STATUSES
    status_date: np.ndarray  # datetime64[D], NaT when normal
    extra: dict[str, np.ndarray] = field(default_factory=dict)

    @property
    def n(self) -> int:
        return len(self.hh)


@dataclass
class Population:
    timeline: Timeline
    households: Households
    people: People

    def hukou_frame(self) -> pl.DataFrame:
        """The hukou snapshot in contract column order (polars frame dtypes)."""
        p, h = self.people, self.households
        district = ids.digits(h.district[p.hh], 6)
        return pl.DataFrame(
            {
                "id_number": p.id,
                "name": p.name,
                "gender": np.where(p.male, "1", "2"),
                "birth_date": p.birth,
                "household_no": h.no.gather(p.hh),
                "relation_to_head": np.array(RELATIONS)[p.rel],
                "district_code": district,
                "hukou_nature": np.where(h.rural[p.hh], "rural", "urban"),
                "status": np.array(STATUSES)[p.status],
                "status_date": p.status_date,
            }
        )


def full_years(birth: np.ndarray, on: np.datetime64) -> np.ndarray:
    """Full years between ``birth`` dates and ``on``."""
    b = np.asarray(birth, dtype="datetime64[D]")
    by = b.astype("datetime64[Y]").astype(np.int64)
    on_d = np.datetime64(on, "D")
    oy = on_d.astype("datetime64[Y]").astype(np.int64)
    bm = b.astype("datetime64[M]").astype(np.int64) % 12
    bd = (b - b.astype("datetime64[M]")).astype(np.int64)
    om = on_d.astype("datetime64[M]").astype(np.int64) % 12
    od = (on_d - on_d.astype("datetime64[M]")).astype(np.int64)
    before = (om < bm) | ((om == bm) & (od < bd))
    return oy - by - before.astype(np.int64)


def _beta_ages(rng: np.random.Generator, lo: np.ndarray, hi: np.ndarray, a: float, b: float):
    return lo + (hi - lo) * rng.beta(a, b, len(lo))


def build_population(
    persons: int, timeline: Timeline, ledger: ids.SequenceLedger | None = None
) -> Population:
    """Households and persons for ``persons`` people (exactly).

    ``ledger`` keeps ID numbers distinct across the blocks of a city generated block by block.
    """
    rng = timeline.rng("population")
    hh_count = int(persons / 2.4) + 16
    weights = np.array([t.weight for t in TEMPLATES])
    template = rng.choice(len(TEMPLATES), hh_count, p=weights / weights.sum())
    present = np.zeros((hh_count, len(SLOTS)), dtype=bool)
    for t_index, t in enumerate(TEMPLATES):
        rows = np.flatnonzero(template == t_index)
        for slot, prob in t.slots.items():
            present[rows, SLOTS.index(slot)] = rng.random(len(rows)) < prob
    # Exactly `persons` people: whole households, then the first members of one more.
    sizes = present.sum(axis=1)
    cum = np.cumsum(sizes)
    keep = int(np.searchsorted(cum, persons, side="right"))
    taken = int(cum[keep - 1]) if keep else 0
    if taken < persons:
        rest = persons - taken
        row = present[keep]
        slot_order = np.flatnonzero(row)
        present[keep, slot_order[rest:]] = False
        keep += 1
    present, template = present[:keep], template[:keep]
    households = _households(rng, template, keep)
    ages, male = _member_ages(rng, template, keep)
    hh_index = np.repeat(np.arange(keep), present.sum(axis=1))
    slot_index = np.tile(np.arange(len(SLOTS)), keep)[present.ravel()]
    age_years = ages[present]
    is_male = male[present]
    return Population(
        timeline,
        households,
        _people(rng, timeline, households, hh_index, slot_index, age_years, is_male, ledger),
    )


def _households(rng: np.random.Generator, template: np.ndarray, n: int) -> Households:
    codes = np.array(list(ids.DISTRICT_WEIGHTS))
    w = np.array(list(ids.DISTRICT_WEIGHTS.values()))
    district = codes[rng.choice(len(codes), n, p=w / w.sum())]
    rural_share = np.select(
        [district <= 120106, np.isin(district, [120115, 120117, 120118, 120119, 120114])],
        [0.0, 0.45],
        0.15,
    )
    rural = rng.random(n) < rural_share
    streets = 8 + (district % 97) % 23  # a fixed number of streets per district
    street = district * 1000 + 1 + rng.integers(0, 10**6, n) % streets
    old_single = np.array([t.name == "single_old" for t in TEMPLATES])[template]
    score = rng.normal(0, 1, n) - 0.35 * rural - 0.4 * old_single
    cut = np.quantile(score, np.cumsum(CLASS_SHARES)[:-1])
    klass = np.searchsorted(cut, score).astype(np.int8)
    numbers = 100_000_000 + ids.unique_integers(rng, n, 800_000_000)
    return Households(
        no=ids.digits(numbers, 9, "household_no"),
        district=district,
        street=street,
        rural=rural,
        klass=klass,
        template=template,
    )


def _member_ages(rng: np.random.Generator, template: np.ndarray, n: int):
    """Age and gender of every potential slot of every household, shape (n, len(SLOTS))."""
    lo = np.array([t.head_age[0] for t in TEMPLATES])[template].astype(float)
    hi = np.array([t.head_age[1] for t in TEMPLATES])[template].astype(float)
    skew_old = np.array([t.head_age[0] >= 55 for t in TEMPLATES])[template]
    head = np.where(skew_old, _beta_ages(rng, lo, hi, 1.3, 2.4), _beta_ages(rng, lo, hi, 1.4, 1.4))
    head_male = rng.random(n) < np.array([t.male_head for t in TEMPLATES])[template]
    spouse = np.maximum(head + np.where(head_male, -2, 2) + rng.normal(0, 3, n), 20)
    has_spouse = np.array(["spouse" in t.slots for t in TEMPLATES])[template]
    mother = np.where(head_male & has_spouse, spouse, head)
    gap = 23 + 13 * rng.beta(2, 3, n)
    child1 = mother - gap
    adult_child = np.array([t.name == "elder_stem" for t in TEMPLATES])[template]
    child1 = np.where(adult_child, np.maximum(child1, 20), np.maximum(child1, rng.random(n)))
    child2 = np.maximum(child1 - rng.uniform(1, 8, n), rng.random(n))
    father = np.minimum(head + rng.uniform(24, 34, n), 99)
    mom = np.minimum(head + rng.uniform(22, 32, n), 98)
    child1_male = rng.random(n) < np.where(adult_child, 0.7, 0.515)
    in_law = np.maximum(child1 + rng.normal(0, 2.5, n), 20)
    young_mother = np.where(child1_male, in_law, child1)
    grandchild = np.maximum(young_mother - (23 + 13 * rng.beta(2, 3, n)), rng.random(n) * 3)
    ages = np.column_stack([head, spouse, child1, child2, father, mom, in_law, grandchild])
    male = np.column_stack(
        [
            head_male,
            ~head_male,
            child1_male,
            rng.random(n) < 0.515,
            np.ones(n, dtype=bool),
            np.zeros(n, dtype=bool),
            ~child1_male,
            rng.random(n) < 0.515,
        ]
    )
    return ages, male


def _id_address(
    rng: np.random.Generator, district: np.ndarray, birth_year: np.ndarray
) -> np.ndarray:
    """Address code of first registration: mostly the hukou district, retired codes if old."""
    n = len(district)
    codes = np.array(list(ids.CURRENT_DISTRICTS))
    moved = rng.random(n) < 0.15
    addr = np.where(moved, codes[rng.integers(0, len(codes), n)], district)
    binhai_old = rng.choice(np.array([120107, 120108, 120109]), n, p=[0.55, 0.15, 0.3])
    addr = np.where((addr == 120116) & (birth_year < 2010), binhai_old, addr)
    addr = np.where((addr == 120117) & (birth_year < 2015), 120221, addr)
    addr = np.where((addr == 120118) & (birth_year < 2015), 120223, addr)
    addr = np.where((addr == 120119) & (birth_year < 2016), 120225, addr)
    return addr


def _people(
    rng: np.random.Generator,
    timeline: Timeline,
    h: Households,
    hh: np.ndarray,
    slot: np.ndarray,
    age_years: np.ndarray,
    male: np.ndarray,
    ledger: ids.SequenceLedger | None = None,
) -> People:
    n = len(hh)
    today = timeline.today
    birth = today - (age_years * 365.2425).astype(np.int64) - rng.integers(0, 365, n)
    birth = np.minimum(birth, today - 1).astype("datetime64[D]")
    age = full_years(birth, today)
    birth_year = birth.astype("datetime64[Y]").astype(np.int64) + 1970
    address = _id_address(rng, h.district[hh], birth_year)
    seq = ids.sequence_codes(rng, address, birth, male, ledger)
    id_numbers = ids.id_numbers(address, birth, seq)
    # Names: children and grandchildren share the family surname.
    family = names.surnames(rng, h.n).to_numpy()
    own = names.surnames(rng, n).to_numpy()
    patrilineal = np.isin(slot, [0, 2, 3, 4, 7]) & (male | (slot != 0))
    surname = np.where(patrilineal, family[hh], own)
    name = names.full_names(pl.Series(surname), names.given_names(rng, male))
    status, status_date = _status(rng, timeline, age, birth)
    return People(
        hh=hh,
        rel=SLOT_RELATION[slot],
        male=male,
        birth=birth,
        age=age,
        address=address,
        id=id_numbers,
        name=name,
        status=status,
        status_date=status_date,
        extra={"slot": slot},
    )


def _status(rng: np.random.Generator, timeline: Timeline, age: np.ndarray, birth: np.ndarray):
    """A few persons deceased (inside every day's death window) or moved out, with dates."""
    n = len(age)
    lo, hi = timeline.stable_date_range()
    span = int((hi - lo).astype(np.int64)) + 1
    q_year = np.minimum(np.exp(-10.2 + 0.095 * age), 0.5)
    dead = rng.random(n) < q_year * span / 365
    moved = ~dead & (rng.random(n) < np.where((age >= 18) & (age <= 45), 0.012, 0.003))
    status = np.where(dead, DECEASED, np.where(moved, MOVED_OUT, 0)).astype(np.int8)
    death_day = lo + rng.integers(0, span, n)
    death_day = np.minimum(np.maximum(death_day, birth + 1), hi)
    moved_day = timeline.today - rng.integers(1, 3 * 365, n)
    moved_day = np.minimum(np.maximum(moved_day, birth + 1), timeline.today - 1)
    date = np.where(dead, death_day, np.where(moved, moved_day, np.datetime64("NaT")))
    return status, date.astype("datetime64[D]")


def member_of_slot(pop: Population, slot: str) -> np.ndarray:
    """Per household, the person index holding ``slot`` (-1 when absent)."""
    out = np.full(pop.households.n, -1, dtype=np.int64)
    where = np.flatnonzero(pop.people.extra["slot"] == SLOTS.index(slot))
    out[pop.people.hh[where]] = where
    return out


def normal_members(pop: Population) -> np.ndarray:
    """Per household, the number of members whose hukou status is normal."""
    p = pop.people
    return np.bincount(p.hh, weights=p.status == NORMAL, minlength=pop.households.n).astype(
        np.int64
    )
