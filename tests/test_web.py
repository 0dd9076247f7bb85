"""HTTP tests of the web application: every page, every role, the audited ID lookup, the PDF."""

from __future__ import annotations

import io
import json
import re
from collections.abc import Callable
from pathlib import Path

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from pypdf import PdfReader

from hedui.publish import publish
from hedui.web.app import create_app
from hedui.web.config import WebConfig
from hedui_testing.deployment import Deployment
from hedui_testing.web_sample import (
    CASE_NO,
    HOUSEHOLDS,
    LATEST,
    build_sample_warehouse,
    request_authorizations,
    write_sample_data_docs,
)

PASSWORDS = {"staff1": "staff-pass-123", "audit1": "audit-pass-123", "admin1": "admin-pass-123"}
ROLES = {"staff1": "staff", "audit1": "auditor", "admin1": "admin"}
RAW_IDS = [m.id_number for h in HOUSEHOLDS for m in h.members]
H1 = HOUSEHOLDS[0]

# authorization number (from the sample register) -> person_key it covers
AUTHS = request_authorizations()
AUTH_OF = {key: auth for auth, key in AUTHS.items()}

# page -> roles that may open it (household economics: staff only, issue 16)
PAGES: dict[str, set[str]] = {
    "/search": {"staff"},
    "/search?kind=household&q=120101": {"staff"},
    "/search?kind=case&q=JZ2024": {"staff"},
    "/search?kind=request&q=SQ2026": {"staff"},
    f"/household/{H1.household_id}": {"staff"},
    f"/household/{H1.household_id}?run_date=2026-11-25": {"staff"},
    f"/household/{HOUSEHOLDS[3].household_id}": {"staff"},
    f"/case/{CASE_NO}": {"staff"},
    "/report/SQ2026110001": {"staff"},
    "/report/SQ2026110002": {"staff"},
    "/dashboard": {"staff", "auditor", "admin"},
    "/dashboard?run_date=2026-11-26": {"staff", "auditor", "admin"},
    "/dq": {"staff", "auditor", "admin"},
    f"/dq/{LATEST}": {"staff", "auditor", "admin"},
    "/dq/2026-11-26/quarantine": {"staff", "auditor", "admin"},
    "/dq/2026-11-26/quarantine?source=hukou&reason_code=ID_CHECKSUM": {"staff", "auditor", "admin"},
    f"/dq/{LATEST}/docs/index.html": {"staff", "auditor", "admin"},
    "/audit": {"auditor", "admin"},
    "/admin/users": {"admin"},
}


def make_deployment(root: Path, extend: Callable[[Path], Path] | None = None) -> Deployment:
    """The sample warehouse published and served; ``extend`` adds to the staged file first."""
    staging = build_sample_warehouse(root / "staging.duckdb")
    if extend is not None:
        staging = extend(staging)
    publish(staging, root / "warehouse", LATEST.isoformat())
    write_sample_data_docs(root / "dq")
    config = WebConfig.create(root / "warehouse", dq_root=root / "dq", secret_key="k" * 40)
    app = create_app(config)
    for name, password in PASSWORDS.items():
        app.state.users.add(name, password, ROLES[name])
    return Deployment(root, config, app)


@pytest.fixture(scope="module")
def dep(tmp_path_factory: pytest.TempPathFactory) -> Deployment:
    return make_deployment(tmp_path_factory.mktemp("web"))


def csrf_of(html: str) -> str:
    match = re.search(r'name="csrf" value="([^"]+)"', html)
    assert match, "page has no CSRF token"
    return match.group(1)


def login(app: FastAPI, username: str, password: str | None = None) -> TestClient:
    client = TestClient(app)
    token = csrf_of(client.get("/login").text)
    r = client.post(
        "/login",
        data={"username": username, "password": password or PASSWORDS[username], "csrf": token},
        follow_redirects=False,
    )
    assert r.status_code == 303, r.text
    return client


def pdf_text(data: bytes) -> str:
    """The PDF's text without whitespace (pypdf spaces CID-font glyphs with NULs)."""
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(data)).pages)
    return re.sub(r"[\s\x00]+", "", text)


def last_audit(dep: Deployment, action: str):
    return dep.audit.records(1, action=action)[0]


# --- sign-in ---------------------------------------------------------------------------------


@pytest.mark.parametrize("url", [*sorted(PAGES), "/", "/report/SQ2026110001/pdf"])
def test_anonymous_users_are_redirected_to_login(dep: Deployment, url: str) -> None:
    r = TestClient(dep.app).get(url, follow_redirects=False)
    assert r.status_code == 303
    assert r.headers["location"].startswith("/login")


