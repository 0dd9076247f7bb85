"""A local delivery API: paginated JSON with a bearer token, for tests and demos.

It stands in for the reference deployment's HTTP channels (tax, market entity, stock):

- ``GET /<source>/<day>?page=N&page_size=M`` -> ``{"items": [...], "page": N,
  "total_pages": T}``, 404 when nothing is published for that source and day;
- ``GET /<source>/<day>/ready`` -> ``{"ready": true|false}`` or 404;
- 401 without the right ``Authorization: Bearer <token>``;
- ``fail_next(n, status)`` makes the next ``n`` requests fail (503, 429, ...) and
  ``stall_next(n, seconds)`` delays them, to exercise the client's retries;
- ``totals=False`` leaves out ``total_pages`` (clients read until an empty page) and
  ``links=True`` adds a ``next`` link (null on the last page).
"""

from __future__ import annotations

import json
import math
import threading
import time
from datetime import date
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

import polars as pl


def frame_items(frame: pl.DataFrame) -> list[dict[str, Any]]:
    """Rows as JSON-ready dicts: dates as ISO text, decimals as numbers (like the API sends)."""
    converted = frame.with_columns(
        [pl.col(c).cast(pl.String) for c, t in frame.schema.items() if t.is_temporal()]
        + [pl.col(c).cast(pl.Float64) for c, t in frame.schema.items() if t.is_decimal()]
    )
    return converted.to_dicts()


class _QuietServer(ThreadingHTTPServer):
    def handle_error(self, request: object, client_address: object) -> None:
        return  # a client that gave up (timeout test) is not an error worth printing


class DeliveryApi:
    """A threaded HTTP server on 127.0.0.1 (random port) serving published deliveries."""

    def __init__(
        self, token: str, *, max_page_size: int = 10_000, totals: bool = True, links: bool = False
    ) -> None:
        self.token = token
        self.max_page_size = max_page_size
        self.totals = totals
        self.links = links
        self.deliveries: dict[tuple[str, str], list[dict[str, Any]]] = {}
        self.ready: dict[tuple[str, str], bool] = {}
        self.requests: list[tuple[str, int]] = []
        self._failures: list[tuple[int, float | None]] = []
        self._stalls: list[float] = []
        self._lock = threading.Lock()
        self._server = _QuietServer(("127.0.0.1", 0), self._handler())
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )

    @property
    def url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}"

    def publish(
        self, source: str, day: date | str, rows: pl.DataFrame | list[dict], *, ready: bool = True
    ) -> None:
        items = frame_items(rows) if isinstance(rows, pl.DataFrame) else list(rows)
        with self._lock:
            self.deliveries[(source, str(day))] = items
            self.ready[(source, str(day))] = ready

    def fail_next(self, count: int, status: int = 503, retry_after: float | None = None) -> None:
        with self._lock:
            self._failures.extend([(status, retry_after)] * count)

    def stall_next(self, count: int, seconds: float) -> None:
        """Delay the next ``count`` answers (to trip client timeouts)."""
        with self._lock:
            self._stalls.extend([seconds] * count)

    def start(self) -> DeliveryApi:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=5)

    def __enter__(self) -> DeliveryApi:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def respond(
        self, path: str, query: dict[str, list[str]], auth: str | None
    ) -> tuple[int, Any, dict[str, str]]:
        """Status, JSON body and extra headers for one GET (routing without HTTP plumbing)."""
        status, body = self._route(path, query, auth)
        with self._lock:
            stall = self._stalls.pop(0) if self._stalls else 0.0
        if stall:
            time.sleep(stall)
        with self._lock:
            self.requests.append((path, status))
            if self._failures:
                status, retry_after = self._failures.pop(0)
                self.requests[-1] = (path, status)
                headers = {} if retry_after is None else {"Retry-After": str(retry_after)}
                return status, {"error": "injected failure"}, headers
        return status, body, {}

    def _route(self, path: str, query: dict[str, list[str]], auth: str | None) -> tuple[int, Any]:
        if auth != f"Bearer {self.token}":
            return 401, {"error": "unauthorized"}
        parts = [p for p in path.split("/") if p]
        want_ready = len(parts) == 3 and parts[2] == "ready"
        if len(parts) not in (2, 3) or (len(parts) == 3 and not want_ready):
            return 404, {"error": "not found"}
        key = (parts[0], parts[1])
        with self._lock:
            items = self.deliveries.get(key)
            ready = self.ready.get(key, False)
        if items is None:
            return 404, {"error": "no delivery"}
        if want_ready:
            return 200, {"ready": ready}
        page = int(query.get("page", ["1"])[0])
        size = min(int(query.get("page_size", ["1000"])[0]), self.max_page_size)
        total = max(1, math.ceil(len(items) / size))
        body: dict[str, Any] = {"items": items[(page - 1) * size : page * size], "page": page}
        if self.totals:
            body["total_pages"] = total
        if self.links:
            more = page < total
            body["next"] = f"{path}?page={page + 1}&page_size={size}" if more else None
        return 200, body

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        api = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                parts = urlsplit(self.path)
                status, body, headers = api.respond(
                    parts.path, parse_qs(parts.query), self.headers.get("Authorization")
                )
                payload = json.dumps(body, ensure_ascii=False).encode("utf-8")
                self.send_response(status)
                self.send_header("Content-Type", "application/json; charset=utf-8")
                self.send_header("Content-Length", str(len(payload)))
                for name, value in headers.items():
                    self.send_header(name, value)
                self.end_headers()
                self.wfile.write(payload)

            def log_message(self, format: str, *args: object) -> None:
                return  # keep test output quiet

        return Handler
