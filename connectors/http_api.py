"""HTTP deliveries: a paginated JSON API with a bearer token.

``GET <base_url><path>?<page_param>=1&<size_param>=N`` returns ``{<items_key>: [...], ...}``.
Pages are read until ``total_pages`` (when the response gives it) or until the first empty
page; when the response carries a ``next`` link that link is followed instead. Transient
failures (timeouts, connection errors, 429 and 5xx) are retried with bounded exponential
backoff. A 404 means the delivery is not there (yet).
"""

from __future__ import annotations

import os
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date
from typing import Any, ClassVar

import httpx
import polars as pl

from connectors.base import (
    Batch,
    ColumnMismatchError,
    Connector,
    ConnectorError,
    NotDeliveredError,
    SourceUnavailableError,
    UnreadableInputError,
)
from connectors.text import columns_to_frame, make_batch, map_headers
from hedui.registry import Source

RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})


@dataclass
class HttpConnector(Connector):
    """A delivery read from a paginated JSON API.

    ``path`` and ``ready_path`` are templates with ``{source}`` and ``{day}``. ``ready_path``
    answers 200 when the delivery is complete (a JSON body ``{"ready": false}`` means not yet)
    and 404 when it is not there; without it the first data page is probed.
    """

    base_url: str
    path: str = "/{source}/{day}"
    ready_path: str | None = None
    token_env: str | None = None
    params: dict[str, str] = field(default_factory=dict)
    page_param: str = "page"
    size_param: str = "page_size"
    page_size: int = 5_000
    first_page: int = 1
    items_key: str = "items"
    total_pages_key: str = "total_pages"
    next_key: str = "next"
    timeout: float = 30.0
    max_retries: int = 5
    backoff: float = 0.5
    max_backoff: float = 30.0
    max_pages: int = 100_000
    kind: ClassVar[str] = "http"

    def _client(self) -> httpx.Client:
        headers = {"Accept": "application/json"}
        if self.token_env:
            token = os.environ.get(self.token_env)
            if not token:
                raise ConnectorError(f"environment variable {self.token_env} (token) is not set")
            headers["Authorization"] = f"Bearer {token}"
        return httpx.Client(base_url=self.base_url, headers=headers, timeout=self.timeout)

    def _render(self, template: str, source: Source, day: date) -> str:
        return template.format(source=source.name, day=day.isoformat())

    def _get(self, client: httpx.Client, url: str, params: dict[str, Any] | None) -> httpx.Response:
        """GET with retries on transient failures; other statuses are returned as they are."""
        attempt = 0
        while True:
            wait = min(self.backoff * 2**attempt, self.max_backoff)
            try:
                response = client.get(url, params=params)
            except (httpx.TimeoutException, httpx.TransportError) as exc:
                if attempt >= self.max_retries:
                    raise SourceUnavailableError(
                        f"{url}: {type(exc).__name__} after {attempt + 1} attempts"
                    ) from None
            else:
                if response.status_code not in RETRY_STATUSES:
                    return response
                if attempt >= self.max_retries:
                    raise SourceUnavailableError(
                        f"{url}: HTTP {response.status_code} after {attempt + 1} attempts"
                    )
                wait = min(max(wait, _retry_after(response)), self.max_backoff)
            attempt += 1
            time.sleep(wait)

    def _query(self, source: Source, day: date, page: int, size: int) -> dict[str, Any]:
        rendered = {k: self._render(str(v), source, day) for k, v in self.params.items()}
        return {**rendered, self.page_param: page, self.size_param: size}

    def check_ready(self, source: Source, day: date) -> bool:
        with self._client() as client:
            if self.ready_path:
                response = self._get(client, self._render(self.ready_path, source, day), None)
            else:
                probe = self._query(source, day, self.first_page, 1)
                response = self._get(client, self._render(self.path, source, day), probe)
            if response.status_code == 404:
                return False
            _raise_for_status(response)
            if self.ready_path:
                body = _json(response)
                if isinstance(body, dict) and "ready" in body:
                    return bool(body["ready"])
            return True

    def extract(self, source: Source, day: date) -> Iterator[Batch]:
        path = self._render(self.path, source, day)
        line = 1
        seen: set[str] = set()
        page = self.first_page
        url: str | None = path
        query: dict[str, Any] | None = self._query(source, day, page, self.page_size)
        with self._client() as client:
            while url is not None:
                response = self._get(client, url, query)
                if response.status_code == 404 and line == 1:
                    raise NotDeliveredError(f"{path}: HTTP 404")
                _raise_for_status(response)
                body = _json(response)
                items = body.get(self.items_key) if isinstance(body, dict) else None
                if not isinstance(items, list):
                    raise UnreadableInputError(f"{path}: response has no '{self.items_key}' list")
                if items:
                    yield self._batch(items, source, path, line, seen)
                    line += len(items)
                url, query, page = self._next(body, path, query, page, bool(items))
                if page - self.first_page >= self.max_pages:
                    raise ConnectorError(f"{path}: more than {self.max_pages} pages (a loop?)")
        never = [c for c in source.column_names if c not in seen]
        if line > 1 and never:
            raise ColumnMismatchError(
                f"{path}: columns do not match the {source.name} contract "
                f"(missing {never}); expected {source.header_names}, found {sorted(seen)}"
            )
        if line == 1:
            empty = pl.DataFrame(schema={c: pl.String for c in source.column_names})
            yield make_batch(empty, source, path, pl.Series([], dtype=pl.Int64))

    def _next(
        self, body: dict, path: str, query: dict[str, Any] | None, page: int, had_items: bool
    ) -> tuple[str | None, dict[str, Any] | None, int]:
        """Where the next page is, or ``None`` after the last one."""
        if self.next_key in body:
            link = body[self.next_key]
            return (str(link), None, page + 1) if link else (None, None, page)
        total = body.get(self.total_pages_key)
        if isinstance(total, int) and page - self.first_page + 1 >= total:
            return None, None, page
        if not had_items:
            return None, None, page
        return path, {**(query or {}), self.page_param: page + 1}, page + 1

    def _batch(
        self, items: list, source: Source, path: str, first_line: int, seen: set[str]
    ) -> Batch:
        """One page as a raw batch; keys a page omits are null (JSON APIs drop null keys)."""
        names: dict[str, None] = {}
        for item in items:
            if not isinstance(item, dict):
                raise UnreadableInputError(f"{path}: an item is not a JSON object")
            names.update(dict.fromkeys(item))
        accepted = source.header_map
        if any(str(n).strip() not in accepted for n in names):
            map_headers(source, [str(n) for n in names], path)  # raises, naming the keys
        present = {accepted.get(str(n).strip()) for n in names} - {None}
        seen.update(present)  # type: ignore[arg-type]
        columns = [[item.get(n) for item in items] for n in names]
        absent = [c for c in source.column_names if c not in present]
        frame = columns_to_frame([*names, *absent], columns + [[None] * len(items)] * len(absent))
        lines = pl.int_range(first_line, first_line + len(items), dtype=pl.Int64, eager=True)
        return make_batch(frame, source, path, lines)

    def describe(self) -> dict[str, object]:
        return {"kind": self.kind, "base_url": self.base_url, "path": self.path}


def _retry_after(response: httpx.Response) -> float:
    try:
        return float(response.headers.get("Retry-After", 0))
    except ValueError:
        return 0.0


def _raise_for_status(response: httpx.Response) -> None:
    if response.status_code in (401, 403):
        raise ConnectorError(f"{response.url.path}: HTTP {response.status_code} (check the token)")
    if response.status_code >= 400:
        raise ConnectorError(f"{response.url.path}: HTTP {response.status_code}")


def _json(response: httpx.Response) -> Any:
    try:
        return response.json()
    except ValueError:
        raise UnreadableInputError(f"{response.url.path}: response is not JSON") from None
