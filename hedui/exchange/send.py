"""Tonight's outbound queries: add new ones to the log, send what is due, audit every send.

A query is due while it is unsent and not older than ``exchange_overdue_days`` (policy seed);
an unreachable partner leaves it unsent with its tries and error, for a later night.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pyarrow as pa
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from hedui import duck
from hedui.exchange import HEDUI_REGION
from hedui.exchange.audit_sink import Auditor
from hedui.exchange.channels import Channel, channel_for
from hedui.exchange.config import ExchangeConfig
from hedui.exchange.querylog import SCHEMA, query_id, read_log, write_log
from hedui.exchange.selection import partner_members, period_span
from hedui.exchange.signing import sign
from hedui.policy_params import params_on
from hedui.warehouse.pseudonyms import person_keys


@dataclass
class SendResult:
    new: int = 0
    sent: int = 0
    unsent: int = 0
    given_up: int = 0
    errors: dict[str, str] = field(default_factory=dict)
    note: str = ""

    def to_dict(self) -> dict[str, Any]:
        return {
            "new": self.new,
            "sent": self.sent,
            "unsent": self.unsent,
            "given_up": self.given_up,
            "errors": self.errors,
            "note": self.note,
        }


def overdue_days(run_date: date) -> int:
    return int(params_on(run_date).values["exchange_overdue_days"])


def outbound_record(row: dict[str, Any], id_number: str, authorization_no: str) -> dict[str, Any]:
    """The query exactly as exchange.md defines it (unsigned)."""
    return {
        "query_id": row["query_id"],
        "request_id": row["request_id"],
        "id_number": id_number,
        "authorization_no": authorization_no,
        "purpose": row["purpose"],
        "period_from": row["period_from"],
        "period_to": row["period_to"],
        "asked_on": row["asked_on"].isoformat(),
        "from_region": HEDUI_REGION,
        "to_region": row["to_region"],
    }


def send_night(
    run_date: date,
    log_file: Path,
    validated_root: Path,
    config: ExchangeConfig,
    private_key: Ed25519PrivateKey,
    pseudonym_secret: bytes,
    auditor: Auditor,
    channel: Callable[[Any], Channel] = channel_for,
) -> SendResult:
    """Add tonight's new queries to the log, send every due one, rewrite the log."""
    result = SendResult()
    con = duck.connect()
    try:
        members = partner_members(con, validated_root, run_date)
    finally:
        con.close()
    rows = read_log(log_file).to_pylist()
    if members is None:
        result.note = "no validated verification_request or hukou: nothing selected tonight"
        members = pa.table({n: [] for n in ("request_id", "id_number")})
    m = members.to_pylist()
    keys = person_keys([r["id_number"] for r in m], pseudonym_secret)
    current: dict[str, tuple[str, str]] = {}  # query_id -> (id_number, authorization_no)
    known = {r["query_id"] for r in rows}
    period_from, period_to = period_span(run_date)
    for member, key in zip(m, keys, strict=True):
        qid = query_id(member["request_id"], key, member["to_region"])
        if member["covered"]:  # local data speaks for this member
            continue
        current[qid] = (member["id_number"], member["authorization_no"])
        if qid in known:
            continue
        known.add(qid)
        result.new += 1
        rows.append(
            {
                "query_id": qid,
                "request_id": member["request_id"],
                "person_key": key,
                "to_region": member["to_region"],
                "purpose": member["purpose"],
                "period_from": period_from,
                "period_to": period_to,
                "asked_on": run_date,
                "sent_at": None,
                "attempts": 0,
                "answered_on": None,
                "answer_status": None,
                "refusal_reason": None,
                "last_error": None,
            }
        )
    limit = overdue_days(run_date)
    due: dict[str, list[dict[str, Any]]] = {}
    for row in rows:
        if row["sent_at"] is not None or row["answer_status"] is not None:
            continue
        if (run_date - row["asked_on"]).days > limit:
            result.given_up += 1
            row["last_error"] = f"not sent within {limit} days: overdue, no more attempts"
            continue
        if row["query_id"] not in current:
            row["last_error"] = (
                "member no longer an authorized, out-of-coverage member of the request: not sent"
            )
            result.unsent += 1
            continue
        due.setdefault(row["to_region"], []).append(row)
    for region, pending in sorted(due.items()):
        _send_region(region, pending, current, config, private_key, auditor, channel, run_date)
        for row in pending:
            if row["sent_at"] is None:
                result.unsent += 1
                result.errors[region] = row["last_error"] or ""
            else:
                result.sent += 1
    rows.sort(key=lambda r: (r["asked_on"], r["query_id"]))
    write_log(pa.Table.from_pylist(rows, schema=SCHEMA), log_file)
    return result


def _send_region(
    region: str,
    pending: list[dict[str, Any]],
    current: dict[str, tuple[str, str]],
    config: ExchangeConfig,
    private_key: Ed25519PrivateKey,
    auditor: Auditor,
    channel: Callable[[Any], Channel],
    run_date: date,
) -> None:
    partner = config.partner(region)
    if partner is None:
        for row in pending:
            row["last_error"] = f"no channel configured for region {region}"
        return
    try:
        sender = channel(partner)
    except ValueError as exc:  # a misconfigured channel: nothing can be sent to this partner
        for row in pending:
            row["last_error"] = str(exc)
        return
    records = [sign(outbound_record(r, *current[r["query_id"]]), private_key) for r in pending]
    outcomes = sender.send(records, run_date)
    now = datetime.now(UTC).replace(tzinfo=None)
    for row, (tries, error) in zip(pending, outcomes, strict=True):
        row["attempts"] = int(row["attempts"] or 0) + tries
        row["last_error"] = error
        if error is None:
            row["sent_at"] = now
        if tries:
            audit_row = {**row, "authorization_no": current[row["query_id"]][1]}
            auditor(audit_row, "sent" if error is None else "failed", tries)
