"""Build every source's population frame (before defects, over the union of delivery windows)."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import polars as pl

from hedui.generator import assistance, business, finance, labour, life, property
from hedui.generator.economy import Economy
from hedui.generator.population import Population
from hedui.generator.schema import conform
from hedui.registry import Source, local_registry


def build_frames(
    pop: Population, econ: Economy, step: Callable[[str], None] | None = None
) -> dict[str, pl.DataFrame]:
    """All 22 sources' population rows in frame schema; window sources carry ``_w``."""
    out: dict[str, pl.DataFrame] = {}

    def put(name: str, frame: pl.DataFrame) -> None:
        out[name] = frame
        if step:
            step(name)

    put("hukou", pop.hukou_frame())
    disab = life.disabilities(pop)
    homes = property.real_estate(pop)
    put("vehicle", property.vehicles(pop, disab.physical_mask(pop.people.n)))
    put("real_estate", homes.frame)
    put("tax", pl.concat([labour.tax_frame(pop, econ), property.lease_tax_rows(pop, econ, homes)]))
    put("social_insurance", labour.social_insurance_frame(pop, econ))
    put("employment", labour.employment_frame(pop, econ))
    put("public_housing", assistance.public_housing(pop, homes.valid_residential))
    put("housing_fund", labour.housing_fund_frame(pop, econ))
    put("market_entity", business.market_entities(pop, econ))
    put("marriage", life.marriages(pop))
    put("death", life.deaths(pop))
    put("disability", disab.frame)
    put("medical_claims", life.medical_claims(pop))
    put("education", life.education(pop, econ))
    put("deposit", finance.deposits(pop))
    put("wealth_product", finance.wealth_products(pop))
    put("stock", finance.stocks(pop))
    put("bond", finance.bonds(pop))
    put("fund", finance.funds(pop))
    put("commercial_insurance", finance.commercial_insurance(pop))
    severe = _severe_disability(pop, disab)
    roll, open_case = assistance.assistance_roll(pop, econ, severe)
    put("assistance_roll", roll)
    put("verification_request", assistance.verification_requests(pop, open_case))
    registry = local_registry()
    return {name: with_hidden(out[name], registry[name]) for name in registry}


def _severe_disability(pop: Population, disab: life.Disabilities) -> np.ndarray:
    """Disability grade 1-2, or grade 3 intellectual/mental (lacking capacity to work)."""
    severe = np.zeros(pop.people.n, dtype=bool)
    mask = (disab.grade <= 2) | ((disab.grade == 3) & np.isin(disab.category, [4, 5]))
    severe[disab.person[mask]] = True
    return severe


def with_hidden(frame: pl.DataFrame, source: Source) -> pl.DataFrame:
    """Contract columns in order and frame dtypes, followed by the hidden ``_*`` columns."""
    hidden = [c for c in frame.columns if c.startswith("_")]
    typed = conform(frame, source)
    return typed.hstack(frame.select(hidden)) if hidden else typed
