"""Oversized and control-character input in every form field: refused or cleaned, never a server
error, never stored raw, and the audit chain stays valid."""

from __future__ import annotations

import re

import pytest
from fastapi.testclient import TestClient
from sec_deploy import Deployment, csrf_of, login, token_of

from hedui_testing.web_sample import CASE_NO, HOUSEHOLDS

H1 = HOUSEHOLDS[0]
NASTY = {
    "oversized": "9" * 100_000,
    "control": "staff1\x00\r\nX-Injected: 1\x1b[31m\u202e",
}
FORMS = {
    # path: (user, {field: normal value})
    "/login": (None, {"username": "ghost1", "password": "x-pass-12345", "next": "/"}),
    "/search/id": (
        "staff1",
        {
            "id_number": H1.members[0].id_number,
            "purpose": "case_review",
            "purpose_note": "note",
            "authorization_no": CASE_NO,
        },
    ),
    f"/household/{H1.household_id}/identities": (
        "staff1",
        {
            "purpose": "case_review",
            "purpose_note": "n",
            "authorization_no": CASE_NO,
            "run_date": "",
        },
    ),
    "/admin/users": (
        "admin1",
        {"username": "newuser", "role": "staff", "password": "new-pass-123"},
    ),
    "/admin/users/staff1": ("admin1", {"op": "role", "role": "staff", "password": "", "grant": ""}),
    "/task/1/assign": ("staff1", {"assignee": "staff1"}),
    "/task/1/outcome": ("staff1", {"outcome": "confirmed", "note": "n"}),
    "/task/1/reopen": ("staff1", {"note": "n"}),
    "/account/password": (
        "staff1",
        {"current": "wrong-pass-1", "new": "n-pass-12345", "repeat": "n-pass-12345"},
    ),
}
CASES = [
    (path, field, kind)
    for path, (_u, fields) in FORMS.items()
    for field in fields
    for kind in NASTY
]
_CONTROL = re.compile(r"[\x00-\x1f\x7f\u202e]")


def _head(dep: Deployment) -> int:
    last = dep.audit.records(1)
    return last[0].seq if last else 0


@pytest.fixture(scope="module", autouse=True)
def _tasks(dep: Deployment) -> None:
    """The night's tasks exist (task 1 among them) before its forms are posted."""
    assert login(dep.app, "staff1").get("/tasks/warnings").status_code == 200


@pytest.mark.parametrize(("path", "field", "kind"), CASES)
def test_a_nasty_value_in_a_form_field_is_handled(
    dep: Deployment, path: str, field: str, kind: str
) -> None:
    who, fields = FORMS[path]
    # sign-in attempts come from an address of their own (their back-off stays there)
    client = login(dep.app, who) if who else TestClient(dep.app, client=("10.9.9.9", 1))
    token = token_of(client) if who else csrf_of(client.get("/login").text)
    before = _head(dep)
    r = client.post(
        path, data={**fields, field: NASTY[kind], "csrf": token}, follow_redirects=False
    )
    assert r.status_code < 500, r.text[:300]
    assert r.status_code in {200, 303, 400, 401, 403, 404, 429}
    assert NASTY[kind] not in r.text  # never echoed whole
    assert "X-Injected" not in r.headers
    # refused requests are audited, except a malformed date refused before anything is read
    assert _head(dep) > before or (field, r.status_code) == ("run_date", 400)
    for rec in dep.audit.records(_head(dep) - before):
        for value in (rec.username, rec.target, rec.purpose or "", rec.authorization_no or ""):
            assert not _CONTROL.search(value) and len(value) <= 300
    assert dep.users.get("staff1").role == "staff"  # nothing escalated
    assert dep.audit.verify().ok


@pytest.mark.parametrize("kind", sorted(NASTY))
@pytest.mark.parametrize("param", ["q", "kind"])
def test_a_nasty_search_parameter_is_handled(dep: Deployment, param: str, kind: str) -> None:
    value = NASTY[kind][:8000]  # as long as a URL may carry
    params = {"kind": "household", "q": "120101", param: value}
    r = login(dep.app, "staff1").get("/search", params=params)
    assert r.status_code in {200, 400}
    rec = dep.audit.records(1)[0]
    assert not _CONTROL.search(rec.target) and len(rec.target) <= 200
