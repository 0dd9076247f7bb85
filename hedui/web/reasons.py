"""Why a result is what it is, in words and figures, with the standards in force.

The standards come from the warehouse (``marts.policy_parameter_history``, the rows the run used),
never from numbers written here. For a result row (household_verification or
verification_reports) this module gives each figure with its standard and formula, the amount's
formula ((1,010 − 700) × 2 = 620) and the tests that decided the tier, each passed or failed and
by how much. A figure the warehouse does not know (null) is said to be unknown, never zero.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from hedui.web import queries as q

Row = dict[str, Any]


def num(value: Decimal | float | int | None) -> str:
    """1,010 / 1.5 / 1,515.25: thousands separators, no trailing zeros."""
    if value is None:
        return "—"
    d = Decimal(str(value))
    if d == d.to_integral_value():
        return f"{int(d):,}"
    return f"{d.normalize():,f}"


def yuan(value: Decimal | float | int | None) -> str:
    """¥1,010 or ¥1,515.50 (cents shown when there are any)."""
    if value is None:
        return "—"
    d = Decimal(str(value))
    if d == d.to_integral_value():
        return f"¥{int(d):,}"
    return f"¥{d.quantize(Decimal('0.01'), ROUND_HALF_UP):,.2f}"


@dataclass(frozen=True)
class Standards:
    """The policy parameters in force for a run, and the full dated history."""

    values: dict[str, Decimal]
    version: str | None
    history: list[Row] = field(default_factory=list)

    def get(self, name: str) -> Decimal | None:
        return self.values.get(name)

    def product(self, a: str, b: str) -> Decimal | None:
        x, y = self.get(a), self.get(b)
        return None if x is None or y is None else x * y

    @property
    def dibao(self) -> Decimal | None:
        return self.get("dibao_standard")

    @property
    def low_income_line(self) -> Decimal | None:
        return self.product("low_income_multiplier", "dibao_standard")

    @property
    def asset_limit(self) -> Decimal | None:
        return self.product("asset_months", "dibao_standard")

    @property
    def available(self) -> bool:
        return bool(self.values)

    def line_text(self) -> str:
        """低收入线 1.5 × 1,010 = ¥1,515."""
        m, s, line = self.get("low_income_multiplier"), self.dibao, self.low_income_line
        return f"低收入线 low-income line {num(m)} × {num(s)} = {yuan(line)}"

    def asset_text(self) -> str:
        m, s, lim = self.get("asset_months"), self.dibao, self.asset_limit
        return f"人均金融资产限额 limit {num(m)} 个月 months × {num(s)} = {yuan(lim)}"


def standards(con: q.Con, run_date: date | None) -> Standards:
    rows = q.policy_parameters(con, run_date)
    in_force = {r["parameter"]: Decimal(str(r["value"])) for r in rows if r["in_force"]}
    versions = [str(r["version"]) for r in rows if r["in_force"]]
    return Standards(in_force, max(versions) if versions else None, rows)


@dataclass(frozen=True)
class Test:
    """One test of the rules: passed (True), failed (False) or unknown (None), with figures."""

    code: str | None  # the reason code when it fails (A1 ...), else None
    name: str
    passed: bool | None
    text: str


@dataclass(frozen=True)
class FigureLine:
    label: str
    value: str
    standard: str
    formula: str


def _d(value: Any) -> Decimal | None:
    return None if value is None else Decimal(str(value))


def _compare(value: Decimal | None, limit: Decimal | None) -> tuple[bool | None, Decimal | None]:
    """(value < limit, limit − value); unknown when either is."""
    if value is None or limit is None:
        return None, None
    return value < limit, limit - value


def tests(result: Row, std: Standards) -> list[Test]:
    """The tests behind the tier, in the order of the rules (docs/policy.md §5-6)."""
    codes = set(result.get("reason_codes") or [])
    income = _d(result.get("income_per_capita"))
    rigid = _d(result.get("rigid_expenditure_per_capita"))
    cash = _d(result.get("cash_assets_per_capita"))
    homes = result.get("residential_homes")
    out: list[Test] = []

    below, gap = _compare(income, std.dibao)
    if below is None:
        text = "月人均收入或低保标准未知，无法比较。 Income or standard unknown: not compared."
    elif below:
        text = (
            f"月人均收入 {yuan(income)} 低于低保标准 {yuan(std.dibao)}，差 {yuan(gap)}。"
            f" Income {yuan(income)} is {yuan(gap)} below the dibao standard {yuan(std.dibao)}."
        )
    else:
        text = (
            f"月人均收入 {yuan(income)} 不低于低保标准 {yuan(std.dibao)}（高出 {yuan(-gap)}）。"
            f" Income is {yuan(-gap)} at or above the dibao standard."
        )
    out.append(Test(None, "收入低于低保标准 Income below the dibao standard", below, text))

    line = std.low_income_line
    below_line, gap_line = _compare(income, line)
    if below_line is None:
        text = "月人均收入或低收入线未知。 Income or low-income line unknown."
    elif below_line:
        text = (
            f"月人均收入 {yuan(income)} 低于{std.line_text()}，差 {yuan(gap_line)}。"
            f" Income is {yuan(gap_line)} below the line."
        )
    else:
        text = (
            f"月人均收入 {yuan(income)} 达到或超过{std.line_text()}，"
            f"高出 {yuan(-gap_line)}（须低于该线）。"
            f" Income is {yuan(-gap_line)} at or above the line (must be below it)."
        )
    out.append(
        Test(
            "I_INCOME_ABOVE_LINE" if "I_INCOME_ABOVE_LINE" in codes else None,
            "收入低于低收入线 Income below the low-income line",
            below_line,
            text,
        )
    )

    net = None if income is None or rigid is None else income - rigid
    below_net, gap_net = _compare(net, line)
    if below_net is None:
        text = "扣除刚性支出后的收入未知。 Income net of rigid expenditure unknown."
    else:
        verdict = (
            f"低于低收入线 {yuan(line)}，差 {yuan(gap_net)}"
            if below_net
            else f"达到或超过低收入线 {yuan(line)}，高出 {yuan(-gap_net)}"
        )
        text = (
            f"扣除刚性支出后人均收入 {yuan(income)} − {yuan(rigid)} = {yuan(net)}，{verdict}。"
            f" Income net of rigid expenditure {yuan(net)} vs the line {yuan(line)}."
        )
    out.append(Test(None, "扣除刚性支出后低于低收入线 Net income below the line", below_net, text))

    limit = std.asset_limit
    over = None if cash is None or limit is None else cash > limit
    if over is None:
        text = "人均金融资产或限额未知。 Cash-type assets or their limit unknown."
    elif over:
        text = (
            f"人均金融资产 {yuan(cash)} 超过{std.asset_text()}，超出 {yuan(cash - limit)}。"
            f" Cash-type assets exceed the limit by {yuan(cash - limit)}."
        )
    else:
        text = (
            f"人均金融资产 {yuan(cash)} 未超过{std.asset_text()}，余 {yuan(limit - cash)}。"
            f" Within the limit by {yuan(limit - cash)}."
        )
    out.append(Test("A1" if over else None, "A1 金融资产 Cash-type assets", _not(over), text))

    out.append(
        _code_test(
            codes,
            "A2",
            "A2 机动车 Vehicles",
            result,
            "名下有正常状态的小汽车或货车。 A member owns a car or truck in normal status.",
            "无计入的机动车。 No car or truck counts.",
        )
    )
    max_homes = std.get("max_residential_homes")
    avg = std.get("city_avg_living_area_m2")
    out.append(
        _code_test(
            codes,
            "A3",
            "A3 住房 Homes",
            result,
            f"住房 {num(homes)} 套，超过 {num(max_homes)} 套且人均面积不低于本市平均"
            f" {num(avg)} m²。 More than {num(max_homes)} home(s), area per person at or above"
            f" {num(avg)} m².",
            f"住房 {num(homes)} 套；上限 {num(max_homes)} 套（人均面积不低于 {num(avg)} m² 时）。"
            f" Homes within the test.",
        )
    )
    out.append(
        _code_test(
            codes,
            "A4",
            "A4 商业用房 Commercial property",
            result,
            "持有有效的商业用房产权。 A member holds a valid commercial property.",
            "无商业用房。 No commercial property.",
        )
    )
    return out


def _not(value: bool | None) -> bool | None:
    return None if value is None else not value


def _code_test(
    codes: set[str], code: str, name: str, result: Row, failed: str, passed: str
) -> Test:
    """A test known from its reason code; unknown when the result's assets are unknown."""
    if code in codes:
        return Test(code, name, False, failed)
    known = result.get("tier") is not None or result.get("cash_assets_per_capita") is not None
    return Test(None, name, True if known else None, passed if known else "未知。 Unknown.")


