"""Province-level regions (GB/T 2260 codes) and how the cross-region exchange's states read.

The 京津冀 exchange (docs/exchange.md) names a partner region by its code: ``110000`` Beijing,
``130000`` Hebei; a member from any other region has no partner. Pages show the name beside
the code, and the state of a query or of a member's figures in both languages.
"""

from __future__ import annotations

REGION_NAMES: dict[str, str] = {
    "110000": "北京市",
    "120000": "天津市",
    "130000": "河北省",
    "140000": "山西省",
    "150000": "内蒙古自治区",
    "210000": "辽宁省",
    "220000": "吉林省",
    "230000": "黑龙江省",
    "310000": "上海市",
    "320000": "江苏省",
    "330000": "浙江省",
    "340000": "安徽省",
    "350000": "福建省",
    "360000": "江西省",
    "370000": "山东省",
    "410000": "河南省",
    "420000": "湖北省",
    "430000": "湖南省",
    "440000": "广东省",
    "450000": "广西壮族自治区",
    "460000": "海南省",
    "500000": "重庆市",
    "510000": "四川省",
    "520000": "贵州省",
    "530000": "云南省",
    "540000": "西藏自治区",
    "610000": "陕西省",
    "620000": "甘肃省",
    "630000": "青海省",
    "640000": "宁夏回族自治区",
    "650000": "新疆维吾尔自治区",
    "710000": "台湾省",
    "810000": "香港特别行政区",
    "820000": "澳门特别行政区",
}
CROSS_REGION_PREFIX = "cross_region:"

#: cross_region_queries / cross_region_waiting status -> label
QUERY_STATUS_LABELS = {
    "sent": "已发送待答复 sent, waiting",
    "unsent": "未能发送 not yet sent",
    "overdue": "逾期未答复 overdue",
    "refused": "对方拒绝 refused",
    "answered": "已答复 answered",
    "not_found": "对方无记录 not found",
}

#: verification_report_members finding of a cross_region:<region> row -> label
FINDING_LABELS = {
    "found": "已答复，采用对方数据 answered: the partner's figures count",
    "none_found": "对方无记录，按零计 the partner holds nothing: zero there",
    "awaiting_answer": "待对方答复，结果待定 awaiting the answer: undecided",
    "overdue": "对方逾期未答复，结果待定 no answer in time: undecided",
    "refused": "对方拒绝查询，结果待定 refused: undecided, verify by hand",
    "no_partner": "该地区无联网查询，须人工核实 no partner: verify by hand",
    "not_looked_up": "未授权，未查询 no authorization: not asked",
}


def region_label(code: str | None) -> str:
    """'北京市 110000'; an unknown code keeps itself."""
    if not code:
        return "—"
    name = REGION_NAMES.get(code)
    return f"{name} {code}" if name else code


def cross_region_code(source: str | None) -> str | None:
    """The region of a ``cross_region:<code>`` source, else None."""
    if source and source.startswith(CROSS_REGION_PREFIX):
        return source[len(CROSS_REGION_PREFIX) :]
    return None


def cross_region_label(source: str) -> str:
    """'异地核查 北京市 cross_region:110000'."""
    code = cross_region_code(source) or ""
    name = REGION_NAMES.get(code)
    return f"异地核查 {name} {source}" if name else f"异地核查 {source}"
