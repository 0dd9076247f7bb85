"""Reference computation of docs/policy.md sections 2-9 over one day's scenario rows.

A small, plain-Python restatement of the rules, independent of the warehouse, used to derive
the scenario ground truth from exactly the rows delivered. Money is computed with exact
fractions and reported to the cent (half-up); benefits are rounded half-up to whole yuan.
``exact`` on a figure set says no rounding happened (the planted data avoid ambiguity).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from fractions import Fraction

from hedui.generator.scenario_time import (
    age_on,
    cents,
    full_months_before,
    in_last_days,
    in_last_year,
    school_year,
    yuan,
)
from hedui.policy_params import PolicyParams, categories_on

CASH_SOURCES = {
    "deposit": "balance_cny",
    "wealth_product": "market_value",
    "stock": "market_value",
    "bond": "market_value",
    "fund": "market_value",
}
TIER_CATEGORIES = ("tekun", "dibao", "low_income", "expenditure_hardship")
CATEGORY_ORDER = (*TIER_CATEGORIES, "assisted", "monitored")
CASE_LINE_MULTIPLIER = {"dibao": 1, "tekun_centralized": 1, "tekun_dispersed": 1}


def _frac(value: object) -> Fraction:
    return Fraction(Decimal(str(value))) if value is not None else Fraction(0)


def _sum(values: Iterable[Fraction]) -> Fraction:
    return sum(values, Fraction(0))


def _money(value: Fraction) -> float:
    return float(cents(value))


@dataclass
class Figures:
    """Household figures and tier of policy sections 3-6 for one member set."""

    member_count: int
    income_pc: Fraction
    rigid_pc: Fraction
    cash_pc: Fraction
    homes: int
    area_pc: Fraction
    failed: list[str]
    tier: str
    amount: int | None
    single_person_dibao: int
    reasons: list[str]
    exact: bool  # no rounding happened in the per-capita figures

    def as_dict(self) -> dict:
        return {
            "member_count": self.member_count,
            "income_per_capita": _money(self.income_pc),
            "rigid_expenditure_per_capita": _money(self.rigid_pc),
            "cash_assets_per_capita": _money(self.cash_pc),
            "residential_homes": self.homes,
            "tier": self.tier,
            "monthly_amount": self.amount,
            "single_person_dibao_count": self.single_person_dibao,
            "reason_codes": self.reasons,
            "complete": True,
            "missing_sources": [],
        }


class DayData:
    """One day's rows, indexed by person, with the rules evaluated on demand."""

    def __init__(self, rows: dict[str, list[dict]], day: date, params: PolicyParams) -> None:
        self.day = day
        self.p = params
        self.std = Fraction(params.dibao_standard)
        self.categories = categories_on(day)
        self.horizon = int(params.warning_horizon_days)
        self.by: dict[str, dict[str, list[dict]]] = {}
        for source, key in (
            ("tax", "id_number"),
            ("social_insurance", "id_number"),
            ("medical_claims", "id_number"),
            ("education", "id_number"),
            ("disability", "id_number"),
            ("vehicle", "owner_id_number"),
            ("real_estate", "owner_id_number"),
            ("public_housing", "id_number"),
            ("market_entity", "person_id_number"),
            ("employment", "id_number"),
            ("commercial_insurance", "id_number"),
            *((s, "id_number") for s in CASH_SOURCES),
        ):
            index: dict[str, list[dict]] = defaultdict(list)
            for row in rows.get(source, []):
                index[row[key]].append(row)
            self.by[source] = index
        self.hukou = {r["id_number"]: r for r in rows.get("hukou", [])}
        self.death = {
            r["id_number"]: r["death_date"] for r in rows.get("death", []) if r["death_date"] <= day
        }
        self.cert_rows: dict[str, list[dict]] = defaultdict(list)
        for row in rows.get("real_estate", []):
            self.cert_rows[row["cert_no"]].append(row)
        self.cases: dict[str, list[dict]] = defaultdict(list)
        for row in rows.get("assistance_roll", []):
            self.cases[row["case_no"]].append(row)
        self.requests: dict[str, list[dict]] = defaultdict(list)
        for row in rows.get("verification_request", []):
            self.requests[row["request_id"]].append(row)
        self.window = int(params.income_window_months)
        self.periods12 = full_months_before(day, self.window)
        self._income: dict[str, dict[str, Fraction]] = {}

    # ------------------------------------------------------------------ people

    def dead(self, pid: str) -> bool:
        return pid in self.death or self.hukou.get(pid, {}).get("status") == "deceased"

    def death_date(self, pid: str) -> date | None:
        if pid in self.death:
            return self.death[pid]
        row = self.hukou.get(pid)
        return row["status_date"] if row and row["status"] == "deceased" else None

    def age(self, pid: str, on: date | None = None) -> int:
        return age_on(self.hukou[pid]["birth_date"], on or self.day)

    def certs(self, pid: str) -> list[dict]:
        """Disability certificates that count on the day."""
        return [
            r
            for r in self.by["disability"].get(pid, [])
            if r["cert_issue_date"] <= self.day
            and (r["cert_valid_until"] is None or r["cert_valid_until"] >= self.day)
        ]

    def severe(self, pid: str) -> bool:
        """Grade 1-2, or grade 3 intellectual/mental (single-person dibao, no work capacity)."""
        return any(
            r["disability_grade"] <= self.p.severe_disability_grade_max
            or (
                r["disability_grade"] <= self.p.mental_disability_grade_max
                and r["disability_category"] in self.categories["mental_disability_categories"]
            )
            for r in self.certs(pid)
        )

    def lacks_capacity(self, pid: str) -> bool:
        age = self.age(pid)
        return age >= self.p.elderly_age or age < self.p.working_age_min or self.severe(pid)

    def hukou_households(self) -> dict[str, list[str]]:
        """household_no -> members (status normal, not dead), in hukou order."""
        out: dict[str, list[str]] = defaultdict(list)
        for pid, row in self.hukou.items():
            out.setdefault(row["household_no"], [])
            if row["status"] == "normal" and not self.dead(pid):
                out[row["household_no"]].append(pid)
        return dict(out)

    # ------------------------------------------------------------------ income

    def monthly_income(self, pid: str) -> dict[str, Fraction]:
        """Section 3 income of one person per period (every delivered period)."""
        if pid in self._income:
            return self._income[pid]
        out: dict[str, Fraction] = defaultdict(Fraction)
        self._income[pid] = out
        for r in self.by["tax"].get(pid, []):
            out[r["period"]] += _frac(r["income"])
        for r in self.by["social_insurance"].get(pid, []):
            if (
                r["record_type"] == "benefit"
                and r["item"] in self.categories["income_benefit_items"]
                and r["payment_status"] == "paid"
            ):
                out[r["period"]] += _frac(r["amount"])
        return out

    def household_month(self, members: Iterable[str], period: str) -> Fraction:
        return sum((self.monthly_income(m).get(period, Fraction(0)) for m in members), Fraction(0))

    def income12(self, members: list[str]) -> Fraction:
        """Household income summed over the 12 full months before the day."""
        return sum((self.household_month(members, p) for p in self.periods12), Fraction(0))

    # ------------------------------------------------------------------ figures

    def rows_of(self, source: str, members: Iterable[str]) -> list[dict]:
        return [r for m in members for r in self.by[source].get(m, [])]

    def oop12(self, members: list[str]) -> Fraction:
        return _sum(
            _frac(r["out_of_pocket"])
            for r in self.rows_of("medical_claims", members)
            if in_last_year(r["settle_date"], self.day)
        )

    def education_cost(self, members: list[str]) -> Fraction:
        year = school_year(self.day, int(self.p.school_year_start_month))
        return sum(
            (
                _frac(r["tuition_per_year"]) + _frac(r["boarding_per_year"])
                for m in members
                for r in self.by["education"].get(m, [])
                if r["school_year"] == year
                and r["enrollment_status"] == "enrolled"
                and r["stage"] in self.categories["non_compulsory_stages"]
            ),
            Fraction(0),
        )

    def cash(self, members: list[str]) -> Fraction:
        total = _sum(
            _frac(r[column])
            for source, column in CASH_SOURCES.items()
            for r in self.rows_of(source, members)
        )
        total += _sum(
            _frac(r["cash_value"])
            for r in self.rows_of("commercial_insurance", members)
            if r["product_type"] in self.categories["cash_insurance_types"]
        )
        total += _sum(
            _frac(r["subscribed_capital"])
            for r in self.rows_of("market_entity", members)
            if r["role"] == "investor" and r["status"] == "active"
        )
        return total

    def homes(self, members: list[str]) -> tuple[int, Fraction]:
        """Residential homes (distinct certs + active public rentals) and their floor area."""
        certs = {
            r["cert_no"]
            for m in members
            for r in self.by["real_estate"].get(m, [])
            if r["property_use"] == "residential" and r["status"] == "valid"
        }
        area = sum((_frac(self.cert_rows[c][0]["floor_area_m2"]) for c in certs), Fraction(0))
        rentals = [
            r
            for m in members
            for r in self.by["public_housing"].get(m, [])
            if r["housing_type"] == "public_rental"
            and r["start_date"] <= self.day
            and (r["end_date"] is None or r["end_date"] >= self.day)
        ]
        area += sum((_frac(r["floor_area_m2"]) for r in rentals), Fraction(0))
        return len(certs) + len(rentals), area

    def failed_tests(
        self, members: list[str], cash_pc: Fraction, homes: int, area_pc: Fraction
    ) -> list[str]:
        failed = []
        if cash_pc > Fraction(self.p.asset_limit):
            failed.append("A1")
        if any(
            r["vehicle_type"] in self.categories["non_exempt_vehicle_types"]
            and r["status"] == "normal"
            for m in members
            for r in self.by["vehicle"].get(m, [])
        ):
            failed.append("A2")
        if homes > self.p.max_residential_homes and area_pc >= Fraction(
            self.p.city_avg_living_area_m2
        ):
            failed.append("A3")
        if any(
            r["property_use"] == "commercial" and r["status"] == "valid"
            for m in members
            for r in self.by["real_estate"].get(m, [])
        ):
            failed.append("A4")
        return failed

    def member_average(self, pid: str) -> Fraction:
        """A person's monthly average over the 12 full months (exact)."""
        income = self.monthly_income(pid)
        total = sum((income.get(p, Fraction(0)) for p in self.periods12), Fraction(0))
        return total / self.window

    def figures(self, members: list[str]) -> Figures:
        n = len(members)
        income = sum((Fraction(cents(self.member_average(m))) for m in members), Fraction(0))
        exact_pc = sum((self.member_average(m) for m in members), Fraction(0)) / n
        income_pc = Fraction(cents(income / n))
        yearly_rigid = self.oop12(members) + self.education_cost(members)
        rigid_pc = Fraction(cents(yearly_rigid / 12 / n))
        cash_pc = self.cash(members) / n
        homes, area = self.homes(members)
        area_pc = area / n
        failed = self.failed_tests(members, cash_pc, homes, area_pc)
        ok = not failed
        li_line = Fraction(self.p.low_income_line)
        spd = 0
        if ok and income_pc < self.std and all(self.lacks_capacity(m) for m in members):
            tier, amount = "tekun", int(self.p.tekun_dispersed) * n
        elif ok and income_pc < self.std:
            tier, amount = "dibao", yuan(cents((self.std - income_pc) * n))
        elif ok and income_pc < li_line:
            spd = sum(self.severe(m) for m in members)
            tier, amount = "low_income", int(self.p.low_income_aid + self.p.dibao_standard * spd)
        elif ok and income_pc - rigid_pc < li_line:
            tier, amount = "expenditure_hardship", None
        else:
            tier, amount = "none", 0
        above_line = income_pc >= li_line and income_pc - rigid_pc >= li_line
        reasons = sorted(
            failed
            + (["I_INCOME_ABOVE_LINE"] if above_line else [])
            + (["T_SUPPORTER_CHECK"] if tier == "tekun" else [])
        )
        exact = (
            exact_pc == income_pc
            and rigid_pc * 12 * n == yearly_rigid
            and Fraction(cents(cash_pc)) == cash_pc
        )
        return Figures(
            n,
            income_pc,
            rigid_pc,
            cash_pc,
            homes,
            area_pc,
            failed,
            tier,
            amount,
            spd,
            reasons,
            exact,
        )

    # ------------------------------------------------------------------ warnings

    def warnings(self, household_no: str, members: list[str]) -> dict[str, str]:
        """Warning code -> severity for one monitored hukou household (section 8)."""
        out: dict[str, str] = {}
        n = len(members)
        monthly = [self.household_month(members, p) for p in self.periods12]
        recent, base = int(self.p.warning_recent_months), int(self.p.warning_base_months)
        mean3 = sum(monthly[:recent], Fraction(0)) / recent / n
        mean9 = sum(monthly[recent : recent + base], Fraction(0)) / base / n
        if mean3 < Fraction(self.p.income_drop_ratio) * mean9 and mean3 < Fraction(
            self.p.monitor_line
        ):
            out["W_INCOME_DROP"] = "red" if mean3 < Fraction(self.p.low_income_line) else "orange"
        income12 = sum(monthly, Fraction(0))
        oop12 = self.oop12(members)
        inpatient = any(
            r["visit_type"] == "inpatient"
            and _frac(r["out_of_pocket"]) >= Fraction(self.p.inpatient_oop_alert)
            and in_last_days(r["settle_date"], self.day, self.horizon)
            for m in members
            for r in self.by["medical_claims"].get(m, [])
        )
        share = oop12 > 0 and oop12 >= Fraction(self.p.medical_income_share) * income12
        if inpatient or share:
            out["W_MEDICAL"] = "red" if inpatient and share else "orange"
        if any(
            self._death_warning(pid)
            for pid, row in self.hukou.items()
            if row["household_no"] == household_no
        ):
            out["W_DEATH"] = "orange"
        if any(
            r["disability_grade"] <= self.p.severe_disability_grade_max
            and in_last_days(r["cert_issue_date"], self.day, self.horizon)
            for m in members
            for r in self.certs(m)
        ):
            out["W_DISABILITY"] = "orange"
        if any(self._job_loss(m) for m in members):
            out["W_JOB_LOSS"] = "yellow"
        education = self.education_cost(members)
        if education > 0 and education >= Fraction(self.p.education_income_share) * income12:
            out["W_EDUCATION"] = "yellow"
        return out

    def _death_warning(self, pid: str) -> bool:
        when = self.death_date(pid)
        if when is None or not in_last_days(when, self.day, self.horizon):
            return False
        income = self.monthly_income(pid)
        age = self.age(pid, when)
        return self.p.death_age_min <= age <= self.p.death_age_max and any(
            income.get(p) for p in self.periods12
        )

    def _job_loss(self, pid: str) -> bool:
        paid = {
            r["period"]
            for r in self.by["social_insurance"].get(pid, [])
            if r["record_type"] == "contribution"
            and r["item"] == "pension"
            and r["payment_status"] == "paid"
        }
        months = self.periods12
        recent, base = int(self.p.warning_recent_months), int(self.p.warning_base_months)
        before = set(months[recent : recent + base])
        if (
            not paid & set(months[:recent])
            and len(paid & before) >= self.p.job_loss_paid_months_min
        ):
            return True
        return any(
            r["status"] == "registered_unemployed"
            and in_last_days(r["registered_date"], self.day, self.horizon)
            and (r["end_date"] is None or r["end_date"] > self.day)
            for r in self.by["employment"].get(pid, [])
        )

    # ------------------------------------------------------------------ cases, requests

    def case_active(self, rows: list[dict]) -> bool:
        start, end = rows[0]["start_date"], rows[0]["end_date"]
        return start <= self.day and (end is None or end >= self.day)

    def reviews(self, rows: list[dict], fig: Figures) -> list[str]:
        atype = rows[0]["assistance_type"]
        ids = [r["id_number"] for r in rows]
        alive = [m for m in ids if not self.dead(m)]
        out = []
        if atype != "expenditure_hardship":
            line = self.std if atype in CASE_LINE_MULTIPLIER else Fraction(self.p.low_income_line)
            if fig.income_pc >= line:
                out.append("R_INCOME")
        out += [
            code for test, code in (("A1", "R_ASSETS"), ("A2", "R_VEHICLE")) if test in fig.failed
        ]
        if {"A3", "A4"} & set(fig.failed):
            out.append("R_PROPERTY")
        if len(alive) < len(ids):
            out.append("R_DECEASED")
        if any(self.hukou.get(m, {}).get("status") == "moved_out" for m in ids):
            out.append("R_MOVED")
        start = rows[0]["start_date"]
        if any(
            r["role"] == "investor" and r["status"] == "active" and r["established_date"] > start
            for m in alive
            for r in self.by["market_entity"].get(m, [])
        ):
            out.append("R_BUSINESS")
        return sorted(out)

    def request_report(self, rows: list[dict]) -> dict:
        ids = [r["member_id_number"] for r in rows]
        unsigned = {r["member_id_number"] for r in rows if r["authorization_no"] is None}
        # a dead member is not a member (§2): without an authorization, no refusal
        refused = sum(
            1
            for r in rows
            if r["authorization_no"] is None and not self.dead(r["member_id_number"])
        )
        report = {"members_verified": len(ids) - len(unsigned), "members_refused": refused}
        if refused:
            report.update(
                {
                    "member_count": len(ids),
                    "income_per_capita": None,
                    "rigid_expenditure_per_capita": None,
                    "cash_assets_per_capita": None,
                    "residential_homes": None,
                    "tier": None,
                    "monthly_amount": None,
                    "single_person_dibao_count": None,
                    "reason_codes": ["V_AUTH_MISSING"],
                    "complete": False,
                }
            )
            return report
        looked_up = [m for m in ids if m not in unsigned] or ids  # the signed members
        fig = self.figures(looked_up).as_dict()
        fig.pop("missing_sources")
        return {**fig, **report}