def why(result: Row, std: Standards) -> list[str]:
    """The decisive reasons of the tier, in words and figures (never empty)."""
    tier = result.get("tier")
    codes = set(result.get("reason_codes") or [])
    all_tests = tests(result, std)
    if tier is None:
        if "V_AUTH_MISSING" in codes:
            return [
                "有成员未授权，未查询其数据，家庭收入和等级不予计算。"
                " A member gave no authorization: figures and tier are not computed."
            ]
        missing = ", ".join(result.get("missing_sources") or []) or "—"
        return [
            f"所需数据源缺失或记录被隔离（{missing}），结果可能因此改变，暂不判定。"
            f" A missing source could change the result, so it is not decided ({missing})."
        ]
    if tier == "none":
        lines = [t.text for t in all_tests if t.code and t.code.startswith("A")]
        if "I_INCOME_ABOVE_LINE" in codes:
            lines += [all_tests[1].text, all_tests[2].text]
        return lines or ["不符合任何救助类别。 No tier applies."]
    assets = (
        "资产核查（A1–A4）全部通过。 All asset tests (A1–A4) pass."
        if not [t for t in all_tests if t.code and t.code.startswith("A")]
        else ""
    )
    lines: list[str] = []
    if tier in ("tekun", "dibao"):
        lines.append(all_tests[0].text)
        if tier == "tekun":
            lines.append("全体成员无劳动能力。 Every member lacks capacity to work.")
    elif tier == "low_income":
        lines += [all_tests[0].text, all_tests[1].text]
    elif tier == "expenditure_hardship":
        lines += [all_tests[1].text, all_tests[2].text]
    return [line for line in (*lines, assets) if line]


