"""Who earns what: economic roles, monthly incomes and job spells of every person.

Roles follow age, hukou nature and the household's class. Poor households (classes 0 and 1) get
an explicit per-capita income target (below the dibao standard, or between it and the
low-income line); every other household is topped up above 1.7 x the dibao standard, so the
share of households under the lines stays at a few percent.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from hedui.generator.arrays import (
    add_years,
    choice,
    days,
    group_first,
    lognormal,
    money,
    month_first_day,
    month_of,
)
from hedui.generator.employers import Employers, build_employers
from hedui.generator.population import NORMAL, Population
from hedui.policy_params import params_on

MIN_WAGE = 2320.0

(
    NONE,
    EMPLOYED,
    PUBLIC,
    FLEXIBLE,
    UNEMPLOYED,
    STUDENT,
    CHILD,
    RET_ENT,
    RET_PUB,
    RESIDENT,
    WELFARE,
    LABOR,
) = range(12)
WAGE_ROLES = (EMPLOYED, PUBLIC, WELFARE, LABOR)
PENSION_ROLES = (RET_ENT, RET_PUB, RESIDENT)
UNEMPLOYMENT_BENEFIT = 1850.0


@dataclass
class Spells:
    """Employment spells in window months (relative to the timeline's first month)."""

    person: np.ndarray
    employer: np.ndarray
    start: np.ndarray  # first month (inclusive)
    end: np.ndarray  # last month (exclusive)
    registered: np.ndarray  # hire date, datetime64[D]
    ended: np.ndarray  # end date or NaT
    role: np.ndarray
    lost: np.ndarray  # bool: the job was lost (not left for another employer)


@dataclass
class Economy:
    role: np.ndarray
    amount: np.ndarray  # monthly wage / pension / business income, yuan
    business: np.ndarray  # bool: flexible worker with self-declared business income
    employers: Employers
    spells: Spells
    last_month: np.ndarray  # last window month with records (status date), exclusive
    unemployed_since: np.ndarray  # registration date (NaT: not registered unemployed)
    benefit_months: np.ndarray  # months of unemployment benefit from registration (0: none)


def assign_roles(pop: Population) -> tuple[np.ndarray, np.ndarray]:
    """Roles and monthly amounts before the household-level adjustments."""
    rng = pop.timeline.rng("economy.roles")
    p, h = pop.people, pop.households
    n = p.n
    age = p.age
    rural = h.rural[p.hh]
    klass = h.klass[p.hh]
    retire_age = np.where(p.male, 60, 55)
    role = np.full(n, NONE, dtype=np.int8)
    role[age < 18] = CHILD
    young = (age >= 18) & (age <= 22)
    pick_young = choice(rng, n, [0.5, 0.3, 0.12, 0.08])
    role[young] = np.array([STUDENT, EMPLOYED, NONE, FLEXIBLE])[pick_young[young]]
    working = (age > 22) & (age < retire_age)
    urban_w = choice(rng, n, [0.62, 0.08, 0.11, 0.03, 0.16])
    rural_w = choice(rng, n, [0.48, 0.03, 0.24, 0.02, 0.23])
    work_roles = np.array([EMPLOYED, PUBLIC, FLEXIBLE, UNEMPLOYED, NONE])
    role[working] = np.where(rural, work_roles[rural_w], work_roles[urban_w])[working]
    retired = age >= retire_age
    urban_r = choice(rng, n, [0.74, 0.12, 0.14])
    rural_r = choice(rng, n, [0.42, 0.04, 0.54])
    ret_roles = np.array([RET_ENT, RET_PUB, RESIDENT])
    role[retired] = np.where(rural, ret_roles[rural_r], ret_roles[urban_r])[retired]

    factor = np.array([0.5, 0.6, 0.72, 1.0, 1.8])[klass]
    amount = np.zeros(n)
    amount = np.where(
        role == EMPLOYED, np.maximum(lognormal(rng, 6500 * factor, 0.45, n), MIN_WAGE), amount
    )
    amount = np.where(
        role == PUBLIC, lognormal(rng, 8500, 0.3, n) * np.where(klass == 4, 1.4, 1), amount
    )
    amount = np.where(role == FLEXIBLE, lognormal(rng, 5500 * factor, 0.6, n), amount)
    amount = np.where(
        role == RET_ENT,
        np.maximum(lognormal(rng, 3600, 0.28, n), 1800) * np.where(klass == 4, 1.3, 1),
        amount,
    )
    amount = np.where(role == RET_PUB, lognormal(rng, 6800, 0.25, n), amount)
    amount = np.where(role == RESIDENT, 307 + rng.integers(0, 60, n), amount)
    return role, money(amount)


def counted_income(role: np.ndarray, amount: np.ndarray, business: np.ndarray) -> np.ndarray:
    """Monthly income that counts under the policy (no resident pension, no contributions)."""
    counted = np.isin(role, [*WAGE_ROLES, RET_ENT, RET_PUB]) | ((role == FLEXIBLE) & business)
    return np.where(counted, amount, 0.0)


def _poor_households(
    pop: Population, role: np.ndarray, amount: np.ndarray, business: np.ndarray
) -> None:
    """Give classes 0 and 1 a per-capita income target through one designated earner."""
    rng = pop.timeline.rng("economy.poor")
    p, h = pop.people, pop.households
    klass = h.klass[p.hh]
    poor = klass <= 1
    normal = p.status == NORMAL
    members = np.bincount(p.hh, weights=normal, minlength=h.n)
    target = np.where(
        h.klass == 0,
        np.where(rng.random(h.n) < 0.4, 0.0, rng.uniform(200, 950, h.n)),
        rng.uniform(1060, 1480, h.n),
    )
    total = money(target * members)
    working = (p.age >= 18) & (p.age < 60) & normal & (role != STUDENT)
    elderly = (p.age >= 60) & normal
    priority = working * 2.0 + elderly * 1.0 + rng.random(p.n) * 0.5
    earner = group_first(p.hh, priority)
    earner = earner[poor[earner] & (working[earner] | elderly[earner])]
    # Everyone in a poor household: no counted income unless designated below.
    adults = poor & (p.age >= 18)
    role[adults & (p.age < 60) & (role != STUDENT)] = NONE
    unemployed = adults & (p.age < 60) & (role == NONE) & (rng.random(p.n) < 0.35)
    role[unemployed] = UNEMPLOYED
    role[adults & (p.age >= 60)] = RESIDENT
    amount[poor & ~np.isin(role, [RESIDENT])] = 0.0
    amount[poor & (role == RESIDENT)] = 307.0 + rng.integers(
        0, 60, int((poor & (role == RESIDENT)).sum())
    )
    business[poor] = False
    pay = total[p.hh[earner]]
    is_working = working[earner]
    wage = is_working & (pay >= MIN_WAGE)
    role[earner[wage]] = np.where(rng.random(int(wage.sum())) < 0.3, WELFARE, EMPLOYED)
    role[earner[is_working & (pay > 0) & (pay < MIN_WAGE)]] = LABOR
    role[earner[~is_working & (pay >= 1000)]] = RET_ENT
    paid = (is_working & (pay > 0)) | (~is_working & (pay >= 1000))
    amount[earner[paid]] = pay[paid]


def _top_up(pop: Population, role: np.ndarray, amount: np.ndarray, business: np.ndarray) -> None:
    """Lift non-poor households above 1.7 x dibao per capita through one member."""
    rng = pop.timeline.rng("economy.topup")
    p, h = pop.people, pop.households
    normal = p.status == NORMAL
    members = np.bincount(p.hh, weights=normal, minlength=h.n)
    income = np.bincount(
        p.hh, weights=counted_income(role, amount, business) * normal, minlength=h.n
    )
    line = 1.7 * float(params_on(pop.timeline.run_date).dibao_standard) * members
    short = (h.klass >= 2) & (members > 0) & (income < line)
    working = (p.age >= 18) & (p.age < 60) & normal & (role != STUDENT)
    elderly = (p.age >= 60) & normal
    priority = working * 2.0 + elderly * 1.0 + rng.random(p.n) * 0.5
    chosen = group_first(p.hh, priority)
    chosen = chosen[short[p.hh[chosen]] & (working[chosen] | elderly[chosen])]
    own = counted_income(role, amount, business)[chosen]
    need = line[p.hh[chosen]] - income[p.hh[chosen]] + own + rng.uniform(100, 2500, len(chosen))
    w = working[chosen]
    new_role = np.where(
        w,
        np.where(np.isin(role[chosen], [PUBLIC]), PUBLIC, EMPLOYED),
        np.where(role[chosen] == RET_PUB, RET_PUB, RET_ENT),
    )
    role[chosen] = new_role
    amount[chosen] = money(np.maximum(np.maximum(own, need), np.where(w, MIN_WAGE, 1800)))
    business[chosen] = False


def _spells(
    pop: Population, role: np.ndarray, employers: Employers, last_month: np.ndarray
) -> tuple[Spells, np.ndarray, np.ndarray]:
    """Job spells over the window months; job losses, new hires and employer switches."""
    rng = pop.timeline.rng("economy.spells")
    tl = pop.timeline
    p = pop.people
    m = tl.n_months
    workers = np.flatnonzero(np.isin(role, WAGE_ROLES))
    k = len(workers)
    public = np.isin(role[workers], [PUBLIC, WELFARE])
    employer = np.where(
        public, employers.sample(rng, k, public=True), employers.sample(rng, k, public=False)
    )
    u = rng.random(k)
    enterprise = role[workers] == EMPLOYED
    hire = enterprise & (u < 0.04)
    loss = enterprise & (u >= 0.04) & (u < 0.07)
    switch = enterprise & (u >= 0.07) & (u < 0.11)
    cut = rng.integers(1, max(m - 1, 2), k)
    start = np.where(hire, cut, 0)
    end = np.where(loss | switch, cut, m)
    stop = last_month[workers]
    today = tl.today
    adult = add_years(p.birth[workers], 18)
    first_day = month_first_day(tl.first_month + cut)
    tenure = rng.integers(15 * 31, 20 * 365, k) + np.where(loss | switch, 450, 0)
    registered = np.where(hire, first_day + days(rng.integers(0, 27, k)), today - days(tenure))
    registered = np.maximum(registered, adult).astype("datetime64[D]")
    registered = np.minimum(registered, today - 1)
    ended = np.where(
        loss | switch,
        month_first_day(tl.first_month + cut - 1) + days(rng.integers(0, 27, k)),
        np.datetime64("NaT"),
    ).astype("datetime64[D]")
    # A switcher's second spell: another enterprise from the switch month on.
    sw = np.flatnonzero(switch)
    second_employer = employers.sample(rng, len(sw), public=False)
    second_employer = np.where(
        second_employer == employer[sw],
        (second_employer + 1) % int((~employers.public).sum()),
        second_employer,
    )
    second_reg = np.minimum(
        month_first_day(tl.first_month + cut[sw]) + days(rng.integers(0, 27, len(sw))), today - 1
    )
    ended[sw] = np.minimum(ended[sw], second_reg - 1)
    ended[sw] = np.maximum(ended[sw], registered[sw] + 1)
    spells = Spells(
        person=np.r_[workers, workers[sw]],
        employer=np.r_[employer, second_employer],
        start=np.r_[start, cut[sw]],
        end=np.minimum(np.r_[end, np.full(len(sw), m)], np.r_[stop, stop[sw]]),
        registered=np.r_[registered, second_reg].astype("datetime64[D]"),
        ended=np.r_[ended, np.full(len(sw), np.datetime64("NaT"))].astype("datetime64[D]"),
        role=np.r_[role[workers], role[workers[sw]]],
        lost=np.r_[loss, np.zeros(len(sw), dtype=bool)],
    )
    # No records before the hire month (young workers registered at 18).
    spells.start = np.maximum(spells.start, month_of(spells.registered) - tl.first_month)
    # Job losers: 60 % register as unemployed after the job ends.
    losers = workers[loss]
    registers = rng.random(len(losers)) < 0.6
    since = np.full(p.n, np.datetime64("NaT"), dtype="datetime64[D]")
    reg_day = ended[loss] + days(rng.integers(3, 40, len(losers)))
    reg_day = np.minimum(reg_day, today - 1)
    since[losers[registers]] = reg_day[registers]
    return spells, since, loss


def build_economy(pop: Population) -> Economy:
    rng = pop.timeline.rng("economy")
    tl = pop.timeline
    p = pop.people
    role, amount = assign_roles(pop)
    business = (role == FLEXIBLE) & (rng.random(p.n) < 0.5)
    _poor_households(pop, role, amount, business)
    _top_up(pop, role, amount, business)
    # Records stop after a death or move-out (inclusive of that month).
    status_month = month_of(p.status_date) - tl.first_month
    last_month = np.where(
        p.status == NORMAL, tl.n_months, np.clip(status_month + 1, 0, tl.n_months)
    ).astype(np.int64)
    n_wage = int(np.isin(role, WAGE_ROLES).sum())
    employers = build_employers(
        tl.rng("employers"), n_wage, int(np.isin(role, [PUBLIC, WELFARE]).sum())
    )
    spells, since, _ = _spells(pop, role, employers, last_month)
    # Registered unemployed (role): registration in the last 2.5 years.
    unemployed = role == UNEMPLOYED
    reg = tl.today - days(rng.integers(20, 900, p.n))
    reg = np.maximum(reg, add_years(p.birth, 18))
    since = np.where(unemployed, np.minimum(reg, tl.today - 1), since).astype("datetime64[D]")
    # Unemployment benefit: 12 months from registration, for those insured (most job losers).
    since = np.where(since > p.status_date, np.datetime64("NaT"), since).astype("datetime64[D]")
    insured = ~np.isnat(since) & ((role != UNEMPLOYED) | (rng.random(p.n) < 0.5))
    benefit = np.where(insured, 12, 0)
    return Economy(
        role=role,
        amount=amount,
        business=business,
        employers=employers,
        spells=spells,
        last_month=last_month,
        unemployed_since=since,
        benefit_months=benefit,
    )
