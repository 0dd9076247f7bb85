"""京津冀 exchange end to end on loopback: outbound payloads, audit, answers verified in the
validation of cross_region_answer (refused ones quarantined with their reason)."""

from __future__ import annotations

import json
import stat
from datetime import timedelta

import pyarrow.parquet as pq
import pytest
import yaml

from hedui import pipeline
from hedui.exchange.night import receive_step, send_step, status
from hedui.exchange.partner import PartnerService, blank_answer
from hedui.exchange.querylog import SCHEMA, log_path, query_id
from hedui.exchange.signing import public_key_from_b64, sign
from hedui.run_context import RunContext
from hedui.validation import gather_run
from hedui.warehouse.pseudonyms import person_key
from tests.exchange_fixtures import (
    BEIJING,
    BEIJING_LOCAL,
    BEIJING_NO_AUTH,
    DAY,
    GUANGDONG,
    HEBEI,
    LOCAL,
    Keys,
    write_validated,
)
from tests.gx_parity import assert_matches_gx

SECRET = "exchange-test-pseudonym-secret"
QUERY_FIELDS = {
    "query_id",
    "request_id",
    "id_number",
    "authorization_no",
    "purpose",
    "period_from",
    "period_to",
    "asked_on",
    "from_region",
    "to_region",
    "signature",
}


@pytest.fixture
def setup(tmp_path, monkeypatch):  # type: ignore[no-untyped-def]
    keys = Keys()
    beijing = PartnerService(
        "110000",
        keys.private(keys.beijing_private),
        public_key_from_b64(keys.hedui_public),
        persons={
            BEIJING: {
                "id_number": BEIJING,
                "income_months": [
                    {"period": "2025-10", "item": "wages", "amount": 900.0},  # outside
                    {"period": "2026-03", "item": "wages", "amount": 5200.50},
                ],
                "cash_assets": 12000.0,
                "residential_homes": 1,
                "residential_floor_area": 48.5,
                "non_exempt_vehicles": 0,
            }
        },
        token="bj-token",
    )
    url = beijing.start()
    folder = tmp_path / "hebei-exchange"
    config = {
        "partners": {
            "110000": {
                "public_key": keys.beijing_public,
                "kind": "http",
                "options": {"base_url": url, "token_env": "BJ_TOKEN", "backoff": 0.01},
            },
            "130000": {
                "public_key": keys.hebei_public,
                "kind": "folder",
                "options": {"path": str(folder)},
            },
        }
    }
    config_file = tmp_path / "exchange.yaml"
    config_file.write_text(yaml.safe_dump(config), encoding="utf-8")
    monkeypatch.setenv("HEDUI_EXCHANGE_CONFIG", str(config_file))
    monkeypatch.setenv("HEDUI_EXCHANGE_PRIVATE_KEY", keys.hedui_private)
    monkeypatch.setenv("HEDUI_PSEUDONYM_KEY", SECRET)
    monkeypatch.setenv("BJ_TOKEN", "bj-token")
    monkeypatch.setenv("HEDUI_AUDIT_KEY", "exchange-test-audit-key-0123456789")
    monkeypatch.setenv("HEDUI_WEB_SECRET", "exchange-test-session-secret-98765")
    ws = tmp_path / "ws"
    ctx = RunContext.create(DAY, ws, ws / "inbox", ws / "warehouse")
    write_validated(ctx.validated)
    yield ctx, keys, beijing, folder
    beijing.stop()


def _audit_records(ctx):  # type: ignore[no-untyped-def]
    from hedui.appdb import AppDB
    from hedui.web.audit import AuditLog
    from hedui.web.config import WebConfig

    config = WebConfig.create(ctx.warehouse)
    log = AuditLog(AppDB.open(config.app_db_url), config.audit_key)
    return log.records(action="exchange."), log.verify()


