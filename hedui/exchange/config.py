"""The exchange configuration: each partner's public key and channel (HEDUI_EXCHANGE_CONFIG).

A YAML file (``config/exchange.example.yaml`` documents it)::

    partners:
      "110000": {public_key: <base64>, kind: http, options: {base_url: ..., token_env: ...}}
      "130000": {public_key: <base64>, kind: folder, options: {path: /srv/exchange/hebei}}

Secrets never go in the file: ``token_env`` names the environment variable of a bearer token.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from hedui.exchange import PARTNER_PREFIXES
from hedui.exchange.signing import public_key_from_b64

CONFIG_ENV = "HEDUI_EXCHANGE_CONFIG"
KINDS = ("http", "folder")


class ExchangeConfigError(ValueError):
    """The exchange configuration is malformed."""


@dataclass(frozen=True)
class Partner:
    """One partner region: its verification key and how to reach it."""

    region: str
    public_key: Ed25519PublicKey
    kind: str
    options: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class ExchangeConfig:
    partners: dict[str, Partner]

    def partner(self, region: str) -> Partner | None:
        return self.partners.get(region)


def parse_config(raw: Mapping[str, Any]) -> ExchangeConfig:
    """Check and type a configuration mapping."""
    partners: dict[str, Partner] = {}
    for region, spec in (raw.get("partners") or {}).items():
        region = str(region)
        if region not in PARTNER_PREFIXES.values():
            raise ExchangeConfigError(f"partner {region}: not a 京津冀 partner (110000, 130000)")
        if not isinstance(spec, Mapping) or "public_key" not in spec:
            raise ExchangeConfigError(f"partner {region}: public_key is required")
        kind = str(spec.get("kind", "http"))
        if kind not in KINDS:
            raise ExchangeConfigError(f"partner {region}: kind {kind!r}, expected http or folder")
        options = dict(spec.get("options") or {})
        if kind == "http" and "base_url" not in options:
            raise ExchangeConfigError(f"partner {region}: http needs options.base_url")
        if kind == "folder" and "path" not in options:
            raise ExchangeConfigError(f"partner {region}: folder needs options.path")
        key = public_key_from_b64(str(spec["public_key"]), f"partner {region} public_key")
        partners[region] = Partner(region, key, kind, options)
    return ExchangeConfig(partners)


def load_config(
    path: str | Path | Mapping[str, Any] | None = None, env: Mapping[str, str] | None = None
) -> ExchangeConfig | None:
    """The configuration from ``path`` (or a mapping), else ``HEDUI_EXCHANGE_CONFIG``; None when
    the deployment has no exchange."""
    if isinstance(path, Mapping):
        return parse_config(path)
    target = path or (os.environ if env is None else env).get(CONFIG_ENV)
    if not target:
        return None
    raw = yaml.safe_load(Path(target).read_text(encoding="utf-8")) or {}
    return parse_config(raw)
