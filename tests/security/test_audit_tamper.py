"""The audit trail is tamper-evident: ``hedui audit-log --verify`` detects an edited, deleted,
reordered or truncated record and names the first bad one, on SQLite and on PostgreSQL; on
PostgreSQL the application's role may only INSERT into the anchor."""

from __future__ import annotations

import json
from pathlib import Path

import psycopg
import pytest
from sec_deploy import Deployment, make_deployment
from typer.testing import CliRunner

from hedui.appdb import AppDB
from hedui.cli import app as cli_app
from hedui.web.audit import AuditEvent, AuditLog

KEY = "a" * 40  # sec_deploy's audit key
ATTACKS = {
    # name: (SQL a database administrator runs, first bad record, words of the problem)
    "edited": ("UPDATE audit_log SET row_count = 0 WHERE seq = 3", 3, "altered"),
    "deleted": ("DELETE FROM audit_log WHERE seq = 3", 3, "missing"),
    "swapped": (
        "UPDATE audit_log SET seq = 100 WHERE seq = 2; "
        "UPDATE audit_log SET seq = 2 WHERE seq = 3; "
        "UPDATE audit_log SET seq = 3 WHERE seq = 100",
        2,
        "does not follow",
    ),
    "truncated": ("DELETE FROM audit_log WHERE seq >= 5", 5, "truncated"),
}


def _fill(dep: Deployment, n: int = 6) -> None:
    for i in range(n):
        dep.audit.append(
            AuditEvent("staff1", "staff", "view.household", f"12010100{i:04d}", row_count=i)
        )


def _verify(dep: Deployment, env: dict[str, str]) -> tuple[int, dict]:
    result = CliRunner().invoke(
        cli_app,
        ["audit-log", "--warehouse", str(dep.config.warehouse_dir), "--verify"],
        env={"HEDUI_AUDIT_KEY": KEY, **env},
    )
    body = result.stdout[: result.stdout.rindex("}") + 1]
    return result.exit_code, json.loads(body)


def _sqlite_admin(dep: Deployment, sql: str) -> None:
    with dep.app.state.db.engine.begin() as con:
        for table in ("audit_log", "audit_anchor"):
            for verb in ("update", "delete"):
                con.exec_driver_sql(f"DROP TRIGGER IF EXISTS {table}_no_{verb}")
        for statement in sql.split(";"):
            con.exec_driver_sql(statement)


def _pg_admin(url: str, sql: str) -> None:
    dsn = url.replace("postgresql+psycopg://", "postgresql://")
    with psycopg.connect(dsn, autocommit=True) as con:
        con.execute("ALTER TABLE audit_log DISABLE TRIGGER audit_log_append_only")
        for statement in sql.split(";"):
            con.execute(statement)


@pytest.mark.parametrize("attack", sorted(ATTACKS))
def test_sqlite_audit_tampering_is_detected_by_verify(tmp_path: Path, attack: str) -> None:
    dep = make_deployment(tmp_path)
    _fill(dep)
    code, check = _verify(dep, {})
    assert code == 0 and check["ok"] and check["records"] == 6 and check["anchored"]
    sql, first_bad, words = ATTACKS[attack]
    _sqlite_admin(dep, sql)
    code, check = _verify(dep, {})
    assert code == 1 and not check["ok"]
    assert check["first_bad_seq"] == first_bad and words in check["problem"]


@pytest.mark.parametrize("attack", sorted(ATTACKS))
def test_postgres_audit_tampering_is_detected_by_verify(
    tmp_path: Path, pg_url: str, attack: str
) -> None:
    dep = make_deployment(tmp_path, app_db=pg_url)
    assert dep.app.state.db.dialect == "postgresql"
    _fill(dep)
    env = {"HEDUI_APP_DB_URL": pg_url}
    code, check = _verify(dep, env)
    assert code == 0 and check["ok"] and check["records"] == 6
    sql, first_bad, words = ATTACKS[attack]
    _pg_admin(pg_url, sql)
    code, check = _verify(dep, env)
    assert code == 1 and check["first_bad_seq"] == first_bad and words in check["problem"]


def test_a_rewritten_chain_still_breaks_its_anchor(tmp_path: Path) -> None:
    """Even someone holding the key cannot hide a truncation: the anchor keeps the count."""
    dep = make_deployment(tmp_path)
    _fill(dep)
    _sqlite_admin(dep, "DELETE FROM audit_log WHERE seq = 6")
    code, check = _verify(dep, {})
    assert code == 1 and check["first_bad_seq"] == 6 and "anchor counts" in check["problem"]


def test_the_app_role_may_only_insert_into_the_anchor(pg_url: str) -> None:
    AppDB.open(pg_url)  # migrate as the owner (creates roles hedui_app, hedui_audit_reader)
    app_db = AppDB.open(pg_url, role="hedui_app", migrate=False)
    log = AuditLog(app_db, KEY.encode())
    log.append(AuditEvent("staff1", "staff", "login", "staff1"))  # the app's path works
    check = log.verify()
    assert check.ok and check.records == 1 and not check.anchored  # it cannot read anchors
    forbidden = [
        "SELECT * FROM audit_anchor",
        "UPDATE audit_anchor SET records = 0",
        "DELETE FROM audit_anchor",
        "UPDATE audit_log SET row_count = 1",
        "DELETE FROM audit_log",
        "TRUNCATE audit_log",
        "ALTER TABLE audit_log DISABLE TRIGGER audit_log_append_only",
    ]
    dsn = pg_url.replace("postgresql+psycopg://", "postgresql://")
    for sql in forbidden:
        with psycopg.connect(dsn) as con:
            con.execute("SET ROLE hedui_app")
            with pytest.raises(psycopg.errors.InsufficientPrivilege):
                con.execute(sql)
    with psycopg.connect(dsn) as con:
        con.execute("SET ROLE hedui_audit_reader")
        assert con.execute("SELECT count(*) FROM audit_anchor").fetchone()[0] == 1
    owner = AuditLog(AppDB.open(pg_url, migrate=False), KEY.encode()).verify()
    assert owner.ok and owner.anchored and owner.records == 1
