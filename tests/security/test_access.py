"""Least privilege: staff never reach admin routes; auditors see aggregates, data quality and the
audit log but not household economics (unless granted); an admin cannot raise their own role."""

from __future__ import annotations

import pytest
from sec_deploy import Deployment, login, token_of

from hedui_testing.web_sample import CASE_NO, HOUSEHOLDS

H1 = HOUSEHOLDS[0]
ADMIN_GETS = ["/admin/users"]
ADMIN_POSTS = {
    "/admin/users": {"username": "mallory", "role": "admin", "password": "mallory-pass-1"},
    "/admin/users/staff1": {"op": "role", "role": "admin"},
    "/admin/users/audit1": {"op": "password", "password": "taken-over-1"},
    "/admin/users/staff1/": {"op": "grant", "grant": "household_economics"},
}
ECONOMICS = [
    "/search?kind=household&q=120101",
    f"/household/{H1.household_id}",
    f"/case/{CASE_NO}",
    "/report/SQ2026110001",
    "/report/SQ2026110001/pdf",
]


@pytest.mark.parametrize("path", ADMIN_GETS)
def test_staff_opening_an_admin_page_is_refused_and_audited(dep: Deployment, path: str) -> None:
    r = login(dep.app, "staff1").get(path)
    assert r.status_code == 403
    rec = dep.last("access.denied")
    assert (rec.username, rec.target, rec.detail_dict["permission"]) == ("staff1", path, "admin")


@pytest.mark.parametrize("path", sorted(ADMIN_POSTS))
def test_staff_posting_to_an_admin_route_is_refused_and_audited(dep: Deployment, path: str) -> None:
    client = login(dep.app, "staff1")
    r = client.post(path.rstrip("/"), data={**ADMIN_POSTS[path], "csrf": token_of(client)})
    assert r.status_code == 403
    assert dep.last("access.denied").target == path.rstrip("/")
    assert dep.users.get("mallory") is None
    assert dep.users.get("staff1").role == "staff" and not dep.users.get("staff1").grants


@pytest.mark.parametrize("path", ECONOMICS)
def test_an_auditor_opening_household_economics_is_refused_and_audited(
    dep: Deployment, path: str
) -> None:
    r = login(dep.app, "audit1").get(path)
    assert r.status_code == 403
    assert "%PDF" not in r.text and "1170" not in r.text
    rec = dep.last("access.denied")
    assert (rec.username, rec.target.split("?")[0]) == ("audit1", path.split("?")[0])
    assert rec.detail_dict["permission"] == "households"


def test_an_auditor_keeps_aggregates_quality_and_the_audit_log(dep: Deployment) -> None:
    client = login(dep.app, "audit1")
    for path in ("/dashboard", "/dq", "/audit"):
        assert client.get(path).status_code == 200, path


def test_an_explicit_grant_opens_household_economics_to_an_auditor(fresh: Deployment) -> None:
    admin = login(fresh.app, "admin1")
    r = admin.post(
        "/admin/users/audit1",
        data={"op": "grant", "grant": "household_economics", "csrf": token_of(admin)},
    )
    assert r.status_code == 200
    assert fresh.last("user.grant").detail_dict["grants"] == ["household_economics"]
    auditor = login(fresh.app, "audit1")
    assert auditor.get(f"/household/{H1.household_id}").status_code == 200
    # economics only: ID lookups stay with verification staff
    r = auditor.post(
        "/search/id",
        data={
            "id_number": H1.members[0].id_number,
            "purpose": "case_review",
            "authorization_no": CASE_NO,
            "csrf": token_of(auditor),
        },
    )
    assert r.status_code == 403 and fresh.last("lookup.id_number").outcome == "refused"


@pytest.mark.parametrize(
    "data",
    [
        {"op": "role", "role": "staff"},
        {"op": "grant", "grant": "household_economics"},
        {"op": "activate"},
    ],
)
def test_an_admin_cannot_change_their_own_role_or_grants(fresh: Deployment, data: dict) -> None:
    admin = login(fresh.app, "admin1")
    r = admin.post("/admin/users/admin1", data={**data, "csrf": token_of(admin)})
    assert r.status_code == 400 and "cannot change their own" in r.text
    assert fresh.last(f"user.{data['op']}").outcome == "refused"
    me = fresh.users.get("admin1")
    assert me.role == "admin" and not me.grants