def test_outbound_payloads_log_and_audit(setup) -> None:  # type: ignore[no-untyped-def]
    ctx, _keys, beijing, folder = setup
    out = send_step(ctx)
    assert (out["new"], out["sent"], out["unsent"]) == (2, 2, 0)
    key = SECRET.encode()
    bj_id = query_id("R2026110001", person_key(BEIJING, key), "110000")
    hb_id = query_id("R2026110001", person_key(HEBEI, key), "130000")

    # Beijing received exactly one query with exactly the exchange.md fields.
    assert beijing.rejected == []
    (received,) = beijing.received
    assert set(received) == QUERY_FIELDS
    assert {k: v for k, v in received.items() if k != "signature"} == {
        "query_id": bj_id,
        "request_id": "R2026110001",
        "id_number": BEIJING,
        "authorization_no": "A2",
        "purpose": "dibao",
        "period_from": "2025-11",
        "period_to": "2026-10",
        "asked_on": "2026-11-20",
        "from_region": "120000",
        "to_region": "110000",
    }
    # Hebei's query is a signed line of the exchange folder's outbox.
    (line,) = (folder / "outbox" / "130000" / "2026-11-20.jsonl").read_text("utf-8").splitlines()
    hebei = json.loads(line)
    assert set(hebei) == QUERY_FIELDS and hebei["id_number"] == HEBEI and hebei["query_id"] == hb_id

    # The log: exactly its columns, 0600, no raw ID number anywhere in the file.
    path = log_path(ctx.root)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    table = pq.read_table(path)
    assert table.schema.equals(SCHEMA)
    raw = path.read_bytes()
    for id_number in (LOCAL, BEIJING, HEBEI, BEIJING_NO_AUTH, GUANGDONG, BEIJING_LOCAL):
        assert id_number.encode() not in raw
    rows = {r["query_id"]: r for r in table.to_pylist()}
    assert set(rows) == {bj_id, hb_id}
    assert rows[bj_id]["person_key"] == person_key(BEIJING, key)
    assert rows[bj_id]["attempts"] == 1 and rows[bj_id]["sent_at"] is not None
    assert rows[bj_id]["answer_status"] is None and rows[bj_id]["last_error"] is None

    # Every outbound query audited, without ID numbers; the audit chain still verifies.
    records, check = _audit_records(ctx)
    assert check.ok
    assert sorted(r.target for r in records) == sorted([f"110000/{bj_id}", f"130000/{hb_id}"])
    assert {(r.outcome, r.authorization_no, r.purpose) for r in records} == {
        ("sent", "A2", "dibao"),
        ("sent", "A3", "dibao"),
    }
    text = json.dumps([r.__dict__ for r in records], default=str)
    assert BEIJING not in text and HEBEI not in text

    # A second run of the night queries nobody twice.
    again = send_step(ctx)
    assert (again["new"], again["sent"]) == (0, 0)
    assert len(beijing.received) == 1