def test_wrong_password_is_refused_and_audited(dep: Deployment) -> None:
    client = TestClient(dep.app)
    token = csrf_of(client.get("/login").text)
    r = client.post(
        "/login",
        data={"username": "staff1", "password": "wrong-password-1", "csrf": token},
        follow_redirects=False,
    )
    assert r.status_code == 401
    assert "wrong user name or password" in r.text
    assert client.get("/search", follow_redirects=False).status_code == 303
    rec = last_audit(dep, "login")
    assert (rec.username, rec.outcome) == ("staff1", "refused")


def test_login_without_csrf_token_is_refused(dep: Deployment) -> None:
    client = TestClient(dep.app)
    client.get("/login")
    r = client.post("/login", data={"username": "staff1", "password": PASSWORDS["staff1"]})
    assert r.status_code == 403


def test_login_next_is_never_an_open_redirect(dep: Deployment) -> None:
    client = TestClient(dep.app)
    token = csrf_of(client.get("/login").text)
    r = client.post(
        "/login",
        data={
            "username": "staff1",
            "password": PASSWORDS["staff1"],
            "csrf": token,
            "next": "//evil.example/x",
        },
        follow_redirects=False,
    )
    assert r.headers["location"] == "/"


def test_logout_ends_the_session(dep: Deployment) -> None:
    client = login(dep.app, "staff1")
    token = csrf_of(client.get("/search").text)
    assert client.post("/logout", data={"csrf": token}, follow_redirects=False).status_code == 303
    assert client.get("/search", follow_redirects=False).status_code == 303


# --- every page, every role ------------------------------------------------------------------


@pytest.mark.parametrize("username", sorted(PASSWORDS))
def test_every_page_answers_by_role(dep: Deployment, username: str) -> None:
    client = login(dep.app, username)
    for url, roles in PAGES.items():
        r = client.get(url)
        expected = 200 if ROLES[username] in roles else 403
        assert r.status_code == expected, (username, url, r.status_code, r.text[:500])
        assert "Content-Security-Policy" in r.headers
        assert r.headers["Cache-Control"] == "no-store"


def test_staff_cannot_open_the_admin_page_or_post_to_it(dep: Deployment) -> None:
    client = login(dep.app, "staff1")
    assert client.get("/admin/users").status_code == 403
    token = csrf_of(client.get("/search").text)
    r = client.post(
        "/admin/users",
        data={"username": "mallory", "role": "admin", "password": "mallory-pass-1", "csrf": token},
    )
    assert r.status_code == 403
    assert dep.users.get("mallory") is None


def test_household_page_shows_result_reasons_and_degrades(dep: Deployment) -> None:
    html = login(dep.app, "staff1").get(f"/household/{HOUSEHOLDS[1].household_id}").text
    assert "不符合 (none)" in html
    assert "A2" in html and "名下有机动车" in html  # reason code with its explanation
    assert "not available in this warehouse" in html  # marts.member_expenditure is absent
    assert "bank_deposits" in html  # as-of dates of every source
    page = login(dep.app, "staff1").get(f"/household/{HOUSEHOLDS[3].household_id}").text
    assert "Incomplete" in page and "bank_deposits" in page


def test_household_page_shows_warnings_with_evidence(dep: Deployment) -> None:
    html = login(dep.app, "staff1").get(f"/household/{H1.household_id}").text
    assert "W_INCOME_DROP" in html and "收入骤降" in html
    assert "2026-09" in html  # evidence rows
    assert "YB-7781" in html
    assert "tax_income" in html  # income by source
    assert H1.members[0].key[:12] in html  # person keys, not ID numbers


def test_search_by_exact_number_goes_straight_to_the_page(dep: Deployment) -> None:
    client = login(dep.app, "staff1")
    r = client.get(f"/search?kind=household&q={H1.household_id}", follow_redirects=False)
    assert r.headers["location"] == f"/household/{H1.household_id}"
    r = client.get("/search?kind=request&q=SQ2026110001", follow_redirects=False)
    assert r.headers["location"] == "/report/SQ2026110001"


def test_search_text_is_a_parameter_not_sql(dep: Deployment) -> None:
    r = login(dep.app, "staff1").get("/search", params={"kind": "household", "q": "' OR 1=1 --"})
    assert r.status_code == 200
    assert "Nothing found" in r.text
    rec = last_audit(dep, "search.household")
    assert (rec.target, rec.row_count, rec.outcome) == ("' OR 1=1 --", 0, "ok")


