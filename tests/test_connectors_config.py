"""Connector configuration: the example file, defaults, errors, and land_all with a mix."""

from __future__ import annotations

import os
import uuid
from datetime import date
from pathlib import Path

import polars as pl
import pytest
import yaml

from connectors import (
    ConfigError,
    FileConnector,
    HttpConnector,
    SqlConnector,
    connector_for,
    load_config,
)
from hedui.delivery import write_delivery
from hedui.landing import land_all
from hedui.registry import get_source
from hedui_testing.fake_api import DeliveryApi
from hedui_testing.sql_publish import drop_tables, publish_table, ready_query

EXAMPLE = Path(__file__).resolve().parents[1] / "config" / "connectors.example.yaml"
DAY = date(2026, 11, 27)


def test_example_config_describes_the_reference_deployment(tmp_path: Path) -> None:
    config = load_config(EXAMPLE)
    kinds = {name: spec.kind for name, spec in config.items()}
    assert kinds == {
        "hukou": "sql",
        "assistance_roll": "sql",
        "social_insurance": "sql",
        "tax": "http",
        "market_entity": "http",
        "stock": "http",
    }
    built = {name: connector_for(name, config, tmp_path) for name in config}
    assert isinstance(built["hukou"], SqlConnector) and built["hukou"].ready_query
    assert isinstance(built["social_insurance"], SqlConnector)
    assert built["social_insurance"].engine == "mysql"
    assert isinstance(built["tax"], HttpConnector) and built["tax"].token_env
    text = EXAMPLE.read_text("utf-8")
    assert "password" not in text.lower().replace("user:pass@", "")


def test_unlisted_sources_default_to_files(tmp_path: Path) -> None:
    connector = connector_for("vehicle", load_config(None), tmp_path)
    assert isinstance(connector, FileConnector) and connector.inbox == tmp_path
    config = load_config({"vehicle": {"kind": "file", "options": {"inbox": str(tmp_path / "x")}}})
    assert connector_for("vehicle", config, tmp_path).inbox == tmp_path / "x"


def test_top_level_mapping_without_sources_key(tmp_path: Path) -> None:
    path = tmp_path / "c.yaml"
    path.write_text(yaml.safe_dump({"stock": {"kind": "http", "options": {"base_url": "x"}}}))
    assert load_config(path)["stock"].kind == "http"


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ({"nope": {"kind": "file"}}, "unknown source"),
        ({"tax": {"kind": "ftp"}}, "unknown kind"),
        ({"tax": {"kind": "http", "option": {}}}, "unknown keys"),
        ({"tax": "http"}, "expected"),
    ],
)
def test_bad_config_is_refused(raw: dict, message: str) -> None:
    with pytest.raises(ConfigError, match=message):
        load_config(raw)


def test_bad_options_are_refused(tmp_path: Path) -> None:
    config = load_config({"tax": {"kind": "http", "options": {"base_url": "x", "pages": 3}}})
    with pytest.raises(ConfigError, match="unknown http options"):
        connector_for("tax", config, tmp_path)
    config = load_config({"tax": {"kind": "sql", "options": {"dsn_env": "X"}}})
    with pytest.raises(ConfigError, match="exactly one"):
        connector_for("tax", config, tmp_path)


def test_land_all_mixes_channels(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    token = uuid.uuid4().hex
    monkeypatch.setenv("HEDUI_TEST_MIX_TOKEN", token)
    monkeypatch.setenv(
        "HEDUI_TEST_MIX_PG",
        os.environ.get("HEDUI_TEST_PG_URL", "postgresql://postgres@127.0.0.1:5432/test"),
    )
    suffix = uuid.uuid4().hex[:8]
    table, control = f"hedui_death_{suffix}", f"hedui_ctl_{suffix}"
    death = pl.DataFrame(
        {
            "id_number": ["120101195001010011"],
            "death_date": [date(2026, 3, 1)],
            "record_source": ["cremation"],
        }
    )
    bond = pl.DataFrame(
        {
            "id_number": ["120101195001010011"],
            "bond_code": ["019547"],
            "face_value": [1000.0],
            "market_value": [1012.5],
            "as_of_date": [date(2026, 11, 26)],
        }
    )
    write_delivery(tmp_path / "inbox", get_source("bond"), DAY, {"bond": bond})
    sql = SqlConnector(dsn_env="HEDUI_TEST_MIX_PG", table=table, ready_query=ready_query(control))
    try:
        publish_table(sql, get_source("death"), death, DAY, control_table=control)
        with DeliveryApi(token) as api:
            config = {
                "death": {
                    "kind": "sql",
                    "options": {
                        "dsn_env": "HEDUI_TEST_MIX_PG",
                        "table": table,
                        "ready_query": ready_query(control),
                    },
                },
                "stock": {
                    "kind": "http",
                    "options": {"base_url": api.url, "token_env": "HEDUI_TEST_MIX_TOKEN"},
                },
            }
            results = land_all(
                DAY,
                tmp_path / "inbox",
                tmp_path / "land",
                config=config,
                sources=["bond", "death", "stock"],
            )
    finally:
        drop_tables(sql, [table, control])
    got = {r.source: (r.status, r.connector, r.rows) for r in results}
    assert got == {
        "bond": ("landed", "file", 1),
        "death": ("landed", "sql", 1),
        "stock": ("not_delivered", "http", 0),
    }
