"""Connectors: one interface to read a source delivery from files, a database or an HTTP API.

Every connector answers ``check_ready(source, day)`` and yields raw text batches from
``extract(source, day)``; :mod:`hedui.landing` types and lands them.
"""

from connectors.base import (
    Batch,
    ColumnMismatchError,
    Connector,
    ConnectorError,
    InputDigest,
    NotDeliveredError,
    UnreadableInputError,
)
from connectors.config import (
    ConfigError,
    ConnectorConfig,
    ConnectorSpec,
    build_connector,
    connector_for,
    load_config,
)
from connectors.files import FileConnector
from connectors.http_api import HttpConnector
from connectors.sql import SqlConnector

__all__ = [
    "Batch",
    "ColumnMismatchError",
    "ConfigError",
    "Connector",
    "ConnectorConfig",
    "ConnectorError",
    "ConnectorSpec",
    "FileConnector",
    "HttpConnector",
    "InputDigest",
    "NotDeliveredError",
    "SqlConnector",
    "UnreadableInputError",
    "build_connector",
    "connector_for",
    "load_config",
]
