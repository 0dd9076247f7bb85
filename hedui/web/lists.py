"""Lists staff work through: warnings, reviews, outreach and quarantine, with filters, sorting,
pagination with totals, and CSV / XLSX export of the filtered list (all rows, not one page).

A :class:`ListSpec` names the table, the columns shown, the columns one may filter and sort by
(a fixed allow-list: no request text ever becomes SQL) and the district join. The SQL lives in
:func:`hedui.web.queries.list_rows`; labels come from the glossary, so an export reads like the
page.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from datetime import date
from typing import Any

import xlsxwriter

from hedui.web import queries as q
from hedui.web.explain import SEVERITY_LABELS, STATUS_LABELS, explain, tier_label
from hedui.web.formatting import beijing, cell, column_label, district_label
from hedui.web.glossary import label, source_label
from hedui.web.masking import scrub_ids
from hedui.web.regions import QUERY_STATUS_LABELS, region_label

PAGE_SIZE = 50
EXPORT_LIMIT = 100_000  # rows in one export (a larger list: narrow the filters)


@dataclass(frozen=True)
class ListSpec:
    name: str
    title: str
    table: str  # logical name in queries.TABLES
    columns: tuple[str, ...]
    filters: tuple[str, ...]
    sorts: tuple[str, ...]
    default_sort: str
    key_column: str = "household_id"  # joined to households for the district filter
    default_desc: bool = False
    #: each view of the list is audited (not only its exports): it names requests
    audit_views: bool = False


SPECS: dict[str, ListSpec] = {
    "warnings": ListSpec(
        "warnings",
        "返贫预警 Warnings",
        "warnings",
        (
            "household_id",
            "district_code",
            "warning_code",
            "severity",
            "status",
            "first_seen",
            "last_seen",
        ),
        ("district_code", "warning_code", "severity", "status", "household_id"),
        ("household_id", "district_code", "warning_code", "severity", "status", "first_seen"),
        "severity",
    ),
    "reviews": ListSpec(
        "reviews",
        "动态调整复核 Reviews",
        "reviews",
        ("case_no", "review_code"),
        ("review_code", "case_no"),
        ("case_no", "review_code"),
        "case_no",
        key_column="",
    ),
    "quarantine": ListSpec(
        "quarantine",
        "隔离清单 Quarantine",
        "quarantine",
        ("source", "file", "line", "reason_code", "reason"),
        ("source", "reason_code"),
        ("source", "file", "line", "reason_code"),
        "source",
        key_column="",
    ),
    "outreach": ListSpec(
        "outreach",
        "主动发现 Outreach",
        "outreach",
        ("household_id", "district_code", "tier", "monthly_amount"),
        ("district_code", "tier", "household_id"),
        ("household_id", "district_code", "tier", "monthly_amount"),
        "household_id",
    ),
    # requests waiting on a partner region (docs/exchange.md), overdue first
    "cross_region": ListSpec(
        "cross_region",
        "异地核查待办 Requests waiting on a partner region",
        "cross_region_waiting",
        (
            "request_id",
            "household_id",
            "district_code",
            "region",
            "query_status",
            "members_waiting",
            "asked_on",
            "first_sent_at",
            "days_waiting",
            "overdue",
        ),
        ("region", "query_status", "district_code", "request_id"),
        ("overdue", "days_waiting", "request_id", "region", "query_status", "asked_on"),
        "overdue",
        default_desc=True,
        audit_views=True,
    ),
}
PREFIX_FILTERS = ("household_id", "case_no", "request_id")


@dataclass
class ListPage:
    spec: ListSpec
    run_date: date | None
    rows: list[dict[str, Any]]
    total: int
    page: int
    pages: int
    sort: str
    desc: bool
    filters: dict[str, str]
    options: dict[str, list[str]]

    @property
    def first(self) -> int:
        return 0 if not self.total else (self.page - 1) * PAGE_SIZE + 1

    @property
    def last(self) -> int:
        return min(self.page * PAGE_SIZE, self.total)


def clean_filters(spec: ListSpec, params: dict[str, str]) -> dict[str, str]:
    """Only the spec's filter columns, non-empty, trimmed."""
    return {k: params[k].strip()[:64] for k in spec.filters if (params.get(k) or "").strip()}


