"""The connector interface: readiness check plus extraction of raw text batches."""

from __future__ import annotations

import re
from abc import ABC, abstractmethod
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import ClassVar

import pyarrow as pa

from hedui.registry import Source

#: Provenance columns every raw batch carries after the contract columns.
FILE_COLUMN = "_file"
LINE_COLUMN = "_line"


@dataclass(frozen=True)
class InputDigest:
    """Checksum of one delivered input (a file's bytes)."""

    name: str
    sha256: str
    bytes: int


@dataclass(frozen=True)
class Batch:
    """Raw rows of one input: contract columns as text (canonical names, contract order)
    followed by ``_file`` (text) and ``_line`` (int64). Text is any Arrow string type
    (``string``, ``large_string`` or ``string_view``).

    ``header_map`` is the delivered header -> canonical name mapping that was applied.
    ``digest`` is set by connectors that read whole files; others leave it to the caller
    to checksum the extracted content. A file read in several batches marks all but its last
    batch ``continued``; the last carries the file's digest.
    """

    table: pa.Table
    input: str
    header_map: Mapping[str, str] = field(default_factory=dict)
    digest: InputDigest | None = None
    #: canonical column -> the type it was delivered as (a typed file's own column types;
    #: "String" for text formats), so validation can name a retyped column
    delivered_types: Mapping[str, str] = field(default_factory=dict)
    continued: bool = False

    @property
    def num_rows(self) -> int:
        return self.table.num_rows


class ConnectorError(Exception):
    """A delivery that cannot be extracted; the message never carries row values."""


class ColumnMismatchError(ConnectorError):
    """The delivered columns are not the contract's."""


class UnreadableInputError(ConnectorError):
    """A file or response that cannot be decoded or parsed."""


class SourceUnavailableError(ConnectorError):
    """The channel cannot be reached now (network, database down, HTTP 5xx after retries):
    worth trying again later, unlike a delivery that is wrong."""


class NotDeliveredError(ConnectorError):
    """The delivery disappeared or was withdrawn between the readiness check and extraction."""


class Connector(ABC):
    """Reads one channel (files, a database, an HTTP API) for any source."""

    kind: ClassVar[str]

    @abstractmethod
    def check_ready(self, source: Source, day: date) -> bool:
        """True when the delivery of ``source`` for ``day`` is complete."""

    @abstractmethod
    def extract(self, source: Source, day: date) -> Iterator[Batch]:
        """Yield the delivery's rows as raw text batches (see :class:`Batch`)."""

    def describe(self) -> dict[str, object]:
        """Non-secret facts about the channel, for manifests and logs."""
        return {"kind": self.kind}


_LONG_DIGITS = re.compile(r"\d{9,}[0-9Xx]?")


def redact(text: str) -> str:
    """Mask digit runs that could be ID or account numbers in a message."""
    return _LONG_DIGITS.sub("<redacted>", text)
