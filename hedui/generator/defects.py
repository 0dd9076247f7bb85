"""Planted data-quality defects: deterministic, one reason code per defective row.

:func:`plant_defects` takes a population frame of one source and returns it with a hidden
``_reason`` column (null for clean rows). Defects are chosen so each row fails exactly one rule
of the contract: e.g. real_estate defects other than SHARE_SUM only touch single-owner
certificates (so no other certificate's share sum moves), and window columns keep their hidden
window key so a malformed period still lands in the right delivery.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import polars as pl

from hedui.generator.arrays import pick
from hedui.generator.ids import corrupt_check_char
from hedui.idnumbers import ID_CHECK_CHARS, USCC_ALPHABET
from hedui.reason_codes import Reason

REASON = "_reason"


@dataclass(frozen=True)
class Plant:
    """One way to break a row: the reason it yields, the column and how."""

    reason: Reason
    how: str  # checksum | uscc | null | enum | text | future | negative | total | birth |
    #           gender | dup | share
    column: str | None = None
    values: tuple[str, ...] = ()
    where: pl.Expr | None = field(default=None, compare=False)


R = Reason
_SINGLE_OWNER = pl.len().over("cert_no") == 1
_NOT_NORMAL = pl.col("status") != "normal"


def _positive(column: str) -> pl.Expr:
    return pl.col(column).is_not_null() & (pl.col(column) > 0)


def _present(column: str) -> pl.Expr:
    return pl.col(column).is_not_null()


_DATE_TEXT = ("{slash}", "{compact}", "2025-02-30")
_AMOUNT_TEXT = ("{v}元", "约{v}", "{v}O")

PLANTS: dict[str, list[Plant]] = {
    "hukou": [
        Plant(R.DUPLICATE_KEY, "dup"),
        Plant(R.ID_CHECKSUM, "checksum", "id_number"),
        Plant(R.REQUIRED_MISSING, "null", "name"),
        Plant(R.ENUM_INVALID, "enum", "hukou_nature", ("城镇", "农业", "non_agri")),
        Plant(R.FUTURE_DATE, "future", "status_date", where=_NOT_NORMAL),
        Plant(R.CONDITIONAL_REQUIRED, "null", "status_date", where=_NOT_NORMAL),
        Plant(R.ID_MISMATCH, "birth", "birth_date"),
        Plant(R.ID_MISMATCH, "gender", "gender"),
    ],
    "vehicle": [
        Plant(R.DUPLICATE_KEY, "dup"),
        Plant(R.ID_CHECKSUM, "checksum", "owner_id_number"),
        Plant(R.REQUIRED_MISSING, "null", "vehicle_type"),
        Plant(R.ENUM_INVALID, "enum", "vehicle_type", ("小型汽车", "轿车", "SUV")),
        Plant(
            R.TYPE_INVALID, "text", "purchase_price", ("{v}元", "约{v}"), _present("purchase_price")
        ),
        Plant(R.TYPE_INVALID, "text", "first_register_date", _DATE_TEXT),
        Plant(R.FUTURE_DATE, "future", "first_register_date"),
        Plant(R.NEGATIVE_AMOUNT, "negative", "purchase_price", where=_positive("purchase_price")),
    ],
    "real_estate": [
        Plant(R.SHARE_SUM, "share"),
        Plant(R.DUPLICATE_KEY, "dup", where=_SINGLE_OWNER),
        Plant(R.ID_CHECKSUM, "checksum", "owner_id_number", where=_SINGLE_OWNER),
        Plant(R.REQUIRED_MISSING, "null", "property_use", where=_SINGLE_OWNER),
        Plant(R.ENUM_INVALID, "enum", "property_use", ("住宅", "商业", "housing"), _SINGLE_OWNER),
        Plant(R.TYPE_INVALID, "text", "floor_area_m2", ("{v}平米", "{v}㎡"), _SINGLE_OWNER),
        Plant(R.FUTURE_DATE, "future", "register_date", where=_SINGLE_OWNER),
        Plant(R.NEGATIVE_AMOUNT, "negative", "floor_area_m2", where=_SINGLE_OWNER),
    ],
    "tax": [
        Plant(R.DUPLICATE_KEY, "dup"),
        Plant(R.ID_CHECKSUM, "checksum", "id_number"),
        Plant(R.REQUIRED_MISSING, "null", "income"),
        Plant(R.ENUM_INVALID, "enum", "income_item", ("salary", "工资薪金", "bonus")),
        Plant(R.TYPE_INVALID, "text", "period", ("{slash}", "{compact}")),
        Plant(R.NEGATIVE_AMOUNT, "negative", "income", where=_positive("income")),
        Plant(R.USCC_CHECKSUM, "uscc", "withholder_uscc", where=_present("withholder_uscc")),
    ],
    "social_insurance": [
        Plant(R.DUPLICATE_KEY, "dup"),
        Plant(R.ID_CHECKSUM, "checksum", "id_number"),
        Plant(R.REQUIRED_MISSING, "null", "payment_status"),
        Plant(R.ENUM_INVALID, "enum", "payment_status", ("正常", "arrears", "PAID")),
        Plant(R.TYPE_INVALID, "text", "amount", _AMOUNT_TEXT),
        Plant(R.NEGATIVE_AMOUNT, "negative", "amount", where=_positive("amount")),
        Plant(R.USCC_CHECKSUM, "uscc", "employer_uscc", where=_present("employer_uscc")),
    ],
    "employment": [
        Plant(R.DUPLICATE_KEY, "dup"),
        Plant(R.ID_CHECKSUM, "checksum", "id_number"),
        Plant(R.REQUIRED_MISSING, "null", "status"),
        Plant(R.ENUM_INVALID, "enum", "status", ("在职", "retired", "unemployed")),
        Plant(R.TYPE_INVALID, "text", "end_date", _DATE_TEXT, _present("end_date")),
        Plant(R.FUTURE_DATE, "future", "registered_date"),
        Plant(R.USCC_CHECKSUM, "uscc", "employer_uscc", where=_present("employer_uscc")),
    ],
    "public_housing": [
        Plant(R.DUPLICATE_KEY, "dup"),
        Plant(R.ID_CHECKSUM, "checksum", "id_number"),
        Plant(R.REQUIRED_MISSING, "null", "housing_type"),
        Plant(R.ENUM_INVALID, "enum", "housing_type", ("公租房", "cheap_rental")),
        Plant(R.TYPE_INVALID, "text", "start_date", _DATE_TEXT),
        Plant(R.FUTURE_DATE, "future", "start_date"),
        Plant(R.NEGATIVE_AMOUNT, "negative", "monthly_subsidy", where=_positive("monthly_subsidy")),
    ],
    "housing_fund": [
        Plant(R.DUPLICATE_KEY, "dup"),
        Plant(R.ID_CHECKSUM, "checksum", "id_number"),
        Plant(R.REQUIRED_MISSING, "null", "account_status"),
        Plant(R.ENUM_INVALID, "enum", "account_status", ("正常", "封存", "active")),
        Plant(R.TYPE_INVALID, "text", "balance", _AMOUNT_TEXT),
        Plant(R.NEGATIVE_AMOUNT, "negative", "monthly_deposit", where=_positive("monthly_deposit")),
    ],
    "market_entity": [
        Plant(R.DUPLICATE_KEY, "dup"),
        Plant(R.ID_CHECKSUM, "checksum", "person_id_number"),
        Plant(R.REQUIRED_MISSING, "null", "entity_name"),
        Plant(R.ENUM_INVALID, "enum", "entity_type", ("company", "个体工商户", "llc")),
        Plant(R.TYPE_INVALID, "text", "established_date", _DATE_TEXT),
        Plant(R.FUTURE_DATE, "future", "established_date"),
        Plant(
            R.NEGATIVE_AMOUNT,
            "negative",
            "subscribed_capital",
            where=_positive("subscribed_capital"),
        ),
        Plant(
            R.CONDITIONAL_REQUIRED, "null", "subscribed_capital", where=pl.col("role") == "investor"
        ),
        Plant(R.USCC_CHECKSUM, "uscc", "uscc"),
    ],
    "marriage": [
        Plant(R.DUPLICATE_KEY, "dup"),
        Plant(R.ID_CHECKSUM, "checksum", "party2_id_number"),
        Plant(R.REQUIRED_MISSING, "null", "event"),
        Plant(R.ENUM_INVALID, "enum", "event", ("结婚", "remarriage")),
        Plant(R.TYPE_INVALID, "text", "event_date", _DATE_TEXT),
        Plant(R.FUTURE_DATE, "future", "event_date"),
    ],
    "death": [
        Plant(R.DUPLICATE_KEY, "dup"),
        Plant(R.ID_CHECKSUM, "checksum", "id_number"),
        Plant(R.REQUIRED_MISSING, "null", "record_source"),
        Plant(R.ENUM_INVALID, "enum", "record_source", ("火化", "hospital")),
        Plant(R.TYPE_INVALID, "text", "death_date", ("{slash}", "{compact}")),
    ],
    "disability": [
        Plant(R.DUPLICATE_KEY, "dup"),
        Plant(R.ID_CHECKSUM, "checksum", "id_number"),
        Plant(R.REQUIRED_MISSING, "null", "disability_category"),
        Plant(R.ENUM_INVALID, "enum", "disability_category", ("肢体", "视力", "limb")),
        Plant(R.TYPE_INVALID, "text", "disability_grade", ("{v}级", "二级")),
        Plant(R.FUTURE_DATE, "future", "cert_issue_date"),
    ],
    "medical_claims": [
        Plant(R.DUPLICATE_KEY, "dup"),
        Plant(R.ID_CHECKSUM, "checksum", "id_number"),
        Plant(R.REQUIRED_MISSING, "null", "visit_type"),
        Plant(R.ENUM_INVALID, "enum", "visit_type", ("门诊", "emergency")),
        Plant(R.TYPE_INVALID, "text", "settle_date", ("{slash}", "{compact}")),
        Plant(R.TOTAL_MISMATCH, "total", "total_cost"),
    ],
    "education": [
        Plant(R.DUPLICATE_KEY, "dup"),
        Plant(R.ID_CHECKSUM, "checksum", "id_number"),
        Plant(R.REQUIRED_MISSING, "null", "stage"),
        Plant(R.ENUM_INVALID, "enum", "stage", ("小学", "kindergarten", "university")),
        Plant(R.TYPE_INVALID, "text", "tuition_per_year", ("免费", "{v}元")),
        Plant(
            R.NEGATIVE_AMOUNT, "negative", "tuition_per_year", where=_positive("tuition_per_year")
        ),
    ],
    "deposit": [
        Plant(R.DUPLICATE_KEY, "dup"),
        Plant(R.ID_CHECKSUM, "checksum", "id_number"),
        Plant(R.REQUIRED_MISSING, "null", "account_type"),
        Plant(R.ENUM_INVALID, "enum", "currency", ("RMB", "人民币", "usd")),
        Plant(R.TYPE_INVALID, "text", "balance_cny", _AMOUNT_TEXT),
        Plant(R.FUTURE_DATE, "future", "as_of_date"),
        Plant(R.NEGATIVE_AMOUNT, "negative", "balance_cny", where=_positive("balance_cny")),
    ],
    "wealth_product": [
        Plant(R.DUPLICATE_KEY, "dup"),
        Plant(R.ID_CHECKSUM, "checksum", "id_number"),
        Plant(R.REQUIRED_MISSING, "null", "market_value"),
        Plant(R.TYPE_INVALID, "text", "market_value", _AMOUNT_TEXT),
        Plant(R.FUTURE_DATE, "future", "as_of_date"),
        Plant(R.NEGATIVE_AMOUNT, "negative", "market_value", where=_positive("market_value")),
    ],
    "stock": [
        Plant(R.DUPLICATE_KEY, "dup"),
        Plant(R.ID_CHECKSUM, "checksum", "id_number"),
        Plant(R.REQUIRED_MISSING, "null", "as_of_date"),
        Plant(R.TYPE_INVALID, "text", "as_of_date", _DATE_TEXT),
        Plant(R.FUTURE_DATE, "future", "as_of_date"),
        Plant(R.TOTAL_MISMATCH, "total", "market_value"),
    ],
    "bond": [
        Plant(R.DUPLICATE_KEY, "dup"),
        Plant(R.ID_CHECKSUM, "checksum", "id_number"),
        Plant(R.REQUIRED_MISSING, "null", "face_value"),
        Plant(R.TYPE_INVALID, "text", "market_value", _AMOUNT_TEXT),
        Plant(R.FUTURE_DATE, "future", "as_of_date"),
        Plant(R.NEGATIVE_AMOUNT, "negative", "market_value", where=_positive("market_value")),
    ],
    "fund": [
        Plant(R.DUPLICATE_KEY, "dup"),
        Plant(R.ID_CHECKSUM, "checksum", "id_number"),
        Plant(R.REQUIRED_MISSING, "null", "as_of_date"),
        Plant(R.TYPE_INVALID, "text", "as_of_date", _DATE_TEXT),
        Plant(R.FUTURE_DATE, "future", "as_of_date"),
        Plant(R.TOTAL_MISMATCH, "total", "market_value"),
    ],
    "commercial_insurance": [
        Plant(R.DUPLICATE_KEY, "dup"),
        Plant(R.ID_CHECKSUM, "checksum", "id_number"),
        Plant(R.REQUIRED_MISSING, "null", "product_type"),
        Plant(R.ENUM_INVALID, "enum", "product_type", ("重疾险", "critical_illness")),
        Plant(R.TYPE_INVALID, "text", "annual_premium", ("{v}元", "约{v}")),
        Plant(R.NEGATIVE_AMOUNT, "negative", "annual_premium", where=_positive("annual_premium")),
    ],
    "assistance_roll": [
        Plant(R.DUPLICATE_KEY, "dup"),
        Plant(R.ID_CHECKSUM, "checksum", "id_number"),
        Plant(R.REQUIRED_MISSING, "null", "monthly_amount"),
        Plant(R.ENUM_INVALID, "enum", "assistance_type", ("低保", "dibao_urban", "tekun")),
        Plant(R.TYPE_INVALID, "text", "start_date", _DATE_TEXT),
        Plant(R.FUTURE_DATE, "future", "start_date"),
        Plant(R.NEGATIVE_AMOUNT, "negative", "monthly_amount", where=_positive("monthly_amount")),
    ],
    "verification_request": [
        Plant(R.DUPLICATE_KEY, "dup"),
        Plant(R.ID_CHECKSUM, "checksum", "member_id_number"),
        Plant(R.REQUIRED_MISSING, "null", "purpose"),
        Plant(R.ENUM_INVALID, "enum", "purpose", ("低保", "minimum_living", "recheck")),
        Plant(R.TYPE_INVALID, "text", "requested_at", ("{slash}", "{compact}")),
    ],
}


def defect_count(rows: int, rate: float, kinds: int) -> int:
    """Defects to plant in ``rows`` rows: ``rate`` of them, and at least one of every kind
    (when the source has at least 20 rows per kind)."""
    if rate <= 0 or rows == 0:
        return 0
    return max(round(rows * rate), min(kinds, rows // 20))


def _allocate(rng: np.random.Generator, total: int, kinds: int) -> np.ndarray:
    if total < kinds:
        counts = np.zeros(kinds, dtype=np.int64)
        counts[rng.choice(kinds, total, replace=False)] = 1
        return counts
    return 1 + rng.multinomial(total - kinds, np.full(kinds, 1 / kinds))


def _text(template: str, value: object) -> str:
    text = "" if value is None else str(value)
    if template == "{slash}":
        return text.replace("-", "/")
    if template == "{compact}":
        return text.replace("-", "")
    return template.replace("{v}", text)


class _Edits:
    """Collected replacement values per column, applied in one scatter per column."""

    def __init__(self, frame: pl.DataFrame) -> None:
        self.frame = frame
        self.by_column: dict[str, list[tuple[np.ndarray, pl.Series]]] = {}

    def add(self, column: str, rows: np.ndarray, values: pl.Series) -> None:
        self.by_column.setdefault(column, []).append((rows, values))

    def apply(self) -> pl.DataFrame:
        frame = self.frame
        for column, edits in self.by_column.items():
            series = frame[column]
            dtype = series.dtype
            if any(v.dtype == pl.String for _, v in edits) and dtype != pl.String:
                dtype = pl.String
                series = series.cast(pl.String)
            for rows, values in edits:
                series = series.scatter(rows, values.cast(dtype))
            frame = frame.with_columns(series.alias(column))
        return frame


def plant_defects(
    frame: pl.DataFrame,
    source: str,
    rate: float,
    rng: np.random.Generator,
    latest: np.datetime64,
) -> pl.DataFrame:
    """``frame`` with planted defects and a ``_reason`` column (see module docstring).

    ``latest`` is the last delivery date: future dates are placed well after it.
    """
    plants = PLANTS.get(source, [])
    n = frame.height
    reason = np.full(n, -1, dtype=np.int64)
    codes = [str(p.reason) for p in plants]
    total = defect_count(n, rate, len(plants))
    if not total:
        return frame.with_columns(pl.lit(None, dtype=pl.String).alias(REASON))
    counts = _allocate(rng, total, len(plants))
    taken = np.zeros(n, dtype=bool)
    edits = _Edits(frame)
    duplicates: list[np.ndarray] = []
    for index, (plant, count) in enumerate(zip(plants, counts, strict=True)):
        if count == 0:
            continue
        eligible = ~taken
        if plant.where is not None:
            eligible &= frame.select(plant.where.fill_null(False)).to_series().to_numpy()
        if plant.how == "share":
            rows = _share_sum(frame, rng, int(count), eligible, edits)
        else:
            pool = np.flatnonzero(eligible)
            rows = np.sort(rng.choice(pool, min(int(count), len(pool)), replace=False))
            if plant.how == "dup":
                duplicates.append(rows)
            elif plant.column is not None:
                edits.add(plant.column, rows, _values(plant, frame, rows, rng, latest))
        taken[rows] = True
        reason[rows] = index
    out = edits.apply().with_columns(pick(codes, reason, REASON))
    if duplicates:
        copies = out[np.concatenate(duplicates)]
        out = pl.concat([out, copies])
    return out


def _values(
    plant: Plant,
    frame: pl.DataFrame,
    rows: np.ndarray,
    rng: np.random.Generator,
    latest: np.datetime64,
) -> pl.Series:
    assert plant.column is not None
    original = frame[plant.column].gather(rows)
    k = len(rows)
    how = plant.how
    if how == "checksum":
        return pl.Series(
            corrupt_check_char(original.to_list(), rng.integers(0, 10, k), ID_CHECK_CHARS)
        )
    if how == "uscc":
        return pl.Series(
            corrupt_check_char(original.to_list(), rng.integers(0, 30, k), USCC_ALPHABET)
        )
    if how == "null":
        return pl.Series([None] * k, dtype=original.dtype)
    if how == "enum":
        return pl.Series([plant.values[i % len(plant.values)] for i in range(k)], dtype=pl.String)
    if how == "text":
        texts = original.cast(pl.String).to_list()
        picks = rng.integers(0, len(plant.values), k)
        return pl.Series(
            [_text(plant.values[j], t) for j, t in zip(picks, texts, strict=True)], dtype=pl.String
        )
    if how == "future":
        future = latest + rng.integers(30, 400, k).astype("timedelta64[D]")
        return pl.Series(future.astype("datetime64[D]"))
    if how == "negative":
        return -original.abs()
    if how == "total":
        return (original + pl.Series(np.round(rng.uniform(1, 99, k), 2))).round(2)
    if how == "birth":
        shift = rng.integers(1, 365, k).astype("timedelta64[D]")
        return pl.Series(original.to_numpy().astype("datetime64[D]") - shift)
    if how == "gender":
        return original.replace({"1": "2", "2": "1"})
    raise ValueError(f"unknown defect kind {how!r}")


def _share_sum(
    frame: pl.DataFrame,
    rng: np.random.Generator,
    count: int,
    eligible: np.ndarray,
    edits: _Edits,
) -> np.ndarray:
    """Break the share sum of ``count`` certificates; returns all rows of those certificates."""
    certs = frame["cert_no"]
    clean = (
        pl.DataFrame({"cert_no": certs, "ok": eligible})
        .with_row_index("row")
        .group_by("cert_no", maintain_order=True)
        .agg(pl.col("ok").all(), pl.col("row"))
        .filter(pl.col("ok"))
    )
    chosen = np.sort(rng.choice(clean.height, min(count, clean.height), replace=False))
    rows_per_cert = clean["row"].gather(chosen).to_list()
    first = np.array([r[0] for r in rows_per_cert], dtype=np.int64)
    share = frame["share_ratio"].gather(first).to_numpy()
    broken = np.round(np.where(share > 0.2, share - 0.1, share + 0.05), 4)
    edits.add("share_ratio", first, pl.Series(broken))
    return np.sort(np.concatenate([np.array(r, dtype=np.int64) for r in rows_per_cert]))


def text_columns(source: str) -> list[str]:
    """Columns a planted malformed value turns into text (so every block writes them as text)."""
    return sorted({p.column for p in PLANTS.get(source, []) if p.how == "text" and p.column})
