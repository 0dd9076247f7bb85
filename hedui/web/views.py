"""What each page shows, assembled from :mod:`hedui.web.queries` (no SQL, no HTTP here).

The same objects feed the HTML pages, the PDF and the CLI functions.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from markupsafe import Markup

from hedui.web import charts, reasons
from hedui.web import queries as q
from hedui.web.explain import (
    CATEGORY_LABELS,
    SEVERITY_LABELS,
    TIERS,
    Explanation,
    explain,
    explain_all,
    tier_label,
)
from hedui.web.formatting import (
    as_of_pairs,
    count_or_list,
    district_label,
    pivot_income,
    structured,
    window_periods,
)
from hedui.web.glossary import source_label
from hedui.web.masking import mask_id_report, mask_name
from hedui.web.regions import FINDING_LABELS, cross_region_code, region_label

Row = dict[str, Any]
NOT_AVAILABLE = "此仓库中暂无该明细 (not available in this warehouse)"

FIGURES: list[tuple[str, str, str]] = [
    # (column, label, kind)
    ("member_count", "家庭人口 Members", "number"),
    ("income_per_capita", "月人均收入 Income per person / month", "money"),
    ("rigid_expenditure_per_capita", "月人均刚性支出 Rigid expenditure / person / month", "money"),
    ("cash_assets_per_capita", "人均金融资产 Cash-type assets per person", "money"),
    ("residential_homes", "住房套数 Residential homes", "number"),
    ("monthly_amount", "月救助金额 Monthly amount", "money"),
    ("single_person_dibao_count", "单人保人数 Single-person dibao", "number"),
]


@dataclass
class Section:
    """One detail table of a page; ``rows is None`` means the warehouse does not have it."""

    title: str
    rows: list[Row] | None

    @property
    def available(self) -> bool:
        return self.rows is not None

    @property
    def columns(self) -> list[str]:
        cols: list[str] = []
        for r in self.rows or []:
            cols += [k for k in r if k not in cols]
        return cols


def _with_explanations(
    rows: list[Row], code_col: str, std: reasons.Standards | None = None
) -> list[Row]:
    params = std.values if std else None
    return [
        {
            **r,
            "explanation": explain(r[code_col], params),
            "evidence_view": structured(r.get("evidence")),
        }
        for r in rows
    ]


def masked_members(con: q.Con, person_keys: list[str]) -> dict[str, tuple[str, str]]:
    """person_key -> (张*明, 1201**********123X) from the restricted identity table; {} when the
    warehouse has none. Full names and ID numbers only ever come from an audited reveal."""
    rows = q.identities(con, person_keys) if person_keys else None
    return {
        r["person_key"]: (mask_name(r["name"]), mask_id_report(r["id_number"])) for r in rows or []
    }


def income_window(run_date: date, std: reasons.Standards) -> list[str] | None:
    months = std.get("income_window_months")
    return window_periods(run_date, int(months)) if months is not None else None


# --- household -------------------------------------------------------------------------------


@dataclass
class HouseholdPage:
    household_id: str
    run_date: date
    result: Row
    tier_label: str
    tier_text: str
    explanations: list[Explanation]
    figures: list[tuple[str, Any, str]]
    members: Section
    person_keys: list[str]
    income: dict[str, Any] | None
    income_chart: Markup | None
    assets: Section
    vehicles: Section
    homes: Section
    expenditure: Section
    as_of: Section
    warnings: list[Row]
    population: list[Row]
    outreach: Row | None
    history: list[Row]
    standards: reasons.Standards = field(default_factory=lambda: reasons.Standards({}, None))
    why: list[str] = field(default_factory=list)
    figure_lines: list[reasons.FigureLine] = field(default_factory=list)
    masked: dict[str, tuple[str, str]] = field(default_factory=dict)
    identities: dict[str, Row] | None = None  # filled only by an audited reveal

    @property
    def row_count(self) -> int:
        """Rows of personal data the page shows (for the audit record)."""
        sections = (self.members, self.assets, self.vehicles, self.homes, self.expenditure)
        detail = sum(len(s.rows or []) for s in sections)
        return 1 + detail + len(self.income["lines"] if self.income else [])


def household_page(
    con: q.Con, household_id: str, run_date: date | None = None
) -> HouseholdPage | None:
    """Everything about one household's result for a run (the latest by default)."""
    run_date = run_date or q.household_latest_run(con, household_id)
    if run_date is None:
        return None
    result = q.household_result(con, household_id, run_date)
    if result is None:
        return None
    members = q.household_members(con, household_id, run_date, kind="hukou")
    population = q.household_population(con, household_id, run_date)
    keys = [m["person_key"] for m in members] if members else []
    keys = keys or sorted({p["person_key"] for p in population})
    std = reasons.standards(con, run_date)
    income_rows = q.member_income(con, keys, run_date)
    window = income_window(run_date, std)
    income = pivot_income(income_rows, window) if income_rows is not None else None
    chart = None
    if income and income["by_source"]:
        xs, series = charts.pivot(income["by_source"], "period", "source", "amount")
        chart = charts.bar_chart(xs, series, "家庭月收入 Household income by month and source")
    return HouseholdPage(
        household_id=household_id,
        run_date=run_date,
        result=result,
        tier_label=tier_label(result.get("tier")),
        tier_text=explain(result["tier"], std.values).text if result.get("tier") else "",
        explanations=explain_all(result.get("reason_codes"), std.values),
        figures=[(label, result.get(col), kind) for col, label, kind in FIGURES if col in result],
        standards=std,
        why=reasons.why(result, std),
        figure_lines=reasons.figure_lines(result, std),
        masked=masked_members(con, keys),
        members=Section("成员名单 Member list", members),
        person_keys=keys,
        income=income,
        income_chart=chart,
        assets=Section("资产 Assets", q.member_assets(con, keys, run_date)),
        vehicles=Section("车辆 Vehicles", q.member_vehicles(con, keys, run_date)),
        homes=Section("住房 Homes", q.member_homes(con, keys, run_date)),
        expenditure=Section("支出 Expenditure", q.member_expenditure(con, keys, run_date)),
        as_of=Section("数据截止日期 Source as-of dates", q.source_as_of(con, run_date)),
        warnings=_with_explanations(
            q.household_warnings(con, household_id, run_date), "warning_code", std
        ),
        population=[
            {**p, "category_label": CATEGORY_LABELS.get(p["category"], p["category"])}
            for p in population
        ],
        outreach=q.household_outreach(con, household_id, run_date),
        history=[
            {**h, "tier_label": tier_label(h["tier"])}
            for h in q.household_history(con, household_id)
        ],
    )


