"""One glossary for everything a person reads: sources, items, codes and parameters in Chinese.

The web pages, the PDF and the exports all label values through :func:`label`; a value with no
entry is shown as it is (never hidden). Source names come from the registry
(``hedui/contracts/sources.yaml``, its ``zh`` field), so a new source is labelled there.
"""

from __future__ import annotations

from functools import cache

from hedui.registry import load_registry
from hedui.web.regions import cross_region_code, cross_region_label

#: values of the registry's enums and of the marts' item / kind / type columns
ITEMS: dict[str, str] = {
    # income items (tax) and social-insurance items
    "wage": "工资薪金",
    "labor": "劳务报酬",
    "business": "经营所得",
    "royalty": "特许权使用费",
    "property_lease": "财产租赁",
    "interest_dividend": "利息股息红利",
    "other": "其他",
    "pension": "养老保险",
    "unemployment": "失业保险",
    "injury": "工伤保险",
    "enterprise_pension": "企业职工养老金",
    "public_pension": "机关事业养老金",
    "resident_pension": "城乡居民养老金",
    "unemployment_benefit": "失业保险金",
    "injury_benefit": "工伤保险待遇",
    # assets
    "demand": "活期存款",
    "time": "定期存款",
    "life": "寿险",
    "annuity": "年金险",
    "universal": "万能险",
    "investment_linked": "投资连结险",
    "health": "健康险",
    "accident": "意外险",
    "investor_capital": "企业出资额",
    "wealth_product": "理财产品",
    "stock": "股票",
    "bond": "债券",
    "fund": "基金",
    # vehicles and homes
    "car": "小汽车",
    "motorcycle": "摩托车",
    "truck": "货车",
    "disability_vehicle": "残疾人代步车",
    "low_speed": "低速车",
    "residential": "住宅",
    "commercial": "商业用房",
    "parking": "车位",
    "public_rental": "公租房",
    "rent_subsidy": "租房补贴",
    "affordable_purchase": "共有产权房",
    "certificate": "产权证",
    # expenditure
    "medical_out_of_pocket": "医疗自付",
    "education": "教育支出",
    # relations and statuses
    "head": "户主",
    "spouse": "配偶",
    "child": "子女",
    "parent": "父母",
    "grandchild": "孙子女",
    "grandparent": "祖父母",
    "sibling": "兄弟姐妹",
    "child_in_law": "儿媳/女婿",
    "applicant": "申请人",
    "member": "家庭成员",
    "normal": "正常",
    "deceased": "死亡",
    "moved_out": "迁出",
    "valid": "有效",
    "cancelled": "注销",
    "scrapped": "报废",
    "deregistered": "注销登记",
    "computed": "计算值",
}

#: parameter names of seeds/policy_parameters.csv
PARAMETERS: dict[str, str] = {
    "dibao_standard": "低保标准（元/人/月）",
    "low_income_multiplier": "低收入认定倍数",
    "low_income_aid": "低收入家庭救助（元/户/月）",
    "tekun_centralized": "特困集中供养标准（元/人/月）",
    "tekun_dispersed": "特困分散供养标准（元/人/月）",
    "asset_months": "金融资产限额月数",
    "city_avg_living_area_m2": "本市人均住房面积（m²）",
    "income_window_months": "收入计算月数",
    "monitor_multiplier": "监测线倍数",
    "inpatient_oop_alert": "单次住院自付预警额（元）",
    "elderly_age": "老年年龄",
    "working_age_min": "最低劳动年龄",
    "severe_disability_grade_max": "重度残疾等级上限",
    "mental_disability_grade_max": "智力/精神残疾等级上限",
    "max_residential_homes": "住房套数上限",
    "school_year_start_month": "学年起始月",
    "warning_horizon_days": "预警回看天数",
    "warning_recent_months": "收入骤降近期月数",
    "warning_base_months": "收入骤降基期月数",
    "income_drop_ratio": "收入骤降比例",
    "medical_income_share": "医疗支出占收入比例",
    "education_income_share": "教育支出占收入比例",
    "death_age_min": "劳动力死亡最低年龄",
    "death_age_max": "劳动力死亡最高年龄",
    "job_loss_paid_months_min": "失业预警最少缴费月数",
}


@cache
def source_names() -> dict[str, str]:
    """Registry source -> its Chinese name (户籍人口信息, ...)."""
    return {name: s.zh for name, s in load_registry().items()}


def source_label(source: str | None) -> str:
    """'户籍人口信息 hukou'; an unknown source keeps its name."""
    if not source:
        return "—"
    if cross_region_code(source) is not None:
        return cross_region_label(source)
    zh = source_names().get(source)
    return f"{zh} {source}" if zh else source


def item_label(value: str | None) -> str:
    """'工资薪金' for 'wage'; unknown values unchanged."""
    if value is None:
        return "—"
    return ITEMS.get(str(value), str(value))


def parameter_label(name: str) -> str:
    return PARAMETERS.get(name, name)


def label(value: object) -> str:
    """Any code-like value as its Chinese label: a source, an item, a parameter; else itself."""
    text = "—" if value is None else str(value)
    if text in source_names():
        return source_names()[text]
    return ITEMS.get(text) or PARAMETERS.get(text) or text
