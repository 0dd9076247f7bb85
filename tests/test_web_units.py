"""Unit tests of the web package's parts: audit chain, passwords, masking, queries, charts, CLI."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import duckdb
import pytest
from sqlalchemy.exc import DBAPIError

from hedui.appdb import AppDB
from hedui.publish import publish
from hedui.web import cli_functions as cli
from hedui.web import queries as q
from hedui.web.audit import AuditEvent, AuditLog
from hedui.web.charts import bar_chart, line_chart
from hedui.web.explain import explain, tier_label
from hedui.web.formatting import as_of_pairs, count_or_list, money, structured
from hedui.web.lookups import LookupRefused
from hedui.web.masking import mask_id, scrub_ids
from hedui.web.passwords import hash_password, verify_password
from hedui.web.users import UserError, UserStore
from hedui.web.warehouse import open_warehouse
from hedui_testing.web_sample import HOUSEHOLDS, LATEST, build_sample_warehouse, publish_sample

H1 = HOUSEHOLDS[0]


@pytest.fixture(scope="module")
def warehouse(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("wh")
    publish(build_sample_warehouse(root / "staging.duckdb"), root / "warehouse", str(LATEST))
    return root / "warehouse"


# --- audit log -------------------------------------------------------------------------------

KEY = b"unit-test-audit-key-0123456789"


def _db(tmp_path: Path) -> AppDB:
    return AppDB.open(f"sqlite:///{tmp_path}/app.sqlite")


def _log(tmp_path: Path, n: int = 5) -> AuditLog:
    log = AuditLog(_db(tmp_path), KEY)
    for i in range(n):
        log.append(
            AuditEvent(
                "staff1",
                "staff",
                "lookup.id_number",
                f"12010119******{i:04d}",
                purpose="复核",
                authorization_no=f"A-{i}",
                row_count=i,
            )
        )
    return log


def test_audit_chain_verifies(tmp_path: Path) -> None:
    log = _log(tmp_path)
    check = log.verify()
    assert check.ok and check.records == 5 and check.anchored
    assert check.head == log.records(1)[0].hash


def test_audit_log_refuses_update_and_delete(tmp_path: Path) -> None:
    log = _log(tmp_path)
    with log.db.engine.connect() as con:
        for sql in (
            "UPDATE audit_log SET row_count = 99 WHERE seq = 2",
            "DELETE FROM audit_log WHERE seq = 2",
            "DELETE FROM audit_anchor",
            "UPDATE audit_anchor SET records = 1",
        ):
            with pytest.raises(DBAPIError, match="append-only"):
                con.exec_driver_sql(sql)
    assert not hasattr(AuditLog, "update") and not hasattr(AuditLog, "delete")


def _tamper(log: AuditLog, sql: str) -> None:
    with log.db.engine.begin() as con:
        con.exec_driver_sql("DROP TRIGGER audit_log_no_update")
        con.exec_driver_sql("DROP TRIGGER audit_log_no_delete")
        con.exec_driver_sql(sql)


def test_audit_chain_detects_an_edited_row(tmp_path: Path) -> None:
    log = _log(tmp_path)
    _tamper(log, "UPDATE audit_log SET row_count = 0 WHERE seq = 3")
    check = log.verify()
    assert not check.ok and check.first_bad_seq == 3 and "altered" in check.problem


def test_audit_chain_cannot_be_rehashed_without_the_key(tmp_path: Path) -> None:
    """Recomputing the edited row's hash with plain SHA-256 (or a guessed key) fails."""
    from hedui.web.audit import record_hash

    log = _log(tmp_path)
    row = next(r for r in log.records(10) if r.seq == 2)
    values = {**row.__dict__, "purpose": "changed"}
    forged = record_hash(b"a-guessed-key-0123456", row.prev_hash, values)
    _tamper(log, f"UPDATE audit_log SET purpose = 'changed', hash = '{forged}' WHERE seq = 2")
    check = log.verify()
    assert not check.ok and check.first_bad_seq == 2


def test_audit_chain_detects_a_deleted_row(tmp_path: Path) -> None:
    log = _log(tmp_path)
    _tamper(log, "DELETE FROM audit_log WHERE seq = 2")
    check = log.verify()
    assert not check.ok and check.first_bad_seq == 2 and "missing" in check.problem


# --- users and passwords ---------------------------------------------------------------------


def test_passwords_are_salted_scrypt_hashes() -> None:
    a, b = hash_password("correct horse 1"), hash_password("correct horse 1")
    assert a != b and a.startswith("scrypt$") and "correct" not in a
    assert verify_password("correct horse 1", a)
    assert not verify_password("correct horse 2", a)
    assert not verify_password("x", "not-a-hash")