def test_answers_verified_in_validation(setup) -> None:  # type: ignore[no-untyped-def]
    ctx, keys, beijing, folder = setup
    send_step(ctx)
    bj_key = keys.private(keys.beijing_private)
    genuine_qid = beijing.received[0]["query_id"]

    def answer(qid: str, id_number: str, region: str = "110000", **values: object) -> dict:
        base = {"status": "not_found", "as_of": "2026-11-20", **values}
        return {**blank_answer(qid, id_number, region), **base}

    # An unsigned answer, a signed answer to a query never sent, and a signed answer about the
    # member who gave no authorization.
    beijing.inject(answer("XQ11UNSIGNED", BEIJING))
    beijing.inject(sign(answer("XQ11NEVERSENT", BEIJING), bj_key))
    beijing.inject(sign(answer("XQ11NOAUTH", BEIJING_NO_AUTH), bj_key))
    # Hebei answers through the folder; one answer with a forged signature.
    hb_key = keys.private(keys.hebei_private)
    hebei_q = json.loads((folder / "outbox" / "130000" / "2026-11-20.jsonl").read_text("utf-8"))
    hebei_answer = sign(
        answer(
            hebei_q["query_id"],
            HEBEI,
            "130000",
            status="refused",
            refusal_reason="no agreement for this purpose",
        ),
        hb_key,
    )
    forged = {**hebei_answer, "refusal_reason": "changed"}
    (folder / "inbox" / "130000").mkdir(parents=True)
    (folder / "inbox" / "130000" / "a.jsonl").write_text(
        json.dumps(hebei_answer, ensure_ascii=False) + "\n", encoding="utf-8"
    )

    night2 = RunContext.create(DAY + timedelta(days=1), ctx.root, ctx.inbox, ctx.warehouse)
    got = receive_step(night2)
    assert got["received"] == {"110000": 4, "130000": 1} and got["answered"] == 2
    delivered = night2.root / "inbox" / "cross_region_answer" / "2026-11-21"
    assert sorted(p.name for p in delivered.iterdir()) == [
        "110000.jsonl",
        "130000.jsonl",
        "_SUCCESS",
    ]
    log = {r["query_id"]: r for r in pq.read_table(log_path(ctx.root)).to_pylist()}
    assert log[genuine_qid]["answer_status"] == "answered"
    assert str(log[genuine_qid]["answered_on"]) == "2026-11-21"
    assert log[hebei_q["query_id"]]["answer_status"] == "refused"
    assert log[hebei_q["query_id"]]["refusal_reason"] == "no agreement for this purpose"

    # The partner's real answer: income limited to the period asked, signed by Beijing.
    answer = json.loads((delivered / "110000.jsonl").read_text("utf-8").splitlines()[0])
    assert answer["status"] == "answered" and answer["as_of"] == "2026-11-20"
    assert answer["income_months"] == [{"period": "2026-03", "item": "wages", "amount": 5200.5}]

    # Swap Hebei's file for the forged line before landing: refused as a bad signature.
    (delivered / "130000.jsonl").write_text(json.dumps(forged, ensure_ascii=False) + "\n")
    landed = pipeline.extract_source(night2, "cross_region_answer")
    assert landed["status"] == "landed" and landed["rows"] == 5
    outcome = pipeline.validate_source_step(night2, landed)
    assert outcome["status"] == "passed" and outcome["rows"] == [5, 1, 4]
    run = gather_run(night2.day, night2.dq, render_docs=False)
    quarantine = pq.read_table(run.quarantine_path).to_pylist()
    found = sorted((q["reason_code"], q["file"], q["line"]) for q in quarantine)
    assert found == [
        ("ANSWER_BAD_SIGNATURE", "130000.jsonl", 1),
        ("ANSWER_UNAUTHORIZED", "110000.jsonl", 4),
        ("ANSWER_UNSIGNED", "110000.jsonl", 2),
        ("ANSWER_UNSOLICITED", "110000.jsonl", 3),
    ]
    assert all(q["reason"].startswith("answer: ") for q in quarantine)
    dq = pq.read_table(run.dq_source_runs_path).to_pylist()
    (record,) = [r for r in dq if r["source"] == "cross_region_answer"]
    assert record["rows_quarantined"] == 4
    for code in (
        "ANSWER_BAD_SIGNATURE",
        "ANSWER_UNAUTHORIZED",
        "ANSWER_UNSIGNED",
        "ANSWER_UNSOLICITED",
    ):
        assert f"{code} 1" in record["message"]
    assert status(night2)["regions"] == {"110000": {"answered": 1}, "130000": {"refused": 1}}
    validated = pq.read_table(
        night2.validated / "cross_region_answer" / "2026-11-21" / "data.parquet"
    )
    assert validated.column("query_id").to_pylist() == [genuine_qid]
    # the answer suite itself: GX on the landed answers agrees with the compiled checks
    landing = night2.root / "landing" / "cross_region_answer" / "2026-11-21"
    result_path = run.sources["cross_region_answer"].result_path
    assert_matches_gx("cross_region_answer", landing, result_path)
