"""What the published warehouse holds for one night, as task keys (set-based DuckDB SQL).

Warnings carry their own episode start (``first_seen``: a warning that resolves and fires again
gets a new one). Reviews and outreach candidates have none, so their episode is the first night
of the unbroken run of published nights, up to tonight, on which the item was present.
"""

from __future__ import annotations

from datetime import date
from typing import Any

import duckdb

from hedui.districts import current_code
from hedui.web import queries as q

KINDS = ("warnings", "reviews", "outreach")


def _t(name: str) -> str:
    schema, table = q.TABLES[name]
    return f'"{schema}"."{table}"'


def _district_join(con: duckdb.DuckDBPyConnection, alias: str) -> tuple[str, str]:
    """A LEFT JOIN to the households table for the district of ``alias.subject``, if any."""
    cols = set(q.columns(con, "households"))
    if "district_code" not in cols or "household_id" not in cols:
        return "", "NULL"
    by_run = "run_date" in cols
    return (
        f" LEFT JOIN (SELECT DISTINCT household_id, district_code"
        f"{', run_date' if by_run else ''} FROM {_t('households')}"
        f"{' WHERE run_date = $d' if by_run else ''}) h ON h.household_id = {alias}.subject",
        "h.district_code",
    )


def _island_sql(table: str, subject: str, code: str | None) -> str:
    """Items of night $d with the first night of their unbroken streak of nights (``code``: the
    code column, or None for one item per subject)."""
    tonight_code = code or "'outreach'"
    hist_code = f"r.{code}" if code else "'outreach'"
    return f"""
        WITH nights AS (
            SELECT run_date, row_number() OVER (ORDER BY run_date) AS n
            FROM (SELECT DISTINCT run_date FROM {_t("household_verification")}
                  WHERE run_date <= $d)),
        tonight AS (SELECT DISTINCT {subject} AS subject, {tonight_code} AS code FROM {table}
                    WHERE run_date = $d),
        hist AS (
            SELECT DISTINCT t.subject, t.code, n.run_date, n.n FROM {table} r
            JOIN tonight t ON r.{subject} = t.subject AND {hist_code} = t.code
            JOIN nights n ON n.run_date = r.run_date),
        islands AS (
            SELECT subject, code, run_date,
                   n - row_number() OVER (PARTITION BY subject, code ORDER BY n) AS g
            FROM hist)
        SELECT subject, code, min(run_date) AS episode FROM islands
        GROUP BY subject, code, g HAVING max(run_date) = $d"""


def night_items(con: duckdb.DuckDBPyConnection, kind: str, run_date: date) -> list[dict[str, Any]]:
    """Tonight's items of ``kind``: subject, code, episode, severity, source_status, district."""
    if kind == "warnings":
        if not q.has_table(con, "warnings"):
            return []
        join, district = _district_join(con, "w")
        sql = f"""
            SELECT w.subject, w.code, w.episode, w.severity, w.source_status,
                   {district} AS district_code
            FROM (SELECT household_id AS subject, warning_code AS code,
                         coalesce(min(first_seen), $d) AS episode, max(severity) AS severity,
                         max(status) AS source_status
                  FROM {_t("warnings")} WHERE run_date = $d
                  GROUP BY ALL) w{join}"""
    elif kind == "reviews":
        if not q.has_table(con, "reviews"):
            return []
        sql = f"""
            SELECT i.subject, i.code, i.episode, NULL AS severity,
                   CASE WHEN i.episode = $d THEN 'new' ELSE 'ongoing' END AS source_status,
                   NULL AS district_code
            FROM ({_island_sql(_t("reviews"), "case_no", "review_code")}) i"""
    elif kind == "outreach":
        if not q.has_table(con, "outreach"):
            return []
        join, district = _district_join(con, "i")
        sql = f"""
            SELECT i.subject, i.code, i.episode, NULL AS severity,
                   CASE WHEN i.episode = $d THEN 'new' ELSE 'ongoing' END AS source_status,
                   {district} AS district_code
            FROM ({_island_sql(_t("outreach"), "household_id", None)}) i{join}"""
    else:
        raise ValueError(f"unknown worklist {kind!r}")
    cur = con.execute(sql + " ORDER BY 1, 2, 3", {"d": run_date})
    cols = [d[0] for d in cur.description]
    rows = [dict(zip(cols, r, strict=True)) for r in cur.fetchall()]
    for r in rows:
        r["district_code"] = current_code(r["district_code"]) if r["district_code"] else None
    return rows


def latest_night(con: duckdb.DuckDBPyConnection, kind: str) -> date | None:
    return q.latest_run_date(con, kind) if q.has_table(con, kind) else None