def test_household_views_are_audited(dep: Deployment) -> None:
    login(dep.app, "staff1").get(f"/household/{H1.household_id}")
    rec = last_audit(dep, "view.household")
    assert (rec.username, rec.target, rec.outcome) == ("staff1", H1.household_id, "ok")
    assert rec.row_count and rec.row_count > 1


# --- ID numbers ------------------------------------------------------------------------------


def id_lookup(
    client: TestClient, id_number: str, purpose: str = "", auth: str = "", note: str = ""
):
    token = csrf_of(client.get("/dashboard").text)
    return client.post(
        "/search/id",
        data={
            "id_number": id_number,
            "purpose": purpose,
            "purpose_note": note,
            "authorization_no": auth,
            "csrf": token,
        },
    )


def test_id_lookup_without_authorization_is_refused_and_audited(dep: Deployment) -> None:
    client = login(dep.app, "staff1")
    person = H1.members[1]
    r = id_lookup(client, person.id_number, purpose="verification", note="低保申请核对")
    assert r.status_code == 403
    assert "authorization number is required" in r.text
    assert person.name not in r.text
    rec = last_audit(dep, "lookup.id_number")
    assert rec.outcome == "refused"
    assert rec.username == "staff1" and rec.purpose == "verification: 低保申请核对"
    assert rec.authorization_no is None
    assert person.id_number not in rec.target  # the log keeps a masked ID number
    assert rec.target.endswith(person.id_number[-4:])


def test_id_lookup_with_authorization_is_audited_with_row_count(dep: Deployment) -> None:
    client = login(dep.app, "staff1")
    person = H1.members[1]
    auth = AUTH_OF[person.key]  # the authorization this member signed (SQ2026110001-A2)
    r = id_lookup(client, person.id_number, "verification", auth, note="低保申请核对")
    assert r.status_code == 200
    assert person.id_number in r.text and person.name in r.text  # staff see them here
    assert f"/household/{H1.household_id}" in r.text
    rec = last_audit(dep, "lookup.id_number")
    assert (rec.outcome, rec.row_count) == ("ok", 1)
    assert (rec.purpose, rec.authorization_no) == ("verification: 低保申请核对", auth)
    assert rec.detail_dict["authorization"] == ["verification_request:SQ2026110001"]
    assert rec.detail_dict["person_keys"] == [person.key]
    assert rec.detail_dict["households"] == [H1.household_id]


def test_id_lookup_of_unknown_person_is_refused_as_not_covered(dep: Deployment) -> None:
    # an authorization can only cover a known person: the answer does not reveal existence
    from hedui_testing.web_sample import make_id

    client = login(dep.app, "staff1")
    unknown = make_id("120106", LATEST.replace(year=1990), 555)
    r = id_lookup(client, unknown, "verification", "SQ2026110001-A1")
    assert r.status_code == 403 and "does not cover this person" in r.text
    rec = last_audit(dep, "lookup.id_number")
    assert (rec.outcome, rec.detail_dict["person_found"]) == ("refused", False)


def test_id_lookup_rejects_a_malformed_id_number(dep: Deployment) -> None:
    valid = H1.members[0].id_number
    bad = valid[:-1] + ("1" if valid[-1] != "1" else "2")  # wrong check character
    r = id_lookup(login(dep.app, "staff1"), bad, "case_review", CASE_NO)
    assert r.status_code == 403 and "not a valid ID number" in r.text
    assert last_audit(dep, "lookup.id_number").outcome == "refused"


def test_auditor_never_sees_raw_id_numbers(dep: Deployment) -> None:
    # staff activity first, so the audit log holds ID lookups the auditor then reads
    id_lookup(login(dep.app, "staff1"), H1.members[0].id_number, "case_review", CASE_NO)
    client = login(dep.app, "audit1")
    pages = [url for url, roles in PAGES.items() if "auditor" in roles]
    pages += ["/audit?action=lookup."]
    for url in pages:
        body = client.get(url).content.decode("utf-8", "replace")
        for raw in RAW_IDS:
            assert raw not in body, (url, raw)
    # and the ID lookup and the identity reveal refuse them, audited
    # and the ID lookup and the identity reveal refuse them, audited
    r = id_lookup(client, H1.members[0].id_number, "case_review", CASE_NO)
    assert r.status_code == 403
    assert H1.members[0].id_number not in r.text
    assert last_audit(dep, "access.denied").username == "audit1"
    token = csrf_of(client.get("/dashboard").text)
    r = client.post(
        f"/household/{H1.household_id}/identities",
        data={"purpose": "case_review", "authorization_no": CASE_NO, "csrf": token},
    )
    assert r.status_code == 403
    assert all(raw not in r.text for raw in RAW_IDS)
    assert last_audit(dep, "access.denied").target == f"/household/{H1.household_id}/identities"


