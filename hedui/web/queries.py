"""Every SQL query the web application and its CLI functions run against the published warehouse.

One function per question, all parameterised (values only ever travel as ``?`` parameters; table
names come from the fixed :data:`TABLES` map). Where a table's name differs in the warehouse the
dbt project builds, change it in :data:`TABLES` and nothing else.

Functions for optional detail tables return ``None`` when the table is absent, so pages can say
"not available in this warehouse" instead of failing.

The detail tables are the dbt project's marts (``dbt_project/models/marts``): household_members
(household_id, household_kind hukou | case | request, person_key, ...), member_income_monthly
(person_key, source, item, period, amount), member_assets, member_vehicles (plates masked),
member_homes, member_expenditure, source_as_of (source, status, as_of_date, ...) and households
(household_id, district_code; display only). All carry run_date and person_key, never an ID
number or a name.
"""

from __future__ import annotations

from datetime import date
from typing import Any

import duckdb

from hedui.districts import RETIRED, current_code

Con = duckdb.DuckDBPyConnection
Row = dict[str, Any]

#: logical name -> (schema, table) in the published warehouse
TABLES: dict[str, tuple[str, str]] = {
    "household_verification": ("marts", "household_verification"),
    "low_income_population": ("marts", "low_income_population"),
    "warnings": ("marts", "return_to_poverty_warnings"),
    "reviews": ("marts", "recipient_reviews"),
    "outreach": ("marts", "outreach_candidates"),
    "reports": ("marts", "verification_reports"),
    "dq_source_runs": ("marts", "dq_source_runs"),
    "quarantine": ("marts", "quarantine"),
    "run_deliveries": ("marts", "run_deliveries"),  # provenance: mart <- deliveries, per run
    "identity": ("restricted", "identity"),
    "authorizations": ("restricted", "lookup_authorizations"),
    # per-member detail (dbt_project/models/marts)
    "members": ("marts", "household_members"),
    "income": ("marts", "member_income_monthly"),
    "assets": ("marts", "member_assets"),
    "vehicles": ("marts", "member_vehicles"),
    "homes": ("marts", "member_homes"),
    "expenditure": ("marts", "member_expenditure"),
    "source_as_of": ("marts", "source_as_of"),
    "households": ("marts", "households"),  # household_id -> district_code (display only)
    "parameters": ("marts", "policy_parameter_history"),  # dated policy parameters per run
    # the 京津冀 exchange (docs/exchange.md)
    "cross_region_waiting": ("marts", "cross_region_waiting"),
    "partner_stats": ("marts", "cross_region_partner_stats"),
    "report_members": ("marts", "verification_report_members"),
}

#: columns never shown from a detail table, whatever it holds
HIDDEN_COLUMNS = frozenset({"id_number", "name", "run_date", "household_id", "household_kind"})


def _t(name: str) -> str:
    schema, table = TABLES[name]
    return f'"{schema}"."{table}"'


def _rows(con: Con, sql: str, params: list[Any] | None = None) -> list[Row]:
    cur = con.execute(sql, params or [])
    cols = [d[0] for d in cur.description]
    return [dict(zip(cols, r, strict=True)) for r in cur.fetchall()]


def _scalar(con: Con, sql: str, params: list[Any] | None = None) -> Any:
    rows = con.execute(sql, params or []).fetchall()
    return rows[0][0] if rows else None


def columns(con: Con, name: str) -> list[str]:
    """Column names of a logical table, [] when it does not exist."""
    schema, table = TABLES[name]
    rows = con.execute(
        "SELECT column_name FROM information_schema.columns"
        " WHERE table_schema = ? AND table_name = ? ORDER BY ordinal_position",
        [schema, table],
    ).fetchall()
    return [r[0] for r in rows]


def has_table(con: Con, name: str) -> bool:
    return bool(columns(con, name))


def _rows_if(con: Con, name: str, sql: str, params: list[Any] | None = None) -> list[Row]:
    """Rows of a query over the table ``name``; none when the warehouse lacks that table (a
    build without the monitoring marts still serves the household, report and dashboard pages)."""
    return _rows(con, sql, params) if has_table(con, name) else []


def _detail(con: Con, name: str, sql: str, params: list[Any]) -> list[Row] | None:
    """Rows of an optional table with hidden columns dropped, or None if the table is absent."""
    if not has_table(con, name):
        return None
    rows = _rows(con, sql, params)
    return [{k: v for k, v in r.items() if k not in HIDDEN_COLUMNS} for r in rows]


