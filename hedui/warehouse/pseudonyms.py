"""Keyed pseudonyms: person_key = HMAC-SHA256(secret, ID number), hex.

The secret comes from the deployment (environment variable ``HEDUI_PSEUDONYM_KEY``); without it
nothing is pseudonymised and the load stops with a clear error. Never a plain hash.
"""

from __future__ import annotations

import hashlib
import hmac
import os
from collections.abc import Iterable

KEY_ENV = "HEDUI_PSEUDONYM_KEY"


class PseudonymKeyError(RuntimeError):
    """The pseudonym secret is not configured."""


def pseudonym_key(env: dict[str, str] | None = None) -> bytes:
    """The secret from ``HEDUI_PSEUDONYM_KEY`` (UTF-8 bytes); an error when unset or empty."""
    value = (os.environ if env is None else env).get(KEY_ENV, "")
    if not value:
        raise PseudonymKeyError(
            f"{KEY_ENV} is not set: the warehouse needs the deployment's pseudonym secret to "
            "compute person_key = HMAC-SHA256(secret, id_number)"
        )
    return value.encode("utf-8")


def person_key(id_number: str, key: bytes) -> str:
    """The person_key of one ID number."""
    return hmac.new(key, id_number.encode("utf-8"), hashlib.sha256).hexdigest()


def person_keys(id_numbers: Iterable[str], key: bytes) -> list[str]:
    """person_key of each ID number, in order."""
    digest = hmac.digest
    return [digest(key, i.encode("utf-8"), "sha256").hex() for i in id_numbers]
