"""Civil-affairs and housing data: public_housing, the assistance roll (existing cases of poor
households) and verification requests (households applying, one row per declared member).
"""

from __future__ import annotations

import numpy as np
import polars as pl

from hedui.generator import ids
from hedui.generator.arrays import (
    add_years,
    choice,
    days,
    group_first,
    money,
    month_first_day,
    pick,
    repeat_counts,
)
from hedui.generator.economy import Economy, counted_income
from hedui.generator.population import NORMAL, Population, member_of_slot, normal_members
from hedui.generator.timeline import WINDOW_KEY, month_index
from hedui.policy_params import params_on

ASSISTANCE_TYPES = (
    "dibao",
    "tekun_centralized",
    "tekun_dispersed",
    "low_income",
    "expenditure_hardship",
)


def per_capita_income(pop: Population, econ: Economy) -> np.ndarray:
    """Nominal monthly counted income per normal member, per household."""
    p = pop.people
    normal = p.status == NORMAL
    income = np.bincount(
        p.hh,
        weights=counted_income(econ.role, econ.amount, econ.business) * normal,
        minlength=pop.households.n,
    )
    return income / np.maximum(normal_members(pop), 1)


def public_housing(pop: Population, homes_valid: np.ndarray) -> pl.DataFrame:
    rng = pop.timeline.rng("public_housing")
    h = pop.households
    today = pop.timeline.today
    head = member_of_slot(pop, "head")
    prob = np.select([h.klass <= 2, h.klass == 3], [0.35, 0.04], 0.0) * (homes_valid == 0)
    hh = np.flatnonzero((rng.random(h.n) < prob) & (normal_members(pop) > 0))
    n = len(hh)
    htype = choice(rng, n, [0.5, 0.4, 0.1])  # public_rental, rent_subsidy, affordable_purchase
    area = np.select(
        [htype == 0, htype == 2], [rng.uniform(30, 60, n), rng.uniform(60, 90, n)], np.nan
    )
    subsidy = np.where(htype == 1, np.round(rng.uniform(300, 1500, n)), np.nan)
    start = today - days(rng.integers(30, 8 * 365, n))
    end = np.where(htype == 0, add_years(start, 3), np.datetime64("NaT"))
    year = start.astype("datetime64[Y]").astype(np.int64) + 1970
    contract = "GZ" + ids.digits(year, 4) + ids.digits(ids.unique_integers(rng, n, 10**7), 7)
    return pl.DataFrame(
        [
            contract.alias("contract_no"),
            pop.people.id.gather(head[hh]).alias("id_number"),
            pick(("public_rental", "rent_subsidy", "affordable_purchase"), htype, "housing_type"),
            pl.Series("floor_area_m2", np.round(area, 2)).fill_nan(None),
            pl.Series("monthly_subsidy", money(subsidy)).fill_nan(None),
            pl.Series("start_date", start.astype("datetime64[D]")),
            pl.Series("end_date", end.astype("datetime64[D]")),
        ]
    )


def assistance_roll(
    pop: Population, econ: Economy, disabled_severe: np.ndarray
) -> tuple[pl.DataFrame, np.ndarray]:
    """Existing cases; returns the roll and a per-household flag 'has an open case'."""
    rng = pop.timeline.rng("assistance_roll")
    p, h = pop.people, pop.households
    today = pop.timeline.today
    members = normal_members(pop)
    prob = np.array([0.8, 0.55, 0.02, 0.0, 0.0])[h.klass]
    case_hh = np.flatnonzero((rng.random(h.n) < prob) & (members > 0))
    c = len(case_hh)
    klass = h.klass[case_hh]
    single_old = (members[case_hh] == 1) & (p.age[member_of_slot(pop, "head")[case_hh]] >= 60)
    u = rng.random(c)
    atype = np.select(
        [klass == 0, klass == 1],
        [
            np.where(single_old & (u < 0.5), 2, np.where(single_old & (u < 0.6), 1, 0)),
            np.where(u < 0.85, 3, 4),
        ],
        np.where(u < 0.5, 0, 3),
    )
    start = (today - days(rng.integers(30, 8 * 365, c))).astype("datetime64[D]")
    ended = rng.random(c) < 0.07
    span = np.maximum((today - 1 - start).astype(np.int64), 2)
    end = np.where(
        ended, start + days(1 + rng.integers(0, 10**9, c) % (span - 1)), np.datetime64("NaT")
    ).astype("datetime64[D]")
    # Members: everyone of the household who was still there when the case started.
    in_case = np.isin(p.hh, case_hh)
    case_of_hh = np.full(h.n, -1)
    case_of_hh[case_hh] = np.arange(c)
    person = np.flatnonzero(in_case)
    case = case_of_hh[p.hh[person]]
    stayed = (p.status[person] == NORMAL) | (p.status_date[person] >= start[case])
    person, case = person[stayed], case[stayed]
    applicant_priority = (p.status[person] == NORMAL) * 2.0 + (p.extra["slot"][person] == 0)
    applicant = np.zeros(len(person), dtype=bool)
    applicant[group_first(case, applicant_priority)] = True
    params = params_on(pop.timeline.run_date)
    dibao = float(params.dibao_standard)
    pci = per_capita_income(pop, econ)[case_hh]
    dibao_amount = np.maximum(np.round(dibao - pci), 30)
    t = atype[case]
    single_dibao = (t == 3) & disabled_severe[person] & (rng.random(len(person)) < 0.6)
    amount = np.select(
        [t == 0, t == 1, t == 2, t == 3, t == 4],
        [
            dibao_amount[case],
            float(params.tekun_centralized),
            float(params.tekun_dispersed),
            np.where(applicant, float(params.low_income_aid), 0.0),
            np.where(applicant, 500.0, 0.0),
        ],
    )
    amount = np.where(single_dibao, amount + dibao, amount)
    year = start.astype("datetime64[Y]").astype(np.int64) + 1970
    case_no = (
        "JZ"
        + ids.digits(h.district[case_hh], 6)
        + ids.digits(year, 4)
        + ids.digits(ids.unique_integers(rng, c, 10**6), 6)
    )
    frame = pl.DataFrame(
        [
            case_no.gather(case).alias("case_no"),
            p.id.gather(person).alias("id_number"),
            pick(("member", "applicant"), applicant.astype(int), "member_role"),
            pick(ASSISTANCE_TYPES, t, "assistance_type"),
            pick(("0", "1"), single_dibao.astype(int), "single_person_dibao"),
            pl.Series("start_date", start[case]),
            pl.Series("end_date", end[case]),
            pl.Series("monthly_amount", money(amount)),
            ids.digits(h.street[case_hh[case]], 9, "street_code"),
        ]
    )
    open_case = np.zeros(h.n, dtype=bool)
    open_case[case_hh[~ended]] = True
    return frame, open_case


