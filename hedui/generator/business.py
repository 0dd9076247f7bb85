"""market_entity: the enterprises that employ people, individual businesses of the
self-employed, farmer cooperatives and some revoked or cancelled businesses.

Every enterprise employer is a registered market entity (its USCC is the withholder in tax and
the employer in social insurance), with a legal representative and investors from the
population. Poor households never hold stakes in active entities.
"""

from __future__ import annotations

import numpy as np
import polars as pl

from hedui.generator import ids, names
from hedui.generator.arrays import add_years, choice, days, gather, lognormal, money, pick
from hedui.generator.economy import Economy
from hedui.generator.population import NORMAL, Population

ENTITY_KINDS = (
    "individual_business",
    "limited_company",
    "partnership",
    "sole_proprietorship",
    "farmer_cooperative",
)


def _people_by_weight(rng: np.random.Generator, weight: np.ndarray, n: int) -> np.ndarray:
    pool = np.flatnonzero(weight > 0)
    w = weight[pool]
    return pool[rng.choice(len(pool), n, p=w / w.sum())]


def market_entities(pop: Population, econ: Economy) -> pl.DataFrame:
    rng = pop.timeline.rng("market_entity")
    p, h = pop.people, pop.households
    today = pop.timeline.today
    klass = h.klass[p.hh]
    boss_weight = ((p.age >= 28) & (p.age <= 70) & (p.status == NORMAL)) * np.array(
        [0.0, 0.0, 0.2, 1.0, 6.0]
    )[klass]
    # 1. Enterprise employers: a legal representative and one to three investors.
    emp = econ.employers
    ent = np.flatnonzero(~emp.public)
    n_ent = len(ent)
    rep = _people_by_weight(rng, boss_weight, n_ent)
    n_inv = rng.integers(1, 4, n_ent)
    inv_ent = np.repeat(np.arange(n_ent), n_inv)
    inv_person = _people_by_weight(rng, boss_weight, len(inv_ent))
    first_inv = np.r_[True, inv_ent[1:] != inv_ent[:-1]]
    inv_person = np.where(first_inv & (rng.random(len(inv_ent)) < 0.7), rep[inv_ent], inv_person)
    capital = lognormal(rng, 1_000_000, 1.2, n_ent)
    est = today - days(rng.integers(365, 25 * 365, n_ent))
    ent_kind = np.array([1, 2, 3])[emp.entity_type[ent]]  # employers.ENTITY_TYPES order
    e_idx = np.r_[np.arange(n_ent), inv_ent]
    ent_rows = {
        "uscc": emp.uscc.gather(ent[e_idx]),
        "entity_name": emp.name.gather(ent[e_idx]),
        "kind": ent_kind[e_idx],
        "person": np.r_[rep, inv_person],
        "role": np.r_[np.zeros(n_ent, dtype=np.int64), np.ones(len(inv_ent), dtype=np.int64)],
        "capital": np.r_[np.full(n_ent, np.nan), money(capital[inv_ent] / n_inv[inv_ent])],
        "status": np.zeros(len(e_idx), dtype=np.int64),
        "est": est[e_idx],
        "entity": e_idx,
    }
    # 2. Individual businesses of the self-employed (and other small owners).
    owners = np.flatnonzero(econ.business)
    revoked = np.flatnonzero(
        (p.age >= 25) & (klass <= 3) & ~econ.business & (rng.random(p.n) < 0.015)
    )
    coop = np.flatnonzero(
        h.rural[p.hh]
        & (p.age >= 30)
        & (klass >= 2)
        & (p.status == NORMAL)
        & (rng.random(p.n) < 0.003)
    )
    small = np.r_[owners, revoked, coop]
    k = len(small)
    small_kind = np.r_[
        np.zeros(len(owners), dtype=np.int64),
        np.where(rng.random(len(revoked)) < 0.7, 0, 1),
        np.full(len(coop), 4),
    ]
    small_status = np.r_[
        np.zeros(len(owners), dtype=np.int64),
        choice(rng, len(revoked), [0, 0.5, 0.5]),
        np.zeros(len(coop), dtype=np.int64),
    ]
    district = h.district[p.hh[small]]
    dept_kind = np.select([small_kind == 0, small_kind == 4], [2, 3], 1)
    uscc = ids.make_usccs(rng, np.full(k, 9), dept_kind, district)
    codes = np.array(list(ids.CURRENT_DISTRICTS))
    dname = pick(tuple(ids.CURRENT_DISTRICTS.values()), np.searchsorted(codes, district))
    shop = names.company_names(rng, dname, "shop")
    company = names.company_names(rng, dname, "company")
    coop_word = pick(("绿野", "丰收", "金穗", "沽上", "田园"), rng.integers(0, 5, k))
    coop_name = dname + "区" + coop_word + "种植专业合作社"
    entity_name = pl.select(
        pl.when(pl.Series(small_kind == 0))
        .then(shop)
        .when(pl.Series(small_kind == 4))
        .then(coop_name)
        .otherwise(company)
    ).to_series()
    s_est = today - days(rng.integers(30, 15 * 365, k))
    s_est = np.minimum(np.maximum(s_est, add_years(p.birth[small], 18)), today - 1)
    with_inv = (small_kind != 0) | (rng.random(k) < 0.5)
    inv = np.flatnonzero(with_inv)
    s_capital = lognormal(rng, np.where(small_kind == 0, 50_000, 300_000), 0.8, k)
    s_idx = np.r_[np.arange(k), inv]
    small_rows = {
        "uscc": uscc.gather(s_idx),
        "entity_name": entity_name.gather(s_idx),
        "kind": small_kind[s_idx],
        "person": small[s_idx],
        "role": np.r_[np.zeros(k, dtype=np.int64), np.ones(len(inv), dtype=np.int64)],
        "capital": np.r_[np.full(k, np.nan), money(s_capital[inv])],
        "status": small_status[s_idx],
        "est": s_est[s_idx],
        "entity": n_ent + s_idx,
    }
    rows = {key: _concat(ent_rows[key], small_rows[key]) for key in ent_rows}
    # Listed entity by entity: the legal representative, then the investors.
    order = np.argsort(rows["entity"], kind="stable")
    rows = {
        key: (v.gather(order) if isinstance(v, pl.Series) else v[order]) for key, v in rows.items()
    }
    frame = pl.DataFrame(
        [
            rows["uscc"].alias("uscc"),
            rows["entity_name"].alias("entity_name"),
            pick(ENTITY_KINDS, rows["kind"], "entity_type"),
            gather(p.id, rows["person"], "person_id_number"),
            pick(("legal_representative", "investor"), rows["role"], "role"),
            pl.Series("subscribed_capital", rows["capital"]).fill_nan(None),
            pick(("active", "revoked", "cancelled"), rows["status"], "status"),
            pl.Series(
                "established_date", np.minimum(rows["est"], today - 1).astype("datetime64[D]")
            ),
        ]
    )
    return frame.unique(["uscc", "person_id_number", "role"], keep="first", maintain_order=True)


def _concat(a, b):
    if isinstance(a, pl.Series):
        return pl.concat([a, b])
    return np.concatenate([a, b])