def list_page(
    con: q.Con,
    spec: ListSpec,
    run_date: date | None,
    params: dict[str, str],
    page: int = 1,
) -> ListPage:
    run_date = run_date or q.latest_run_date(con, spec.table)
    filters = clean_filters(spec, params)
    sort = params.get("sort") if params.get("sort") in spec.sorts else spec.default_sort
    desc = params["dir"] == "desc" if params.get("dir") else spec.default_desc
    if run_date is None or not q.has_table(con, spec.table):
        return ListPage(spec, run_date, [], 0, 1, 1, sort, desc, filters, {})
    total = q.list_count(con, spec, run_date, filters)
    pages = max(1, -(-total // PAGE_SIZE))
    page = min(max(page, 1), pages)
    rows = q.list_rows(con, spec, run_date, filters, sort, desc, PAGE_SIZE, (page - 1) * PAGE_SIZE)
    options = {
        c: q.list_values(con, spec, run_date, c) for c in spec.filters if c not in PREFIX_FILTERS
    }
    return ListPage(spec, run_date, rows, total, page, pages, sort, desc, filters, options)


def display(column: str, value: Any) -> str:
    """A value as a person reads it: codes, districts, severities with their Chinese labels."""
    if value is None:
        return "—"
    if column == "district_code":
        return district_label(value)
    if column in ("warning_code", "review_code"):
        return f"{value} {explain(str(value)).label}"
    if column == "severity":
        return f"{SEVERITY_LABELS.get(value, value)} {value}"
    if column == "status":
        return f"{STATUS_LABELS.get(value, value)} {value}"
    if column == "tier":
        return tier_label(value)
    if column == "region":
        return region_label(value)
    if column == "query_status":
        return f"{QUERY_STATUS_LABELS.get(value, value)}"
    if column == "overdue":
        return "逾期 overdue" if value else ""
    if column == "first_sent_at":
        return beijing(value)
    if column == "source":
        return source_label(value)
    if column in ("item", "asset_type"):
        return label(value)
    return cell(value)


def export_rows(
    con: q.Con, spec: ListSpec, run_date: date | None, params: dict[str, str]
) -> tuple[list[str], list[list[str]]]:
    """Header and every row of the filtered, sorted list (up to EXPORT_LIMIT)."""
    lp = list_page(con, spec, run_date, params)
    if lp.run_date is None or not q.has_table(con, spec.table):
        return [column_label(c) for c in spec.columns], []
    rows = q.list_rows(con, spec, lp.run_date, lp.filters, lp.sort, lp.desc, EXPORT_LIMIT, 0)
    header = [column_label(c) for c in spec.columns]
    # defence in depth: an ID number that slipped into free text is masked in every export
    return header, [[scrub_ids(display(c, r.get(c))) for c in spec.columns] for r in rows]


def to_csv(header: list[str], rows: list[list[str]]) -> bytes:
    """UTF-8 with a BOM, so spreadsheet programs open the Chinese text correctly."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(header)
    writer.writerows(rows)
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def to_xlsx(title: str, header: list[str], rows: list[list[str]]) -> bytes:
    out = io.BytesIO()
    book = xlsxwriter.Workbook(out, {"in_memory": True})
    sheet = book.add_worksheet(title[:31])
    bold = book.add_format({"bold": True, "bg_color": "#EAEEF2"})
    sheet.write_row(0, 0, header, bold)
    for i, row in enumerate(rows, start=1):
        sheet.write_row(i, 0, row)
    sheet.freeze_panes(1, 0)
    for j, name in enumerate(header):
        width = max([len(name), *(len(r[j]) for r in rows[:200])]) if rows else len(name)
        sheet.set_column(j, j, min(40, width + 2))
    book.close()
    return out.getvalue()
