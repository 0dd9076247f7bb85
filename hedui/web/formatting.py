"""Turning warehouse values into what a page shows: money, dates, evidence, as-of lists."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from hedui.districts import CURRENT, district_name

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
    "figures_region": "数据来源地区 Figures from region",
    "figures_as_of": "异地数据截止 Partner data as of",
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
    "warning_code": "预警 Warning",
    "reason_code": "原因代码 Code",
    "reason": "原因 Reason",
    "file": "文件 File",
    "line": "行 Line",
    "review_code": "复核 Review",
    "severity": "等级 Severity",
    "first_seen": "首次 First seen",
    "last_seen": "最近 Last seen",
    "income_per_capita": "月人均收入 Income / person",
    "region": "协查地区 Partner region",
    "query_status": "查询状态 Query status",
    "members_waiting": "待答复成员 Members waiting",
    "asked_on": "查询日期 Asked",
    "first_sent_at": "发送时间 Sent",
    "days_waiting": "等待天数 Days waiting",
    "overdue": "逾期 Overdue",
}

BEIJING = ZoneInfo("Asia/Shanghai")


def beijing(value: Any) -> str:
    """A moment as Beijing time, '2026-11-29 18:10:45 北京时间'; naive values are UTC; text in
    ISO form is parsed; anything else is shown as it is."""
    if value is None or value == "":
        return "—"
    if isinstance(value, str):
        try:
            value = datetime.fromisoformat(value)
        except ValueError:
            return value
    if not isinstance(value, datetime):
        return cell(value)
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return f"{value.astimezone(BEIJING):%Y-%m-%d %H:%M:%S} 北京时间"


#: today's Tianjin districts, code -> name (hedui.districts; retired codes map to successors)
DISTRICT_NAMES = dict(CURRENT)


def district_label(value: Any) -> str:
    """A district code as today's district name ("120101" -> "和平区"; the retired 塘沽 code
    120107 -> "滨海新区", merged in 2009); anything else unchanged."""
    return "?" if value is None else district_name(str(value))


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


def percent(value: Any) -> str:
    """A fraction as 25.0%; an undefined rate shows as a dash, never as zero."""
    if value is None:
        return "—"
    return f"{Decimal(str(value)) * 100:.1f}%"


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


def window_periods(run_date: date, months: int) -> list[str]:
    """The ``months`` full calendar months before ``run_date``'s month, oldest first
    ('2025-11' ... '2026-10' for a run in November 2026): the income window of the rules."""
    index = run_date.year * 12 + run_date.month - 1
    return [f"{i // 12:04d}-{i % 12 + 1:02d}" for i in range(index - months, index)]


def pivot_income(rows: list[dict[str, Any]], window: list[str] | None = None) -> dict[str, Any]:
    """Monthly income rows -> a table: one line per (person, source, item), one column per
    month of the window (every month, those without income too), its total and the monthly
    average the rule uses (total / months of the window); and per-month totals by source.
    Without a window, the months the rows have."""
    periods = list(window) if window else sorted({str(r["period"]) for r in rows})
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
    sources = sorted({s for _, s in by_source})
    long = [
        {"period": p, "source": s, "amount": by_source.get((p, s), 0.0)}
        for p in periods
        for s in sources
    ]
    month_totals = [sum(by_source.get((p, s), 0.0) for s in sources) for p in periods]
    total = sum(month_totals)
    return {
        "periods": periods,
        "lines": table,
        "by_source": long,
        "month_totals": month_totals,
        "total": total,
        "average": total / len(periods) if periods else 0.0,
    }