def _prefix(q: str) -> str:
    """A LIKE pattern matching values that start with ``q`` (wildcards in ``q`` escaped)."""
    return q.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"


# --- run dates -------------------------------------------------------------------------------


def latest_run_date(con: Con, name: str = "household_verification") -> date | None:
    if not has_table(con, name):
        return None
    return _scalar(con, f"SELECT max(run_date) FROM {_t(name)}")


def run_dates(con: Con, name: str = "household_verification", limit: int = 30) -> list[date]:
    """Run dates present in a table, newest first."""
    if not has_table(con, name):
        return []
    rows = con.execute(
        f"SELECT DISTINCT run_date FROM {_t(name)} ORDER BY run_date DESC LIMIT ?", [limit]
    ).fetchall()
    return [r[0] for r in rows]


# --- search ----------------------------------------------------------------------------------


def search_households(con: Con, q: str, limit: int = 50, offset: int = 0) -> list[Row]:
    """Households whose number is ``q`` or starts with it; latest run of each."""
    return _rows(
        con,
        f"SELECT household_id, run_date, member_count, tier, monthly_amount, complete"
        f" FROM {_t('household_verification')}"
        " WHERE household_id = ? OR household_id LIKE ? ESCAPE '\\'"
        " QUALIFY row_number() OVER (PARTITION BY household_id ORDER BY run_date DESC) = 1"
        " ORDER BY household_id LIMIT ? OFFSET ?",
        [q, _prefix(q), limit, offset],
    )


def search_cases(con: Con, q: str, limit: int = 50, offset: int = 0) -> list[Row]:
    """Assistance cases with reviews whose case number is ``q`` or starts with it."""
    return _rows_if(
        con,
        "reviews",
        f"SELECT case_no, max(run_date) AS run_date, count(*) AS reviews"
        f" FROM {_t('reviews')} WHERE case_no = ? OR case_no LIKE ? ESCAPE '\\'"
        " GROUP BY case_no ORDER BY case_no LIMIT ? OFFSET ?",
        [q, _prefix(q), limit, offset],
    )


def search_requests(con: Con, q: str, limit: int = 50, offset: int = 0) -> list[Row]:
    """Verification requests whose number is ``q`` or starts with it; latest run of each."""
    return _rows(
        con,
        f"SELECT request_id, run_date, tier, monthly_amount FROM {_t('reports')}"
        " WHERE request_id = ? OR request_id LIKE ? ESCAPE '\\'"
        " QUALIFY row_number() OVER (PARTITION BY request_id ORDER BY run_date DESC) = 1"
        " ORDER BY request_id LIMIT ? OFFSET ?",
        [q, _prefix(q), limit, offset],
    )


#: search kind -> (logical table, key column) for counting matches
SEARCH_KEYS = {
    "household": ("household_verification", "household_id"),
    "case": ("reviews", "case_no"),
    "request": ("reports", "request_id"),
}


def search_count(con: Con, kind: str, q: str) -> int:
    """How many households, cases or requests a search matches (all pages)."""
    table, key = SEARCH_KEYS[kind]
    if not has_table(con, table):
        return 0
    return int(
        _scalar(
            con,
            f"SELECT count(DISTINCT {key}) FROM {_t(table)}"
            f" WHERE {key} = ? OR {key} LIKE ? ESCAPE '\\'",
            [q, _prefix(q)],
        )
        or 0
    )


def persons_by_id_number(con: Con, id_number: str) -> list[Row] | None:
    """Restricted: the person behind an ID number (person_key, id_number, name); None when the
    warehouse has no identity table."""
    if not has_table(con, "identity"):
        return None
    return _rows(
        con,
        f"SELECT person_key, id_number, name FROM {_t('identity')} WHERE id_number = ?",
        [id_number],
    )


def authorization_coverage(
    con: Con, authorization_no: str, kinds: tuple[str, ...]
) -> list[Row] | None:
    """Persons (person_key, reference) an authorization of one of ``kinds`` covers in the latest
    run of the register; None when this warehouse has no register."""
    if not has_table(con, "authorizations"):
        return None
    t = _t("authorizations")
    return _rows(
        con,
        f"SELECT person_key, reference, authorization_kind FROM {t}"
        f" WHERE authorization_no = ? AND list_contains(?::VARCHAR[], authorization_kind)"
        f" AND run_date = (SELECT max(run_date) FROM {t})",
        [authorization_no, list(kinds)],
    )