# --- case (recipient reviews) ----------------------------------------------------------------


@dataclass
class CasePage:
    case_no: str
    runs: list[tuple[date, list[Row]]]
    members: Section

    @property
    def row_count(self) -> int:
        return sum(len(r) for _, r in self.runs) + len(self.members.rows or [])


def case_page(con: q.Con, case_no: str, run_date: date | None = None) -> CasePage | None:
    """The case's reviews of every night up to ``run_date`` (default: all), newest first, and
    its members as of the newest of those nights."""
    reviews = q.case_reviews(con, case_no, until=run_date)
    if not reviews:
        return None
    runs: dict[date, list[Row]] = {}
    for r in _with_explanations(reviews, "review_code"):
        runs.setdefault(r["run_date"], []).append(r)
    latest = max(runs)
    return CasePage(
        case_no=case_no,
        runs=sorted(runs.items(), reverse=True),
        members=Section(
            "在保成员 Case members", q.household_members(con, case_no, latest, kind="case")
        ),
    )


# --- verification report ---------------------------------------------------------------------


@dataclass(frozen=True)
class RegionLine:
    """A report member out of local coverage (docs/policy.md §11): the partner region, what it
    answered (verification_report_members.finding) and the as-of date of its figures."""

    name: str  # masked
    person_key: str
    region: str  # code
    region_label: str
    finding: str
    finding_label: str
    as_of: date | None

    @property
    def undecided(self) -> bool:
        return self.finding in UNDECIDED_FINDINGS


UNDECIDED_FINDINGS = ("awaiting_answer", "overdue", "refused", "no_partner")


def region_lines(rows: list[Row], masked: dict[str, tuple[str, str]]) -> list[RegionLine]:
    out = []
    for r in rows:
        code = cross_region_code(r["source"]) or ""
        key = r.get("person_key") or ""
        out.append(
            RegionLine(
                name=masked.get(key, ("—", "—"))[0],
                person_key=key,
                region=code,
                region_label=region_label(code),
                finding=r["finding"],
                finding_label=FINDING_LABELS.get(r["finding"], r["finding"]),
                as_of=r.get("data_as_of"),
            )
        )
    return out


