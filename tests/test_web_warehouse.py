"""The web application over a real warehouse: planted scenario households built by the dbt
project, exported, published and opened through the pages, checked against the ground truth.

generator scenarios -> validated deliveries -> build_warehouse (dbt) -> export_published ->
publish -> FastAPI TestClient. The detail marts (household_members, member_income_monthly,
member_assets, member_vehicles, member_homes, member_expenditure, source_as_of, households) feed
the household, report and dashboard pages; auditors never see a raw ID number or a name.
"""

from __future__ import annotations

import hashlib
import hmac
import html as html_lib
import re
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from hedui.generator.scenarios import ScenarioSet, build_scenarios
from hedui.publish import publish
from hedui.warehouse import build_warehouse
from hedui.warehouse.pseudonyms import KEY_ENV
from hedui.warehouse.publishable import export_published
from hedui.web.app import create_app
from hedui.web.config import WebConfig
from hedui.web.formatting import column_label
from hedui.web.glossary import label
from hedui_testing.warehouse import write_run

RUN = date(2026, 11, 27)
SECRET = "web-warehouse-test-secret"
PASSWORDS = {"staff1": "staff-pass-123", "audit1": "audit-pass-123"}
ROLES = {"staff1": "staff", "audit1": "auditor"}
pytestmark = pytest.mark.timeout(900)


@dataclass
class Deployment:
    app: FastAPI
    scenarios: ScenarioSet
    truth: dict
    published: Path


def key_of(id_number: str) -> str:
    return hmac.new(SECRET.encode(), id_number.encode(), hashlib.sha256).hexdigest()


@pytest.fixture(scope="module")
def dep(tmp_path_factory: pytest.TempPathFactory) -> Deployment:
    mp = pytest.MonkeyPatch()
    mp.setenv(KEY_ENV, SECRET)
    try:
        root = tmp_path_factory.mktemp("web-warehouse")
        scenarios = build_scenarios(RUN, 1)
        write_run(root / "validated", root / "dq", RUN, scenarios.rows[RUN])
        _, built = build_warehouse(
            RUN,
            root / "validated",
            root / "dq",
            root / "build" / "warehouse.duckdb",
            target_path=root / "dbt-target",
        )
        built.raise_for_failure()
        staging = root / "staging" / "published.duckdb"
        export_published(root / "build" / "warehouse.duckdb", staging)
        publish(staging, root / "warehouse", RUN.isoformat())
    finally:
        mp.undo()
    config = WebConfig.create(root / "warehouse", dq_root=root / "dq", secret_key="k" * 40)
    app = create_app(config)
    for name, password in PASSWORDS.items():
        app.state.users.add(name, password, ROLES[name])
    # household economics for an auditor only by an explicit grant (issue 16)
    app.state.users.set_grants("audit1", {"household_economics"})
    return Deployment(app, scenarios, scenarios.ground_truth(), root / "warehouse")


def login(app: FastAPI, username: str) -> TestClient:
    client = TestClient(app)
    token = re.search(r'name="csrf" value="([^"]+)"', client.get("/login").text)
    assert token
    r = client.post(
        "/login",
        data={"username": username, "password": PASSWORDS[username], "csrf": token.group(1)},
        follow_redirects=False,
    )
    assert r.status_code == 303, r.text
    return client


# --- reading the pages -----------------------------------------------------------------------


def _text(cell: str) -> str:
    return html_lib.unescape(re.sub(r"<[^>]+>", "", cell)).strip()


def _amount(cell: str) -> Decimal:
    return Decimal(_text(cell).replace("¥", "").replace(",", ""))


def section(page: str, title: str) -> list[dict[str, str]]:
    """Rows of a detail section (macros.section_table) as {column label: cell html}."""
    start = page.index(f"<h3>{title}</h3>")
    body = page[start : page.index("</section>", start)]
    if "<table>" not in body:
        return []
    heads = [_text(h) for h in re.findall(r"<th>(.*?)</th>", body, re.S)]
    rows = re.findall(r"<tr>(.*?)</tr>", body.split("<tbody>")[1], re.S)
    return [dict(zip(heads, re.findall(r"<td[^>]*>.*?</td>", r, re.S), strict=True)) for r in rows]


def keys_in(cells: list[str]) -> set[str]:
    return {m for c in cells for m in re.findall(r'title="([0-9a-f]{64})"', c)}