def identities(con: Con, person_keys: list[str]) -> list[Row] | None:
    """Restricted: ID numbers and names of the given persons (None without an identity table)."""
    if not has_table(con, "identity"):
        return None
    return _rows(
        con,
        f"SELECT person_key, id_number, name FROM {_t('identity')}"
        " WHERE list_contains(?::VARCHAR[], person_key) ORDER BY person_key",
        [person_keys],
    )


def households_of_persons(con: Con, person_keys: list[str]) -> list[Row]:
    """Hukou households the persons belong to (latest run), from the member table or, failing
    that, the low-income population."""
    name = "members" if has_table(con, "members") else "low_income_population"
    hukou_only = " AND household_kind = 'hukou'" if "household_kind" in columns(con, name) else ""
    return _rows(
        con,
        f"SELECT person_key, household_id, max(run_date) AS run_date FROM {_t(name)}"
        " WHERE list_contains(?::VARCHAR[], person_key)"
        + hukou_only
        + " GROUP BY person_key, household_id ORDER BY household_id",
        [person_keys],
    )


# --- household -------------------------------------------------------------------------------


def household_latest_run(con: Con, household_id: str) -> date | None:
    return _scalar(
        con,
        f"SELECT max(run_date) FROM {_t('household_verification')} WHERE household_id = ?",
        [household_id],
    )


def household_result(con: Con, household_id: str, run_date: date) -> Row | None:
    rows = _rows(
        con,
        f"SELECT * FROM {_t('household_verification')} WHERE household_id = ? AND run_date = ?",
        [household_id, run_date],
    )
    return rows[0] if rows else None


def household_history(con: Con, household_id: str, limit: int = 12) -> list[Row]:
    """The household's result per run (newest first), with that night's warnings as
    ``code:status`` (the published warehouse keeps every night)."""
    warnings = (
        f"(SELECT list(warning_code || ':' || status ORDER BY warning_code) FROM {_t('warnings')}"
        " w WHERE w.household_id = v.household_id AND w.run_date = v.run_date)"
        if has_table(con, "warnings")
        else "NULL::VARCHAR[]"
    )
    return _rows(
        con,
        f"SELECT run_date, tier, monthly_amount, income_per_capita, complete, reason_codes,"
        f" {warnings} AS warnings"
        f" FROM {_t('household_verification')} v WHERE household_id = ?"
        " ORDER BY run_date DESC LIMIT ?",
        [household_id, limit],
    )


def household_members(
    con: Con, household_id: str, run_date: date, kind: str | None = None
) -> list[Row] | None:
    """Members of a household: ``kind`` hukou (household_no), case (case_no) or request
    (request_id) when the table tells the kinds apart."""
    if not has_table(con, "members"):
        return None
    by_kind = kind is not None and "household_kind" in columns(con, "members")
    return _detail(
        con,
        "members",
        f"SELECT * FROM {_t('members')} WHERE household_id = ? AND run_date = ?"
        + (" AND household_kind = ?" if by_kind else "")
        + " ORDER BY person_key",
        [household_id, run_date, *([kind] if by_kind else [])],
    )


def member_income(con: Con, person_keys: list[str], run_date: date) -> list[Row] | None:
    return _detail(
        con,
        "income",
        f"SELECT person_key, source, item, period, amount FROM {_t('income')}"
        " WHERE list_contains(?::VARCHAR[], person_key) AND run_date = ?"
        " ORDER BY person_key, source, item, period",
        [person_keys, run_date],
    )


def _member_table(con: Con, name: str, person_keys: list[str], run_date: date) -> list[Row] | None:
    return _detail(
        con,
        name,
        f"SELECT * FROM {_t(name)} WHERE list_contains(?::VARCHAR[], person_key) AND run_date = ?"
        " ORDER BY ALL",
        [person_keys, run_date],
    )


def member_assets(con: Con, person_keys: list[str], run_date: date) -> list[Row] | None:
    return _member_table(con, "assets", person_keys, run_date)


def member_vehicles(con: Con, person_keys: list[str], run_date: date) -> list[Row] | None:
    return _member_table(con, "vehicles", person_keys, run_date)


