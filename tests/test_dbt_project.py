"""Static checks of the dbt project: generated files, parameters, conventions (no dbt run)."""

from __future__ import annotations

import csv
import re
from datetime import date
from decimal import Decimal
from pathlib import Path

import yaml

from hedui.policy_params import PARAMETER_ROWS
from hedui.registry import load_registry
from hedui.warehouse.dbt_sources import stale_files

PROJECT = Path(__file__).resolve().parents[1] / "dbt_project"
MODELS = PROJECT / "models"
PII_COLUMNS = {"id_number", "name", "member_id_number", "owner_id_number", "person_id_number"}


def _seed(name: str) -> list[dict[str, str]]:
    with open(PROJECT / "seeds" / f"{name}.csv", encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


def _model_docs() -> dict[str, dict]:
    docs = {}
    for path in MODELS.rglob("*.yml"):
        for model in yaml.safe_load(path.read_text("utf-8")).get("models", []):
            docs[model["name"]] = {**model, "_path": path}
    return docs


def test_generated_sources_and_staging_are_up_to_date() -> None:
    stale = stale_files()
    assert not stale, f"run `uv run python -m hedui.warehouse.dbt_sources`: {stale}"


def test_one_staging_model_per_source() -> None:
    staged = {p.stem.removeprefix("stg_") for p in (MODELS / "staging").glob("stg_*.sql")}
    assert staged == set(load_registry())


def test_seed_has_the_section_1_parameters() -> None:
    rows = {
        (r["parameter"], date.fromisoformat(r["effective_from"])): r
        for r in _seed("policy_parameters")
    }
    for ref in PARAMETER_ROWS:
        row = rows[(ref.name, ref.effective_from)]
        assert Decimal(row["value"]) == ref.value, ref.name
        assert row["version"] and row["basis"]


def test_parameter_names_match_the_seed() -> None:
    macro = (PROJECT / "macros" / "policy.sql").read_text("utf-8")
    body = macro[macro.index("return([") : macro.index("])")]
    names = set(re.findall(r"'(\w+)'", body))
    assert names == {r["parameter"] for r in _seed("policy_parameters")}


def test_rule_sources_name_registry_sources() -> None:
    sources = {r["source"] for r in _seed("rule_sources")}
    assert sources <= set(load_registry())
    figures = {r["figure"] for r in _seed("rule_sources")}
    assert {r["figure"] for r in _seed("result_figures")} <= figures


def _sql_without_text(sql: str) -> str:
    sql = re.sub(r"\{#.*?#\}", "", sql, flags=re.S)
    sql = re.sub(r"--[^\n]*", "", sql)
    return re.sub(r"'[^']*'", "''", sql)


def test_no_policy_number_as_a_literal_in_models() -> None:
    for path in list((MODELS / "intermediate").glob("*.sql")) + list(
        (MODELS / "marts").glob("*.sql")
    ):
        numbers = set(
            re.findall(
                r"(?<![\w.])\d+(?:\.\d+)?(?![\w.])", _sql_without_text(path.read_text("utf-8"))
            )
        )
        assert numbers <= {"0", "1"}, f"{path.name}: literals {sorted(numbers)}"


def test_every_model_is_documented_beside_it() -> None:
    docs = _model_docs()
    for path in MODELS.rglob("*.sql"):
        doc = docs.get(path.stem)
        assert doc is not None, f"{path.name} has no YAML"
        assert doc["_path"].parent == path.parent
        assert doc.get("description"), path.stem


def test_marts_have_enforced_contracts_and_no_identities() -> None:
    docs = _model_docs()
    for path in (MODELS / "marts").glob("*.sql"):
        doc = docs[path.stem]
        assert doc["config"]["contract"]["enforced"] is True
        columns = {c["name"] for c in doc["columns"]}
        assert all("data_type" in c for c in doc["columns"]), path.stem
        if path.stem != "identity":
            assert not columns & PII_COLUMNS, f"{path.stem} exposes {columns & PII_COLUMNS}"
    identity = (MODELS / "marts" / "identity.sql").read_text("utf-8")
    assert "schema='restricted'" in identity
