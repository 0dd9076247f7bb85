"""Issue 17 end to end: members from other regions (docs/policy.md §11) through the real 京津冀
exchange, landing, validation and the warehouse build, night by night as the DAG runs them.

The small city's requests X01-X06 have members registered in Beijing, Hebei or Jiangsu. A
reference partner service per region (hedui.exchange.partner) answers on loopback from the
generated ``_partners/<region>/persons.jsonl``, signing with its own key; Hedui signs its queries
with its own. Night 1 (receive, land + validate, send after validation, build of the marts read
here): the requests wait for their region unless the local figures decide them (X04: a car fails
A2), the partners received exactly the exchange.md fields, the queries are ``sent``. Night 2
(receive before landing, land + validate the answers, send, the DAG's full build_step with every
data test): the exact tier and amount of the ground truth. A Jiangsu member (no partner) stays
undecided; a member without authorization is never queried. What people read follows each
night: the requests waiting on their region (cross_region_waiting), the partners' counts,
refusal rate and answer days (cross_region_partner_stats: null until a query is closed), and
the report's region rows (verification_report_members), as the report and dq pages show them.
"""

from __future__ import annotations

import json
from datetime import date, timedelta
from pathlib import Path

import duckdb
import pytest
import yaml

from hedui import pipeline
from hedui.audit import _raw_id_columns, _tables
from hedui.exchange.night import receive_step, send_step
from hedui.exchange.partner import PartnerService
from hedui.exchange.querylog import query_id
from hedui.exchange.signing import public_key_from_b64
from hedui.generator.scenario_time import full_months_before
from hedui.landing import read_landed
from hedui.registry import source_names
from hedui.run_context import RunContext
from hedui.warehouse import build_warehouse
from hedui.warehouse.pseudonyms import KEY_ENV, person_key
from hedui.web import views
from tests.exchange_fixtures import Keys

D1 = date(2026, 11, 27)
D2 = D1 + timedelta(days=1)
CODES = ("X01", "X02", "X03", "X04", "X05", "X06")
PARTNERS = ("110000", "130000")
MARTS = (
    "+verification_reports",
    "+household_members",
    "+cross_region_queries",
    "+cross_region_partner_stats",
    "+cross_region_waiting",
    "+verification_report_members",
)
SECRET = "cross-region-test-key"
QUERY_FIELDS = {
    "query_id",
    "request_id",
    "id_number",
    "authorization_no",
    "purpose",
    "period_from",
    "period_to",
    "asked_on",
    "from_region",
    "to_region",
    "signature",
}
pytestmark = pytest.mark.timeout(900)


@pytest.fixture
def partners(small_city: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch):  # type: ignore[no-untyped-def]
    """Beijing and Hebei on loopback (HTTP, bearer token), the exchange configured for them."""
    keys = Keys()
    own = {"110000": keys.beijing_private, "130000": keys.hebei_private}
    public = {"110000": keys.beijing_public, "130000": keys.hebei_public}
    services = {}
    config: dict = {"partners": {}}
    for region in PARTNERS:
        service = PartnerService.from_inbox(
            small_city,
            region,
            keys.private(own[region]),
            public_key_from_b64(keys.hedui_public),
            token=f"token-{region}",
        )
        url = service.start()
        services[region] = service
        monkeypatch.setenv(f"TOKEN_{region}", f"token-{region}")
        config["partners"][region] = {
            "public_key": public[region],
            "kind": "http",
            "options": {"base_url": url, "token_env": f"TOKEN_{region}", "backoff": 0.01},
        }
    config_file = tmp_path / "exchange.yaml"
    config_file.write_text(yaml.safe_dump(config), encoding="utf-8")
    monkeypatch.setenv("HEDUI_EXCHANGE_CONFIG", str(config_file))
    monkeypatch.setenv("HEDUI_EXCHANGE_PRIVATE_KEY", keys.hedui_private)
    monkeypatch.setenv(KEY_ENV, SECRET)
    monkeypatch.setenv("HEDUI_AUDIT_KEY", "cross-region-test-audit-key-0123456789")
    monkeypatch.setenv("HEDUI_WEB_SECRET", "cross-region-test-session-secret-9876")
    yield services
    for service in services.values():
        service.stop()