def income_table(page: str) -> tuple[list[str], list[dict]]:
    """The income table: its periods and one line per (person_key, source, item); the
    household total row (class total) is left out."""
    table = re.search(r'<table class="income"[^>]*>(.*?)</table>', page, re.S)
    assert table, "no income table on the page"
    head, body = table.group(1).split("<tbody>")
    periods = re.findall(r"<th>(\d{4}-\d{2})</th>", head)
    lines = []
    for row in re.findall(r"<tr>(.*?)</tr>", body, re.S):
        cells = re.findall(r"<td[^>]*>.*?</td>", row, re.S)
        key = re.search(r'title="([0-9a-f]{64})"', cells[0])
        assert key
        lines.append(
            {
                "person_key": key.group(1),
                "source": _text(cells[1]),
                "item": _text(cells[2]),
                "amounts": [_amount(c) for c in cells[3 : 3 + len(periods)]],
                "total": _amount(cells[3 + len(periods)]),
            }
        )
    return periods, lines


def scenario(dep: Deployment, code: str) -> tuple[dict, dict]:
    sc = dep.truth["scenarios"][code]
    return sc, sc["days"][RUN.isoformat()]


def living_member_keys(sc: dict, expected_count: int) -> set[str]:
    keys = {key_of(m["id_number"]) for m in sc["members"] if m["hukou_status"] == "normal"}
    assert len(keys) == expected_count  # the planted households chosen here have no deaths
    return keys


def source_rows(dep: Deployment, source: str, column: str, ids: set[str]) -> list[dict]:
    return [r for r in dep.scenarios.rows[RUN].get(source, []) if r.get(column) in ids]


# --- household pages -------------------------------------------------------------------------

MEMBER = "成员 Member"  # the member column: masked name, person_key in its title
WINDOW = [f"{y}-{m:02d}" for y, m in [(2025, 11), (2025, 12)] + [(2026, k) for k in range(1, 11)]]


@pytest.mark.parametrize("code", ["A03", "V01", "P01", "D02", "L02"])
def test_household_page_shows_the_planted_household(dep: Deployment, code: str) -> None:
    sc, day = scenario(dep, code)
    expected = day["household_verification"]
    page = login(dep.app, "staff1").get(f"/household/{sc['household_no']}").text

    # tier and reason codes of the ground truth
    assert f'class="result tier-{expected["tier"]}"' in page
    codes = set(re.findall(r"<li><code>([A-Z0-9_]+)</code>", page))
    assert codes == set(expected["reason_codes"])

    # the members, by person_key, with their hukou relation
    members = section(page, "成员名单 Member list")
    keys = living_member_keys(sc, expected["member_count"])
    assert keys_in([m[MEMBER] for m in members]) == keys
    assert {_text(m[column_label("relation")]) for m in members} == {
        label(m["relation"]) for m in sc["members"] if m["hukou_status"] == "normal"
    }

    # income by month: the 12 full months before the run date, adding up to the ground truth
    periods, lines = income_table(page)
    assert periods == WINDOW  # the income before the window (2025-10) is not shown
    assert {line["person_key"] for line in lines} <= keys
    total = sum(line["total"] for line in lines)
    assert total == Decimal(str(expected["income_per_capita"])) * expected["member_count"] * 12
    for line in lines:
        assert sum(line["amounts"]) == line["total"]
        assert line["source"] in {label("tax"), label("social_insurance")}


def test_household_page_lists_the_cash_assets_of_test_a1(dep: Deployment) -> None:
    sc, day = scenario(dep, "A03")
    expected = day["household_verification"]
    page = login(dep.app, "staff1").get(f"/household/{sc['household_no']}").text
    assets = section(page, "资产 Assets")
    keys = living_member_keys(sc, expected["member_count"])
    assert keys_in([a[MEMBER] for a in assets]) == keys
    total = sum(_amount(a[column_label("amount")]) for a in assets)
    assert total == Decimal(str(expected["cash_assets_per_capita"])) * expected["member_count"]
    sources = {_text(a[column_label("source")]) for a in assets}
    assert sources == {
        label(s)
        for s in (
            "deposit",
            "wealth_product",
            "stock",
            "bond",
            "fund",
            "commercial_insurance",
            "market_entity",
        )
    }  # by their Chinese names (the glossary)
    types = {_text(a[column_label("asset_type")]) for a in assets}
    assert not types & {label("health"), label("accident")}  # no savings part: no asset
    assert all(_text(a[column_label("as_of_date")]) != "—" for a in assets)
    for account in ("SCN-AC-01901", "SCN-POL-01907"):  # no account or policy numbers
        assert account not in page