def test_staff_household_page_hides_ids_until_an_audited_reveal(dep: Deployment) -> None:
    client = login(dep.app, "staff1")
    html = client.get(f"/household/{H1.household_id}").text
    assert all(m.id_number not in html for m in H1.members)
    token = csrf_of(html)
    url = f"/household/{H1.household_id}/identities"
    assert client.post(url, data={"purpose": "case_review", "csrf": token}).status_code == 403
    assert last_audit(dep, "identity.reveal").outcome == "refused"
    # the active assistance case covers all three members
    data = {"purpose": "case_review", "authorization_no": CASE_NO, "csrf": token}
    r = client.post(url, data=data)
    assert r.status_code == 200
    assert all(m.id_number in r.text and m.name in r.text for m in H1.members)
    rec = last_audit(dep, "identity.reveal")
    assert (rec.outcome, rec.row_count, rec.authorization_no) == ("ok", 3, CASE_NO)
    # one member's signed request authorization reveals that member only
    auth = AUTH_OF[H1.members[2].key]
    r = client.post(url, data={**data, "purpose": "verification", "authorization_no": auth})
    assert r.status_code == 200
    assert H1.members[2].id_number in r.text and H1.members[0].id_number not in r.text
    rec = last_audit(dep, "identity.reveal")
    assert (rec.row_count, rec.detail_dict["not_covered"]) == (1, 2)


# --- reports ---------------------------------------------------------------------------------


def test_report_page_shows_tier_and_refused_members(dep: Deployment) -> None:
    client = login(dep.app, "staff1")
    html = client.get("/report/SQ2026110001").text
    assert 'data-tier="dibao"' in html and "最低生活保障 (dibao)" in html
    assert "2026-11-26" in html  # sources as of
    html = client.get("/report/SQ2026110002").text
    assert "V_AUTH_MISSING" in html and "未计算 (not computed)" in html
    assert "not looked up" in html


def test_pdf_endpoint_returns_a_pdf_with_the_tier(dep: Deployment) -> None:
    r = login(dep.app, "staff1").get("/report/SQ2026110001/pdf")
    assert r.status_code == 200
    assert r.headers["content-type"] == "application/pdf"
    assert r.content.startswith(b"%PDF")
    text = pdf_text(r.content)
    assert "dibao" in text and "SQ2026110001" in text
    assert last_audit(dep, "download.report_pdf").target == "SQ2026110001"


def test_unknown_report_is_404(dep: Deployment) -> None:
    assert login(dep.app, "staff1").get("/report/NOPE").status_code == 404


# --- audit team ------------------------------------------------------------------------------


def test_quality_pages_show_status_rows_and_data_docs(dep: Deployment) -> None:
    client = login(dep.app, "audit1")
    html = client.get("/dq").text
    assert "<svg" in html and f"/dq/{LATEST}/docs/index.html" in html
    html = client.get(f"/dq/{LATEST}").text
    assert "missing" in html and "bank_deposits" in html
    html = client.get("/dq/2026-11-26/quarantine?source=hukou").text
    assert "ID_CHECKSUM" in html and "hukou_20261126.csv" in html
    docs = client.get(f"/dq/{LATEST}/docs/index.html")
    assert docs.status_code == 200 and "Data quality" in docs.text
    assert "unsafe-inline" in docs.headers["Content-Security-Policy"]


def test_data_docs_cannot_escape_their_folder(dep: Deployment) -> None:
    (dep.root / "dq" / "secret.html").write_text("secret")
    client = login(dep.app, "audit1")
    for path in ("../../secret.html", "..%2F..%2Fsecret.html", "../../../warehouse/x.duckdb"):
        assert client.get(f"/dq/{LATEST}/docs/{path}").status_code in {400, 404}


def test_dashboard_has_charts_by_district_and_over_time(dep: Deployment) -> None:
    html = login(dep.app, "staff1").get("/dashboard").text
    assert html.count("<svg") == 2
    assert "和平区" in html and "Open warnings by run" in html


