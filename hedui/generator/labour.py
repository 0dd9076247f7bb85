"""Labour-market sources: tax, social_insurance, housing_fund (window) and employment (snapshot).

All four are cut from the same job spells, so a worker's employer USCC agrees between tax,
social insurance and employment, and contributions stop when wages stop.
"""

from __future__ import annotations

import numpy as np
import polars as pl

from hedui.generator import economy as ec
from hedui.generator.arrays import add_years, days, expand, gather, lognormal, money, month_of
from hedui.generator.population import NORMAL, Population
from hedui.generator.timeline import WINDOW_KEY, period_text

SI_BASE_MIN, SI_BASE_MAX = 4614.0, 23070.0
HF_BASE_MIN, HF_BASE_MAX = 2320.0, 27000.0
_BRACKETS = np.array([0, 3000, 12000, 25000, 35000, 55000, 80000])
_RATES = np.array([0.03, 0.10, 0.20, 0.25, 0.30, 0.35, 0.45])
_QUICK = np.array([0, 210, 1410, 2660, 4410, 7160, 15160])


def monthly_tax(income: np.ndarray, base: np.ndarray, special: np.ndarray) -> np.ndarray:
    """Simplified monthly withholding: 5000 threshold, contributions and special deductions."""
    taxable = income - 5000 - 0.225 * base - special
    band = np.clip(np.searchsorted(_BRACKETS, taxable, side="left") - 1, 0, len(_RATES) - 1)
    return money(np.maximum(taxable * _RATES[band] - _QUICK[band], 0.0))


def _periods(pop: Population, month: np.ndarray) -> tuple[pl.Series, np.ndarray]:
    tl = pop.timeline
    texts = pl.Series([period_text(tl.first_month + k) for k in range(tl.n_months)])
    return texts.gather(month).alias("period"), tl.first_month + month


def _spell_months(econ: ec.Economy, roles: tuple[int, ...]):
    s = econ.spells
    mask = np.isin(s.role, roles)
    owner, month = expand(np.where(mask, s.start, 0), np.where(mask, s.end, 0))
    return owner, month


def tax_frame(pop: Population, econ: ec.Economy) -> pl.DataFrame:
    rng = pop.timeline.rng("tax")
    p = pop.people
    s = econ.spells
    owner, month = _spell_months(econ, ec.WAGE_ROLES)
    person = s.person[owner]
    labor = s.role[owner] == ec.LABOR
    amount = econ.amount[person]
    income = money(
        np.where(
            labor,
            lognormal(rng, amount, 0.15, len(owner)),
            lognormal(rng, amount, 0.04, len(owner)),
        )
    )
    special = np.array([0.0, 1000, 2000, 3000])[(p.hh[person] * 7 + person) % 4]
    base = np.clip(amount, SI_BASE_MIN, SI_BASE_MAX)
    tax = np.where(
        labor,
        money(np.maximum(income - 800, 0) * 0.2 * (income > 800)),
        monthly_tax(income, base, special),
    )
    tax = np.where(labor & (income <= 800), 0.0, tax)
    # Self-declared business income of individual businesses.
    biz = np.flatnonzero(econ.business)
    b_owner, b_month = expand(np.zeros(len(biz), dtype=np.int64), econ.last_month[biz])
    b_person = biz[b_owner]
    b_income = money(lognormal(rng, econ.amount[b_person], 0.25, len(b_owner)))
    persons = np.r_[person, b_person]
    months = np.r_[month, b_month]
    period, key = _periods(pop, months)
    items = np.r_[np.where(labor, 1, 0), np.full(len(b_owner), 2)]
    return pl.DataFrame(
        [
            p.id.gather(persons).alias("id_number"),
            period,
            pl.Series("income_item", ["wage", "labor", "business"]).gather(items),
            pl.Series("income", np.r_[income, b_income]),
            pl.Series("tax_paid", np.r_[tax, money(b_income * 0.015)]),
            gather(
                econ.employers.uscc,
                np.r_[s.employer[owner], np.full(len(b_owner), -1)],
                "withholder_uscc",
            ),
            pl.Series(WINDOW_KEY, key),
        ]
    )


