"""Forms posted without this session's CSRF token are refused (403) and audited."""

from __future__ import annotations

import pytest
from sec_deploy import Deployment, csrf_of, login

from hedui_testing.web_sample import CASE_NO, HOUSEHOLDS

H1 = HOUSEHOLDS[0]
FORMS = {
    "/logout": {},
    "/search/id": {
        "id_number": H1.members[0].id_number,
        "purpose": "case_review",
        "authorization_no": CASE_NO,
    },
    f"/household/{H1.household_id}/identities": {
        "purpose": "case_review",
        "authorization_no": CASE_NO,
    },
    "/admin/users": {"username": "mallory", "role": "admin", "password": "mallory-pass-1"},
    "/admin/users/staff1": {"op": "role", "role": "admin"},
    "/account/password": {
        "current": "staff-pass-123",
        "new": "x-pass-12345",
        "repeat": "x-pass-12345",
    },
}
WHO = {"/admin/users": "admin1", "/admin/users/staff1": "admin1"}


@pytest.mark.parametrize("kind", ["missing", "foreign"])
@pytest.mark.parametrize("path", sorted(FORMS))
def test_a_form_without_this_sessions_token_is_refused(
    dep: Deployment, path: str, kind: str
) -> None:
    client = login(dep.app, WHO.get(path, "staff1"))
    data = dict(FORMS[path])
    if kind == "foreign":  # a valid token of another session (e.g. the attacker's own)
        data["csrf"] = csrf_of(login(dep.app, "audit1").get("/dashboard").text)
    before = dep.count("csrf.refused")
    r = client.post(path, data=data, follow_redirects=False)
    assert r.status_code == 403
    assert dep.count("csrf.refused") == before + 1
    rec = dep.last("csrf.refused")
    assert (rec.target, rec.outcome, rec.detail_dict["token"]) == (path, "refused", kind)
    assert dep.users.get("mallory") is None and dep.users.get("staff1").role == "staff"
    assert client.get("/dashboard", follow_redirects=False).status_code == 200  # still signed in


def test_sign_in_without_a_token_is_refused_and_audited(dep: Deployment) -> None:
    from fastapi.testclient import TestClient

    client = TestClient(dep.app)
    r = client.post("/login", data={"username": "staff1", "password": "staff-pass-123"})
    assert r.status_code == 403
    assert dep.last("csrf.refused").target == "/login"
