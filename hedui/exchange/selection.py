"""Who is queried tonight: authorized request members out of local coverage (exchange.md).

A member of a verification request is out of local coverage when the city's hukou source (the
validated delivery in use on the run date, including rows quarantined from it) has no record of
them. Members whose ID number starts with 11 or 13 are queried at Beijing or Hebei; members of
other regions have no partner (the warehouse marks them undecided). Set-based DuckDB SQL: the
result is the small set of out-of-region members, whatever the size of the city.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import duckdb
import pyarrow as pa

from hedui.registry import get_source
from hedui.warehouse.deliveries import plan_source, quarantined_keys_path


def _lit(value: object) -> str:
    return "'" + str(value).replace("'", "''") + "'"


def delivery_in_use(validated_root: Path, source: str, run_date: date) -> Path | None:
    """The validated delivery of ``source`` the run uses (latest on or before the run date)."""
    parts = plan_source(Path(validated_root), get_source(source), run_date)
    return parts[0].path if parts else None


def partner_members(
    con: duckdb.DuckDBPyConnection, validated_root: Path, run_date: date
) -> pa.Table | None:
    """Authorized members of the requests in use whose ID number is of a partner region:
    request_id, id_number, authorization_no, purpose, to_region, covered (has a local hukou
    record). None when the run has no validated requests or no validated hukou (coverage
    cannot be judged)."""
    requests = delivery_in_use(validated_root, "verification_request", run_date)
    hukou = delivery_in_use(validated_root, "hukou", run_date)
    if requests is None or hukou is None:
        return None
    local = f"SELECT upper(trim(id_number)) AS id FROM read_parquet({_lit(hukou)})"
    keys = quarantined_keys_path(hukou)
    if keys.exists():
        local += f" UNION ALL SELECT key FROM read_parquet({_lit(keys)}) WHERE key_kind = 'person'"
    return con.sql(
        f"""
        WITH members AS (
            SELECT request_id, upper(trim(member_id_number)) AS id_number,
                   trim(authorization_no) AS authorization_no, purpose
            FROM read_parquet({_lit(requests)})
            WHERE substr(upper(trim(member_id_number)), 1, 2) IN ('11', '13')
              AND nullif(trim(authorization_no), '') IS NOT NULL
        ),
        covered AS (SELECT DISTINCT id FROM ({local}) WHERE id IN (SELECT id_number FROM members))
        SELECT m.request_id, m.id_number, m.authorization_no, m.purpose,
               substr(m.id_number, 1, 2) || '0000' AS to_region,
               c.id IS NOT NULL AS covered
        FROM members AS m LEFT JOIN covered AS c ON c.id = m.id_number
        ORDER BY m.request_id, m.id_number
        """
    ).to_arrow_table()


def unauthorized_members(
    con: duckdb.DuckDBPyConnection, requests: Path | None, id_numbers: list[str]
) -> set[str]:
    """Those of ``id_numbers`` that are request members without an authorization (and none
    with one) in the request delivery ``requests``."""
    if requests is None or not id_numbers:
        return set()
    con.register("hd_answer_ids", pa.table({"id": sorted(set(id_numbers))}))
    try:
        rows = con.execute(
            f"""
            SELECT upper(trim(member_id_number)) AS id
            FROM read_parquet({_lit(requests)})
            WHERE upper(trim(member_id_number)) IN (SELECT id FROM hd_answer_ids)
            GROUP BY 1
            HAVING count(nullif(trim(authorization_no), '')) = 0
            """
        ).fetchall()
    finally:
        con.unregister("hd_answer_ids")
    return {r[0] for r in rows}


def period_span(asked_on: date) -> tuple[str, str]:
    """The 12 full months before ``asked_on`` as (YYYY-MM, YYYY-MM)."""
    index = asked_on.year * 12 + asked_on.month - 1
    first, last = index - 12, index - 1
    return f"{first // 12:04d}-{first % 12 + 1:02d}", f"{last // 12:04d}-{last % 12 + 1:02d}"
