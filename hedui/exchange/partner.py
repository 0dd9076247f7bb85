"""A reference partner service (Beijing or Hebei) for tests and demos, on loopback.

It accepts signed queries (``POST /queries``; Hedui's signature is checked with Hedui's public
key), keeps exactly what it received (``received``), and answers from a synthetic region's
persons file (JSON lines of ``{id_number, income_months: [{period, item, amount}], cash_assets,
residential_homes, residential_floor_area, non_exempt_vehicles}``, e.g.
``<inbox>/_partners/<region>/persons.jsonl``): a person absent is ``not_found``, one in
``refuse`` is ``refused``. Answers are signed with the partner's key and served by ``GET
/answers?after=n``. ``inject`` adds an arbitrary answer (tests of refused answers).
"""

from __future__ import annotations

import json
import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlparse

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from hedui.exchange.signing import sign, verify

FIGURES = ("cash_assets", "residential_homes", "residential_floor_area", "non_exempt_vehicles")


def blank_answer(query_id: str, id_number: str, region: str) -> dict[str, Any]:
    """An answer with every column of the contract (null where it does not apply), unsigned."""
    return {
        "query_id": query_id,
        "id_number": id_number,
        "answering_region": region,
        "status": None,
        "refusal_reason": None,
        "as_of": None,
        "income_months": None,
        **dict.fromkeys(FIGURES),
    }


def read_persons(path: Path) -> dict[str, dict[str, Any]]:
    persons = {}
    for line in Path(path).read_text("utf-8").splitlines():
        if line.strip():
            person = json.loads(line)
            persons[str(person["id_number"]).upper()] = person
    return persons


@dataclass
class PartnerService:
    """One partner region's verification centre."""

    region: str
    key: Ed25519PrivateKey
    hedui_key: Ed25519PublicKey
    persons: dict[str, dict[str, Any]] = field(default_factory=dict)
    refuse: dict[str, str] = field(default_factory=dict)  # id_number -> refusal reason
    token: str | None = None
    received: list[dict[str, Any]] = field(default_factory=list)
    answers: list[dict[str, Any]] = field(default_factory=list)
    rejected: list[str] = field(default_factory=list)
    down: bool = False  # answer 503 to everything
    _server: ThreadingHTTPServer | None = None
    _lock: threading.Lock = field(default_factory=threading.Lock)

    @classmethod
    def from_inbox(
        cls,
        inbox: Path,
        region: str,
        key: Ed25519PrivateKey,
        hedui_key: Ed25519PublicKey,
        **kw: Any,
    ) -> PartnerService:
        """A partner answering from the generator's ``<inbox>/_partners/<region>/persons.jsonl``."""
        persons = read_persons(Path(inbox) / "_partners" / region / "persons.jsonl")
        return cls(region, key, hedui_key, persons=persons, **kw)

    def answer(self, query: dict[str, Any]) -> dict[str, Any]:
        """The signed answer to one query."""
        id_number = str(query["id_number"]).upper()
        record = blank_answer(query["query_id"], query["id_number"], self.region)
        record["as_of"] = query["asked_on"]
        if id_number in self.refuse:
            record.update(status="refused", refusal_reason=self.refuse[id_number])
        elif id_number not in self.persons:
            record["status"] = "not_found"
        else:
            p = self.persons[id_number]
            record["status"] = "answered"
            record["income_months"] = [
                m
                for m in p.get("income_months") or []
                if query["period_from"] <= m["period"] <= query["period_to"]
            ]
            for name in FIGURES:
                record[name] = p.get(name)
        return sign(record, self.key)

    def inject(self, record: dict[str, Any]) -> None:
        """Serve ``record`` as it is among the answers."""
        with self._lock:
            self.answers.append(record)

    def _handle_query(self, body: bytes) -> int:
        try:
            query = json.loads(body)
        except ValueError:
            return 400
        with self._lock:
            self.received.append(query)
        if not isinstance(query, dict) or not verify(query, self.hedui_key):
            self.rejected.append("bad signature")
            return 403
        if query.get("to_region") != self.region:
            self.rejected.append("wrong region")
            return 422
        with self._lock:
            self.answers.append(self.answer(query))
        return 202

    def start(self) -> str:
        """Serve on 127.0.0.1 on a free port; returns the base URL."""
        service = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: Any) -> None:  # quiet
                pass

            def _authorized(self) -> bool:
                return service.token is None or (
                    self.headers.get("Authorization") == f"Bearer {service.token}"
                )

            def _reply(self, status: int, payload: Any = None) -> None:
                data = json.dumps(payload or {}, ensure_ascii=False).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                if service.down:
                    return self._reply(503)
                if not self._authorized():
                    return self._reply(401)
                if urlparse(self.path).path != "/queries":
                    return self._reply(404)
                self._reply(service._handle_query(body))

            def do_GET(self) -> None:
                if service.down:
                    return self._reply(503)
                if not self._authorized():
                    return self._reply(401)
                url = urlparse(self.path)
                if url.path != "/answers":
                    return self._reply(404)
                after = int(parse_qs(url.query).get("after", ["0"])[0])
                with service._lock:
                    batch = service.answers[after:]
                    cursor = len(service.answers)
                self._reply(200, {"answers": batch, "cursor": cursor})

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=self._server.serve_forever, daemon=True).start()
        return f"http://127.0.0.1:{self._server.server_address[1]}"

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None
