"""Static checks of the dbt project: generated files, parameters, conventions (no dbt run)."""

from __future__ import annotations

import csv
import re
import shutil
from datetime import date
from decimal import Decimal
from pathlib import Path

import yaml

from hedui.codegen import stale_generated_files
from hedui.policy_params import categories_on, params_on, read_parameter_rows
from hedui.registry import load_registry

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


def test_every_generated_file_is_up_to_date() -> None:
    stale = stale_generated_files()
    assert not stale, f"run `uv run hedui generate-code`: {stale}"


def test_generate_code_check_names_a_stale_file(tmp_path: Path, monkeypatch) -> None:
    from typer.testing import CliRunner

    from hedui.cli import app

    project = tmp_path / "project"
    shutil.copytree(PROJECT, project / "dbt_project", ignore=shutil.ignore_patterns("target"))
    shutil.copytree(PROJECT.parent / "expectations", project / "expectations")
    (project / "expectations" / "tax.json").write_text("{}", "utf-8")
    staging = project / "dbt_project" / "models" / "staging"
    (staging / "stg_deposit.sql").unlink()
    monkeypatch.setenv("HEDUI_PROJECT_DIR", str(project))
    checked = CliRunner().invoke(app, ["generate-code", "--check"])
    assert checked.exit_code == 1
    assert "tax.json" in checked.output and "stg_deposit.sql" in checked.output
    written = CliRunner().invoke(app, ["generate-code"])
    assert written.exit_code == 0, written.output
    assert CliRunner().invoke(app, ["generate-code", "--check"]).exit_code == 0


def test_one_staging_model_per_source() -> None:
    staged = {p.stem.removeprefix("stg_") for p in (MODELS / "staging").glob("stg_*.sql")}
    assert staged == set(load_registry())


SECTION_1 = {
    "dibao_standard", "low_income_multiplier", "low_income_aid", "tekun_centralized",
    "tekun_dispersed", "asset_months", "city_avg_living_area_m2", "income_window_months",
    "monitor_multiplier", "inpatient_oop_alert",
}  # fmt: skip


def test_every_parameter_has_a_unit_a_basis_and_a_reference() -> None:
    rows = read_parameter_rows()
    assert {r.name for r in rows} >= SECTION_1
    for row in rows:
        assert row.unit and row.basis and row.version, row.name
        assert row.reference.startswith("docs/policy.md#"), row.name
        anchor = row.reference.split(";")[0].split("#")[1]
        assert anchor in _doc_anchors(), f"{row.name}: docs/policy.md has no section #{anchor}"
    assert len({(r.name, r.effective_from) for r in rows}) == len(rows)


def _doc_anchors() -> set[str]:
    """GitHub-style anchors of the headings of docs/policy.md."""
    text = (PROJECT.parent / "docs" / "policy.md").read_text("utf-8")
    headings = re.findall(r"^#+ (.+)$", text, flags=re.M)
    return {re.sub(r"[^\w\- ]", "", h).strip().lower().replace(" ", "-") for h in headings}


def test_python_reads_every_parameter_and_category_from_the_seeds() -> None:
    on = date(2026, 11, 27)
    params = params_on(on)
    for row in _seed("policy_parameters"):
        assert getattr(params, row["parameter"]) == Decimal(row["value"])
    categories = categories_on(on)
    for row in _seed("policy_categories"):
        assert (row["member"] in categories[row["category"]]) == (row["included"] == "true")


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
    for path in list((MODELS / "intermediate").rglob("*.sql")) + list(
        (MODELS / "marts").rglob("*.sql")
    ):
        numbers = set(
            re.findall(
                r"(?<![\w.])\d+(?:\.\d+)?(?![\w.])", _sql_without_text(path.read_text("utf-8"))
            )
        )
        assert numbers <= {"0", "1"}, f"{path.name}: literals {sorted(numbers)}"


def _numbers(text: str) -> set[Decimal]:
    """Every decimal number written in ``text`` (code and strings alike)."""
    return {Decimal(n) for n in re.findall(r"(?<![\w.])\d+(?:\.\d+)?(?![\w.])", text)}


def _parameter_values(*, at_least: Decimal = Decimal(0)) -> set[Decimal]:
    values = {Decimal(r["value"]) for r in _seed("policy_parameters")}
    return {v for v in values if v >= at_least and v not in (0, 1)}


