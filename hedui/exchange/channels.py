"""How queries reach a partner and answers come back: an HTTP API or an exchange folder.

HTTP: ``POST <base_url><query_path>`` one signed query (JSON) with a bearer token; ``GET
<base_url><answers_path>?from_region=120000&after=<cursor>`` returns ``{"answers": [...],
"cursor": n}``. Transient failures (connection errors, timeouts, 429, 5xx) are retried with
bounded exponential backoff. Folder: queries go to ``<path>/outbox/<to_region>/<date>.jsonl``,
answers are read from ``<path>/inbox/<region>/*.jsonl`` (each file once).
"""

from __future__ import annotations

import json
import os
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import httpx

from hedui.exchange import HEDUI_REGION
from hedui.exchange.config import Partner

RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})


class ChannelError(RuntimeError):
    """The partner could not be reached or refused the request; ``attempts`` tries were made."""

    def __init__(self, message: str, attempts: int = 1, transient: bool = True) -> None:
        super().__init__(message)
        self.attempts = attempts
        self.transient = transient


@dataclass
class HttpChannel:
    """A partner's HTTP API."""

    region: str
    base_url: str
    token_env: str | None = None
    query_path: str = "/queries"
    answers_path: str = "/answers"
    timeout: float = 10.0
    max_retries: int = 4
    backoff: float = 0.5
    max_backoff: float = 30.0
    sleep: Callable[[float], None] = field(default=time.sleep, repr=False)

    def _headers(self) -> dict[str, str]:  # raises ChannelError without the token
        headers = {"Accept": "application/json"}
        if self.token_env:
            token = os.environ.get(self.token_env)
            if not token:
                raise ChannelError(f"{self.token_env} (bearer token) is not set", 0, False)
            headers["Authorization"] = f"Bearer {token}"
        return headers

    def _client(self) -> httpx.Client:
        return httpx.Client(base_url=self.base_url, timeout=self.timeout, headers=self._headers())

    def _call(
        self, client: httpx.Client, method: str, path: str, **kw: Any
    ) -> tuple[httpx.Response, int]:
        """One request with retries; returns the response and the number of tries."""
        error = ""
        for attempt in range(1, self.max_retries + 2):
            try:
                response = client.request(method, path, **kw)
            except httpx.TransportError as exc:
                error = f"{type(exc).__name__}: {exc}"
            else:
                if response.status_code not in RETRY_STATUSES:
                    return response, attempt
                error = f"HTTP {response.status_code}"
            if attempt <= self.max_retries:
                self.sleep(min(self.backoff * 2 ** (attempt - 1), self.max_backoff))
        tries = self.max_retries + 1
        raise ChannelError(f"partner {self.region} unreachable after {tries} tries: {error}", tries)

    def send(self, records: list[dict[str, Any]], day: date) -> list[tuple[int, str | None]]:
        """Post each query; per query (tries, error or None). Once the partner proves
        unreachable the rest are not tried tonight (0 tries)."""
        out: list[tuple[int, str | None]] = []
        down: str | None = None
        try:
            client = self._client()
        except ChannelError as exc:
            return [(0, str(exc)) for _ in records]
        with client:
            for record in records:
                if down:
                    out.append((0, f"not tried: {down}"))
                    continue
                try:
                    response, tries = self._call(client, "POST", self.query_path, json=record)
                except ChannelError as exc:
                    down = str(exc)
                    out.append((exc.attempts, down))
                    continue
                if response.is_success:
                    out.append((tries, None))
                else:
                    status = response.status_code
                    out.append((tries, f"partner {self.region} answered HTTP {status}"))
        return out

    def fetch(self, cursor: Any) -> tuple[list[dict[str, Any]], Any]:
        """New answers since ``cursor``; the new cursor."""
        params = {"from_region": HEDUI_REGION, "after": int(cursor or 0)}
        with self._client() as client:
            response, _ = self._call(client, "GET", self.answers_path, params=params)
        if not response.is_success:
            raise ChannelError(f"partner {self.region} answered HTTP {response.status_code}")
        body = response.json()
        answers = body.get("answers") if isinstance(body, dict) else None
        if not isinstance(answers, list):
            raise ChannelError(f"partner {self.region}: no answers list in the response", 1, False)
        return answers, body.get("cursor", int(cursor or 0) + len(answers))


@dataclass
class FolderChannel:
    """A shared exchange folder of signed JSON-lines files."""

    region: str
    path: Path

    def send(self, records: list[dict[str, Any]], day: date) -> list[tuple[int, str | None]]:
        """Write tonight's queries to ``outbox/<region>/<date>.jsonl`` (merged by query_id
        with a file of the same date, written atomically)."""
        target = Path(self.path) / "outbox" / self.region / f"{day.isoformat()}.jsonl"
        try:
            target.parent.mkdir(parents=True, exist_ok=True)
            merged: dict[str, dict[str, Any]] = {}
            if target.exists():
                for line in target.read_text("utf-8").splitlines():
                    if line.strip():
                        merged[json.loads(line)["query_id"]] = json.loads(line)
            merged.update({r["query_id"]: r for r in records})
            tmp = target.with_name(target.name + ".tmp")
            tmp.write_text(
                "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in merged.values()),
                encoding="utf-8",
            )
            os.replace(tmp, target)
        except OSError as exc:
            return [(1, f"exchange folder {self.region}: {exc}") for _ in records]
        return [(1, None) for _ in records]

    def fetch(self, cursor: Any) -> tuple[list[dict[str, Any]], Any]:
        """Answers of the files in ``inbox/<region>/`` not read before; cursor = names read."""
        seen = set(cursor or [])
        folder = Path(self.path) / "inbox" / self.region
        answers: list[dict[str, Any]] = []
        try:
            names = sorted(p.name for p in folder.glob("*.jsonl")) if folder.is_dir() else []
            for name in names:
                if name in seen:
                    continue
                for line in (folder / name).read_text("utf-8").splitlines():
                    if line.strip():
                        answers.append(json.loads(line))
                seen.add(name)
        except (OSError, ValueError) as exc:
            raise ChannelError(f"exchange folder {self.region}: {exc}", 1) from None
        return answers, sorted(seen)


Channel = HttpChannel | FolderChannel


def channel_for(partner: Partner) -> Channel:
    """The channel a partner is configured with."""
    options = dict(partner.options)
    if partner.kind == "folder":
        return FolderChannel(partner.region, Path(options["path"]))
    allowed = {f for f in HttpChannel.__dataclass_fields__ if f not in ("region", "sleep")}
    unknown = set(options) - allowed
    if unknown:
        raise ValueError(f"partner {partner.region}: unknown http options {sorted(unknown)}")
    return HttpChannel(partner.region, **options)