@dataclass
class ReportPage:
    request_id: str
    run_date: date
    report: Row
    tier: str | None
    tier_label: str
    explanations: list[Explanation]
    figures: list[tuple[str, Any, str]]
    verified: tuple[int | None, list[str]]
    refused: tuple[int | None, list[str]]
    as_of: list[tuple[str, str]]
    members: Section
    run_dates: list[date] = field(default_factory=list)
    standards: reasons.Standards = field(default_factory=lambda: reasons.Standards({}, None))
    why: list[str] = field(default_factory=list)
    figure_lines: list[reasons.FigureLine] = field(default_factory=list)
    masked: dict[str, tuple[str, str]] = field(default_factory=dict)
    #: members out of local coverage: where their figures come from, and as of when
    regions: list[RegionLine] = field(default_factory=list)

    @property
    def undecided_regions(self) -> list[RegionLine]:
        """Members whose region has not answered (or refused, or has no partner)."""
        return [r for r in self.regions if r.undecided]

    @property
    def report_no(self) -> str:
        """The report number: HD-<run date>-<request number> (one report per request and run)."""
        return f"HD-{self.run_date:%Y%m%d}-{self.request_id}"

    @property
    def request_date(self) -> Any:
        return self.report.get("requested_at")

    @property
    def member_lines(self) -> list[tuple[str, str, str, str]]:
        """(masked name, masked ID, role, person_key) per member of the request."""
        out = []
        for r in self.members.rows or []:
            key = r.get("person_key") or ""
            name, idno = self.masked.get(key, ("—", "—"))
            out.append((name, idno, str(r.get("member_role") or r.get("relation") or ""), key))
        return out

    @property
    def complete(self) -> bool | None:
        return self.report.get("complete")

    @property
    def missing_sources(self) -> list[str]:
        return list(self.report.get("missing_sources") or [])

    @property
    def row_count(self) -> int:
        return 1 + len(self.members.rows or [])


def report_page(con: q.Con, request_id: str, run_date: date | None = None) -> ReportPage | None:
    """The verification report of a request (its latest run unless ``run_date`` is given)."""
    report = q.verification_report(con, request_id, run_date)
    if report is None:
        return None
    run_date = report["run_date"]
    as_of = as_of_pairs(report.get("sources_as_of"))
    if not as_of:
        rows = q.source_as_of(con, run_date) or []
        as_of = [(r["source"], str(r["as_of_date"])) for r in rows]
    as_of = [(source_label(src), when) for src, when in as_of]
    std = reasons.standards(con, run_date)
    members = q.household_members(con, request_id, run_date, kind="request")
    keys = [m["person_key"] for m in members or []]
    remote = q.report_regions(con, request_id, run_date)
    keys += [k for r in remote if (k := r["person_key"]) and k not in keys]
    masked = masked_members(con, keys)
    return ReportPage(
        request_id=request_id,
        run_date=run_date,
        report=report,
        tier=report.get("tier"),
        tier_label=tier_label(report.get("tier")),
        explanations=explain_all(report.get("reason_codes"), std.values),
        figures=[(label, report.get(col), kind) for col, label, kind in FIGURES if col in report],
        verified=count_or_list(report.get("members_verified")),
        refused=count_or_list(report.get("members_refused")),
        as_of=as_of,
        members=Section("申请成员 Members", members),
        run_dates=q.report_run_dates(con, request_id),
        standards=std,
        why=reasons.why(report, std),
        figure_lines=reasons.figure_lines(report, std),
        masked=masked,
        regions=region_lines(remote, masked),
    )


# --- dashboards ------------------------------------------------------------------------------


@dataclass
class Dashboard:
    run_date: date | None
    tier_chart: Markup | None
    tier_table: tuple[list[str], dict[str, list[float]]]
    warnings_chart: Markup | None
    warnings_table: tuple[list[str], dict[str, list[float]]]
    warning_counts: list[Row]
    population: list[Row]
    reviews: list[Row]
    outreach: list[Row]


def dashboard(con: q.Con, run_date: date | None = None) -> Dashboard:
    run_date = run_date or q.latest_run_date(con)
    if run_date is None:
        return Dashboard(None, None, ([], {}), None, ([], {}), [], [], [], [])
    by_district = [
        {**r, "district": district_label(r["district"])}
        for r in q.tier_counts_by_district(con, run_date)
    ]
    tiers = charts.pivot(by_district, "district", "tier", "n")
    order = [t for t in TIERS if t in tiers[1]] + [t for t in tiers[1] if t not in TIERS]
    tiers = (tiers[0], {t: tiers[1][t] for t in order})
    warn = charts.pivot(q.warnings_over_time(con), "run_date", "severity", "n")
    warn = (warn[0], {s: warn[1][s] for s in sorted(warn[1], key=_severity_rank)})
    tier_names = {t: TIERS.get(t, (t,))[0] for t in tiers[1]}
    return Dashboard(
        run_date=run_date,
        tier_chart=charts.bar_chart(
            *tiers,
            f"各区家庭等级 Tiers by district, {run_date}",
            colors=charts.TIER_COLORS,
            labels=tier_names,
        )
        if tiers[0]
        else None,
        tier_table=tiers,
        warnings_chart=charts.line_chart(
            *warn,
            "返贫预警趋势 Open warnings by run",
            colors=charts.SEVERITY_COLORS,
            labels=SEVERITY_LABELS,
        )
        if warn[0]
        else None,
        warnings_table=warn,
        warning_counts=[
            {**w, "explanation": explain(w["warning_code"])}
            for w in q.warning_counts(con, run_date)
        ],
        population=[
            {**p, "label": CATEGORY_LABELS.get(p["category"], p["category"])}
            for p in q.population_by_category(con, run_date)
        ],
        reviews=[
            {**r, "explanation": explain(r["review_code"])} for r in q.review_counts(con, run_date)
        ],
        outreach=[
            {**o, "tier_label": tier_label(o["tier"])} for o in q.outreach_summary(con, run_date)
        ],
    )


