"""Employers: enterprises (market entities, USCC 91...) and public units (USCC 11/12...)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import polars as pl

from hedui.generator import ids, names
from hedui.generator.arrays import choice, pick

ENTITY_TYPES = ("limited_company", "partnership", "sole_proprietorship")


@dataclass
class Employers:
    """All employers; enterprises first, then public units."""

    uscc: pl.Series
    name: pl.Series
    district: np.ndarray
    public: np.ndarray  # bool: a public unit (机关/事业单位), not a market entity
    entity_type: np.ndarray  # index into ENTITY_TYPES (enterprises)
    weight: np.ndarray  # relative size

    @property
    def n(self) -> int:
        return len(self.district)

    def sample(self, rng: np.random.Generator, n: int, public: bool) -> np.ndarray:
        """Employer indices for ``n`` workers, by employer size."""
        pool = np.flatnonzero(self.public == public)
        w = self.weight[pool]
        return pool[rng.choice(len(pool), n, p=w / w.sum())]


def build_employers(rng: np.random.Generator, workers: int, public_workers: int) -> Employers:
    n_ent = max(20, workers // 18)
    n_pub = max(5, public_workers // 40)
    n = n_ent + n_pub
    codes = np.array(list(ids.DISTRICT_WEIGHTS))
    w = np.array(list(ids.DISTRICT_WEIGHTS.values()))
    district = codes[rng.choice(len(codes), n, p=w / w.sum())]
    public = np.r_[np.zeros(n_ent, dtype=bool), np.ones(n_pub, dtype=bool)]
    dept = np.where(public, 1, 9)
    kind = np.where(public, rng.choice([1, 2], n, p=[0.4, 0.6]), 1)
    uscc = ids.make_usccs(rng, dept, kind, district)
    entity_type = choice(rng, n, {"limited_company": 0.9, "partnership": 0.05, "sole": 0.05})
    district_names = pick(tuple(ids.CURRENT_DISTRICTS.values()), np.searchsorted(codes, district))
    kinds = np.array(["company", "partnership", "sole"])[entity_type]
    company = names.company_names(rng, district_names, "company")
    partnership = names.company_names(rng, district_names, "partnership")
    sole = names.company_names(rng, district_names, "sole") + "厂"
    unit = (
        district_names
        + "区"
        + pick(
            (
                "人民政府办公室",
                "教育局",
                "第一中学",
                "人民医院",
                "街道办事处",
                "城市管理委员会",
                "卫生健康委员会",
                "实验小学",
                "社区卫生服务中心",
                "图书馆",
            ),
            rng.integers(0, 10, n),
        )
    )
    parts = {"k": kinds, "p": public, "c": company, "pa": partnership, "s": sole, "u": unit}
    name = (
        pl.DataFrame(parts)
        .select(
            pl.when(pl.col("p"))
            .then(pl.col("u"))
            .when(pl.col("k") == "partnership")
            .then(pl.col("pa"))
            .when(pl.col("k") == "sole")
            .then(pl.col("s"))
            .otherwise(pl.col("c"))
        )
        .to_series()
        .alias("entity_name")
    )
    weight = rng.pareto(1.2, n) + 1
    return Employers(uscc, name, district, public, entity_type, weight)