def test_household_page_masks_plates_and_shows_homes(dep: Deployment) -> None:
    client = login(dep.app, "staff1")
    sc, _ = scenario(dep, "V01")
    page = client.get(f"/household/{sc['household_no']}").text
    vehicles = section(page, "车辆 Vehicles")
    plates = source_rows(dep, "vehicle", "owner_id_number", {m["id_number"] for m in sc["members"]})
    assert plates and len(vehicles) == len(plates)
    for plate in (p["plate_no"] for p in plates):
        assert plate not in page
        masked = "*" * (len(plate) - 2) + plate[-2:]
        assert masked in {_text(v[column_label("plate_masked")]) for v in vehicles}
    assert {_text(v[column_label("non_exempt")]) for v in vehicles} == {"是 yes"}

    sc, day = scenario(dep, "P01")
    page = client.get(f"/household/{sc['household_no']}").text
    homes = section(page, "住房 Homes")
    certs = {_text(h[column_label("cert_no")]) for h in homes}
    assert len(certs) == day["household_verification"]["residential_homes"]
    ids = {m["id_number"] for m in sc["members"]}
    assert certs == {r["cert_no"] for r in source_rows(dep, "real_estate", "owner_id_number", ids)}


def test_household_page_shows_expenditure_and_source_dates(dep: Deployment) -> None:
    sc, day = scenario(dep, "E01")
    expected = day["household_verification"]
    page = login(dep.app, "staff1").get(f"/household/{sc['household_no']}").text
    spent = section(page, "支出 Expenditure")
    yearly = sum(_amount(e[column_label("amount")]) for e in spent)
    per_capita = Decimal(str(expected["rigid_expenditure_per_capita"]))
    assert yearly == per_capita * 12 * expected["member_count"]
    as_of = section(page, "数据截止日期 Source as-of dates")
    assert {_text(s[column_label("source")]) for s in as_of} >= {
        label("tax"),
        label("deposit"),
        label("hukou"),
    }
    assert {_text(s[column_label("status")]) for s in as_of} == {"passed"}


def test_auditor_sees_person_keys_never_id_numbers_or_names(dep: Deployment) -> None:
    client = login(dep.app, "audit1")
    raw = {p.id_number for p in dep.scenarios.world.people.values()}
    names = {r["name"] for r in dep.scenarios.rows[RUN]["hukou"] if r.get("name")}
    assert raw and names
    urls = [f"/household/{dep.truth['scenarios'][c]['household_no']}" for c in ("A03", "V01")]
    urls += ["/report/SCN-REQ-0003", "/dashboard"]
    for url in urls:
        r = client.get(url)
        assert r.status_code == 200, (url, r.text[:300])
        assert not {i for i in raw if i in r.text}, url
        assert not {n for n in names if n in r.text}, url
    sc, _ = scenario(dep, "A03")
    page = client.get(f"/household/{sc['household_no']}").text
    assert all(key_of(m["id_number"]) in page for m in sc["members"])


def test_staff_reveal_maps_the_real_person_keys_back(dep: Deployment) -> None:
    """The active case (lookup_authorizations, built by dbt) covers its members in the hukou
    household: exactly those are revealed."""
    client = login(dep.app, "staff1")
    sc, day = scenario(dep, "C10")
    assert day["case"]["active"]
    url = f"/household/{sc['household_no']}"
    page = client.get(url).text
    assert all(m["id_number"] not in page for m in sc["members"])
    token = re.search(r'name="csrf" value="([^"]+)"', page)
    assert token
    r = client.post(
        f"{url}/identities",
        data={"purpose": "case_review", "authorization_no": sc["case_no"], "csrf": token.group(1)},
    )
    assert r.status_code == 200
    shown = {m["id_number"] for m in sc["members"] if m["id_number"] in r.text}
    expected = {
        m["id_number"] for m in sc["members"] if m["case_member"] and m["hukou_status"] == "normal"
    }
    assert expected and shown == expected


def test_a_request_authorization_covers_the_member_who_signed_it(dep: Deployment) -> None:
    sc, _ = scenario(dep, "Q03")
    rows = [
        r
        for r in dep.scenarios.rows[RUN]["verification_request"]
        if r["request_id"] == sc["request_id"]
    ]
    signed = [r for r in rows if r.get("authorization_no")]
    unsigned = [r for r in rows if not r.get("authorization_no")]
    assert signed and unsigned
    client = login(dep.app, "staff1")
    token = re.search(r'name="csrf" value="([^"]+)"', client.get("/search").text)
    assert token

    def lookup(id_number: str, auth: str) -> int:
        return client.post(
            "/search/id",
            data={
                "id_number": id_number,
                "purpose": "verification",
                "authorization_no": auth,
                "csrf": token.group(1),
            },
        ).status_code

    assert lookup(signed[0]["member_id_number"], signed[0]["authorization_no"]) == 200
    # the same number does not cover the member who did not sign
    assert lookup(unsigned[0]["member_id_number"], signed[0]["authorization_no"]) == 403


