"""Plain-language explanations of the codes a result carries (tiers, A1–A4, W_*, R_*, V_*, T_*).

Written for verification staff, not engineers: what the code means and what to do about it.
The wording follows the project's policy rules; a code not listed here is shown with a note that
no explanation is on file, never hidden. Numbers are never written here: the texts name the
parameters (``{dibao_standard}``, ``{asset_months}`` ...) and are filled with the values in force
from the warehouse (:mod:`hedui.web.reasons`); without them the text says "见政策参数".
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal


@dataclass(frozen=True)
class Explanation:
    code: str
    label: str  # short Chinese name
    text: str  # one or two plain sentences (Chinese, then English)


TIERS: dict[str, tuple[str, str]] = {
    "tekun": (
        "特困供养",
        "全体成员无劳动能力，人均收入低于低保标准，资产核查通过。"
        " Every member lacks capacity to work, income per person is below the dibao standard"
        " and the asset tests pass.",
    ),
    "dibao": (
        "最低生活保障",
        "人均收入低于低保标准，资产核查通过。"
        " Income per person is below the dibao standard and the asset tests pass.",
    ),
    "low_income": (
        "低保边缘（低收入家庭）",
        "人均收入不低于低保标准且低于其 {low_income_multiplier} 倍，资产核查通过。"
        " Income per person is at or above the dibao standard and below {low_income_multiplier}"
        " times it; asset tests pass.",
    ),
    "expenditure_hardship": (
        "支出型困难家庭",
        "扣除刚性支出后人均收入低于低保标准的 {low_income_multiplier} 倍，资产核查通过；"
        "金额个案确定。"
        " Income minus rigid expenditure is below {low_income_multiplier} times the dibao"
        " standard; the amount is"
        " decided case by case.",
    ),
    "none": (
        "不符合",
        "不符合任何救助类别：未通过的核查及差额见“判定理由”。"
        " No tier applies: the failed tests and by how much are under the reasons.",
    ),
}

_CODES: dict[str, tuple[str, str]] = {
    "A1": (
        "金融资产超标",
        "家庭人均存款、理财、股票、基金、保险现金价值等超过 {asset_months} 个月低保标准。"
        " Cash-type assets per person exceed {asset_months} months of the dibao standard.",
    ),
    "A2": (
        "名下有机动车",
        "家庭成员名下有正常状态的小汽车或货车（残疾人代步车、摩托车等除外）。"
        " A member owns a car or truck in normal status (disability vehicles, motorcycles exempt).",
    ),
    "A3": (
        "住房超标",
        "家庭住房（含公租房）超过 {max_residential_homes} 套，且人均住房面积不低于本市平均"
        " {city_avg_living_area_m2} m²。 More than {max_residential_homes} home(s) and floor area"
        " per person at or above the city average ({city_avg_living_area_m2} m²).",
    ),
    "A4": (
        "有商业用房",
        "家庭成员持有有效的商业用房产权。 A member holds a valid commercial property.",
    ),
    "I_INCOME_ABOVE_LINE": (
        "收入超过低收入线",
        "家庭月人均收入（扣除刚性支出前后）均不低于低收入线（低保标准的 {low_income_multiplier}"
        " 倍），不符合任何救助类别。 Income per person, with and without rigid expenditure, is at"
        " or above the low-income line ({low_income_multiplier} × the dibao standard).",
    ),
    "T_SUPPORTER_CHECK": (
        "需核实法定赡养人",
        "特困认定前，工作人员须核实是否有在外的法定赡养、抚养、扶养人。"
        " Staff must check whether a legal supporter lives elsewhere before confirming tekun.",
    ),
    "V_AUTH_MISSING": (
        "成员未授权",
        "申请中有成员未提供授权书编号，未对其查询；家庭收入和等级因此不予计算。"
        " A declared member gave no authorization, so was not looked up; the household cannot be"
        " judged on part of its members.",
    ),
    "W_INCOME_DROP": (
        "收入骤降",
        "近 {warning_recent_months} 个月人均收入低于此前 {warning_base_months} 个月均值的"
        " {income_drop_ratio_pct}%，且低于监测线。 Income of the last {warning_recent_months}"
        " months fell below {income_drop_ratio_pct} % of the {warning_base_months} months before,"
        " under the monitoring line.",
    ),
    "W_MEDICAL": (
        "大额医疗支出",
        "近 {warning_horizon_days} 天有住院自付不低于 {inpatient_oop_alert} 元，"
        "或 {income_window_months} 个月自付医疗费"
        "达家庭收入的 {medical_income_share_pct}% 以上。 An inpatient self-pay of at least"
        " {inpatient_oop_alert} yuan in the last {warning_horizon_days} days, or medical costs at"
        " {medical_income_share_pct} % of income.",
    ),
    "W_DEATH": (
        "劳动力死亡",
        "近 {warning_horizon_days} 天户内有 {death_age_min}–{death_age_max} 岁、有收入的成员死亡。"
        " A member aged {death_age_min}–{death_age_max} with income died in the last"
        " {warning_horizon_days} days.",
    ),
    "W_DISABILITY": (
        "新增重度残疾",
        "近 {warning_horizon_days} 天新办 {severe_disability_grade_max} 级及以上残疾证。"
        " A disability certificate of grade 1–{severe_disability_grade_max} issued in the last"
        " {warning_horizon_days} days.",
    ),
    "W_JOB_LOSS": (
        "失业",
        "成员养老保险缴费中断或新登记失业。"
        " A member's pension contributions stopped, or a new unemployment registration.",
    ),
    "W_EDUCATION": (
        "教育支出负担重",
        "非义务教育年费用达家庭年收入 {education_income_share_pct}% 以上。"
        " Yearly non-compulsory education cost is {education_income_share_pct} % or more of"
        " household income.",
    ),
    "R_INCOME": (
        "收入超过保障线",
        "在保家庭人均收入已达到其保障类别的标准线，需复核。"
        " Per-capita income reached the line of the case's type: review the case.",
    ),
    "R_ASSETS": (
        "金融资产超标",
        "在保家庭金融资产超标（A1）。 The case fails the cash-asset test (A1).",
    ),
    "R_VEHICLE": (
        "新增车辆",
        "在保家庭成员名下有机动车（A2）。 A case member owns a car or truck (A2).",
    ),
    "R_PROPERTY": (
        "房产超标",
        "在保家庭住房或商业用房超标（A3/A4）。 The case fails a property test (A3 or A4).",
    ),
    "R_DECEASED": ("成员死亡", "在保家庭有成员死亡。 A case member has died."),
    "R_MOVED": ("成员迁出", "在保家庭有成员户籍迁出。 A case member's hukou moved out."),
    "R_BUSINESS": (
        "新办企业",
        "成员在救助开始后成为新设立企业的出资人。"
        " A member invested in a business established after the case started.",
    ),
}

SEVERITY_LABELS = {"red": "红色", "orange": "橙色", "yellow": "黄色"}
STATUS_LABELS = {"new": "新增", "ongoing": "持续", "resolved": "已解除"}
CATEGORY_LABELS = {
    "tekun": "特困人员",
    "dibao": "低保对象",
    "low_income": "低保边缘",
    "expenditure_hardship": "支出型困难",
    "assisted": "在保对象",
    "monitored": "监测对象",
}
DQ_STATUS_LABELS = {"passed": "通过", "failed": "未通过", "missing": "未送达", "late": "迟到"}


def tier_label(tier: str | None) -> str:
    """'低保 (dibao)' style label; an absent tier means the tier was not computed."""
    if tier is None:
        return "未计算 (not computed)"
    zh = TIERS.get(tier, (tier, ""))[0]
    return f"{zh} ({tier})"


class _Params(dict):
    """Parameter values for the texts; a parameter the warehouse did not give says so."""

    def __missing__(self, key: str) -> str:
        return "〔见政策参数 see policy〕"


def _params(values: Mapping[str, Decimal] | None) -> _Params:
    out = _Params()
    for name, value in (values or {}).items():
        d = Decimal(str(value))
        out[name] = f"{int(d):,}" if d == d.to_integral_value() else f"{d.normalize():f}"
        out[f"{name}_pct"] = f"{(d * 100).normalize():f}"
    return out


def explain(code: str, params: Mapping[str, Decimal] | None = None) -> Explanation:
    """The explanation of a reason, warning or review code; unknown codes say so plainly.
    ``params``: the policy parameters in force (name -> value) that fill the texts."""
    values = _params(params)
    if code in _CODES:
        label, text = _CODES[code]
        return Explanation(code, label, text.format_map(values))
    if code in TIERS:
        label, text = TIERS[code]
        return Explanation(code, label, text.format_map(values))
    return Explanation(code, code, "暂无此代码的说明。 No explanation is on file for this code.")


def explain_all(
    codes: list[str] | None, params: Mapping[str, Decimal] | None = None
) -> list[Explanation]:
    return [explain(c, params) for c in (codes or [])]


def all_codes() -> list[str]:
    """Every code with an explanation on file (for the glossary of the policy page)."""
    return list(_CODES)
