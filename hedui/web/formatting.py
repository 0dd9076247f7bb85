"""Turning warehouse values into what a page shows: money, dates, evidence, as-of lists."""

from __future__ import annotations

import json
from datetime import date, datetime
from decimal import Decimal
from typing import Any

COLUMN_LABELS = {
    "household_id": "户号 Household",
    "case_no": "案件编号 Case",
    "request_id": "申请编号 Request",
    "run_date": "核对日期 Run",
    "member_count": "人数 Members",
    "tier": "等级 Tier",
    "monthly_amount": "月金额 Monthly amount",
    "complete": "完整 Complete",
    "reviews": "复核任务 Reviews",
    "relation": "关系 Relation",
    "age": "年龄 Age",
    "disability_grade": "残疾等级 Disability grade",
    "source": "数据源 Source",
    "asset_type": "资产类型 Asset type",
    "amount": "金额 Amount",
    "as_of_date": "截止日期 As of",
    "status": "状态 Status",
    "vehicle_type": "车辆类型 Vehicle type",
    "use_type": "用途 Use",
    "floor_area_m2": "面积 m²",
    "share_ratio": "份额 Share",
    "cert_no": "证书号 Certificate",
    "item": "项目 Item",
    "period": "月份 Month",
    "records": "记录数 Records",
    "member_role": "角色 Role",
    "hukou_status": "户籍状态 Hukou status",
    "severe_disability": "重度残疾 Severe disability",
    "lacks_capacity": "无劳动能力 No capacity to work",
    "holdings": "笔数 Holdings",
    "vehicle_seq": "序号 No.",
    "plate_masked": "号牌 Plate",
    "first_register_date": "初次登记 First registered",
    "non_exempt": "计入车辆条件 Counts for A2",
    "home_id": "房屋 Home",
    "home_type": "类型 Type",
    "asset_test": "核对项 Test",
    "kind": "支出类型 Kind",
    "amount_per_month": "月均 Per month",
    "usable": "可用 Usable",
    "delivered_on": "交付日期 Delivered",
    "district_code": "行政区划 District",
}

#: Tianjin district codes (current, then retired ones still in older records) -> names; for
#: display only (district is never a rule input, policy.md §10).
DISTRICT_NAMES = {
    "120101": "和平区",
    "120102": "河东区",
    "120103": "河西区",
    "120104": "南开区",
    "120105": "河北区",
    "120106": "红桥区",
    "120110": "东丽区",
    "120111": "西青区",
    "120112": "津南区",
    "120113": "北辰区",
    "120114": "武清区",
    "120115": "宝坻区",
    "120116": "滨海新区",
    "120117": "宁河区",
    "120118": "静海区",
    "120119": "蓟州区",
    "120107": "塘沽区",
    "120108": "汉沽区",
    "120109": "大港区",
    "120221": "宁河县",
    "120223": "静海县",
    "120225": "蓟县",
}


def district_label(value: Any) -> str:
    """A district code as its name ("120101" -> "和平区"); anything else unchanged."""
    text = "?" if value is None else str(value)
    return DISTRICT_NAMES.get(text, text)


def column_label(name: str) -> str:
    """A bilingual column heading; unknown columns keep their name."""
    return COLUMN_LABELS.get(name, name)


def money(value: Any) -> str:
    """¥1,234.50; empty values show as a dash, never as zero."""
    if value is None:
        return "—"
    return f"¥{Decimal(str(value)):,.2f}"


def number(value: Any) -> str:
    if value is None:
        return "—"
    if isinstance(value, float | Decimal) and value != int(value):
        return f"{value:,.2f}"
    return f"{int(value):,}" if isinstance(value, int | float | Decimal) else str(value)