# --- report, case and dashboard --------------------------------------------------------------


def test_report_page_lists_the_verified_members(dep: Deployment) -> None:
    sc, day = scenario(dep, "Q03")
    report = day["verification_report"]
    page = login(dep.app, "staff1").get(f"/report/{sc['request_id']}").text
    assert f'data-tier="{report["tier"] or ""}"' in page
    assert set(re.findall(r"<li><code>([A-Z0-9_]+)</code>", page)) == set(report["reason_codes"])
    table = page[page.index('<table id="members">') :]
    rows = re.findall(r"<tr>(.*?)</tr>", table[: table.index("</table>")].split("<tbody>")[1])
    verified = {key_of(m["id_number"]) for m in sc["members"] if m["authorized"]}
    refused = {key_of(m["id_number"]) for m in sc["members"] if m["declared"]} - verified
    assert refused and keys_in(rows) == verified  # masked names, keys in the title
    roles = {_text(re.findall(r"<td[^>]*>.*?</td>", r)[2]) for r in rows}
    assert roles == {label("applicant"), label("member")}


def test_case_members_are_the_roll_members(dep: Deployment) -> None:
    """The case page needs recipient_reviews; the members it shows come from household_members
    (kind case), read here through the query the page uses."""
    from hedui.web import queries as q
    from hedui.web.warehouse import open_warehouse

    sc, _ = scenario(dep, "C10")  # a moved-out member stays a case member
    with open_warehouse(dep.published) as con:
        members = q.household_members(con, sc["case_no"], RUN, kind="case")
        hukou = q.household_members(con, sc["household_no"], RUN, kind="hukou")
    assert members is not None and hukou is not None
    case_keys = {key_of(m["id_number"]) for m in sc["members"] if m["case_member"]}
    assert {m["person_key"] for m in members} == case_keys
    moved = {key_of(m["id_number"]) for m in sc["members"] if m["hukou_status"] == "moved_out"}
    assert moved and moved <= case_keys and not moved & {m["person_key"] for m in hukou}
    assert {m["hukou_status"] for m in members} == {"normal", "moved_out"}


def test_dashboard_counts_tiers_by_district_name(dep: Deployment) -> None:
    page = login(dep.app, "staff1").get("/dashboard").text
    assert "<svg" in page
    district_codes = {r["district_code"] for r in dep.scenarios.rows[RUN]["hukou"]}
    assert "120104" in district_codes and "南开区" in page


def test_the_nights_warnings_reviews_and_outreach_become_tasks(dep: Deployment) -> None:
    """The worklist sync over the real published marts: one task per warning (household, code,
    first_seen, severity, district), review (case, code) and outreach candidate of the night."""
    import duckdb

    from hedui.districts import current_code

    assert login(dep.app, "staff1").get("/tasks/warnings").status_code == 200
    with duckdb.connect(str(dep.published / "published.duckdb"), read_only=True) as con:
        warnings = con.execute(
            "SELECT w.household_id, w.warning_code, w.first_seen, w.severity, h.district_code"
            " FROM marts.return_to_poverty_warnings w LEFT JOIN marts.households h"
            " ON h.household_id = w.household_id AND h.run_date = w.run_date"
            " WHERE w.run_date = ? AND w.status IN ('new', 'ongoing')",
            [RUN],
        ).fetchall()
        reviews = con.execute(
            "SELECT DISTINCT case_no, review_code FROM marts.recipient_reviews WHERE run_date = ?",
            [RUN],
        ).fetchall()
        outreach = con.execute(
            "SELECT household_id FROM marts.outreach_candidates WHERE run_date = ?", [RUN]
        ).fetchall()
    assert warnings and reviews and outreach
    store = dep.app.state.tasks
    assert {
        (t.subject, t.code, t.episode, t.severity, t.district_code)
        for t in store.all("warnings", {}, RUN)
    } == {(h, c, f, s, current_code(d) if d else None) for h, c, f, s, d in warnings}
    assert len(store.all("warnings", {}, RUN)) == len(warnings)
    assert {(t.subject, t.code, t.episode) for t in store.all("reviews", {}, RUN)} == {
        (c, r, RUN) for c, r in reviews
    }
    assert {t.subject for t in store.all("outreach", {}, RUN)} == {h for (h,) in outreach}
    assert {t.status for t in store.all(None, {}, RUN)} == {"open"}
