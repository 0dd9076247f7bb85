"""Helpers of the attack suite: a deployment with the sample warehouse, three users and an app
database on SQLite (or on PostgreSQL, a database of its own per test run)."""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from hedui.publish import publish
from hedui.web.app import create_app
from hedui.web.config import WebConfig
from hedui_testing.deployment import Deployment
from hedui_testing.web_sample import LATEST, build_sample_warehouse, write_sample_data_docs

PASSWORDS = {"staff1": "staff-pass-123", "audit1": "audit-pass-123", "admin1": "admin-pass-123"}
ROLES = {"staff1": "staff", "audit1": "auditor", "admin1": "admin"}
PG = "postgresql+psycopg://postgres@127.0.0.1:5432"


def make_deployment(root: Path, app_db: str | None = None, **config: object) -> Deployment:
    root.mkdir(parents=True, exist_ok=True)
    staging = build_sample_warehouse(root / "staging.duckdb")
    publish(staging, root / "warehouse", LATEST.isoformat())
    write_sample_data_docs(root / "dq")
    cfg = WebConfig.create(
        root / "warehouse",
        dq_root=root / "dq",
        secret_key="s" * 40,
        audit_key="a" * 40,
        app_db=app_db,
        **config,
    )
    app = create_app(cfg)
    for name, password in PASSWORDS.items():
        app.state.users.add(name, password, ROLES[name])
    return Deployment(root, cfg, app)


@pytest.fixture(scope="module")
def dep(tmp_path_factory: pytest.TempPathFactory) -> Deployment:
    return make_deployment(tmp_path_factory.mktemp("sec"))


@pytest.fixture
def fresh(tmp_path: Path) -> Deployment:
    return make_deployment(tmp_path)


@pytest.fixture
def pg_url() -> Iterator[str]:
    """A PostgreSQL database of its own, dropped afterwards."""
    name = f"hedui_sec_{uuid.uuid4().hex[:12]}"
    with psycopg.connect("host=127.0.0.1 user=postgres dbname=test", autocommit=True) as con:
        con.execute(f'CREATE DATABASE "{name}"')
    try:
        yield f"{PG}/{name}"
    finally:
        with psycopg.connect("host=127.0.0.1 user=postgres dbname=test", autocommit=True) as con:
            con.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def csrf_of(html: str) -> str:
    match = re.search(r'name="csrf" value="([^"]+)"', html)
    assert match, "page has no CSRF token"
    return match.group(1)


def login(
    app: FastAPI, username: str, password: str | None = None, ip: str = "testclient"
) -> TestClient:
    client = TestClient(app, client=(ip, 50000))
    token = csrf_of(client.get("/login").text)
    r = client.post(
        "/login",
        data={"username": username, "password": password or PASSWORDS[username], "csrf": token},
        follow_redirects=False,
    )
    assert r.status_code == 303, r.text
    return client


def token_of(client: TestClient) -> str:
    return csrf_of(client.get("/dashboard").text)