RULES_IN_PYTHON = PROJECT.parent / "hedui" / "generator" / "scenario_truth.py"
SYNTHESIS = [PROJECT.parent / "hedui" / "generator" / n for n in ("economy.py", "assistance.py")]
# Calendar constants, not policy: 12 months a year (yearly cost to a monthly figure).
CALENDAR = {Decimal(12)}


def test_no_policy_number_as_a_literal_in_the_python_rules() -> None:
    """The generator's reference computation reads every number from the seed."""
    code = re.sub(r'"""[\s\S]*?"""|#[^\n]*', "", RULES_IN_PYTHON.read_text("utf-8"))
    found = (_numbers(code) & _parameter_values()) - CALENDAR
    assert not found, f"{RULES_IN_PYTHON.name}: policy numbers {sorted(found)} written as literals"


def test_no_money_parameter_as_a_literal_in_the_generator() -> None:
    """The synthetic economy places incomes and benefits around the standards of the seed."""
    money = _parameter_values(at_least=Decimal(100))
    for path in SYNTHESIS:
        code = re.sub(r"#[^\n]*", "", path.read_text("utf-8"))
        found = _numbers(code) & money
        assert not found, f"{path.name}: policy amounts {sorted(found)} written as literals"


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


def test_published_outputs_come_from_the_marts_metadata() -> None:
    from hedui.warehouse.outputs import published_outputs

    outputs = {o.name: o for o in published_outputs()}
    # docs/outputs.md: the tables verification staff, auditors and downstream systems use
    assert set(outputs) == {
        "household_verification", "low_income_population", "return_to_poverty_warnings",
        "recipient_reviews", "outreach_candidates", "verification_reports", "dq_source_runs",
        "quarantine", "cross_region_queries",
    }  # fmt: skip
    assert outputs["household_verification"].rows_required
    assert outputs["dq_source_runs"].rows_required
    assert not outputs["quarantine"].rows_required
    docs = _model_docs()
    for name in outputs:
        assert docs[name]["_path"].parent.name == "marts"


def test_no_policy_number_as_a_literal_in_the_web_explanations() -> None:
    """Explanations print the parameters in force, read from the published warehouse."""
    path = PROJECT.parent / "hedui" / "web" / "explain.py"
    code = re.sub(r"#[^\n]*", "", path.read_text("utf-8"))
    found = _numbers(code) & _parameter_values()
    assert not found, f"{path.name}: policy numbers {sorted(found)} written as literals"


def test_intermediate_models_are_grouped_by_domain() -> None:
    domains = {"policy", "households", "verification", "completeness", "monitoring"}
    intermediate = MODELS / "intermediate"
    assert not list(intermediate.glob("*.sql")), "every intermediate model sits in a domain folder"
    assert {p.name for p in intermediate.iterdir() if p.is_dir()} == domains
    for path in (intermediate / "monitoring").glob("*.sql"):
        assert path.stem.startswith("int_monitor_"), path.name


def _doc_blocks() -> dict[str, str]:
    """The dbt doc blocks of the project's .md files, by name."""
    blocks = {}
    for path in MODELS.rglob("*.md"):
        text = path.read_text("utf-8")
        for name, body in re.findall(r"{%\s*docs\s+(\w+)\s*%}(.*?){%\s*enddocs\s*%}", text, re.S):
            assert name not in blocks, f"doc block {name} written twice"
            blocks[name] = body.strip()
    return blocks


def test_shared_column_descriptions_are_doc_blocks() -> None:
    """A column with a doc block refers to it (and may add what is particular to its model).

    Staging YAML is generated from the source registry and keeps the contract's own wording.
    """
    blocks = _doc_blocks()
    shared = {"household_id", "household_kind", "run_date", "person_key", "id_number", "tier",
              "complete", "missing_sources", "policy_version"}  # fmt: skip
    assert shared <= set(blocks), f"doc blocks missing: {sorted(shared - set(blocks))}"
    inline, referred = [], 0
    for name, doc in _model_docs().items():
        if doc["_path"].parent.name == "staging":
            continue
        for column in doc.get("columns", []):
            if column["name"] not in blocks:
                continue
            ref = "{{ doc('" + column["name"] + "') }}"
            if str(column.get("description", "")).startswith(ref):
                referred += 1
            else:
                inline.append(f"{name}.{column['name']}")
    assert not inline, f"described inline instead of with their doc block: {inline}"
    assert referred >= 100  # the blocks are in use, not dead text