def social_insurance_frame(pop: Population, econ: ec.Economy) -> pl.DataFrame:
    rng = pop.timeline.rng("social_insurance")
    p = pop.people
    s = econ.spells
    role = econ.role
    parts: list[tuple[np.ndarray, np.ndarray, int, int, np.ndarray, np.ndarray]] = []
    # (person, month, record_type, item, amount, employer)
    owner, month = _spell_months(econ, (ec.EMPLOYED, ec.PUBLIC, ec.WELFARE))
    person = s.person[owner]
    base = money(np.clip(np.round(econ.amount[person]), SI_BASE_MIN, SI_BASE_MAX))
    employer = s.employer[owner]
    parts.append((person, month, 0, 0, base, employer))
    full_cover = (rng.random(p.n) < 0.25) & (role == ec.EMPLOYED)
    more = full_cover[person]
    parts.append((person[more], month[more], 0, 1, base[more], employer[more]))
    parts.append((person[more], month[more], 0, 2, base[more], employer[more]))
    flex = np.flatnonzero((role == ec.FLEXIBLE) & (rng.random(p.n) < 0.45))
    f_owner, f_month = expand(np.zeros(len(flex), dtype=np.int64), econ.last_month[flex])
    parts.append(
        (
            flex[f_owner],
            f_month,
            0,
            0,
            np.full(len(f_owner), SI_BASE_MIN),
            np.full(len(f_owner), -1),
        )
    )
    for item, r in ((3, ec.RET_ENT), (4, ec.RET_PUB), (5, ec.RESIDENT)):
        who = np.flatnonzero(role == r)
        o, mth = expand(np.zeros(len(who), dtype=np.int64), econ.last_month[who])
        parts.append((who[o], mth, 1, item, econ.amount[who[o]], np.full(len(o), -1)))
    # Unemployment benefit for 12 months from registration.
    who = np.flatnonzero(econ.benefit_months > 0)
    first = month_of(econ.unemployed_since[who]) - pop.timeline.first_month
    o, mth = expand(
        np.maximum(first, 0), np.minimum(first + econ.benefit_months[who], econ.last_month[who])
    )
    parts.append((who[o], mth, 1, 6, np.full(len(o), ec.UNEMPLOYMENT_BENEFIT), np.full(len(o), -1)))
    injured = np.flatnonzero((role == ec.NONE) & (p.age >= 25) & (rng.random(p.n) < 0.004))
    o, mth = expand(np.zeros(len(injured), dtype=np.int64), econ.last_month[injured])
    parts.append((injured[o], mth, 1, 7, money(2500 + (injured[o] % 2000)), np.full(len(o), -1)))

    persons = np.concatenate([x[0] for x in parts])
    months = np.concatenate([x[1] for x in parts])
    rtype = np.concatenate([np.full(len(x[0]), x[2]) for x in parts])
    item = np.concatenate([np.full(len(x[0]), x[3]) for x in parts])
    amount = np.concatenate([x[4] for x in parts])
    employer = np.concatenate([x[5] for x in parts])
    period, key = _periods(pop, months)
    suspended = rng.random(len(persons)) < 0.005
    items = [
        "pension",
        "unemployment",
        "injury",
        "enterprise_pension",
        "public_pension",
        "resident_pension",
        "unemployment_benefit",
        "injury_benefit",
    ]
    return pl.DataFrame(
        [
            p.id.gather(persons).alias("id_number"),
            period,
            pl.Series("record_type", ["contribution", "benefit"]).gather(rtype),
            pl.Series("item", items).gather(item),
            pl.Series("amount", money(amount)),
            gather(econ.employers.uscc, employer, "employer_uscc"),
            pl.Series("payment_status", ["paid", "suspended"]).gather(suspended.astype(int)),
            pl.Series(WINDOW_KEY, key),
        ]
    )