def member_homes(con: Con, person_keys: list[str], run_date: date) -> list[Row] | None:
    return _member_table(con, "homes", person_keys, run_date)


def member_expenditure(con: Con, person_keys: list[str], run_date: date) -> list[Row] | None:
    return _member_table(con, "expenditure", person_keys, run_date)


def source_as_of(con: Con, run_date: date) -> list[Row] | None:
    """Per source: status, as-of date (and, where the table has them, usable and the delivery
    date)."""
    if not has_table(con, "source_as_of"):
        return None
    cols = columns(con, "source_as_of")
    wanted = [c for c in ("source", "status", "usable", "as_of_date", "delivered_on") if c in cols]
    return _detail(
        con,
        "source_as_of",
        f"SELECT {', '.join(wanted)} FROM {_t('source_as_of')} WHERE run_date = ? ORDER BY source",
        [run_date],
    )


def household_warnings(con: Con, household_id: str, run_date: date) -> list[Row]:
    return _rows_if(
        con,
        "warnings",
        f"SELECT warning_code, severity, status, first_seen, last_seen, evidence"
        f" FROM {_t('warnings')} WHERE household_id = ? AND run_date = ?"
        " ORDER BY CASE severity WHEN 'red' THEN 0 WHEN 'orange' THEN 1 ELSE 2 END, warning_code",
        [household_id, run_date],
    )


def household_population(con: Con, household_id: str, run_date: date) -> list[Row]:
    """Monitored persons of the household (person_key, category, since)."""
    return _rows_if(
        con,
        "low_income_population",
        f"SELECT person_key, category, since FROM {_t('low_income_population')}"
        " WHERE household_id = ? AND run_date = ? ORDER BY person_key",
        [household_id, run_date],
    )


def household_outreach(con: Con, household_id: str, run_date: date) -> Row | None:
    rows = _rows_if(
        con,
        "outreach",
        f"SELECT tier, monthly_amount FROM {_t('outreach')}"
        " WHERE household_id = ? AND run_date = ?",
        [household_id, run_date],
    )
    return rows[0] if rows else None


# --- cases and requests ----------------------------------------------------------------------


def case_reviews(
    con: Con, case_no: str, limit_runs: int = 6, until: date | None = None
) -> list[Row]:
    """Reviews of one case over its most recent runs (up to ``until``), newest first."""
    return _rows_if(
        con,
        "reviews",
        f"SELECT run_date, review_code, evidence FROM {_t('reviews')} WHERE case_no = ?"
        f" AND run_date IN (SELECT DISTINCT run_date FROM {_t('reviews')} WHERE case_no = ?"
        "   AND (?::DATE IS NULL OR run_date <= ?::DATE) ORDER BY run_date DESC LIMIT ?)"
        " ORDER BY run_date DESC, review_code",
        [case_no, case_no, until, until, limit_runs],
    )


def verification_report(con: Con, request_id: str, run_date: date | None) -> Row | None:
    """The report of a request for a run (the latest when ``run_date`` is None)."""
    rows = _rows(
        con,
        f"SELECT * FROM {_t('reports')} WHERE request_id = ?"
        " AND (?::DATE IS NULL OR run_date = ?::DATE) ORDER BY run_date DESC LIMIT 1",
        [request_id, run_date, run_date],
    )
    return rows[0] if rows else None


def report_run_dates(con: Con, request_id: str) -> list[date]:
    rows = con.execute(
        f"SELECT DISTINCT run_date FROM {_t('reports')} WHERE request_id = ? ORDER BY 1 DESC",
        [request_id],
    ).fetchall()
    return [r[0] for r in rows]


# --- dashboard -------------------------------------------------------------------------------


def tier_counts_by_district(con: Con, run_date: date) -> list[Row]:
    """Households per district and tier; district '全市' when the warehouse has none. District
    is for display only: it is never a rule input (docs/policy.md §10)."""
    hv = _t("household_verification")
    household_cols = set(columns(con, "households"))
    district = next((c for c in ("district", "district_code") if c in household_cols), None)
    if "district" in columns(con, "household_verification"):
        sql = f"SELECT district, tier, count(*) AS n FROM {hv} WHERE run_date = ? GROUP BY ALL"
    elif district and "household_id" in household_cols:
        by_run = "run_date" in household_cols
        sql = (
            f"SELECT coalesce(h.district, '?') AS district, v.tier, count(*) AS n FROM {hv} v"
            f" LEFT JOIN (SELECT DISTINCT household_id, {district} AS district"
            f"{', run_date' if by_run else ''} FROM {_t('households')}) h"
            f" ON h.household_id = v.household_id{' AND h.run_date = v.run_date' if by_run else ''}"
            " WHERE v.run_date = ? GROUP BY ALL"
        )
    else:
        sql = (
            f"SELECT '全市' AS district, tier, count(*) AS n FROM {hv}"
            " WHERE run_date = ? GROUP BY ALL"
        )
    return _rows(con, sql + " ORDER BY 1, 2", [run_date])


