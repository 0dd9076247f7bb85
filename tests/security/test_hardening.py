"""Settings and files: scrypt at N = 2^17 rehashed at sign-in, owner-only state and warehouse
files, the pre-publish ID scan over every text-like column and both ID forms, the legacy files
imported, the web app on PostgreSQL acting as the restricted role."""

from __future__ import annotations

import hashlib
import json
import sqlite3
import stat
from pathlib import Path

import duckdb
import pytest
from sec_deploy import PASSWORDS, login, make_deployment, token_of

from hedui.audit import _raw_id_columns
from hedui.web import passwords
from hedui_testing.web_sample import CASE_NO, HOUSEHOLDS

H1 = HOUSEHOLDS[0]


def test_the_default_scrypt_cost_is_2_to_the_17(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("HEDUI_SCRYPT_LOG2N", raising=False)
    stored = passwords.hash_password("default-cost-1")
    assert stored.split("$")[1:4] == [str(2**17), "8", "1"]
    assert passwords.verify_password("default-cost-1", stored)
    assert not passwords.needs_rehash(stored)


def _stored_n(dep, username: str) -> int:  # type: ignore[no-untyped-def]
    with dep.app.state.db.engine.connect() as con:
        row = con.exec_driver_sql(
            "SELECT password_hash FROM users WHERE username = ?", (username,)
        ).scalar_one()
    return int(row.split("$")[1])


def test_a_weaker_hash_is_replaced_at_sign_in(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    dep = make_deployment(tmp_path)
    monkeypatch.setenv("HEDUI_SCRYPT_LOG2N", "10")  # an old, weaker hash
    dep.users.set_password("staff1", PASSWORDS["staff1"])
    assert _stored_n(dep, "staff1") == 2**10
    monkeypatch.setenv("HEDUI_SCRYPT_LOG2N", "12")  # today's cost (2^17 outside tests)
    login(dep.app, "staff1")
    assert _stored_n(dep, "staff1") == 2**12


def test_state_and_warehouse_files_are_owner_only(tmp_path: Path) -> None:
    dep = make_deployment(tmp_path)
    state, wh = dep.config.state_dir, dep.config.warehouse_dir
    for folder in (state, wh, wh / "versions"):
        assert stat.S_IMODE(folder.stat().st_mode) == 0o700, folder
    files = [
        state / "app.sqlite",
        *state.iterdir(),
        wh / "published.duckdb",
        wh / "versions.json",
        *(wh / "versions").iterdir(),
    ]
    for file in files:
        assert stat.S_IMODE(file.stat().st_mode) == 0o600, file


def test_the_id_scan_covers_lists_structs_and_both_id_forms() -> None:
    eighteen = H1.members[0].id_number
    fifteen = "120101790314011"  # the old 15-digit form
    con = duckdb.connect()
    con.execute("CREATE SCHEMA marts")
    con.execute("CREATE TABLE marts.plain (person_key VARCHAR, note VARCHAR)")
    con.execute(
        "CREATE TABLE marts.nested (ids VARCHAR[], ev STRUCT(who VARCHAR, n INT),"
        " m MAP(VARCHAR, VARCHAR), amount BIGINT)"
    )
    con.execute("INSERT INTO marts.plain VALUES (?, ?)", [eighteen, f"old id {fifteen}"])
    con.execute(
        "INSERT INTO marts.nested VALUES ([?], {'who': ?, 'n': 1}, MAP {'k': ?}, ?)",
        [eighteen, fifteen, eighteen, 123456789012345],
    )
    found = _raw_id_columns(con, {"plain", "nested"})
    assert sorted(f.split(" ")[0] for f in found) == [
        "marts.nested.ev",
        "marts.nested.ids",
        "marts.nested.m",
        "marts.plain.note",
    ]
    con.execute("CREATE TABLE marts.clean (keys VARCHAR[], code VARCHAR)")
    con.execute("INSERT INTO marts.clean VALUES (['ab12cd'], '1201010001012')")  # 13 digits
    assert _raw_id_columns(con, {"clean"}) == []


def test_legacy_users_and_audit_files_are_imported(tmp_path: Path) -> None:
    state = tmp_path / "warehouse" / "web"
    state.mkdir(parents=True)
    with sqlite3.connect(state / "users.sqlite") as con:
        con.execute(
            "CREATE TABLE users (username TEXT, role TEXT, password_hash TEXT,"
            " active INTEGER, created_at TEXT, updated_at TEXT)"
        )
        con.execute(
            "INSERT INTO users VALUES ('old1', 'staff', ?, 1, '', '')",
            [passwords.hash_password("old1-pass-123")],
        )
    cols = (
        "seq",
        "at",
        "username",
        "role",
        "action",
        "target",
        "purpose",
        "authorization_no",
        "row_count",
        "outcome",
        "detail",
    )
    values = dict(
        zip(
            cols,
            (
                1,
                "2026-11-01T00:00:00",
                "old1",
                "staff",
                "view.household",
                "120101000101",
                None,
                None,
                3,
                "ok",
                "{}",
            ),
            strict=True,
        )
    )
    body = json.dumps(values, sort_keys=True, ensure_ascii=False)
    digest = hashlib.sha256(("0" * 64 + "\n" + body).encode()).hexdigest()
    with sqlite3.connect(state / "audit.sqlite") as con:
        con.execute(f"CREATE TABLE audit_log ({', '.join(cols)}, prev_hash, hash)")
        con.execute(
            f"INSERT INTO audit_log VALUES ({', '.join('?' * 13)})",
            [*values.values(), "0" * 64, digest],
        )
    dep = make_deployment(tmp_path)
    assert dep.users.get("old1").role == "staff"
    login(dep.app, "old1", "old1-pass-123")
    imported = dep.last("view.household")
    assert (imported.username, imported.detail_dict["legacy_seq"]) == ("old1", 1)
    marker = dep.last("audit.import")
    assert marker.detail_dict == {"legacy_chain_ok": True, "legacy_head": digest}
    assert not (state / "users.sqlite").exists() and (state / "users.sqlite.imported").exists()
    assert dep.audit.verify().ok


def test_the_web_app_runs_on_postgres_as_the_restricted_role(
    tmp_path: Path, pg_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    from hedui.appdb import upgrade

    upgrade(pg_url)  # the owner migrates; the app then acts as hedui_app
    monkeypatch.setenv("HEDUI_APP_DB_ROLE", "hedui_app")
    dep = make_deployment(tmp_path, app_db=pg_url)
    client = login(dep.app, "staff1")
    r = client.post(
        "/search/id",
        data={
            "id_number": H1.members[0].id_number,
            "purpose": "case_review",
            "authorization_no": CASE_NO,
            "csrf": token_of(client),
        },
    )
    assert r.status_code == 200 and H1.members[0].name in r.text
    assert dep.last("lookup.id_number").outcome == "ok"
    html = login(dep.app, "audit1").get("/audit").text
    assert "lookup.id_number" in html
