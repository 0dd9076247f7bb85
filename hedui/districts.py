"""Tianjin's administrative divisions today (16 districts) and the retired codes older records
still carry, each mapped to the district that replaced it (塘沽、汉沽、大港 merged into 滨海新区
in 2009; 宁河县、静海县、蓟县 became districts in 2015-2016). For display and statistics only:
district is never a rule input (docs/policy.md §10)."""

from __future__ import annotations

#: current district code -> name
CURRENT: dict[str, str] = {
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
}

#: retired code -> (current code, former name)
RETIRED: dict[str, tuple[str, str]] = {
    "120107": ("120116", "塘沽区"),
    "120108": ("120116", "汉沽区"),
    "120109": ("120116", "大港区"),
    "120221": ("120117", "宁河县"),
    "120223": ("120118", "静海县"),
    "120225": ("120119", "蓟县"),
}


def current_code(code: str) -> str:
    """The code of today's district for any code (a retired one maps to its successor)."""
    return RETIRED[code][0] if code in RETIRED else code


def district_name(code: str) -> str:
    """Today's district name of a code; unknown codes unchanged."""
    return CURRENT.get(current_code(code), code)