def verification_requests(pop: Population, open_case: np.ndarray) -> pl.DataFrame:
    """Requests dated in the full months before each delivery date (1-month window)."""
    rng = pop.timeline.rng("verification_request")
    p, h = pop.people, pop.households
    tl = pop.timeline
    months = sorted({month_index(d) - 1 for d in tl.deliveries})
    members = normal_members(pop)
    weight = np.where(members > 0, np.where(h.klass <= 2, 8.0, 0.3), 0.0)
    weight = weight * np.where(open_case, 0.5, 1.0)
    per_month = max(3, round(h.n * 0.004))
    req_hh = np.concatenate(
        [rng.choice(h.n, per_month, replace=False, p=weight / weight.sum()) for _ in months]
    )
    req_month = np.repeat(np.array(months), per_month)
    r = len(req_hh)
    first = month_first_day(req_month)
    length = (month_first_day(req_month + 1) - first).astype(np.int64)
    requested = (first + days(rng.integers(0, 10**6, r) % length)).astype("datetime64[D]")
    purpose = np.where(
        open_case[req_hh] & (rng.random(r) < 0.6), 5, choice(rng, r, [0.4, 0.05, 0.25, 0.1, 0.2])
    )  # dibao, tekun, low_income, expenditure_hardship, temporary_assistance, review
    # One row per normal member of the household, head (or first member) as applicant.
    normal_person = np.flatnonzero(p.status == NORMAL)
    order = np.argsort(p.hh[normal_person], kind="stable")
    normal_person = normal_person[order]
    start_of = np.searchsorted(p.hh[normal_person], req_hh)
    req, rank = repeat_counts(members[req_hh])
    person = normal_person[start_of[req] + rank]
    applicant = rank == 0
    refusing = rng.random(r) < 0.06
    refused_rank = 1 + rng.integers(0, 10**6, r) % np.maximum(members[req_hh] - 1, 1)
    refused = refusing[req] & (rank == refused_rank[req]) & (members[req_hh][req] > 1)
    serial = ids.unique_integers(rng, r, 10**6)
    ym = ids.digits((req_month // 12) * 100 + req_month % 12 + 1, 6)
    request_id = "HC" + ym + ids.digits(serial, 6)
    auth = ("SQ" + request_id.gather(req).str.slice(2) + "-" + ids.digits(rank + 1, 2)).alias(
        "authorization_no"
    )
    auth = pl.select(pl.when(pl.Series(refused)).then(None).otherwise(auth)).to_series()
    return pl.DataFrame(
        [
            request_id.gather(req).alias("request_id"),
            p.id.gather(person).alias("member_id_number"),
            pick(("0", "1"), applicant.astype(int), "applicant"),
            auth.alias("authorization_no"),
            pick(
                (
                    "dibao",
                    "tekun",
                    "low_income",
                    "expenditure_hardship",
                    "temporary_assistance",
                    "review",
                ),
                purpose[req],
                "purpose",
            ),
            ids.digits(h.street[req_hh[req]], 9, "street_code"),
            pl.Series("requested_at", requested[req]),
            pl.Series(WINDOW_KEY, req_month[req]),
        ]
    )