def warnings_over_time(con: Con, limit_runs: int = 30) -> list[Row]:
    """Open (new or ongoing) warnings per run and severity over the most recent runs."""
    w = _t("warnings")
    return _rows_if(
        con,
        "warnings",
        f"SELECT run_date, severity, count(*) AS n FROM {w} WHERE status <> 'resolved'"
        f" AND run_date IN (SELECT DISTINCT run_date FROM {w} ORDER BY run_date DESC LIMIT ?)"
        " GROUP BY ALL ORDER BY run_date, severity",
        [limit_runs],
    )


def warning_counts(con: Con, run_date: date) -> list[Row]:
    return _rows_if(
        con,
        "warnings",
        f"SELECT warning_code, severity, status, count(*) AS n FROM {_t('warnings')}"
        " WHERE run_date = ? GROUP BY ALL ORDER BY warning_code, severity, status",
        [run_date],
    )


def population_by_category(con: Con, run_date: date) -> list[Row]:
    return _rows_if(
        con,
        "low_income_population",
        f"SELECT category, count(*) AS persons, count(DISTINCT household_id) AS households"
        f" FROM {_t('low_income_population')} WHERE run_date = ? GROUP BY ALL ORDER BY 1",
        [run_date],
    )


def review_counts(con: Con, run_date: date) -> list[Row]:
    return _rows_if(
        con,
        "reviews",
        f"SELECT review_code, count(*) AS n, count(DISTINCT case_no) AS cases FROM {_t('reviews')}"
        " WHERE run_date = ? GROUP BY ALL ORDER BY 1",
        [run_date],
    )


def outreach_summary(con: Con, run_date: date) -> list[Row]:
    return _rows_if(
        con,
        "outreach",
        f"SELECT tier, count(*) AS households, sum(monthly_amount) AS monthly_amount"
        f" FROM {_t('outreach')} WHERE run_date = ? GROUP BY ALL ORDER BY 1",
        [run_date],
    )


# --- data quality ----------------------------------------------------------------------------


def dq_runs(con: Con, limit: int = 30) -> list[Row]:
    """Run history: one row per run date with source statuses and row accounting."""
    return _rows(
        con,
        "SELECT run_date, count(*) AS sources,"
        " count(*) FILTER (WHERE status = 'passed') AS passed,"
        " count(*) FILTER (WHERE status = 'failed') AS failed,"
        " count(*) FILTER (WHERE status = 'missing') AS missing,"
        " count(*) FILTER (WHERE status = 'late') AS late,"
        " sum(rows_landed) AS rows_landed, sum(rows_loaded) AS rows_loaded,"
        " sum(rows_quarantined) AS rows_quarantined, sum(checks_failed) AS checks_failed"
        f" FROM {_t('dq_source_runs')} GROUP BY run_date ORDER BY run_date DESC LIMIT ?",
        [limit],
    )


def dq_source_runs(con: Con, run_date: date) -> list[Row]:
    return _rows(
        con,
        "SELECT source, status, rows_landed, rows_loaded, rows_quarantined, checks_evaluated,"
        f" checks_failed, schema_hash FROM {_t('dq_source_runs')} WHERE run_date = ?"
        " ORDER BY CASE status WHEN 'failed' THEN 0 WHEN 'missing' THEN 1 WHEN 'late' THEN 2"
        " ELSE 3 END, source",
        [run_date],
    )


def dq_source_trend(con: Con, limit_runs: int = 30, source: str | None = None) -> list[Row]:
    """Per run and source: quarantined rows, failed checks, status (oldest run first)."""
    d = _t("dq_source_runs")
    return _rows(
        con,
        "SELECT run_date, source, status, rows_landed, rows_quarantined, checks_failed"
        f" FROM {d} WHERE (?::VARCHAR IS NULL OR source = ?::VARCHAR)"
        f" AND run_date IN (SELECT DISTINCT run_date FROM {d} ORDER BY run_date DESC LIMIT ?)"
        " ORDER BY run_date, source",
        [source, source, limit_runs],
    )


