"""Life events and services: disability certificates, deaths, marriages and divorces, medical
claims and schooling. Deaths agree with hukou (same person, same date); marriages join the
couples living in one household; schooling follows age on 1 September.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import numpy as np
import polars as pl

from hedui.generator import ids
from hedui.generator.arrays import (
    add_years,
    choice,
    days,
    lognormal,
    money,
    pick,
    repeat_counts,
)
from hedui.generator.economy import STUDENT, Economy
from hedui.generator.population import (
    DECEASED,
    NORMAL,
    TEMPLATES,
    Population,
    full_years,
    member_of_slot,
)
from hedui.generator.timeline import WINDOW_KEY, school_year, to_np

CATEGORIES = ("visual", "hearing", "speech", "physical", "intellectual", "mental", "multiple")
STAGES = ("preschool", "primary", "junior_secondary", "senior_secondary", "vocational", "higher")


@dataclass
class Disabilities:
    frame: pl.DataFrame
    person: np.ndarray
    grade: np.ndarray
    category: np.ndarray

    def physical_mask(self, n: int) -> np.ndarray:
        out = np.zeros(n, dtype=bool)
        out[self.person[self.category == 3]] = True
        return out


def disabilities(pop: Population) -> Disabilities:
    rng = pop.timeline.rng("disability")
    p, h = pop.people, pop.households
    today = pop.timeline.today
    base = np.select([p.age < 18, p.age < 60], [0.006, 0.018], 0.06)
    prob = base * np.where(h.klass[p.hh] <= 1, 3.0, 1.0)
    person = np.flatnonzero(rng.random(p.n) < prob)
    n = len(person)
    category = choice(rng, n, [0.13, 0.15, 0.02, 0.45, 0.08, 0.09, 0.08])
    grade = 1 + choice(rng, n, [0.1, 0.25, 0.3, 0.35])
    issued = today - days(rng.integers(1, 3650, n))
    issued = np.minimum(np.maximum(issued, p.birth[person] + 180), today - 1)
    until = np.where(rng.random(n) < 0.15, np.datetime64("NaT"), add_years(issued, 10))
    frame = pl.DataFrame(
        [
            p.id.gather(person).alias("id_number"),
            pick(CATEGORIES, category, "disability_category"),
            pl.Series("disability_grade", grade.astype(np.int64)),
            pl.Series("cert_issue_date", issued.astype("datetime64[D]")),
            pl.Series("cert_valid_until", until.astype("datetime64[D]")),
        ]
    )
    return Disabilities(frame, person, grade, category)


def deaths(pop: Population) -> pl.DataFrame:
    rng = pop.timeline.rng("death")
    p = pop.people
    dead = np.flatnonzero(p.status == DECEASED)
    when = p.status_date[dead]
    return pl.DataFrame(
        [
            p.id.gather(dead).alias("id_number"),
            pl.Series("death_date", when),
            pick(
                ("death_certificate", "cremation"),
                (rng.random(len(dead)) < 0.3).astype(int),
                "record_source",
            ),
            pl.Series(WINDOW_KEY, when),
        ]
    )


def marriages(pop: Population) -> pl.DataFrame:
    rng = pop.timeline.rng("marriage")
    p, h = pop.people, pop.households
    today = pop.timeline.today
    pairs = []
    for a_slot, b_slot in (("head", "spouse"), ("child1", "child_in_law")):
        a, b = member_of_slot(pop, a_slot), member_of_slot(pop, b_slot)
        both = (a >= 0) & (b >= 0) & (rng.random(h.n) < 0.9)
        pairs.append((a[both], b[both]))
    a = np.concatenate([x[0] for x in pairs])
    b = np.concatenate([x[1] for x in pairs])
    husband = np.where(p.male[a], a, b)
    wife = np.where(p.male[a], b, a)
    younger = np.maximum(p.birth[husband], p.birth[wife])
    married = add_years(younger, rng.uniform(21, 30, len(a)))
    married = np.minimum(married, today - days(rng.integers(1, 365, len(a))))
    married = np.maximum(married, add_years(younger, 20))
    # Divorces: single heads of opposite genders paired up, married then divorced.
    single = np.array([t.name.startswith("single") for t in TEMPLATES])[h.template]
    head = member_of_slot(pop, "head")
    ok = single & (p.age[head] >= 30) & (p.age[head] <= 60) & (rng.random(h.n) < 0.25)
    men = head[ok & p.male[head]]
    women = head[ok & ~p.male[head]]
    k = min(len(men), len(women))
    dm, dw = rng.permutation(men)[:k], rng.permutation(women)[:k]
    d_young = np.maximum(p.birth[dm], p.birth[dw])
    d_married = add_years(d_young, rng.uniform(22, 28, k))
    d_divorced = d_married + days(rng.integers(400, 15 * 365, k))
    d_divorced = np.minimum(d_divorced, today - days(rng.integers(1, 400, k)))
    d_married = np.minimum(d_married, d_divorced - 200)
    party1 = np.r_[husband, dm, dm]
    party2 = np.r_[wife, dw, dw]
    event = np.r_[np.zeros(len(a) + k, dtype=np.int64), np.ones(k, dtype=np.int64)]
    when = np.r_[married, d_married, d_divorced].astype("datetime64[D]")
    serial = ids.unique_integers(rng, len(event), 10**7)
    year = when.astype("datetime64[Y]").astype(np.int64) + 1970
    district = h.district[p.hh[party1]]
    record_id = (
        pick(("J", "L"), event)
        + ids.digits(district, 6)
        + ids.digits(year, 4)
        + ids.digits(serial, 7)
    )
    return pl.DataFrame(
        [
            record_id.alias("record_id"),
            pick(("marriage", "divorce"), event, "event"),
            p.id.gather(party1).alias("party1_id_number"),
            p.id.gather(party2).alias("party2_id_number"),
            pl.Series("event_date", when),
        ]
    )


def medical_claims(pop: Population) -> pl.DataFrame:
    rng = pop.timeline.rng("medical_claims")
    p = pop.people
    lo, hi = pop.timeline.date_range()
    span = int((hi - lo).astype(np.int64)) + 1
    lam = np.select([p.age < 6, p.age < 18, p.age < 60], [0.6, 0.25, 0.35], 1.4) * span / 395
    count = np.minimum(rng.poisson(lam), 12)
    person, _ = repeat_counts(count)
    n = len(person)
    settle = lo + rng.integers(0, span, n)
    last = np.where(p.status[person] == NORMAL, hi, np.minimum(p.status_date[person], hi))
    keep = (settle <= last) & (settle >= p.birth[person])
    person, settle = person[keep], settle[keep].astype("datetime64[D]")
    n = len(person)
    elderly = p.age[person] >= 60
    visit = np.where(elderly, choice(rng, n, [0.6, 0.15, 0.25]), choice(rng, n, [0.85, 0.12, 0.03]))
    median = np.array([25000, 1500000, 80000])[visit]
    total = np.maximum(np.round(lognormal(rng, median, 0.7, n)), 500).astype(np.int64)
    ratio = np.select(
        [visit == 0, visit == 1],
        [rng.uniform(0.3, 0.6, n), rng.uniform(0.55, 0.85, n)],
        rng.uniform(0.6, 0.8, n),
    )
    fund = np.round(total * ratio).astype(np.int64)
    order = np.argsort(settle, kind="stable")
    person, settle, visit, total, fund = (x[order] for x in (person, settle, visit, total, fund))
    serial = ids.unique_integers(rng, n, 10**8)
    ymd = settle.astype("datetime64[D]")
    claim_id = "YB" + pl.Series(ymd).dt.strftime("%Y%m%d") + ids.digits(serial, 8)
    return pl.DataFrame(
        [
            claim_id.alias("claim_id"),
            p.id.gather(person).alias("id_number"),
            pl.Series("settle_date", settle),
            pick(("outpatient", "inpatient", "chronic_special"), visit, "visit_type"),
            pl.Series("total_cost", total / 100),
            pl.Series("fund_paid", fund / 100),
            pl.Series("out_of_pocket", (total - fund) / 100),
            pl.Series(WINDOW_KEY, settle),
        ]
    )


def _stage(age: np.ndarray, senior_pick: np.ndarray, student: np.ndarray) -> np.ndarray:
    """School stage index for an age on 1 September (-1: not in school)."""
    return np.select(
        [age < 3, age <= 5, age <= 11, age <= 14, age <= 17, (age <= 22) & student],
        [-1, 0, 1, 2, np.where(senior_pick == 0, 3, np.where(senior_pick == 1, 4, -1)), 5],
        -1,
    )


def _fees(rng: np.random.Generator, stage: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    n = len(stage)
    tuition = np.select(
        [stage == 0, stage == 3, stage == 4, stage == 5],
        [
            np.round(lognormal(rng, 5000, 0.5, n) / 100) * 100,
            np.full(n, 1600.0),
            np.where(rng.random(n) < 0.7, 0.0, 2500.0),
            np.array([4800.0, 5200, 5800, 6000, 6500, 8000])[rng.integers(0, 6, n)],
        ],
        0.0,
    )
    board_p = np.select(
        [stage == 3, stage == 4, stage == 5, stage == 1], [0.4, 0.6, 0.9, 0.03], 0.0
    )
    board_fee = np.select([stage == 5, stage == 1], [1200.0, 500.0], 800.0)
    boarding = np.where(rng.random(n) < board_p, board_fee, np.nan)
    return money(tuition), boarding


def education(pop: Population, econ: Economy) -> pl.DataFrame:
    rng = pop.timeline.rng("education")
    p = pop.people
    sy = school_year(pop.timeline.run_date)
    age_now = full_years(p.birth, to_np(date(sy, 9, 1)))
    senior_pick = choice(rng, p.n, [0.6, 0.28, 0.12])
    in_school = (p.status == NORMAL) & ~((age_now >= 3) & (age_now <= 5) & (rng.random(p.n) > 0.85))
    stage = np.where(in_school, _stage(age_now, senior_pick, econ.role == STUDENT), -1)
    cur = np.flatnonzero(stage >= 0)
    prev_stage = _stage(age_now - 1, senior_pick, econ.role == STUDENT)
    prev = cur[(rng.random(len(cur)) < 0.5) & (prev_stage[cur] >= 0)]
    person = np.r_[cur, prev]
    stages = np.r_[stage[cur], prev_stage[prev]]
    years = np.r_[np.full(len(cur), sy), np.full(len(prev), sy - 1)]
    status = np.r_[
        choice(rng, len(cur), [0.975, 0.01, 0.0, 0.015]),
        np.where(prev_stage[prev] != stage[prev], 2, 0),
    ]
    tuition, boarding = _fees(rng, stages)
    return pl.DataFrame(
        [
            p.id.gather(person).alias("id_number"),
            pl.Series("school_year", years.astype(np.int64)),
            pick(STAGES, stages, "stage"),
            pick(("enrolled", "suspended", "graduated", "withdrawn"), status, "enrollment_status"),
            pl.Series("tuition_per_year", tuition),
            pl.Series("boarding_per_year", boarding).fill_nan(None),
        ]
    )
