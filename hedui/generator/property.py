"""Homes and vehicles: real_estate (co-owned certificates) and vehicle registrations.

Residential certificates per household depend on its class; a certificate is owned by the head
alone or shared with the spouse (and sometimes an adult child) with shares summing to exactly 1.
Owners of a second home may declare rental income (tax ``property_lease``).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import polars as pl

from hedui.generator import ids
from hedui.generator.arrays import (
    add_years,
    choice,
    days,
    expand,
    lognormal,
    money,
    pick,
    repeat_counts,
)
from hedui.generator.economy import Economy
from hedui.generator.population import Population, member_of_slot
from hedui.generator.timeline import WINDOW_KEY, period_text

_HOMES_BY_CLASS = np.array(
    [
        [0.5, 0.5, 0.0, 0.0],
        [0.4, 0.6, 0.0, 0.0],
        [0.2, 0.75, 0.05, 0.0],
        [0.08, 0.72, 0.17, 0.03],
        [0.0, 0.4, 0.4, 0.2],
    ]
)
_SHARES = np.array([[5000, 5000], [6000, 4000], [7000, 3000]])
PLATE_ALPHABET = "0123456789ABCDEFGHJKLMNPQRSTUVWXYZ"
PLATE_LETTERS = "ABCEFGHJKLMNR"


@dataclass
class Homes:
    frame: pl.DataFrame
    valid_residential: np.ndarray  # per household: valid residential certificates


def real_estate(pop: Population) -> Homes:
    rng = pop.timeline.rng("real_estate")
    h, p = pop.households, pop.people
    today = pop.timeline.today
    head = member_of_slot(pop, "head")
    spouse = member_of_slot(pop, "spouse")
    child = member_of_slot(pop, "child1")
    u = rng.random(h.n)
    cum = np.cumsum(_HOMES_BY_CLASS[h.klass], axis=1)
    n_res = (u[:, None] > cum).sum(axis=1)
    extra_use = np.where(rng.random(h.n) < np.array([0, 0, 0.02, 0.1, 0.3])[h.klass], 1, 0)
    commercial = np.where(rng.random(h.n) < np.array([0, 0, 0, 0.02, 0.15])[h.klass], 1, 0)
    per_hh = n_res + extra_use + commercial
    cert_hh, rank = repeat_counts(per_hh)
    use = np.where(
        rank < n_res[cert_hh], 0, np.where(rank < (n_res + extra_use)[cert_hh], 2, 1)
    )  # 0 residential, 1 commercial, 2 parking
    c = len(cert_hh)
    has_spouse = spouse[cert_hh] >= 0
    adult_child = (child[cert_hh] >= 0) & (p.age[np.maximum(child[cert_hh], 0)] >= 22)
    mode_u = rng.random(c)
    first = rank == 0
    mode = np.where(
        has_spouse & (mode_u < np.where(first, 0.5, 0.3)),
        np.where(adult_child & (mode_u < 0.04), 2, 1),
        0,
    )
    n_owner = mode + 1
    owner_cert, owner_rank = repeat_counts(n_owner)
    share_pick = _SHARES[rng.integers(0, 3, c)]
    share = np.select(
        [mode[owner_cert] == 0, mode[owner_cert] == 1],
        [10000, share_pick[owner_cert, np.minimum(owner_rank, 1)]],
        np.where(owner_rank == 2, 3334, 3333),
    )
    owner = np.select(
        [owner_rank == 0, owner_rank == 1],
        [head[cert_hh[owner_cert]], spouse[cert_hh[owner_cert]]],
        child[cert_hh[owner_cert]],
    )
    # Certificate attributes.
    oldest = add_years(p.birth[head[cert_hh]], 22)
    reg = today - days(rng.integers(60, 25 * 365, c))
    reg = np.minimum(np.maximum(reg, oldest), today - 1).astype("datetime64[D]")
    codes = np.array(list(ids.CURRENT_DISTRICTS))
    elsewhere = (rank > 0) & (rng.random(c) < 0.3)
    district = np.where(elsewhere, codes[rng.integers(0, len(codes), c)], h.district[cert_hh])
    area = np.select(
        [use == 0, use == 1],
        [
            lognormal(rng, np.where(h.klass[cert_hh] == 4, 120, 78), 0.3, c),
            lognormal(rng, 90, 0.6, c),
        ],
        rng.uniform(12, 30, c),
    )
    area = np.round(np.maximum(area, 8), 2)
    cancelled = rng.random(c) < np.where(rank > 0, 0.08, 0.02)
    year = reg.astype("datetime64[Y]").astype(np.int64) + 1970
    serial = ids.unique_integers(rng, c, 10**7)
    district_name = pick(tuple(ids.CURRENT_DISTRICTS.values()), np.searchsorted(codes, district))
    cert_no = (
        "津("
        + ids.digits(year, 4)
        + ")"
        + district_name
        + "区不动产权第"
        + ids.digits(serial, 7)
        + "号"
    )
    oc = owner_cert
    frame = pl.DataFrame(
        [
            cert_no.gather(oc).alias("cert_no"),
            p.id.gather(owner).alias("owner_id_number"),
            pl.Series("share_ratio", share / 10000),
            pick(("residential", "commercial", "parking"), use[oc], "property_use"),
            pl.Series("floor_area_m2", area[oc]),
            ids.digits(district[oc], 6, "district_code"),
            pl.Series("register_date", reg[oc]),
            pick(("valid", "cancelled"), cancelled[oc].astype(int), "status"),
        ]
    )
    valid_res = np.bincount(cert_hh, weights=(use == 0) & ~cancelled, minlength=h.n)
    return Homes(frame, valid_res.astype(np.int64))


def lease_tax_rows(pop: Population, econ: Economy, homes: Homes) -> pl.DataFrame:
    """Self-declared rental income of some owners of two or more homes (tax, property_lease)."""
    rng = pop.timeline.rng("lease")
    head = member_of_slot(pop, "head")
    lessor = np.flatnonzero((homes.valid_residential >= 2) & (rng.random(pop.households.n) < 0.4))
    person = head[lessor]
    o, month = expand(np.zeros(len(person), dtype=np.int64), econ.last_month[person])
    rent = np.round(rng.uniform(1800, 6500, len(person)) / 100) * 100
    tl = pop.timeline
    texts = pl.Series([period_text(tl.first_month + k) for k in range(tl.n_months)])
    income = money(rent[o])
    return pl.DataFrame(
        [
            pop.people.id.gather(person[o]).alias("id_number"),
            texts.gather(month).alias("period"),
            pl.Series("income_item", ["property_lease"] * len(o), dtype=pl.String),
            pl.Series("income", income),
            pl.Series("tax_paid", money(income * 0.8 * 0.1)),
            pl.Series("withholder_uscc", [None] * len(o), dtype=pl.String),
            pl.Series(WINDOW_KEY, tl.first_month + month),
        ]
    )


def vehicles(pop: Population, disabled_physical: np.ndarray) -> pl.DataFrame:
    rng = pop.timeline.rng("vehicle")
    p, h = pop.people, pop.households
    today = pop.timeline.today
    klass = h.klass[p.hh]
    eligible = (p.age >= 20) & (p.age <= 78)
    prob = np.array([0.02, 0.05, 0.15, 0.33, 0.6])[klass] + 0.3 * disabled_physical
    owners = np.flatnonzero(eligible & (rng.random(p.n) < prob))
    count = 1 + (rng.random(len(owners)) < np.where(klass[owners] == 4, 0.3, 0.05))
    o, _ = repeat_counts(count)
    person = owners[o]
    n = len(person)
    poor = klass[person] <= 1
    vtype = np.where(
        poor,
        choice(rng, n, [0.15, 0.35, 0.0, 0.0, 0.3, 0.2]),
        choice(rng, n, [0.88, 0.04, 0.03, 0.0, 0.03, 0.02]),
    )  # car, motorcycle, truck, disability_vehicle, low_speed, other
    vtype = np.where(disabled_physical[person] & (rng.random(n) < 0.4), 3, vtype)
    median = np.array([150000, 8000, 220000, 15000, 30000, 20000])[vtype] * np.where(
        klass[person] == 4, 1.8, 1.0
    )
    price = money(lognormal(rng, median, 0.4, n))
    price = np.where(rng.random(n) < 0.1, np.nan, price)
    reg = today - days(rng.integers(20, 15 * 365, n))
    reg = np.minimum(np.maximum(reg, add_years(p.birth[person], 18)), today - 1)
    status = choice(rng, n, [0.92, 0.05, 0.03])
    body = ids.digit_base(ids.unique_integers(rng, n, 34**5), 34, 5)
    alphabet = np.frombuffer(PLATE_ALPHABET.encode(), dtype=np.uint8)
    plate_body = ids.bytes_to_series(alphabet[body])
    letters = pick(tuple(PLATE_LETTERS), rng.integers(0, len(PLATE_LETTERS), n))
    green = pick(("", "D", "F"), choice(rng, n, [0.85, 0.1, 0.05]))
    plate = ("津" + letters + green + plate_body).alias("plate_no")
    frame = pl.DataFrame(
        [
            plate,
            p.id.gather(person).alias("owner_id_number"),
            pick(
                ("car", "motorcycle", "truck", "disability_vehicle", "low_speed", "other"),
                vtype,
                "vehicle_type",
            ),
            pl.Series("purchase_price", price).fill_nan(None),
            pl.Series("first_register_date", reg.astype("datetime64[D]")),
            pick(("normal", "scrapped", "deregistered"), status, "status"),
        ]
    )
    return frame