def amount_formula(result: Row, std: Standards) -> str:
    """The formula of the monthly amount: (1,010 − 700) × 2 = 620."""
    tier, amount = result.get("tier"), result.get("monthly_amount")
    n = result.get("member_count")
    income = _d(result.get("income_per_capita"))
    if tier == "dibao":
        return f"({num(std.dibao)} − {num(income)}) × {num(n)} = {num(amount)}"
    if tier == "tekun":
        return f"{num(std.get('tekun_dispersed'))} × {num(n)} = {num(amount)}"
    if tier == "low_income":
        spd = result.get("single_person_dibao_count")
        aid = std.get("low_income_aid")
        if spd is None or amount is None:  # lost disability rows: the count is unknown, not 0
            return (
                f"{num(aid)} + {num(std.dibao)} × ? : 单人保人数待定（残疾数据不完整）"
                " the number of single-person dibao members is unknown (disability data incomplete)"
            )
        return f"{num(aid)} + {num(std.dibao)} × {num(spd)} = {num(amount)}"
    if tier == "expenditure_hardship":
        return "个案确定 decided case by case"
    if tier == "none":
        return "不符合，金额 0 none: 0"
    return "未计算 not computed"


def figure_lines(result: Row, std: Standards) -> list[FigureLine]:
    """Each figure of the result with its standard in force and its formula."""
    n = result.get("member_count")
    income = _d(result.get("income_per_capita"))
    rigid = _d(result.get("rigid_expenditure_per_capita"))
    cash = _d(result.get("cash_assets_per_capita"))
    window = std.get("income_window_months")
    net = None if income is None or rigid is None else income - rigid
    lines = [
        FigureLine("家庭人口 Members", num(n), "—", "正常状态、未死亡的成员 living members"),
        FigureLine(
            "月人均收入 Income per person / month",
            yuan(income),
            f"低保标准 {yuan(std.dibao)}；{std.line_text()}",
            f"成员近 {num(window)} 个月月均收入之和 ÷ {num(n)} 人"
            f" (sum of members' {num(window)}-month averages ÷ members)",
        ),
        FigureLine(
            "月人均刚性支出 Rigid expenditure / person / month",
            yuan(rigid),
            std.line_text(),
            f"{yuan(income)} − {yuan(rigid)} = {yuan(net)}",
        ),
        FigureLine(
            "人均金融资产 Cash-type assets per person",
            yuan(cash),
            std.asset_text(),
            f"金融资产合计 ÷ {num(n)} 人 (total ÷ members)",
        ),
        FigureLine(
            "住房套数 Residential homes",
            num(result.get("residential_homes")),
            f"上限 {num(std.get('max_residential_homes'))} 套，人均"
            f" {num(std.get('city_avg_living_area_m2'))} m²",
            "产权住房 + 在租公租房 certificates + public rentals",
        ),
        FigureLine(
            "月救助金额 Monthly amount",
            yuan(result.get("monthly_amount")),
            _amount_standard(result.get("tier"), std),
            amount_formula(result, std),
        ),
    ]
    return lines


def _amount_standard(tier: str | None, std: Standards) -> str:
    if tier == "dibao":
        return f"低保标准 {yuan(std.dibao)}（补差 top-up）"
    if tier == "tekun":
        return f"特困分散供养 {yuan(std.get('tekun_dispersed'))}/人"
    if tier == "low_income":
        return f"低收入家庭救助 {yuan(std.get('low_income_aid'))}/户 + 单人保 {yuan(std.dibao)}/人"
    return "—"