def cell(value: Any) -> str:
    """Any scalar as display text (lists joined, dates ISO, None as a dash)."""
    if value is None:
        return "—"
    if isinstance(value, bool):
        return "是 yes" if value else "否 no"
    if isinstance(value, date | datetime):
        return value.isoformat()
    if isinstance(value, Decimal | float):
        return number(value)
    if isinstance(value, list | tuple):
        return ", ".join(cell(v) for v in value) or "—"
    if isinstance(value, dict):
        return "; ".join(f"{k}: {cell(v)}" for k, v in value.items())
    return str(value)


def short_key(person_key: str | None, n: int = 12) -> str:
    """The first characters of a pseudonymous key (the full key is in the title attribute)."""
    return (person_key or "")[:n]


def _maybe_json(value: Any) -> Any:
    if isinstance(value, str) and value[:1] in "[{":
        try:
            return json.loads(value)
        except ValueError:
            return value
    return value


def structured(value: Any) -> dict[str, Any]:
    """Evidence or as-of values, whatever their storage (JSON text, STRUCT, MAP, LIST), as one of:
    ``{"kind": "table", "columns": [...], "rows": [[...]]}``, ``{"kind": "pairs", "pairs": [...]}``
    or ``{"kind": "text", "text": ...}``."""
    value = _maybe_json(value)
    if isinstance(value, dict):
        return {"kind": "pairs", "pairs": [(str(k), cell(v)) for k, v in value.items()]}
    if isinstance(value, list | tuple) and value and all(isinstance(v, dict) for v in value):
        cols: list[str] = []
        for v in value:
            cols += [k for k in v if k not in cols]
        return {
            "kind": "table",
            "columns": cols,
            "rows": [[cell(v.get(c)) for c in cols] for v in value],
        }
    return {"kind": "text", "text": cell(value)}


def as_of_pairs(value: Any) -> list[tuple[str, str]]:
    """(source, as-of date) pairs from a MAP, STRUCT, JSON text or a list of {source, as_of...}."""
    value = _maybe_json(value)
    if isinstance(value, dict):
        return [(str(k), cell(v)) for k, v in sorted(value.items())]
    if isinstance(value, list | tuple):
        pairs = []
        for v in value:
            if isinstance(v, dict):
                src = v.get("source") or v.get("key") or "?"
                when = v.get("as_of_date", v.get("as_of", v.get("value")))
                pairs.append((str(src), cell(when)))
        return sorted(pairs)
    return []


def count_or_list(value: Any) -> tuple[int | None, list[str]]:
    """members_verified / members_refused stored as a count or as a list of person keys."""
    value = _maybe_json(value)
    if value is None:
        return None, []
    if isinstance(value, list | tuple):
        return len(value), [str(v) for v in value]
    return int(value), []


def pivot_income(rows: list[dict[str, Any]]) -> dict[str, Any]:
    """Monthly income rows -> a table: one line per (person, source, item), one column per
    period, plus the 12-month total and monthly average; and per-period totals by source."""
    periods = sorted({str(r["period"]) for r in rows})
    lines: dict[tuple[str, str, str], dict[str, float]] = {}
    by_source: dict[tuple[str, str], float] = {}
    for r in rows:
        key = (r["person_key"], r["source"], r["item"])
        period, amount = str(r["period"]), float(r["amount"] or 0)
        lines.setdefault(key, {})[period] = lines.get(key, {}).get(period, 0.0) + amount
        by_source[(period, r["source"])] = by_source.get((period, r["source"]), 0.0) + amount
    table = []
    for (person_key, source, item), amounts in sorted(lines.items()):
        total = sum(amounts.values())
        table.append(
            {
                "person_key": person_key,
                "source": source,
                "item": item,
                "amounts": [amounts.get(p, 0.0) for p in periods],  # no record: 0
                "total": total,
                "average": total / len(periods) if periods else 0.0,
            }
        )
    long = [{"period": p, "source": s, "amount": a} for (p, s), a in sorted(by_source.items())]
    return {"periods": periods, "lines": table, "by_source": long}