def quarantine_summary(con: Con, run_date: date) -> list[Row]:
    return _rows(
        con,
        f"SELECT source, reason_code, count(*) AS n FROM {_t('quarantine')} WHERE run_date = ?"
        " GROUP BY ALL ORDER BY n DESC, source, reason_code",
        [run_date],
    )


def _quarantine_where() -> str:
    return (
        " WHERE run_date = ? AND (?::VARCHAR IS NULL OR source = ?::VARCHAR)"
        " AND (?::VARCHAR IS NULL OR reason_code = ?::VARCHAR)"
    )


def quarantine_rows(
    con: Con,
    run_date: date,
    source: str | None = None,
    reason_code: str | None = None,
    limit: int = 100,
    offset: int = 0,
) -> list[Row]:
    return _rows(
        con,
        f"SELECT source, file, line, reason_code, reason FROM {_t('quarantine')}"
        + _quarantine_where()
        + " ORDER BY source, file, line LIMIT ? OFFSET ?",
        [run_date, source, source, reason_code, reason_code, limit, offset],
    )


def quarantine_count(
    con: Con, run_date: date, source: str | None = None, reason_code: str | None = None
) -> int:
    return _scalar(
        con,
        f"SELECT count(*) FROM {_t('quarantine')}" + _quarantine_where(),
        [run_date, source, source, reason_code, reason_code],
    )


def run_deliveries(con: Con, run_date: date) -> list[Row]:
    """Per mart built on ``run_date``: the deliveries (source, date, files, manifest hash) its
    build read; [] for a warehouse without provenance."""
    return _rows_if(
        con,
        "run_deliveries",
        "SELECT mart, source, delivery_date, files, manifest_sha256"
        f" FROM {_t('run_deliveries')} WHERE run_date = ? ORDER BY mart, source, delivery_date",
        [run_date],
    )


# --- policy parameters -----------------------------------------------------------------------


def policy_parameters(con: Con, run_date: date | None) -> list[Row]:
    """Every parameter row (history included) as published with the run ``run_date`` (or the
    nearest run before it, else the latest), with ``in_force``; [] without the table."""
    if not has_table(con, "parameters"):
        return []
    p = _t("parameters")
    return _rows(
        con,
        f"SELECT parameter, value, effective_from, version, basis, in_force, run_date FROM {p}"
        f" WHERE run_date = (SELECT coalesce(max(run_date) FILTER (WHERE run_date <= ?::DATE),"
        f" max(run_date)) FROM {p})"
        " ORDER BY parameter, effective_from DESC, version DESC",
        [run_date],
    )


def report_ids_of_day(con: Con, run_date: date) -> list[str]:
    """Request numbers of every report of a run, in order."""
    rows = con.execute(
        f"SELECT request_id FROM {_t('reports')} WHERE run_date = ? ORDER BY request_id",
        [run_date],
    ).fetchall()
    return [r[0] for r in rows]


# --- work lists (filters, sorting, pages) ----------------------------------------------------


def _list_from(con: Con, spec: Any) -> tuple[str, dict[str, str]]:
    """FROM clause of a list (its table, joined to households for the district) and the
    columns it offers, each with its qualified reference."""
    refs = {c: f"t.{c}" for c in columns(con, spec.table)}
    frm = f"{_t(spec.table)} t"
    household_cols = set(columns(con, "households"))
    if spec.key_column and "district_code" not in refs and "district_code" in household_cols:
        by_run = " AND h.run_date = t.run_date" if "run_date" in household_cols else ""
        frm += (
            f" LEFT JOIN (SELECT DISTINCT household_id, district_code"
            f"{', run_date' if by_run else ''} FROM {_t('households')}) h"
            f" ON h.household_id = t.{spec.key_column}{by_run}"
        )
        refs["district_code"] = "h.district_code"
    return frm, refs


