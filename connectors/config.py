"""Connector configuration: a YAML mapping ``source -> {kind, options}``.

Sources not in the file use the ``file`` connector on the run's inbox. Secrets are never in
the file: options name environment variables (``dsn_env``, ``token_env``) instead.

    sources:                      # (the top-level ``sources:`` key is optional)
      hukou:
        kind: sql
        options: {dsn_env: HEDUI_EXCHANGE_PG_URL, table: exchange.hukou, ...}
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from connectors.base import Connector
from connectors.files import FileConnector
from connectors.http_api import HttpConnector
from connectors.sql import SqlConnector
from hedui.registry import load_registry

KINDS: dict[str, type[Connector]] = {
    "file": FileConnector,
    "sql": SqlConnector,
    "http": HttpConnector,
}


class ConfigError(ValueError):
    """The connector configuration is not usable."""


@dataclass(frozen=True)
class ConnectorSpec:
    """How one source is read."""

    kind: str = "file"
    options: Mapping[str, Any] = field(default_factory=dict)


ConnectorConfig = dict[str, ConnectorSpec]


def load_config(config: str | Path | Mapping[str, Any] | None) -> ConnectorConfig:
    """Parse a config file (or an already loaded mapping); ``None`` means all-file defaults."""
    if config is None:
        return {}
    raw: Any = config
    if isinstance(config, str | Path):
        raw = yaml.safe_load(Path(config).read_text(encoding="utf-8")) or {}
    if not isinstance(raw, Mapping):
        raise ConfigError("connector config must be a mapping of source -> {kind, options}")
    if isinstance(raw.get("sources"), Mapping):
        raw = raw["sources"]
    known = load_registry()
    out: ConnectorConfig = {}
    for name, body in raw.items():
        if name not in known:
            raise ConfigError(f"connector config: unknown source {name!r}")
        if isinstance(body, ConnectorSpec):
            spec = body
        elif isinstance(body, Mapping):
            extra = set(body) - {"kind", "options"}
            if extra:
                raise ConfigError(f"connector config {name}: unknown keys {sorted(extra)}")
            spec = ConnectorSpec(str(body.get("kind", "file")), dict(body.get("options") or {}))
        else:
            raise ConfigError(f"connector config {name}: expected {{kind, options}}")
        if spec.kind not in KINDS:
            raise ConfigError(f"connector config {name}: unknown kind {spec.kind!r}")
        out[name] = spec
    return out


def build_connector(spec: ConnectorSpec, inbox: Path | None = None, source: str = "") -> Connector:
    """Instantiate a connector; a ``file`` connector defaults to ``inbox``."""
    cls = KINDS[spec.kind]
    options = dict(spec.options)
    if spec.kind == "file":
        options.setdefault("inbox", inbox)
        if options["inbox"] is None:
            raise ConfigError(f"connector config {source}: file connector needs an inbox")
        options["inbox"] = Path(options["inbox"])
    allowed = {f.name for f in dataclasses.fields(cls)} - {"kind"}  # type: ignore[arg-type]
    unknown = set(options) - allowed
    if unknown:
        raise ConfigError(
            f"connector config {source}: unknown {spec.kind} options {sorted(unknown)}; "
            f"allowed {sorted(allowed)}"
        )
    try:
        return cls(**options)
    except (TypeError, ValueError) as exc:
        raise ConfigError(f"connector config {source}: {exc}") from None


def connector_for(source: str, config: ConnectorConfig, inbox: Path | None) -> Connector:
    """The configured connector of ``source`` (the file connector on ``inbox`` by default)."""
    return build_connector(config.get(source, ConnectorSpec()), inbox, source)