def _night(ctx: RunContext, full_build: bool) -> tuple[dict, dict, dict, Path]:
    """One night in the DAG's order: exchange_receive, extract + validate every source,
    gather_dq, exchange_send, build. Returns (received, gathered, sent, warehouse).

    ``full_build``: the DAG's build_step (every model and data test); else only the marts read
    here, without data tests (the first night, to keep the test within its CI budget)."""
    received = receive_step(ctx)
    outcomes = [
        pipeline.validate_source_step(ctx, pipeline.extract_source(ctx, s)) for s in source_names()
    ]
    gathered = pipeline.gather_validation_step(ctx, outcomes)
    sent = send_step(ctx)
    if full_build:
        built = pipeline.build_step(ctx)
        assert built["success"], built["summary"]
        return received, gathered, sent, Path(built["staging"])
    warehouse = pipeline.staging_file(ctx)
    warehouse.parent.mkdir(parents=True, exist_ok=True)
    excluded = ["--exclude-resource-type", "test", "--exclude-resource-type", "unit_test"]
    _, done = build_warehouse(
        ctx.day,
        ctx.validated,
        ctx.dq,
        warehouse,
        target_path=ctx.builds / "dbt-target",
        select=[*MARTS, *excluded],
    )
    assert done.success, done.failures[:5] or done.error
    return received, gathered, sent, warehouse


def _rows(warehouse: Path, sql: str, params: list | None = None) -> list[dict]:
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        cur = con.execute(sql, params or [])
        names = [c[0] for c in cur.description]
        return [dict(zip(names, r, strict=True)) for r in cur.fetchall()]
    finally:
        con.close()


def _reports(warehouse: Path, truth: dict) -> dict[str, dict]:
    ids = {truth[c]["request_id"]: c for c in CODES}
    rows = _rows(warehouse, "select * from marts.verification_reports")
    return {ids[r["request_id"]]: r for r in rows if r["request_id"] in ids}


def _mismatches(expected: dict, got: dict) -> dict:
    plain = {k: float(v) if hasattr(v, "as_tuple") else v for k, v in got.items()}
    return {k: (v, plain[k]) for k, v in expected.items() if plain[k] != v}


def _partner_stats(warehouse: Path) -> dict[str, dict]:
    rows = _rows(warehouse, "select * from marts.cross_region_partner_stats order by region")
    return {r.pop("region"): {k: v for k, v in r.items() if k != "run_date"} for r in rows}


def _region_findings(warehouse: Path, request_id: str) -> list[tuple]:
    """(source, finding, records, data_as_of) of a report's members out of local coverage."""
    rows = _rows(
        warehouse,
        "select source, finding, records, data_as_of from marts.verification_report_members"
        " where request_id = ? and starts_with(source, 'cross_region:') order by all",
        [request_id],
    )
    return [(r["source"], r["finding"], r["records"], r["data_as_of"]) for r in rows]


def _expected_queries(truth: dict, landing: Path) -> dict[str, dict]:
    """query_id -> the exact query exchange.md defines (unsigned), for every authorized member
    of a partner region: X01-X04, not X05 (Jiangsu) nor X06 (no authorization). The
    authorization number and purpose are the request's, as the city delivered it."""
    key = SECRET.encode()
    months = sorted(full_months_before(D1, 12))
    requests = read_landed(landing, "verification_request", D1).to_pylist()
    asked = {(r["request_id"], r["member_id_number"]): r for r in requests}
    out = {}
    for code in CODES:
        sc = truth[code]
        authorized = {m["id_number"] for m in sc["members"] if m["authorized"]}
        for m in sc.get("members_from_other_regions", []):
            if not m["partner"] or m["id_number"] not in authorized:
                continue
            qid = query_id(sc["request_id"], person_key(m["id_number"], key), m["region"])
            request = asked[(sc["request_id"], m["id_number"])]
            out[qid] = {
                "query_id": qid,
                "request_id": sc["request_id"],
                "id_number": m["id_number"],
                "authorization_no": request["authorization_no"],
                "purpose": request["purpose"],
                "period_from": months[0],
                "period_to": months[-1],
                "asked_on": str(D1),
                "from_region": "120000",
                "to_region": m["region"],
            }
    return out