def _list_where(
    spec: Any, refs: dict[str, str], run_date: date, filters: dict[str, str]
) -> tuple[str, list[Any]]:
    sql, params = " WHERE t.run_date = ?", [run_date]
    for column, value in filters.items():
        if column in spec.filters and column in refs:  # allow-listed names only
            if column in ("household_id", "case_no", "request_id"):
                sql += f" AND {refs[column]} LIKE ? ESCAPE '\\'"
                params.append(_prefix(value))
            elif column == "district_code":  # today's district, with its retired codes
                codes = [value, *(old for old, (new, _) in RETIRED.items() if new == value)]
                sql += f" AND list_contains(?::VARCHAR[], {refs[column]})"
                params.append(codes)
            else:
                sql += f" AND {refs[column]} = ?"
                params.append(value)
    return sql, params


def list_count(con: Con, spec: Any, run_date: date, filters: dict[str, str]) -> int:
    frm, refs = _list_from(con, spec)
    where, params = _list_where(spec, refs, run_date, filters)
    return int(_scalar(con, f"SELECT count(*) FROM {frm}{where}", params) or 0)


def list_rows(
    con: Con,
    spec: Any,
    run_date: date,
    filters: dict[str, str],
    sort: str,
    desc: bool,
    limit: int,
    offset: int,
) -> list[Row]:
    frm, refs = _list_from(con, spec)
    where, params = _list_where(spec, refs, run_date, filters)
    shown = [c for c in spec.columns if c in refs]
    order = refs[sort] if sort in spec.sorts and sort in refs else refs[shown[0]]
    if sort == "severity" and "severity" in refs:
        order = "CASE t.severity WHEN 'red' THEN 0 WHEN 'orange' THEN 1 ELSE 2 END"
    ties = ", ".join(refs[c] for c in shown)
    if sort == "overdue" and "days_waiting" in refs:  # overdue first, the longest wait first
        order += f" {'DESC' if desc else 'ASC'}, t.days_waiting"
    select = ", ".join(f"{refs[c]} AS {c}" for c in shown)
    return _rows(
        con,
        f"SELECT {select} FROM {frm}{where}"
        f" ORDER BY {order} {'DESC' if desc else 'ASC'} NULLS LAST, {ties} LIMIT ? OFFSET ?",
        [*params, limit, offset],
    )


def list_values(con: Con, spec: Any, run_date: date, column: str) -> list[str]:
    """Distinct values of a filter column in the run (for the filter's choices)."""
    frm, refs = _list_from(con, spec)
    if column not in refs or column not in spec.filters:
        return []
    rows = con.execute(
        f"SELECT DISTINCT {refs[column]} FROM {frm} WHERE t.run_date = ?"
        f" AND {refs[column]} IS NOT NULL ORDER BY 1",
        [run_date],
    ).fetchall()
    values = [str(r[0]) for r in rows]
    if column == "district_code":
        values = sorted({current_code(v) for v in values})
    return values


# --- the 京津冀 exchange (docs/exchange.md) ----------------------------------------------------


def partner_stats(con: Con, run_date: date) -> list[Row]:
    """Per partner region of a run: queries by status, refusal rate, answer days (median, max);
    [] when the warehouse has no such table."""
    return _rows_if(
        con,
        "partner_stats",
        "SELECT region, queries_asked, queries_sent, answered, not_found, refused, overdue,"
        " pending, refusal_rate, median_answer_days, max_answer_days"
        f" FROM {_t('partner_stats')} WHERE run_date = ? ORDER BY region",
        [run_date],
    )


def report_regions(con: Con, request_id: str, run_date: date) -> list[Row]:
    """The report's members out of local coverage: person_key, source (cross_region:<region>),
    finding and the as-of date of the partner's answer; [] without the table."""
    return _rows_if(
        con,
        "report_members",
        "SELECT person_key, source, finding, data_as_of"
        f" FROM {_t('report_members')} WHERE request_id = ? AND run_date = ?"
        " AND starts_with(source, 'cross_region:') ORDER BY source, person_key",
        [request_id, run_date],
    )


def cross_region_waiting_counts(con: Con) -> dict[str, int] | None:
    """Requests waiting on a partner region in the latest run, and how many are overdue; None
    without the table."""
    if not has_table(con, "cross_region_waiting"):
        return None
    t = _t("cross_region_waiting")
    row = con.execute(
        f"SELECT count(*), count(*) FILTER (WHERE overdue) FROM {t}"
        f" WHERE run_date = (SELECT max(run_date) FROM {t})"
    ).fetchone()
    return {"active": int(row[0]), "overdue": int(row[1])} if row else None
