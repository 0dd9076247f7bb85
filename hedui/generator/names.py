"""Chinese personal and business names, assembled vectorised from small character pools."""

from __future__ import annotations

import numpy as np
import polars as pl

#: Common surnames with rough relative frequencies (percent of the population).
SURNAMES: dict[str, float] = {
    "王": 7.1,
    "李": 7.0,
    "张": 6.7,
    "刘": 5.4,
    "陈": 4.5,
    "杨": 3.1,
    "赵": 2.3,
    "黄": 2.2,
    "周": 2.1,
    "吴": 2.0,
    "徐": 1.7,
    "孙": 1.5,
    "胡": 1.3,
    "朱": 1.3,
    "高": 1.3,
    "林": 1.2,
    "何": 1.2,
    "郭": 1.2,
    "马": 1.1,
    "罗": 0.9,
    "梁": 0.9,
    "宋": 0.8,
    "郑": 0.8,
    "谢": 0.7,
    "韩": 0.7,
    "唐": 0.7,
    "冯": 0.7,
    "于": 0.6,
    "董": 0.6,
    "萧": 0.6,
    "程": 0.6,
    "曹": 0.6,
    "袁": 0.5,
    "邓": 0.5,
    "许": 0.5,
    "傅": 0.5,
    "沈": 0.5,
    "曾": 0.5,
    "彭": 0.5,
    "吕": 0.5,
    "苏": 0.5,
    "卢": 0.5,
    "蒋": 0.5,
    "蔡": 0.5,
    "贾": 0.4,
    "丁": 0.4,
    "魏": 0.4,
    "薛": 0.4,
    "叶": 0.4,
    "阎": 0.4,
    "余": 0.4,
    "潘": 0.4,
    "杜": 0.4,
    "戴": 0.4,
    "夏": 0.3,
    "钟": 0.3,
    "汪": 0.3,
    "田": 0.3,
    "任": 0.3,
    "姜": 0.3,
    "范": 0.3,
    "方": 0.3,
    "石": 0.3,
    "姚": 0.3,
    "谭": 0.3,
    "廖": 0.3,
    "邹": 0.3,
    "熊": 0.3,
    "金": 0.3,
    "陆": 0.3,
    "郝": 0.3,
    "孔": 0.3,
    "白": 0.3,
    "崔": 0.3,
    "康": 0.3,
    "毛": 0.3,
    "邱": 0.3,
    "秦": 0.3,
    "江": 0.3,
    "史": 0.3,
}
_MALE_CHARS = (
    "伟强磊军勇杰涛明超刚平辉鹏华飞鑫波斌宇浩凯健俊帆帅旭宁龙林阳建国志峰亮成东海"
    "文博晨昊天睿哲瑞泽轩然子豪德胜永福春立新光伦志兵"
)
_FEMALE_CHARS = (
    "芳娜敏静丽艳娟霞秀英玲桂兰红梅琳燕雪慧莉婷倩颖洁晶璐萍琴云丹彤欣怡佳悦涵雨萱"
    "思诗梦瑶淑贞月凤蓉洁薇菲"
)
_SHOP_WORDS = (
    "鑫盛",
    "恒通",
    "宏达",
    "华美",
    "津港",
    "海河",
    "金桥",
    "瑞丰",
    "德隆",
    "永安",
    "盛世",
    "兴旺",
    "和顺",
    "中天",
    "启航",
    "博远",
    "汇通",
    "佳和",
    "利民",
    "福源",
)
_TRADES = (
    "商贸",
    "科技",
    "建筑工程",
    "物流",
    "餐饮管理",
    "机械制造",
    "电子",
    "食品",
    "服装",
    "汽车服务",
    "文化传媒",
    "环保科技",
    "医疗器械",
    "化工",
    "物业管理",
    "信息技术",
)
_SHOP_TRADES = ("便利店", "餐馆", "五金店", "理发店", "水果店", "超市", "维修部", "烟酒店")


def _pick(rng: np.random.Generator, pool: np.ndarray, n: int) -> pl.Series:
    return pl.Series(pool[rng.integers(0, len(pool), n)])


def surnames(rng: np.random.Generator, n: int) -> pl.Series:
    chars = np.array(list(SURNAMES))
    weights = np.array(list(SURNAMES.values()))
    return pl.Series(chars[rng.choice(len(chars), n, p=weights / weights.sum())])


def given_names(rng: np.random.Generator, male: np.ndarray) -> pl.Series:
    """One- or two-character given names by gender."""
    n = len(male)
    male_pool = np.array(list(_MALE_CHARS))
    female_pool = np.array(list(_FEMALE_CHARS))
    first = np.where(
        male,
        male_pool[rng.integers(0, len(male_pool), n)],
        female_pool[rng.integers(0, len(female_pool), n)],
    )
    second = np.where(
        male,
        male_pool[rng.integers(0, len(male_pool), n)],
        female_pool[rng.integers(0, len(female_pool), n)],
    )
    second = np.where(rng.random(n) < 0.7, second, "")
    return pl.Series(np.char.add(first, second))


def full_names(surname: pl.Series, given: pl.Series) -> pl.Series:
    return (surname + given).alias("name")


def company_names(rng: np.random.Generator, district_names: pl.Series, kind: str) -> pl.Series:
    """Business names: ``天津<district>区<word><trade>有限公司`` or a shop name."""
    n = len(district_names)
    word = _pick(rng, np.array(_SHOP_WORDS), n)
    if kind == "shop":
        trade = _pick(rng, np.array(_SHOP_TRADES), n)
        return (district_names + "区" + word + trade).alias("entity_name")
    trade = _pick(rng, np.array(_TRADES), n)
    suffix = "有限公司" if kind == "company" else ("合伙企业" if kind == "partnership" else "")
    return ("天津" + word + trade + suffix).alias("entity_name")