def test_members_from_other_regions_wait_for_their_partner_answer(
    small_city: Path, tmp_path: Path, partners: dict[str, PartnerService]
) -> None:
    truth = json.loads((small_city / "_ground_truth" / "ground_truth.json").read_text())
    truth = truth["scenarios"]["scenarios"]
    ws = tmp_path / "ws"

    # night 1: the city's deliveries; no partner has answered yet
    night1 = RunContext.create(D1, ws, small_city, ws / "warehouse")
    received, gathered, sent, first = _night(night1, full_build=False)
    expected_queries = _expected_queries(truth, night1.landing)
    assert len(expected_queries) == 4  # X01-X04
    assert received["received"] == {"110000": 0, "130000": 0} and not received["errors"]
    assert (sent["new"], sent["sent"], sent["unsent"], sent["errors"]) == (4, 4, 0, {})
    # exactly the exchange.md fields, signed, and nothing about X05's or X06's member
    got = [q for s in partners.values() for q in s.received]
    assert all(set(q) == QUERY_FIELDS for q in got)
    assert {q["query_id"]: {k: v for k, v in q.items() if k != "signature"} for q in got} == (
        expected_queries
    )
    assert all(s.rejected == [] for s in partners.values())
    by_region = {r: sorted(q["query_id"] for q in s.received) for r, s in partners.items()}
    assert by_region == {
        r: sorted(q for q, v in expected_queries.items() if v["to_region"] == r) for r in PARTNERS
    }
    reports = _reports(first, truth)
    for code in CODES:
        expected = truth[code]["days"][str(D1)]["cross_region"]["before"]
        assert _mismatches(expected, reports[code]) == {}, code
    assert reports["X01"]["tier"] is None and reports["X01"]["missing_sources"] == [
        "cross_region:110000"
    ]
    assert reports["X04"]["tier"] == "none" and "A2" in reports["X04"]["reason_codes"]
    assert reports["X05"]["missing_sources"] == ["cross_region:320000"]
    queries = _rows(first, "select query_id, status, days_waiting from marts.cross_region_queries")
    assert {q["query_id"] for q in queries} == set(expected_queries)
    assert {(q["status"], q["days_waiting"]) for q in queries} == {("sent", 0)}
    # the partners' figures: everything asked and sent, nothing closed, so no rate nor time
    asked = {r: sum(q["to_region"] == r for q in expected_queries.values()) for r in PARTNERS}
    assert _partner_stats(first) == {
        r: {
            "queries_asked": asked[r],
            "queries_sent": asked[r],
            "answered": 0,
            "not_found": 0,
            "refused": 0,
            "overdue": 0,
            "pending": asked[r],
            "refusal_rate": None,
            "median_answer_days": None,
            "max_answer_days": None,
        }
        for r in PARTNERS
    }
    # staff's worklist: each request waits on its region, sent tonight, not overdue
    waiting = _rows(
        first,
        "select request_id, region, query_status, members_waiting, asked_on, days_waiting,"
        " overdue from marts.cross_region_waiting order by request_id, region",
    )
    groups: dict[tuple[str, str], int] = {}
    for q in expected_queries.values():
        key = (q["request_id"], q["to_region"])
        groups[key] = groups.get(key, 0) + 1
    assert waiting == [
        {
            "request_id": rid,
            "region": region,
            "query_status": "sent",
            "members_waiting": n,
            "asked_on": D1,
            "days_waiting": 0,
            "overdue": False,
        }
        for (rid, region), n in sorted(groups.items())
    ]
    # the report says which region each undecided member waits on
    assert _region_findings(first, truth["X01"]["request_id"]) == [
        ("cross_region:110000", "awaiting_answer", None, None)
    ]
    assert _region_findings(first, truth["X05"]["request_id"]) == [
        ("cross_region:320000", "no_partner", None, None)
    ]

    # night 2: the partners' answers arrive through the exchange and land with the night
    inbox2 = tmp_path / "inbox2"
    night2 = RunContext.create(D2, ws, inbox2, ws / "warehouse")
    received, gathered, sent, second = _night(night2, full_build=True)
    assert received["received"] == {"110000": 2, "130000": 2} and received["answered"] == 4
    assert gathered["statuses"]["cross_region_answer"] == "passed"
    assert (sent["new"], sent["sent"]) == (0, 0)  # nobody is queried twice
    reports = _reports(second, truth)
    for code in CODES:
        expected = truth[code]["days"][str(D1)]["cross_region"]["after_answer"]
        assert _mismatches(expected, reports[code]) == {}, code
    assert (reports["X01"]["tier"], reports["X01"]["monthly_amount"]) == ("dibao", 1020)
    assert reports["X03"]["tier"] == "low_income" and reports["X03"]["complete"]
    assert reports["X05"]["tier"] is None and not reports["X05"]["complete"]
    regions = _rows(
        second,
        "select figures_region, figures_as_of from marts.household_members "
        "where household_kind = 'request' and household_id = ? order by figures_region",
        [truth["X01"]["request_id"]],
    )
    assert regions == [
        {"figures_region": "110000", "figures_as_of": D1},
        {"figures_region": "120000", "figures_as_of": None},
    ]
    queries = _rows(second, "select query_id, status, days_waiting from marts.cross_region_queries")
    assert {q["query_id"] for q in queries} == set(expected_queries)
    assert sorted(q["status"] for q in queries) == ["answered", "answered", "answered", "not_found"]
    assert {q["days_waiting"] for q in queries} == {1}
    closed = _rows(
        second,
        "select to_region, status, count(*) as n from marts.cross_region_queries group by all",
    )
    counts = {(c["to_region"], c["status"]): c["n"] for c in closed}
    stats = _partner_stats(second)
    for r in PARTNERS:  # every query answered the next night: refusal rate 0, one day each
        assert stats[r] == {
            "queries_asked": asked[r],
            "queries_sent": asked[r],
            "answered": counts.get((r, "answered"), 0),
            "not_found": counts.get((r, "not_found"), 0),
            "refused": 0,
            "overdue": 0,
            "pending": 0,
            "refusal_rate": 0,
            "median_answer_days": 1,
            "max_answer_days": 1,
        }, r
    assert sum(s["not_found"] for s in stats.values()) == 1
    assert _rows(second, "select * from marts.cross_region_waiting") == []  # nothing waits
    assert _region_findings(second, truth["X01"]["request_id"]) == [
        ("cross_region:110000", "found", 1, D1)
    ]
    assert _region_findings(second, truth["X05"]["request_id"]) == [
        ("cross_region:320000", "no_partner", None, None)
    ]
    con = duckdb.connect(str(second), read_only=True)
    try:  # what the report page and the dq page show, from the same marts
        x01 = views.report_page(con, truth["X01"]["request_id"])
        x05 = views.report_page(con, truth["X05"]["request_id"])
        dq = views.dq_run(con, D2)
    finally:
        con.close()
    assert x01 is not None and x05 is not None and dq is not None
    assert [(r.region_label, r.finding, r.as_of) for r in x01.regions] == [
        ("北京市 110000", "found", D1)
    ]
    assert x01.undecided_regions == []
    assert [(r.region_label, r.finding) for r in x05.undecided_regions] == [
        ("江苏省 320000", "no_partner")
    ]
    assert {p["region"]: p["refusal_rate"] for p in dq.partners} == {r: 0 for r in PARTNERS}
    quarantined = _rows(
        second, "select count(*) as n from marts.quarantine where source = 'cross_region_answer'"
    )
    assert quarantined == [{"n": 0}]  # every answer verified
    homes = _rows(second, "select source from marts.member_homes where home_type = 'cross_region'")
    assert homes and {h["source"] for h in homes} == {"cross_region:130000"}  # X03's home
    con = duckdb.connect(str(second), read_only=True)
    try:  # what an answer added never shows the ID number (the pre-publish audit's check)
        assert _raw_id_columns(con, _tables(con, "marts")) == []
    finally:
        con.close()
