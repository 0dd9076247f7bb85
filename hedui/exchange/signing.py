"""Canonical form and Ed25519 signatures of exchange records (exchange.md, "Signature").

A record's canonical form is the record without ``signature`` as JSON with sorted keys, ``(",",
":")`` separators and UTF-8 without escaping; ``signature`` is the base64 Ed25519 signature of
those bytes. Keys are raw 32-byte Ed25519 keys, base64 encoded.
"""

from __future__ import annotations

import base64
import binascii
import json
import os
from pathlib import Path
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

SIGNATURE = "signature"
PRIVATE_KEY_ENV = "HEDUI_EXCHANGE_PRIVATE_KEY"
PRIVATE_KEY_FILE_ENV = "HEDUI_EXCHANGE_PRIVATE_KEY_FILE"
_RAW = serialization.Encoding.Raw


class ExchangeKeyError(RuntimeError):
    """A key is missing or malformed."""


def canonical(record: dict[str, Any]) -> bytes:
    """The bytes that are signed: the record without ``signature``, canonical JSON, UTF-8."""
    body = {k: v for k, v in record.items() if k != SIGNATURE}
    return json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def sign(record: dict[str, Any], key: Ed25519PrivateKey) -> dict[str, Any]:
    """A copy of ``record`` carrying its signature."""
    signature = base64.b64encode(key.sign(canonical(record))).decode("ascii")
    return {**{k: v for k, v in record.items() if k != SIGNATURE}, SIGNATURE: signature}


def verify(record: dict[str, Any], key: Ed25519PublicKey) -> bool:
    """True when ``record`` carries a valid signature by ``key``."""
    value = record.get(SIGNATURE)
    if not isinstance(value, str) or not value:
        return False
    try:
        key.verify(base64.b64decode(value, validate=True), canonical(record))
    except (InvalidSignature, binascii.Error, ValueError):
        return False
    return True


def _raw32(text: str, what: str) -> bytes:
    try:
        raw = base64.b64decode(text.strip(), validate=True)
    except (binascii.Error, ValueError):
        raise ExchangeKeyError(f"{what}: not base64") from None
    if len(raw) != 32:
        raise ExchangeKeyError(f"{what}: {len(raw)} bytes, an Ed25519 key has 32")
    return raw


def private_key_from_b64(text: str, what: str = "private key") -> Ed25519PrivateKey:
    return Ed25519PrivateKey.from_private_bytes(_raw32(text, what))


def public_key_from_b64(text: str, what: str = "public key") -> Ed25519PublicKey:
    return Ed25519PublicKey.from_public_bytes(_raw32(text, what))


def public_b64(key: Ed25519PrivateKey | Ed25519PublicKey) -> str:
    public = key.public_key() if isinstance(key, Ed25519PrivateKey) else key
    raw = public.public_bytes(_RAW, serialization.PublicFormat.Raw)
    return base64.b64encode(raw).decode("ascii")


def private_b64(key: Ed25519PrivateKey) -> str:
    raw = key.private_bytes(_RAW, serialization.PrivateFormat.Raw, serialization.NoEncryption())
    return base64.b64encode(raw).decode("ascii")


def own_private_key(env: dict[str, str] | None = None) -> Ed25519PrivateKey:
    """Hedui's own key: ``HEDUI_EXCHANGE_PRIVATE_KEY`` (base64), else the file named by
    ``HEDUI_EXCHANGE_PRIVATE_KEY_FILE``."""
    env = dict(os.environ if env is None else env)
    if env.get(PRIVATE_KEY_ENV):
        return private_key_from_b64(env[PRIVATE_KEY_ENV], PRIVATE_KEY_ENV)
    if env.get(PRIVATE_KEY_FILE_ENV):
        path = Path(env[PRIVATE_KEY_FILE_ENV])
        return private_key_from_b64(path.read_text("ascii"), str(path))
    raise ExchangeKeyError(f"neither {PRIVATE_KEY_ENV} nor {PRIVATE_KEY_FILE_ENV} is set")


def generate() -> tuple[str, str]:
    """A new key pair as (private base64, public base64)."""
    key = Ed25519PrivateKey.generate()
    return private_b64(key), public_b64(key)
