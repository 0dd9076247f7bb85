"""Which answers are refused, and why: signature, an outstanding query, an authorized member.

Used by the receiving step (only verified answers update the query log) and by the validation
of source ``cross_region_answer`` (refused answers are quarantined with these codes). Runs over
the answers only (thousands a night), never over a city-sized table.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import pyarrow as pa

from hedui.exchange.config import ExchangeConfig
from hedui.exchange.signing import SIGNATURE, verify
from hedui.warehouse.pseudonyms import person_keys

ANSWER_UNSIGNED = "ANSWER_UNSIGNED"
ANSWER_BAD_SIGNATURE = "ANSWER_BAD_SIGNATURE"
ANSWER_UNAUTHORIZED = "ANSWER_UNAUTHORIZED"
ANSWER_UNSOLICITED = "ANSWER_UNSOLICITED"

#: Reason codes of refused answers, in the order they are checked.
CODES = (ANSWER_UNSIGNED, ANSWER_BAD_SIGNATURE, ANSWER_UNAUTHORIZED, ANSWER_UNSOLICITED)


@dataclass(frozen=True)
class Verdict:
    code: str | None  # None: verified
    reason: str = ""


OK = Verdict(None)


def check_answers(
    records: list[dict[str, Any] | None],
    log: pa.Table,
    config: ExchangeConfig | None,
    pseudonym_secret: bytes,
    unauthorized: Iterable[str] = (),
) -> list[Verdict]:
    """A verdict per answer record (None: a line that is not a JSON object).

    Refused: no signature; a signature that does not verify with the public key of its
    ``answering_region``; an answer for a person who is a request member without authorization;
    an answer to no sent query (unknown query_id, or another person or region than the query's).
    """
    sent = {
        r["query_id"]: r
        for r in log.select(["query_id", "person_key", "to_region", "sent_at"]).to_pylist()
        if r["sent_at"] is not None
    }
    blocked = {str(i).upper() for i in unauthorized}
    ids = [str((r or {}).get("id_number") or "").strip().upper() for r in records]
    keys = person_keys(ids, pseudonym_secret)
    out = []
    for record, id_number, key in zip(records, ids, keys, strict=True):
        out.append(_verdict(record, id_number, key, sent, config, blocked))
    return out


def _verdict(
    record: dict[str, Any] | None,
    id_number: str,
    key: str,
    sent: dict[str, dict[str, Any]],
    config: ExchangeConfig | None,
    blocked: set[str],
) -> Verdict:
    if record is None:
        return Verdict(ANSWER_BAD_SIGNATURE, "answer: not a JSON object, cannot be verified")
    if not record.get(SIGNATURE):
        return Verdict(ANSWER_UNSIGNED, "answer: unsigned, refused (exchange.md: Signature)")
    region = str(record.get("answering_region") or "")
    partner = config.partner(region) if config else None
    if partner is None:
        return Verdict(
            ANSWER_BAD_SIGNATURE, "answer: no public key configured for its answering_region"
        )
    if not verify(record, partner.public_key):
        return Verdict(
            ANSWER_BAD_SIGNATURE,
            "answer: signature does not verify with the answering region's public key",
        )
    if id_number in blocked:
        return Verdict(
            ANSWER_UNAUTHORIZED,
            "answer: about a request member without authorization, refused and not used",
        )
    query = sent.get(str(record.get("query_id") or ""))
    if query is None:
        return Verdict(ANSWER_UNSOLICITED, "answer: to no query Hedui sent (unknown query_id)")
    if query["person_key"] != key or query["to_region"] != region:
        return Verdict(
            ANSWER_UNSOLICITED,
            "answer: person or region does not match the query it names",
        )
    return OK