def _severity_rank(s: str) -> int:
    return {"red": 0, "orange": 1, "yellow": 2}.get(s, 3)


@dataclass
class DqOverview:
    runs: list[Row]
    quarantine_chart: Markup | None
    checks_chart: Markup | None
    status_chart: Markup | None
    rows_chart: Markup | None = None
    rate_chart: Markup | None = None
    #: the latest run's per-partner answer times and refusal rates (docs/exchange.md)
    partners_run: date | None = None
    partners: list[Row] = field(default_factory=list)


def dq_overview(con: q.Con, limit_runs: int = 30) -> DqOverview:
    runs = q.dq_runs(con, limit_runs)
    trend = q.dq_source_trend(con, limit_runs)
    qx, qs = charts.pivot(trend, "run_date", "source", "rows_quarantined")
    cx, cs = charts.pivot(trend, "run_date", "source", "checks_failed")
    ordered = list(reversed(runs))
    sx = [str(r["run_date"]) for r in ordered]
    status = {k: [float(r[k] or 0) for r in ordered] for k in ("failed", "missing", "late")}
    rates = [
        {**r, "rate": 100.0 * (r["rows_quarantined"] or 0) / r["rows_landed"]}
        for r in trend
        if r["rows_landed"]
    ]
    rx, rs = charts.pivot(rates, "run_date", "source", "rate")
    latest = runs[0]["run_date"] if runs else None
    return DqOverview(
        partners_run=latest,
        partners=q.partner_stats(con, latest) if latest else [],
        rows_chart=charts.line_chart(
            sx,
            {
                "landed": [float(r["rows_landed"] or 0) for r in ordered],
                "loaded": [float(r["rows_loaded"] or 0) for r in ordered],
            },
            "到达与入库行数 Rows landed / loaded per run",
        )
        if sx
        else None,
        rate_chart=charts.line_chart(rx, _top(rs), "隔离率 Quarantine rate per source (%)")
        if rx
        else None,
        runs=runs,
        quarantine_chart=charts.bar_chart(qx, _top(qs), "隔离行数趋势 Rows quarantined per run")
        if qx
        else None,
        checks_chart=charts.bar_chart(cx, _top(cs), "未通过检查 Checks failed per run")
        if cx
        else None,
        status_chart=charts.line_chart(
            sx,
            status,
            "异常数据源 Sources failed / missing / late per run",
            colors={"failed": "#cf222e", "missing": "#57606a", "late": "#d4a72c"},
        )
        if sx
        else None,
    )


def _top(series: dict[str, list[float]], n: int = 6) -> dict[str, list[float]]:
    """The ``n`` largest series by total, the rest summed as 'other'."""
    ranked = sorted(series, key=lambda s: -sum(series[s]))
    top = {s: series[s] for s in ranked[:n] if sum(series[s]) > 0}
    rest = [series[s] for s in ranked[n:]]
    if rest and any(sum(r) for r in rest):
        top["other"] = [sum(vals) for vals in zip(*rest, strict=True)]
    return top


@dataclass
class DqRun:
    run_date: date
    sources: list[Row]
    quarantine: list[Row]
    totals: dict[str, int]
    #: per mart of the night, the deliveries it was built from (source, date, files, hash)
    deliveries: list[Row] = field(default_factory=list)
    #: per 京津冀 partner region: queries by status, refusal rate, answer days (median, max)
    partners: list[Row] = field(default_factory=list)


def dq_run(con: q.Con, run_date: date) -> DqRun | None:
    sources = q.dq_source_runs(con, run_date)
    if not sources:
        return None
    keys = ("rows_landed", "rows_loaded", "rows_quarantined", "checks_evaluated", "checks_failed")
    totals = {k: sum(int(s[k] or 0) for s in sources) for k in keys}
    for s in sources:
        landed, loaded, quar = (s["rows_landed"], s["rows_loaded"], s["rows_quarantined"])
        s["accounted"] = None if landed is None else landed == (loaded or 0) + (quar or 0)
    return DqRun(
        run_date,
        sources,
        q.quarantine_summary(con, run_date),
        totals,
        q.run_deliveries(con, run_date),
        q.partner_stats(con, run_date),
    )
