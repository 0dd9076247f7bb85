"""Financial assets: deposits (one file per bank), wealth products, stocks, bonds, funds and
commercial insurance. Holdings and balances scale with the household's class; poor households
hold little, so most of them pass the cash-asset test.
"""

from __future__ import annotations

from datetime import date, timedelta

import numpy as np
import polars as pl

from hedui.generator import ids
from hedui.generator.arrays import choice, const_date, lognormal, money, pick, repeat_counts
from hedui.generator.population import Population

#: Bank code -> (card BIN, weight). Codes are the banks' 3-digit CNAPS category codes.
BANKS: dict[str, tuple[str, float]] = {
    "102": ("622202", 0.18),  # ICBC
    "103": ("622848", 0.12),  # ABC
    "104": ("621661", 0.12),  # BOC
    "105": ("621700", 0.16),  # CCB
    "301": ("622262", 0.06),  # BOCOM
    "403": ("621799", 0.10),  # PSBC
    "313": ("622163", 0.12),  # Bank of Tianjin
    "318": ("622884", 0.05),  # China Bohai Bank
    "402": ("623092", 0.09),  # Tianjin Rural Commercial Bank
}
FX_RATES = {"CNY": 1.0, "USD": 7.12, "EUR": 7.75, "HKD": 0.915, "JPY": 0.0475}
WEALTH_INSTITUTIONS = ("WM102", "WM103", "WM104", "WM105", "WM301", "WM313", "WM308", "WM309")
INSURERS = ("000001", "000002", "000003", "000005", "000007", "000010", "000016", "000020")
PRODUCT_TYPES = ("life", "annuity", "universal", "investment_linked", "health", "accident")


def as_of(run_date: date) -> date:
    """Valuation date of market prices: the last weekday before the delivery date."""
    day = run_date - timedelta(days=1)
    while day.weekday() >= 5:
        day -= timedelta(days=1)
    return day


def _holders(
    pop: Population, stream: str, probs: list[float], min_age: int = 18, max_items: int = 3
) -> tuple[np.ndarray, np.ndarray]:
    """(person, rank) rows of adults holding 1..max_items items, with class-based odds."""
    rng = pop.timeline.rng(stream)
    p, h = pop.people, pop.households
    klass = h.klass[p.hh]
    holder = (p.age >= min_age) & (rng.random(p.n) < np.array(probs)[klass])
    who = np.flatnonzero(holder)
    count = rng.integers(1, max_items + 1, len(who))
    o, rank = repeat_counts(count)
    return who[o], rank


def deposits(pop: Population) -> pl.DataFrame:
    rng = pop.timeline.rng("deposit")
    p, h = pop.people, pop.households
    klass = h.klass[p.hh]
    mean = np.array([1.0, 1.1, 1.5, 2.2, 3.0])[klass]
    count = np.where(
        p.age >= 16, np.minimum(rng.poisson(mean), 6), (rng.random(p.n) < 0.2).astype(np.int64)
    )
    count = np.where((p.age >= 16) & (count == 0) & (klass >= 2), 1, count)
    o, _ = repeat_counts(count)
    person = o
    n = len(person)
    k = klass[person]
    median = np.array([700, 1500, 8000, 35000, 150000])[k] * np.where(p.age[person] < 16, 0.2, 1)
    sigma = np.array([1.0, 1.0, 1.2, 1.3, 1.3])[k]
    cny = median * np.exp(rng.normal(0, 1, n) * sigma)
    cny = np.where(k <= 1, np.minimum(cny, 12000), cny)
    time_deposit = rng.random(n) < 0.25
    cny = money(np.where(time_deposit & (k >= 3), cny * 2, cny))
    foreign = (k >= 3) & (rng.random(n) < 0.03)
    currency = np.where(foreign, choice(rng, n, [0, 0.6, 0.12, 0.2, 0.08]), 0)
    rates = np.array(list(FX_RATES.values()))[currency]
    balance = money(cny / rates)
    balance_cny = money(balance * rates)
    codes = list(BANKS)
    bank = choice(rng, n, [w for _, w in BANKS.values()])
    bins = pick(tuple(b for b, _ in BANKS.values()), bank)
    account = bins + ids.digits(ids.unique_integers(rng, n, 10**13), 13)
    return pl.DataFrame(
        [
            pick(tuple(codes), bank, "bank_code"),
            account.alias("account_no"),
            p.id.gather(person).alias("id_number"),
            pick(("demand", "time"), time_deposit.astype(int), "account_type"),
            pick(tuple(FX_RATES), currency, "currency"),
            pl.Series("balance", balance),
            pl.Series("balance_cny", balance_cny),
            const_date("as_of_date", pop.timeline.run_date - timedelta(days=1), n),
        ]
    ).sort("bank_code", maintain_order=True)


def wealth_products(pop: Population) -> pl.DataFrame:
    rng = pop.timeline.rng("wealth_product.values")
    person, rank = _holders(pop, "wealth_product", [0, 0.005, 0.02, 0.08, 0.35])
    n = len(person)
    pool = 8 * 60
    first = rng.integers(0, pool, pop.people.n)[person]
    product = (first + 7 * rank) % pool
    inst = product // 60
    klass = pop.households.klass[pop.people.hh[person]]
    value = money(lognormal(rng, np.array([5000, 10000, 20000, 50000, 200000])[klass], 0.8, n))
    return pl.DataFrame(
        [
            pick(WEALTH_INSTITUTIONS, inst, "institution_code"),
            (pick(WEALTH_INSTITUTIONS, inst) + "-" + ids.digits(2025000 + product, 7)).alias(
                "product_code"
            ),
            pop.people.id.gather(person).alias("id_number"),
            pl.Series("market_value", value),
            const_date("as_of_date", pop.timeline.run_date - timedelta(days=1), n),
        ]
    )