def test_audit_page_verifies_the_chain(dep: Deployment) -> None:
    html = login(dep.app, "audit1").get("/audit").text
    assert "Hash chain verified" in html
    assert "lookup.id_number" in html or "login" in html


# --- admin -----------------------------------------------------------------------------------


def test_admin_manages_users_and_a_deactivated_session_ends(dep: Deployment) -> None:
    admin = login(dep.app, "admin1")
    token = csrf_of(admin.get("/admin/users").text)
    r = admin.post(
        "/admin/users",
        data={"username": "staff2", "role": "staff", "password": "staff2-pass-1", "csrf": token},
    )
    assert r.status_code == 200 and "staff2" in r.text
    assert last_audit(dep, "user.add").target == "staff2"
    weak = admin.post(
        "/admin/users",
        data={"username": "staff3", "role": "staff", "password": "short", "csrf": token},
    )
    assert weak.status_code == 400
    staff2 = login(dep.app, "staff2", "staff2-pass-1")
    assert staff2.get("/search").status_code == 200
    admin.post("/admin/users/staff2", data={"op": "deactivate", "csrf": token})
    assert staff2.get("/search", follow_redirects=False).status_code == 303
    assert last_audit(dep, "user.deactivate").target == "staff2"


def test_the_last_admin_cannot_be_removed(dep: Deployment) -> None:
    admin = login(dep.app, "admin1")
    token = csrf_of(admin.get("/admin/users").text)
    r = admin.post("/admin/users/admin1", data={"op": "deactivate", "csrf": token})
    assert "keep one active admin" in r.text
    r = admin.post("/admin/users/admin1", data={"op": "role", "role": "staff", "csrf": token})
    assert "cannot change their own role" in r.text
    assert dep.users.get("admin1").role == "admin"


# --- robustness ------------------------------------------------------------------------------


def test_no_published_warehouse_is_a_clear_503(tmp_path: Path) -> None:
    config = WebConfig.create(tmp_path / "empty", secret_key="k" * 40)
    app = create_app(config)
    app.state.users.add("staff1", PASSWORDS["staff1"], "staff")
    client = login(app, "staff1")
    r = client.get("/dashboard")
    assert r.status_code == 503 and "No warehouse has been published yet" in r.text


def test_tampered_audit_log_shows_on_the_audit_page(tmp_path: Path) -> None:
    dep = make_deployment(tmp_path)
    login(dep.app, "staff1").get(f"/household/{H1.household_id}")
    with dep.app.state.db.engine.begin() as con:
        con.exec_driver_sql("DROP TRIGGER audit_log_no_update")
        con.exec_driver_sql("UPDATE audit_log SET row_count = 0 WHERE action = 'view.household'")
    html = login(dep.app, "audit1").get("/audit").text
    assert "Hash chain broken" in html


def test_repeated_wrong_passwords_back_off_instead_of_locking(tmp_path: Path) -> None:
    dep = make_deployment(tmp_path)
    client = TestClient(dep.app)
    token = csrf_of(client.get("/login").text)

    def attempt(password: str, username: str = "staff1") -> int:
        data = {"username": username, "password": password, "csrf": token}
        return client.post("/login", data=data, follow_redirects=False).status_code

    assert [attempt("wrong-pass-1") for _ in range(3)] == [401] * 3  # free failures
    assert attempt("wrong-pass-1") == 401  # the fourth starts a 2 s back-off
    assert attempt(PASSWORDS["staff1"]) == 429  # even the right password, while backing off
    refused = dep.audit.records(2, action="login")
    assert [json.loads(r.detail)["reason"] for r in refused] == ["backing off", "wrong password"]
    assert json.loads(refused[1].detail)["backoff_s"] == 2
    # an admin clears the user name (the address "testclient" still backs off: a fresh one)
    admin = TestClient(dep.app, client=("10.0.0.9", 50000))
    admin_token = csrf_of(admin.get("/login").text)
    admin.post(
        "/login", data={"username": "admin1", "password": PASSWORDS["admin1"], "csrf": admin_token}
    )
    page = admin.get("/admin/users")
    admin.post("/admin/users/staff1", data={"op": "unlock", "csrf": csrf_of(page.text)})
    assert last_audit(dep, "user.unlock").target == "staff1"
    other = TestClient(dep.app, client=("10.0.0.7", 50000))
    other_token = csrf_of(other.get("/login").text)
    r = other.post(
        "/login",
        data={"username": "staff1", "password": PASSWORDS["staff1"], "csrf": other_token},
        follow_redirects=False,
    )
    assert r.status_code == 303
