"""Alerts reach a real HTTP endpoint, carry no personal data, and never fail a run."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest

from hedui import alerts


@pytest.fixture()
def webhook(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[dict]]:
    received: list[dict] = []

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers["Content-Length"]))
            received.append(json.loads(body))
            self.send_response(204)
            self.end_headers()

        def log_message(self, *args: object) -> None:
            pass

    server = HTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    monkeypatch.setenv(alerts.WEBHOOK_ENV, f"http://127.0.0.1:{server.server_port}/hook")
    yield received
    server.shutdown()


SUMMARY = {
    "run_date": "2026-11-27",
    "sources": [
        {"source": "deposit", "status": "failed"},
        {"source": "hukou", "status": "passed"},
        {"source": "stock", "status": "missing"},
        {"source": "tax", "status": "late"},
    ],
    "tiers": {"dibao": {"incomplete": 12}, "none": {"incomplete": 30}},
}


def test_degraded_run_is_posted_to_the_webhook(webhook: list[dict]) -> None:
    alerts.run_degraded(SUMMARY)
    assert webhook == [
        {
            "kind": "run_degraded",
            "message": "run 2026-11-27 published with unusable: deposit, stock; late (earlier "
            "delivery in use): tax; 42 household results incomplete",
            "run_date": "2026-11-27",
            "unusable": ["deposit", "stock"],
            "late": ["tax"],
            "incomplete_results": 42,
        }
    ]


def test_a_clean_run_raises_no_alert(webhook: list[dict]) -> None:
    clean = {**SUMMARY, "sources": [{"source": "hukou", "status": "passed"}]}
    assert alerts.run_degraded(clean) is None
    assert webhook == []


def test_task_failure_alert(webhook: list[dict]) -> None:
    alerts.task_failed("hedui_nightly", "build", "manual__1", 2, "RuntimeError('dbt failed')")
    assert webhook[0]["kind"] == "task_failed" and webhook[0]["task_id"] == "build"
    assert webhook[0]["message"] == "hedui_nightly.build failed (try 2)"


def test_an_unreachable_webhook_never_fails_the_caller(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv(alerts.WEBHOOK_ENV, "http://127.0.0.1:1/hook")
    payload = alerts.send("run_degraded", "test")
    assert payload == {"kind": "run_degraded", "message": "test"}
    assert "HEDUI ALERT" in capsys.readouterr().out