def housing_fund_frame(pop: Population, econ: ec.Economy) -> pl.DataFrame:
    rng = pop.timeline.rng("housing_fund")
    p, h = pop.people, pop.households
    s = econ.spells
    klass = h.klass[p.hh]
    share = np.select(
        [econ.role == ec.PUBLIC, econ.role == ec.WELFARE, econ.role == ec.EMPLOYED],
        [1.0, 0.3, np.where(klass >= 3, 0.75, 0.35)],
        0.0,
    )
    member = rng.random(p.n) < share
    owner, month = _spell_months(econ, (ec.EMPLOYED, ec.PUBLIC, ec.WELFARE))
    person = s.person[owner]
    keep = member[person]
    person, month = person[keep], month[keep]
    sealed_spell = np.flatnonzero(s.lost & member[s.person])
    o, sealed_month = expand(s.end[sealed_spell], econ.last_month[s.person[sealed_spell]])
    sealed_person = s.person[sealed_spell][o]
    persons = np.r_[person, sealed_person]
    months = np.r_[month, sealed_month]
    active = np.r_[np.ones(len(person), dtype=bool), np.zeros(len(o), dtype=bool)]
    order = np.lexsort((months, persons))
    persons, months, active = persons[order], months[order], active[order]
    base = money(np.clip(np.round(econ.amount[persons]), HF_BASE_MIN, HF_BASE_MAX))
    rate = np.array([0.10, 0.14, 0.20, 0.24])[(persons * 31 + p.hh[persons]) % 4]
    deposit = np.where(active, money(base * rate), 0.0)
    start_balance = money(rng.uniform(0, 60, p.n) * econ.amount * 0.2)
    csum = np.cumsum(deposit)
    first = np.r_[True, persons[1:] != persons[:-1]]
    group_base = np.maximum.accumulate(np.where(first, np.arange(len(persons)), 0))
    before = np.where(group_base > 0, csum[group_base - 1], 0.0)
    balance = money(start_balance[persons] + csum - before)
    period, key = _periods(pop, months)
    return pl.DataFrame(
        [
            p.id.gather(persons).alias("id_number"),
            period,
            pl.Series("deposit_base", base),
            pl.Series("monthly_deposit", deposit),
            pl.Series("balance", balance),
            pl.Series("account_status", ["sealed", "normal"]).gather(active.astype(int)),
            pl.Series(WINDOW_KEY, key),
        ]
    )


def employment_frame(pop: Population, econ: ec.Economy) -> pl.DataFrame:
    rng = pop.timeline.rng("employment")
    tl = pop.timeline
    p = pop.people
    s = econ.spells
    status_date = p.status_date
    # Spells of registered jobs (odd-job labour income is not a registered employment).
    keep = s.role != ec.LABOR
    person = s.person[keep]
    status = np.select([s.role[keep] == ec.PUBLIC, s.role[keep] == ec.WELFARE], [4, 3], 0)
    registered = s.registered[keep]
    ended = s.ended[keep]
    employer = s.employer[keep]
    # Registered unemployed.
    unemp = np.flatnonzero(~np.isnat(econ.unemployed_since))
    # Flexible employment registrations.
    flex = np.flatnonzero(
        ((econ.role == ec.FLEXIBLE) & (rng.random(p.n) < 0.7))
        | ((econ.role == ec.LABOR) & (rng.random(p.n) < 0.5))
    )
    flex_day = tl.today - days(rng.integers(30, 3650, len(flex)))
    flex_day = np.minimum(np.maximum(flex_day, add_years(p.birth[flex], 18)), tl.today - 1)
    persons = np.r_[person, unemp, flex]
    statuses = np.r_[status, np.full(len(unemp), 2), np.full(len(flex), 1)]
    reg = np.r_[registered, econ.unemployed_since[unemp], flex_day].astype("datetime64[D]")
    end = np.r_[ended, np.full(len(unemp) + len(flex), np.datetime64("NaT"))]
    end = end.astype("datetime64[D]")
    employers = np.r_[employer, np.full(len(unemp) + len(flex), -1)]
    # Deaths and move-outs close open registrations; nothing starts after them.
    gone = p.status[persons] != NORMAL
    sd = status_date[persons]
    valid = ~gone | (reg <= sd)
    end = np.where(gone & (np.isnat(end) | (end > sd)), sd, end).astype("datetime64[D]")
    sel = np.flatnonzero(valid)
    return pl.DataFrame(
        [
            p.id.gather(persons[sel]).alias("id_number"),
            pl.Series(
                "status",
                [
                    "employed",
                    "flexible",
                    "registered_unemployed",
                    "public_welfare_post",
                    "public_payroll",
                ],
            ).gather(statuses[sel]),
            gather(econ.employers.uscc, employers[sel], "employer_uscc"),
            pl.Series("registered_date", reg[sel]),
            pl.Series("end_date", end[sel]),
        ]
    )