def test_user_store_rules(tmp_path: Path) -> None:
    store = UserStore(_db(tmp_path))
    store.add("alice", "alice-pass-1", "staff")
    with pytest.raises(UserError):
        store.add("alice", "alice-pass-1", "staff")
    with pytest.raises(UserError):
        store.add("bob", "alice-pass-1", "root")
    with pytest.raises(UserError):
        store.add("bob", "short1", "staff")
    with pytest.raises(UserError):
        store.add("bad name!", "alice-pass-1", "staff")
    assert store.authenticate("alice", "alice-pass-1").role == "staff"
    assert store.authenticate("alice", "wrong-pass-1") is None
    assert store.authenticate("nobody", "alice-pass-1") is None
    store.set_active("alice", False)
    assert store.authenticate("alice", "alice-pass-1") is None


# --- masking, explanations, formatting -------------------------------------------------------


def test_masking() -> None:
    raw = H1.members[0].id_number
    assert mask_id(raw) == raw[:6] + "********" + raw[-4:]
    text = f"person {raw} and order 123456789012345678"
    assert scrub_ids(text) == f"person {mask_id(raw)} and order 123456789012345678"


def test_every_policy_code_has_an_explanation() -> None:
    codes = [
        "A1",
        "A2",
        "A3",
        "A4",
        "T_SUPPORTER_CHECK",
        "V_AUTH_MISSING",
        "W_INCOME_DROP",
        "W_MEDICAL",
        "W_DEATH",
        "W_DISABILITY",
        "W_JOB_LOSS",
        "W_EDUCATION",
        "R_INCOME",
        "R_ASSETS",
        "R_VEHICLE",
        "R_PROPERTY",
        "R_DECEASED",
        "R_MOVED",
        "R_BUSINESS",
    ]
    for code in codes:
        assert "No explanation" not in explain(code).text, code
    assert "No explanation" in explain("Z_UNKNOWN").text
    assert tier_label(None).startswith("未计算")


def test_structured_values() -> None:
    assert structured('[{"a": 1}, {"a": 2, "b": "x"}]')["columns"] == ["a", "b"]
    assert structured({"k": 1})["pairs"] == [("k", "1")]
    assert structured(None)["kind"] == "text"
    assert as_of_pairs({"tax": date(2026, 11, 26)}) == [("tax", "2026-11-26")]
    assert as_of_pairs([{"source": "tax", "as_of_date": "2026-11-26"}]) == [("tax", "2026-11-26")]
    assert count_or_list(["k1", "k2"]) == (2, ["k1", "k2"])
    assert count_or_list(3) == (3, [])
    assert money(None) == "—" and money(1010) == "¥1,010.00"


def test_charts_are_svg_with_escaped_labels() -> None:
    svg = bar_chart(["<b>区</b>"], {"dibao": [3], "none": [2]}, "T <x>")
    assert svg.startswith("<svg") and "<b>" not in svg and "&lt;b&gt;" in svg
    assert "<script" not in svg
    line = line_chart(["2026-11-25", "2026-11-26"], {"red": [1, 2]}, "W")
    assert "<polyline" in line


# --- warehouse and queries -------------------------------------------------------------------


def test_warehouse_is_read_only_without_external_access(warehouse: Path) -> None:
    with open_warehouse(warehouse) as con:
        with pytest.raises(duckdb.Error):
            con.execute("CREATE TABLE marts.x (i INTEGER)")
        with pytest.raises(duckdb.Error):
            con.execute("SELECT * FROM read_csv('/etc/passwd')")
        with pytest.raises(duckdb.Error):
            con.execute("SET enable_external_access = true")


def test_queries_degrade_when_a_detail_table_is_absent(warehouse: Path) -> None:
    with open_warehouse(warehouse) as con:
        assert q.member_expenditure(con, [H1.members[0].key], LATEST) is None
        assert q.member_assets(con, [H1.members[0].key], LATEST)
        members = q.household_members(con, H1.household_id, LATEST)
        assert len(members) == 3 and "household_id" not in members[0]


def test_search_prefix_escapes_wildcards(warehouse: Path) -> None:
    with open_warehouse(warehouse) as con:
        assert len(q.search_households(con, "1201")) == 4
        assert q.search_households(con, "%") == []
        assert q.search_households(con, "_") == []