def _security_pool(rng: np.random.Generator, size: int = 800):
    sh = rng.random(size) < 0.5
    code = np.where(
        sh,
        np.where(
            rng.random(size) < 0.8,
            600000 + rng.integers(0, 6000, size),
            688000 + rng.integers(0, 800, size),
        ),
        np.where(
            rng.random(size) < 0.7,
            rng.integers(1, 4000, size),
            300000 + rng.integers(0, 1000, size),
        ),
    )
    code, idx = np.unique(code, return_index=True)
    sh = sh[idx]
    price_cents = np.maximum(np.round(lognormal(rng, 1500, 0.8, len(code))), 200).astype(np.int64)
    return code, sh, price_cents


def stocks(pop: Population) -> pl.DataFrame:
    rng = pop.timeline.rng("stock.values")
    person, rank = _holders(pop, "stock", [0, 0.003, 0.03, 0.10, 0.35], max_items=5)
    code, sh, price = _security_pool(pop.timeline.rng("stock.pool"))
    first = rng.integers(0, len(code), pop.people.n)[person]
    sec = (first + 13 * rank) % len(code)
    n = len(person)
    lots = np.maximum(np.round(lognormal(rng, 5, 1.0, n)), 1).astype(np.int64)
    quantity = lots * 100
    value = money(quantity * price[sec] / 100)
    holders = np.unique(person)
    sh_acct = ids.unique_integers(rng, len(holders), 10**9)
    sz_acct = ids.unique_integers(rng, len(holders), 10**9)
    pos = np.searchsorted(holders, person)
    account = pl.select(
        pl.when(pl.Series(sh[sec]))
        .then("A" + ids.digits(sh_acct[pos], 9))
        .otherwise("0" + ids.digits(sz_acct[pos], 9))
    ).to_series()
    return pl.DataFrame(
        [
            account.alias("securities_account"),
            pop.people.id.gather(person).alias("id_number"),
            ids.digits(code[sec], 6, "security_code"),
            pl.Series("quantity", quantity),
            pl.Series("close_price", price[sec] / 100),
            pl.Series("market_value", value),
            const_date("as_of_date", as_of(pop.timeline.run_date), n),
        ]
    )


def bonds(pop: Population) -> pl.DataFrame:
    rng = pop.timeline.rng("bond.values")
    person, rank = _holders(pop, "bond", [0, 0, 0.01, 0.03, 0.07], min_age=30, max_items=2)
    n = len(person)
    pool = 24
    first = rng.integers(0, pool, pop.people.n)[person]
    bond = (first + 5 * rank) % pool
    face = money(1000 * rng.integers(1, 100, n))
    value = money(face * (1 + rng.uniform(0, 0.08, n)))
    return pl.DataFrame(
        [
            pop.people.id.gather(person).alias("id_number"),
            ids.digits(19000 + 37 * bond + 100, 6, "bond_code"),
            pl.Series("face_value", face),
            pl.Series("market_value", value),
            const_date("as_of_date", pop.timeline.run_date - timedelta(days=1), n),
        ]
    )


def funds(pop: Population) -> pl.DataFrame:
    rng = pop.timeline.rng("fund.values")
    person, rank = _holders(pop, "fund", [0, 0.005, 0.04, 0.12, 0.32], max_items=4)
    n = len(person)
    pool_rng = pop.timeline.rng("fund.pool")
    pool_codes = np.sort(ids.unique_integers(pool_rng, 500, 20000, shared=True)) + 1
    nav = np.round(pool_rng.uniform(0.5, 4.5, 500), 4)
    first = rng.integers(0, 500, pop.people.n)[person]
    fund = (first + 11 * rank) % 500
    shares = money(lognormal(rng, 10000, 1.0, n))
    return pl.DataFrame(
        [
            pop.people.id.gather(person).alias("id_number"),
            ids.digits(pool_codes[fund], 6, "fund_code"),
            pl.Series("shares", shares),
            pl.Series("nav", nav[fund]),
            pl.Series("market_value", money(shares * nav[fund])),
            const_date("as_of_date", as_of(pop.timeline.run_date), n),
        ]
    )


def commercial_insurance(pop: Population) -> pl.DataFrame:
    rng = pop.timeline.rng("commercial_insurance.values")
    person, _ = _holders(pop, "commercial_insurance", [0, 0.005, 0.02, 0.07, 0.2], max_items=2)
    n = len(person)
    klass = pop.households.klass[pop.people.hh[person]]
    ptype = choice(rng, n, [0.25, 0.12, 0.1, 0.05, 0.35, 0.13])
    saving = ptype <= 3
    cash = money(np.where(saving, lognormal(rng, np.where(klass == 4, 90000, 30000), 0.9, n), 0))
    premium = money(np.round(lognormal(rng, 4000, 0.7, n)))
    insurer = rng.integers(0, len(INSURERS), n)
    policy = ids.digits(ids.unique_integers(rng, n, 10**15), 15)
    return pl.DataFrame(
        [
            pick(INSURERS, insurer, "insurer_code"),
            ("P" + policy).alias("policy_no"),
            pop.people.id.gather(person).alias("id_number"),
            pick(PRODUCT_TYPES, ptype, "product_type"),
            pl.Series("cash_value", cash),
            pl.Series("annual_premium", premium),
            const_date("as_of_date", pop.timeline.run_date - timedelta(days=1), n),
        ]
    )
