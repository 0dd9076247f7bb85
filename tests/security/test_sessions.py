"""Sessions end server-side: a cookie copied before sign-out, a password change or reset, or a
deactivation no longer works; idle sessions expire; cookies are Secure (with HSTS) off loopback."""

from __future__ import annotations

import dataclasses
import time

from fastapi.testclient import TestClient
from sec_deploy import PASSWORDS, Deployment, csrf_of, login, make_deployment, token_of

from hedui.web.app import create_app
from hedui.web.config import secure_cookies


def _copy(client: TestClient, app) -> TestClient:  # type: ignore[no-untyped-def]
    thief = TestClient(app)
    thief.cookies.set("hedui_session", client.cookies.get("hedui_session"))
    return thief


def test_a_cookie_reused_after_logout_is_dead(fresh: Deployment) -> None:
    client = login(fresh.app, "staff1")
    thief = _copy(client, fresh.app)
    assert thief.get("/search", follow_redirects=False).status_code == 200
    client.post("/logout", data={"csrf": token_of(client)})
    r = thief.get("/search", follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"].startswith("/login")
    assert fresh.last("logout").username == "staff1"


def test_a_cookie_reused_after_a_password_reset_is_dead(fresh: Deployment) -> None:
    victim = login(fresh.app, "staff1")
    thief = _copy(victim, fresh.app)
    admin = login(fresh.app, "admin1")
    r = admin.post(
        "/admin/users/staff1",
        data={"op": "password", "password": "reset-pass-123", "csrf": token_of(admin)},
    )
    assert r.status_code == 200 and fresh.last("user.password").target == "staff1"
    for client in (victim, thief):
        assert client.get("/search", follow_redirects=False).status_code == 303
    # the reset password must be replaced at the next sign-in before anything else
    again = login(fresh.app, "staff1", "reset-pass-123")
    r = again.get("/search", follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"] == "/account/password"
    form = again.get("/account/password").text
    r = again.post(
        "/account/password",
        data={
            "current": "reset-pass-123",
            "new": "own-pass-456",
            "repeat": "own-pass-456",
            "csrf": csrf_of(form),
        },
        follow_redirects=False,
    )
    assert r.status_code == 303
    assert again.get("/search").status_code == 200
    assert fresh.last("user.password_change").outcome == "ok"


def test_a_cookie_reused_after_the_users_own_password_change_is_dead(fresh: Deployment) -> None:
    client = login(fresh.app, "staff1")
    thief = _copy(client, fresh.app)
    client.post(
        "/account/password",
        data={
            "current": PASSWORDS["staff1"],
            "new": "n3w-pass-789",
            "repeat": "n3w-pass-789",
            "csrf": token_of(client),
        },
    )
    assert client.get("/search").status_code == 200  # the changing session carries on
    assert thief.get("/search", follow_redirects=False).status_code == 303


def test_a_deactivated_users_cookie_is_dead(fresh: Deployment) -> None:
    client = login(fresh.app, "staff1")
    admin = login(fresh.app, "admin1")
    admin.post("/admin/users/staff1", data={"op": "deactivate", "csrf": token_of(admin)})
    assert client.get("/dashboard", follow_redirects=False).status_code == 303


def test_an_idle_session_expires(tmp_path) -> None:  # type: ignore[no-untyped-def]
    dep = make_deployment(tmp_path)
    app = create_app(dataclasses.replace(dep.config, idle_timeout_s=1))
    client = login(app, "staff1")
    assert client.get("/dashboard", follow_redirects=False).status_code == 200
    time.sleep(2.2)
    assert client.get("/dashboard", follow_redirects=False).status_code == 303


def test_secure_cookies_and_hsts_off_loopback(tmp_path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.delenv("HEDUI_WEB_HTTPS_ONLY", raising=False)
    assert secure_cookies("0.0.0.0") is True and secure_cookies("10.1.2.3") is True
    assert secure_cookies("127.0.0.1") is None  # loopback: the environment decides (off)
    dep = make_deployment(tmp_path, https_only=secure_cookies("0.0.0.0"))
    client = TestClient(dep.app, base_url="https://hedui.example")
    r = client.get("/login")
    assert "secure" in r.headers["set-cookie"].lower()
    assert r.headers["Strict-Transport-Security"].startswith("max-age=")
    plain = make_deployment(tmp_path / "plain")
    r = TestClient(plain.app).get("/login")
    assert "secure" not in r.headers["set-cookie"].lower()
    assert "Strict-Transport-Security" not in r.headers


def test_a_busy_session_still_ends_at_its_absolute_age(tmp_path) -> None:  # type: ignore[no-untyped-def]
    dep = make_deployment(tmp_path)
    app = create_app(dataclasses.replace(dep.config, idle_timeout_s=600, session_max_age=4))
    client = login(app, "staff1")
    started = time.monotonic()
    while time.monotonic() - started < 2:  # active all along: the idle timeout never hits
        assert client.get("/dashboard", follow_redirects=False).status_code == 200
        time.sleep(0.3)
    time.sleep(max(0.0, 5.0 - (time.monotonic() - started)))
    assert client.get("/dashboard", follow_redirects=False).status_code == 303