def evaluate(rows: dict[str, list[dict]], day: date, params: PolicyParams) -> dict:
    """Every expected output of one day (before the warning lifecycle across days)."""
    data = DayData(rows, day, params)
    case_members: set[str] = set()
    cases = {}
    for case_no, crow in sorted(data.cases.items()):
        alive = [r["id_number"] for r in crow if not data.dead(r["id_number"])]
        fig = data.figures(alive)
        active = data.case_active(crow)
        if active:
            case_members.update(alive)
        cases[case_no] = {
            "active": active,
            "household": {
                k: v for k, v in fig.as_dict().items() if k not in ("complete", "missing_sources")
            },
            "reviews": data.reviews(crow, fig) if active else [],
            "exact": fig.exact,
        }
    households: dict[str, dict] = {}
    population: dict[str, dict[str, list[str]]] = defaultdict(dict)
    for hno, members in sorted(data.hukou_households().items()):
        if not members:
            continue
        fig = data.figures(members)
        assisted = bool(case_members & set(members))
        monitored = fig.tier != "none" or assisted or fig.income_pc < Fraction(params.monitor_line)
        households[hno] = {
            "verification": fig.as_dict(),
            "exact": fig.exact,
            "monitored": monitored,
            "fired": data.warnings(hno, members) if monitored else {},
            "outreach": None
            if assisted or fig.tier == "none"
            else {"tier": fig.tier, "monthly_amount": fig.amount},
        }
        for m in members:
            cats = [fig.tier] if fig.tier != "none" else []
            cats += ["assisted"] if m in case_members else []
            cats += ["monitored"] if fig.income_pc < Fraction(params.monitor_line) else []
            if cats:
                population[hno][m] = cats
    for m in sorted(case_members):
        hno = data.hukou[m]["household_no"]
        population[hno].setdefault(m, ["assisted"])
    requests = {rid: data.request_report(r) for rid, r in sorted(data.requests.items())}
    return {
        "households": households,
        "cases": cases,
        "requests": requests,
        "population": dict(population),
    }