def test_tier_counts_fall_back_without_district(tmp_path: Path) -> None:
    con = duckdb.connect()
    con.execute("CREATE SCHEMA marts")
    con.execute(
        "CREATE TABLE marts.household_verification AS SELECT 'h1' AS household_id,"
        " DATE '2026-11-27' AS run_date, 'dibao' AS tier"
    )
    assert q.tier_counts_by_district(con, date(2026, 11, 27)) == [
        {"district": "全市", "tier": "dibao", "n": 1}
    ]


# --- CLI functions ---------------------------------------------------------------------------


def test_publish_sample(tmp_path: Path) -> None:
    published = publish_sample(tmp_path / "warehouse")
    assert published.exists() and (tmp_path / "dq" / str(LATEST) / "data_docs").is_dir()


def test_cli_functions(warehouse: Path, tmp_path: Path) -> None:
    state = tmp_path / "state"
    cli.add_user(warehouse, "admin9", "admin9-pass-1", "admin", state_dir=state)
    cli.add_user(warehouse, "staff9", "staff9-pass-1", "staff", state_dir=state)
    assert [u.username for u in cli.list_users(warehouse, state_dir=state)] == ["admin9", "staff9"]
    staff = cli.Credentials("staff9", "staff9-pass-1")
    found = cli.search(warehouse, "request", "SQ2026", staff, state_dir=state)
    assert found[0]["request_id"] == "SQ2026110001"

    page = cli.lookup_household(warehouse, H1.household_id, creds=staff, state_dir=state)
    assert page.result["tier"] == "dibao" and '"dibao"' in cli.to_json(page)

    pdf = tmp_path / "r.pdf"
    report = cli.verification_report(
        warehouse, "SQ2026110001", pdf_out=pdf, creds=staff, state_dir=state
    )
    assert report.tier == "dibao" and pdf.read_bytes().startswith(b"%PDF")

    person = H1.members[0]
    with pytest.raises(LookupRefused):
        cli.lookup_id_number(warehouse, person.id_number, "case_review", "", staff, state_dir=state)
    # a token issued by an admin works in place of the password
    token = cli.issue_token(
        warehouse, cli.Credentials("admin9", "admin9-pass-1"), "staff9", state_dir=state
    )
    found = cli.lookup_id_number(
        warehouse,
        person.id_number,
        "case_review",
        "JZ2024000077",
        cli.Credentials(token=token),
        state_dir=state,
    )
    assert found.persons[0]["name"] == person.name

    admin = cli.Credentials("admin9", "admin9-pass-1")
    actions = [r.action for r in cli.audit_entries(warehouse, state_dir=state, creds=admin)]
    assert actions[:6] == [
        "login",
        "lookup.id_number",
        "login",
        "token.issue",
        "login",
        "lookup.id_number",
    ]
    assert cli.verify_audit_log(warehouse, state_dir=state).ok
    assert cli.dq_summary(warehouse).sources[0]["status"] == "missing"


def test_an_unknown_single_person_dibao_count_is_never_printed_as_zero() -> None:
    from decimal import Decimal

    from hedui.policy_params import params_on
    from hedui.web.reasons import Standards, amount_formula

    params = params_on(date(2026, 11, 27))
    std = Standards(values=dict(params.values), version=params.version)
    aid, dibao = params.low_income_aid, params.dibao_standard
    known = {"tier": "low_income", "member_count": 2, "income_per_capita": Decimal("1200")}
    decided = amount_formula(
        {**known, "single_person_dibao_count": 1, "monthly_amount": int(aid + dibao)}, std
    )
    assert decided == f"{aid:,} + {dibao:,} × 1 = {aid + dibao:,}"
    lost = amount_formula({**known, "single_person_dibao_count": None, "monthly_amount": None}, std)
    assert "× ?" in lost and "unknown" in lost and "= " not in lost and "× 0" not in lost


def test_member_tables_name_the_partner_region_of_the_figures() -> None:
    """household_members.figures_region shows the region's name beside its code; none: a dash."""
    from hedui.web.templating import make_templates

    env = make_templates().env
    table = env.from_string(
        '{% import "macros.html" as m %}{{ m.section_table(s, "n/a") }}'
    ).render(
        s={
            "title": "成员 Members",
            "available": True,
            "columns": ["relation", "figures_region", "figures_as_of"],
            "rows": [
                {"relation": "spouse", "figures_region": "110000", "figures_as_of": None},
                {"relation": "self", "figures_region": None, "figures_as_of": None},
            ],
        },
        person=lambda key: key,
    )
    cells = [c.strip() for c in table.split("<td>")[1:]]
    assert cells[1].startswith("北京市 110000</td>")
    assert cells[4].startswith("—</td>")
