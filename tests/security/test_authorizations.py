"""ID lookups and identity reveals must cite a registered authorization that covers the person,
with a purpose from the fixed list; every refusal is audited with its reason."""

from __future__ import annotations

import pytest
from sec_deploy import Deployment, login, token_of

from hedui_testing.web_sample import CASE_NO, HOUSEHOLDS, request_authorizations

H1, H2 = HOUSEHOLDS[0], HOUSEHOLDS[1]
AUTH_OF = {key: auth for auth, key in request_authorizations().items()}


def lookup(dep: Deployment, id_number: str, purpose: str, auth: str, note: str = ""):
    client = login(dep.app, "staff1")
    return client.post(
        "/search/id",
        data={
            "id_number": id_number,
            "purpose": purpose,
            "purpose_note": note,
            "authorization_no": auth,
            "csrf": token_of(client),
        },
    )


@pytest.mark.parametrize(
    ("person", "purpose", "auth", "reason"),
    [
        # another member's signed authorization does not cover this member
        (H1.members[0], "verification", AUTH_OF[H1.members[1].key], "does not cover this person"),
        # a request authorization of another household
        (H1.members[0], "verification", AUTH_OF[H2.members[0].key], "does not cover this person"),
        # the case covers H1's members only
        (H2.members[0], "case_review", CASE_NO, "does not cover this person"),
        # any string is no longer an authorization ("1" used to pass)
        (H1.members[0], "verification", "1", "no verification_request authorization"),
        # a case number cited for a verification purpose (wrong kind)
        (H1.members[0], "verification", CASE_NO, "no verification_request authorization"),
        # a request authorization cited for case work
        (H1.members[0], "case_review", AUTH_OF[H1.members[0].key], "no assistance_case"),
        # a purpose outside the list
        (H1.members[0], "curiosity", CASE_NO, "choose a purpose from the list"),
        # a member who signed nothing (request 2's second member refused)
        (H2.members[1], "verification", "SQ2026110002-A2", "no verification_request"),
    ],
)
def test_a_lookup_without_a_covering_authorization_is_refused_and_audited(
    dep: Deployment,
    person,
    purpose: str,
    auth: str,
    reason: str,  # type: ignore[no-untyped-def]
) -> None:
    r = lookup(dep, person.id_number, purpose, auth)
    assert r.status_code == 403 and reason in r.text
    assert person.name not in r.text and person.id_number not in r.text
    rec = dep.last("lookup.id_number")
    assert (rec.outcome, rec.authorization_no, rec.username) == ("refused", auth, "staff1")
    assert reason in rec.detail_dict["reason"]


def test_a_covering_authorization_is_accepted_and_the_note_masked(dep: Deployment) -> None:
    person = H1.members[0]
    other = H2.members[0].id_number
    r = lookup(
        dep,
        person.id_number,
        "verification",
        AUTH_OF[person.key],
        note=f"申请人称与 {other} 同住\x07",
    )
    assert r.status_code == 200 and person.name in r.text
    rec = dep.last("lookup.id_number")
    assert rec.outcome == "ok" and other not in rec.purpose and "\x07" not in rec.purpose
    assert rec.purpose == f"verification: 申请人称与 {other[:6]}********{other[-4:]} 同住"


def test_a_reveal_without_a_covering_authorization_is_refused_and_audited(
    dep: Deployment,
) -> None:
    client = login(dep.app, "staff1")
    url = f"/household/{H2.household_id}/identities"
    r = client.post(
        url, data={"purpose": "case_review", "authorization_no": CASE_NO, "csrf": token_of(client)}
    )
    assert r.status_code == 403 and "covers no member here" in r.text
    assert all(m.id_number not in r.text for m in H2.members)
    rec = dep.last("identity.reveal")
    assert (rec.outcome, rec.target) == ("refused", f"household:{H2.household_id}")


def test_lookups_are_rate_limited_per_user(tmp_path) -> None:  # type: ignore[no-untyped-def]
    from sec_deploy import make_deployment

    from hedui.web.config import Limits

    dep = make_deployment(tmp_path, limits=Limits(lookups_per_hour=2))
    person = H1.members[0]
    codes = [lookup(dep, person.id_number, "case_review", CASE_NO).status_code for _ in range(3)]
    assert codes == [200, 200, 403]
    rec = dep.last("lookup.id_number")
    assert rec.outcome == "throttled" and "rate limit" in rec.detail_dict["reason"]
    # another user has their own budget
    admin = login(dep.app, "admin1")
    admin.post(
        "/admin/users",
        data={
            "username": "staff2",
            "role": "staff",
            "password": "staff2-pass-1",
            "csrf": token_of(admin),
        },
    )
    other = login(dep.app, "staff2", "staff2-pass-1")
    r = other.post(
        "/search/id",
        data={
            "id_number": person.id_number,
            "purpose": "case_review",
            "authorization_no": CASE_NO,
            "csrf": token_of(other),
        },
    )
    assert r.status_code == 200
