"""Reading a delivered text file in record-aligned blocks, so memory stays bounded.

A block ends after a newline that is not inside a quoted CSV field (for JSON lines every
newline ends a record). The cut is safe in UTF-8 and GBK/GB18030, whose multi-byte characters
never contain the bytes ``\\n`` or ``"``. The file's SHA-256 is computed on the way.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from connectors.base import InputDigest

#: Bytes read per block; a record longer than this makes its block grow to hold it.
BLOCK_BYTES = 16 << 20

_NEWLINE = b"\n"
_QUOTE = b'"'


@dataclass(frozen=True)
class Block:
    """Whole records of one file: ``data`` starts on physical line ``first_line`` (1-based),
    at byte ``offset`` of the file."""

    data: bytes
    first_line: int
    offset: int


@dataclass
class BlockReader:
    """Iterates a file's blocks; ``digest`` is complete once the iteration has ended."""

    path: Path
    block_bytes: int = BLOCK_BYTES
    quoted: bool = True
    _sha: hashlib._Hash = field(default_factory=hashlib.sha256, init=False, repr=False)
    _size: int = field(default=0, init=False)

    def __iter__(self) -> Iterator[Block]:
        carry = b""
        line, offset = 1, 0
        with open(self.path, "rb") as stream:
            while True:
                chunk = stream.read(self.block_bytes)
                self._sha.update(chunk)
                self._size += len(chunk)
                buffer = carry + chunk if carry else chunk
                if len(chunk) < self.block_bytes or not stream.peek(1):  # end of file
                    if buffer or offset == 0:  # an empty file is one empty block
                        yield Block(buffer, line, offset)
                    return
                cut = last_record_end(buffer, quoted=self.quoted)
                if cut < 0:  # one record longer than the buffer: read on
                    carry = buffer
                    continue
                data, carry = buffer[: cut + 1], buffer[cut + 1 :]
                yield Block(data, line, offset)
                line += data.count(_NEWLINE)
                offset += len(data)

    @property
    def digest(self) -> InputDigest:
        return InputDigest(self.path.name, self._sha.hexdigest(), self._size)


def last_record_end(buffer: bytes, *, quoted: bool) -> int:
    """Index of the last newline of ``buffer`` that ends a record, or -1.

    ``buffer`` starts at a record boundary; with ``quoted``, a newline ends a record only
    when an even number of quote characters precedes it (doubled quotes count twice).
    """
    end = buffer.rfind(_NEWLINE)
    if end < 0 or not quoted:
        return end
    quotes = buffer.count(_QUOTE, 0, end)
    while quotes % 2:
        previous = buffer.rfind(_NEWLINE, 0, end)
        if previous < 0:
            return -1
        quotes -= buffer.count(_QUOTE, previous, end)
        end = previous
    return end


def first_record_end(buffer: bytes) -> int:
    """Index of the newline ending the first CSV record of ``buffer`` (quote-aware), or -1."""
    end = buffer.find(_NEWLINE)
    quotes = buffer.count(_QUOTE, 0, end) if end >= 0 else 0
    while end >= 0 and quotes % 2:
        following = buffer.find(_NEWLINE, end + 1)
        if following < 0:
            return -1
        quotes += buffer.count(_QUOTE, end, following)
        end = following
    return end


def file_digest(path: Path) -> InputDigest:
    """SHA-256 and size of a file, read a block at a time."""
    sha, size = hashlib.sha256(), 0
    with open(path, "rb") as stream:
        while chunk := stream.read(BLOCK_BYTES):
            sha.update(chunk)
            size += len(chunk)
    return InputDigest(path.name, sha.hexdigest(), size)
