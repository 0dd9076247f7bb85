"""A partner that is down: retried with backoff, left unsent, sent on a later night, given up
after exchange_overdue_days; query ids are deterministic."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pyarrow.parquet as pq

from hedui.exchange.channels import channel_for
from hedui.exchange.config import parse_config
from hedui.exchange.partner import PartnerService
from hedui.exchange.querylog import query_id
from hedui.exchange.send import send_night
from hedui.exchange.signing import public_key_from_b64
from hedui.warehouse.pseudonyms import person_key
from tests.exchange_fixtures import BEIJING, DAY, HEBEI, Keys, write_validated

SECRET = b"retry-test-pseudonym-secret"


def _config(keys: Keys, url: str, folder: Path):  # type: ignore[no-untyped-def]
    return parse_config(
        {
            "partners": {
                "110000": {
                    "public_key": keys.beijing_public,
                    "kind": "http",
                    "options": {"base_url": url, "max_retries": 3, "backoff": 0.5},
                },
                "130000": {
                    "public_key": keys.hebei_public,
                    "kind": "folder",
                    "options": {"path": str(folder)},
                },
            }
        }
    )


class Night:
    """send_night with recorded backoff sleeps and audit events."""

    def __init__(self, tmp: Path, keys: Keys) -> None:
        self.tmp, self.keys = tmp, keys
        self.sleeps: list[float] = []
        self.audited: list[tuple[str, str, int]] = []
        self.validated = tmp / "validated"
        self.log = tmp / "exchange" / "queries.parquet"

    def channel(self, partner):  # type: ignore[no-untyped-def]
        ch = channel_for(partner)
        if hasattr(ch, "sleep"):
            ch.sleep = self.sleeps.append
        return ch

    def audit(self, query: dict, outcome: str, attempts: int) -> None:
        self.audited.append((query["to_region"], outcome, attempts))

    def run(self, day, url: str):  # type: ignore[no-untyped-def]
        config = _config(self.keys, url, self.tmp / "hebei")
        key = self.keys.private(self.keys.hedui_private)
        result = send_night(
            day, self.log, self.validated, config, key, SECRET, self.audit, self.channel
        )
        rows = {r["to_region"]: r for r in pq.read_table(self.log).to_pylist()}
        return result, rows


def _down_url() -> str:
    """The URL of a partner that was started and stopped: nothing listens there."""
    keys = Keys()
    service = PartnerService(
        "110000", keys.private(keys.beijing_private), public_key_from_b64(keys.hedui_public)
    )
    url = service.start()
    service.stop()
    return url


def test_partner_down_retried_then_sent(tmp_path) -> None:  # type: ignore[no-untyped-def]
    keys = Keys()
    write_validated(tmp_path / "validated")
    night = Night(tmp_path, keys)
    down = _down_url()

    result, rows = night.run(DAY, down)
    assert (result.new, result.sent, result.unsent) == (2, 1, 1)
    bj = rows["110000"]
    assert night.sleeps == [0.5, 1.0, 2.0]  # exponential backoff between the 4 tries
    assert bj["sent_at"] is None and bj["attempts"] == 4
    assert "unreachable after 4 tries" in bj["last_error"]
    assert rows["130000"]["sent_at"] is not None and rows["130000"]["attempts"] == 1
    assert sorted(night.audited) == [("110000", "failed", 4), ("130000", "sent", 1)]

    # The next night the partner is up but answers 503: four more tries, still unsent.
    service = PartnerService(
        "110000", keys.private(keys.beijing_private), public_key_from_b64(keys.hedui_public)
    )
    url = service.start()
    try:
        service.down = True
        result, rows = night.run(DAY + timedelta(days=1), url)
        assert (result.new, result.sent, result.unsent) == (0, 0, 1)
        assert rows["110000"]["attempts"] == 8 and rows["110000"]["sent_at"] is None
        assert rows["110000"]["last_error"].endswith("after 4 tries: HTTP 503")
        assert service.received == []
        # Back two nights later: the same query is sent, asked_on unchanged.
        service.down = False
        result, rows = night.run(DAY + timedelta(days=3), url)
    finally:
        service.stop()
    assert (result.new, result.sent, result.unsent) == (0, 1, 0)
    bj = rows["110000"]
    assert bj["attempts"] == 9 and bj["sent_at"] is not None and bj["last_error"] is None
    assert bj["asked_on"] == DAY
    (received,) = service.received
    assert received["query_id"] == bj["query_id"] and received["asked_on"] == DAY.isoformat()


def test_overdue_query_is_given_up(tmp_path) -> None:  # type: ignore[no-untyped-def]
    keys = Keys()
    write_validated(tmp_path / "validated")
    night = Night(tmp_path, keys)
    down = _down_url()
    night.run(DAY, down)
    tries = len(night.sleeps)
    # exchange_overdue_days = 5 (policy seed): on day 6 no more attempts are made.
    result, rows = night.run(DAY + timedelta(days=6), down)
    assert result.given_up == 1 and len(night.sleeps) == tries
    assert rows["110000"]["attempts"] == 4 and rows["110000"]["sent_at"] is None
    assert rows["110000"]["last_error"] == "not sent within 5 days: overdue, no more attempts"


def test_query_ids_are_deterministic(tmp_path) -> None:  # type: ignore[no-untyped-def]
    keys = Keys()
    logs = []
    for name in ("a", "b"):
        root = tmp_path / name
        write_validated(root / "validated")
        night = Night(root, keys)
        night.run(DAY, _down_url())
        logs.append(sorted(r["query_id"] for r in pq.read_table(night.log).to_pylist()))
    expected = sorted(
        query_id("R2026110001", person_key(i, SECRET), region)
        for i, region in ((BEIJING, "110000"), (HEBEI, "130000"))
    )
    assert logs[0] == logs[1] == expected
    assert query_id("R1", "k", "110000") == query_id("R1", "k", "110000")
    assert query_id("R1", "k", "110000") != query_id("R1", "k", "130000")
    assert query_id("R1", "k", "110000") != query_id("R2", "k", "110000")
    assert BEIJING not in query_id("R1", person_key(BEIJING, SECRET), "110000")
