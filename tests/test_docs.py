"""The docs/ pages stay true to the project: models, tests, marts, parameters (no dbt run)."""

from __future__ import annotations

import csv
import re
from decimal import Decimal
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
DOCS = ROOT / "docs"
PROJECT = ROOT / "dbt_project"
MODELS = PROJECT / "models"


def _seed(name: str) -> list[dict[str, str]]:
    with open(PROJECT / "seeds" / f"{name}.csv", encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


def _doc(name: str) -> str:
    return (DOCS / name).read_text("utf-8")


def _models() -> dict[str, Path]:
    return {p.stem: p for p in MODELS.rglob("*.sql")}


def _dbt_test_names() -> set[str]:
    """Unit test names of every model YAML plus the singular tests of dbt_project/tests."""
    names = {p.stem for p in (PROJECT / "tests").glob("*.sql")}
    for path in MODELS.rglob("*.yml"):
        for test in yaml.safe_load(path.read_text("utf-8")).get("unit_tests") or []:
            names.add(test["name"])
    return names


def _table_rows(text: str, first_cell: str) -> list[list[str]]:
    """Cells of the markdown table whose header row starts with ``| first_cell |``."""
    lines = text.splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith(f"| {first_cell} |"))
    rows = []
    for line in lines[start + 2 :]:
        if not line.startswith("|"):
            break
        rows.append([cell.strip() for cell in line.strip().strip("|").split("|")])
    return rows


def _ticked(cell: str) -> list[str]:
    return re.findall(r"`([^`]+)`", cell)


# --- rules.md ------------------------------------------------------------------------------


def test_every_model_and_test_named_in_rules_exists() -> None:
    models, dbt_tests = _models(), _dbt_test_names()
    rows = _table_rows(_doc("rules.md"), "§")
    assert len(rows) > 40
    for section, rule, model_cell, test_cell in rows:
        named = _ticked(model_cell)
        assert named or "not yet implemented" in model_cell, f"§{section} {rule}: no model"
        for model in named:
            assert model in models, f"rules.md §{section} {rule}: no model {model}"
        for test in _ticked(test_cell):
            if "::" in test:
                file, name = test.split("::")
                code = (ROOT / file).read_text("utf-8")
                assert f"def {name}(" in code, f"rules.md §{section} {rule}: no test {test}"
            else:
                assert test in dbt_tests, f"rules.md §{section} {rule}: no dbt test {test}"


def test_rules_map_every_intermediate_model_and_every_rule_code() -> None:
    text = _doc("rules.md")
    mapped = {m for row in _table_rows(text, "§") for m in _ticked(row[2])}
    intermediate = {name for name, path in _models().items() if "intermediate" in path.parts}
    assert intermediate - mapped == set(), "intermediate models missing from docs/rules.md"
    rule_codes = {r["rule_code"] for r in _seed("monitor_rule_sources")}
    tiers = {r["category"] for r in _seed("population_categories")} - {"assisted", "monitored"}
    rules = " ".join(row[1] for row in _table_rows(text, "§"))
    for code in sorted(rule_codes | {"A1", "A2", "A3", "A4", "V_AUTH_MISSING"}):
        assert code in rules, f"docs/rules.md has no row for {code}"
    for tier in sorted(tiers | {"none"}):
        assert f"`{tier}`" in rules, f"docs/rules.md has no row for tier {tier}"
    sections = {row[0] for row in _table_rows(text, "§")}
    assert sections == {str(n) for n in range(1, 12)}


# --- outputs.md ----------------------------------------------------------------------------


def _mart_columns() -> dict[str, set[str]]:
    columns = {}
    for path in (MODELS / "marts").glob("*.yml"):
        for model in yaml.safe_load(path.read_text("utf-8")).get("models") or []:
            columns[model["name"]] = {c["name"] for c in model.get("columns", [])}
    return columns


def _output_sections() -> dict[str, str]:
    text = _doc("outputs.md")
    parts = re.split(r"^### `(\w+)`$", text, flags=re.M)
    return dict(zip(parts[1::2], parts[2::2], strict=True))


def test_every_mart_has_a_section_in_outputs() -> None:
    marts = {p.stem for p in (MODELS / "marts").glob("*.sql")}
    sections = _output_sections()
    assert marts - sections.keys() == set(), "marts without a section in docs/outputs.md"
    assert sections.keys() - marts == set(), "docs/outputs.md describes tables that are no mart"


def test_outputs_name_only_columns_the_marts_have() -> None:
    columns = _mart_columns()
    for mart, body in _output_sections().items():
        assert "**Grain**" in body and "**Read by**" in body, mart
        key_line = re.search(r"\*\*Key columns\*\*:(.+?)(?=\n- \*\*)", body, flags=re.S)
        assert key_line, f"{mart}: no key columns"
        named = set(_ticked(key_line.group(1)))
        assert named and named <= columns[mart], f"{mart}: {sorted(named - columns[mart])}"


# --- policy.md -----------------------------------------------------------------------------

# Contexts where a number is not a policy value: section numbers of headings, §-references and
# anchors ("section 6", "§6", "#6-tiers"), ISO dates and months, and document numbers such
# as 民发〔2021〕57号.
NOT_A_VALUE = re.compile(
    r"^#+ \d+\.|§\s*\d+|\bsections?\s+\d+|#\d+-[\w-]+"
    r"|\b\d{4}-\d{2}(?:-\d{2})?\b|〔\d{4}〕\d+号",
    flags=re.M,
)
NUMBER = re.compile(r"(?<![\w.])(\d+(?:\.\d+)?)(\s*%)?(?![\w.]*\d)")
NUMBER_WORDS = (
    "one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|fifteen|sixteen|eighteen|"
    "twenty|thirty|fifty|fifty-nine|sixty|seventy|ninety|hundred|thousand"
)
WORDED = re.compile(
    rf"\b(?:{NUMBER_WORDS})[\s-]+(?:full\s+)?(?:calendar\s+)?"
    r"(?:months?|days?|years?|homes?|per\s*cent|percent|yuan)\b",
    flags=re.I,
)


def parameter_values_written(text: str, values: set[Decimal]) -> list[str]:
    """Every number of ``text`` that equals a parameter value (a percentage as its ratio), and
    every value spelled out in words before its unit ("three months", "one home")."""
    text = NOT_A_VALUE.sub(" ", text)
    found = []
    for match in NUMBER.finditer(text):
        value = Decimal(match.group(1))
        if match.group(2):
            value /= 100
        if value in values:
            found.append(match.group(0).strip())
    return found + [m.group(0) for m in WORDED.finditer(text)]


def _parameter_values() -> set[Decimal]:
    return {Decimal(r["value"]) for r in _seed("policy_parameters")}


def test_the_value_check_catches_numbers_percentages_and_words() -> None:
    values = {Decimal("1010"), Decimal("0.7"), Decimal("3"), Decimal("1")}
    text = "## 3. Income\nBelow 1010 yuan, or 70 % of it, for three months; more than one home."
    assert parameter_values_written(text, values) == ["1010", "70 %", "three months", "one home"]
    allowed = "## 3. Income\nSee §3, [tiers](#6-tiers), 2026-11-27, 2026-10, 民发〔2021〕57号, A1."
    assert parameter_values_written(allowed, values) == []


def test_policy_writes_no_parameter_value() -> None:
    found = parameter_values_written(_doc("policy.md"), _parameter_values())
    assert found == [], f"docs/policy.md writes policy numbers: {found}; name the parameter"


def test_policy_names_every_parameter_and_list_with_its_unit() -> None:
    text = _doc("policy.md")
    units = {r["parameter"]: r["unit"] for r in _seed("policy_parameters")}
    rows = {_ticked(row[0])[0]: row for row in _table_rows(text, "parameter")}
    assert rows.keys() == units.keys(), "the parameter table of docs/policy.md §1 vs the seed"
    for name, row in rows.items():
        assert row[1] == units[name], f"{name}: unit {row[1]!r}, the seed says {units[name]!r}"
        assert row[2], name
    lists = {_ticked(row[0])[0] for row in _table_rows(text, "list")}
    assert lists == {r["category"] for r in _seed("policy_categories")}


def test_policy_sections_match_the_seed_references() -> None:
    headings = re.findall(r"^## (.+)$", _doc("policy.md"), flags=re.M)
    anchors = {re.sub(r"[^\w\- ]", "", h).strip().lower().replace(" ", "-") for h in headings}
    expected = [
        "1. Parameters", "2. The household", "3. Income", "4. Rigid expenditure",
        "5. Asset tests", "6. Tiers", "7. Completeness", "8. Monitoring",
        "9. Verification requests", "10. What is never a rule input",
        "11. Members outside the city",
    ]  # fmt: skip
    assert headings == expected
    for seed in ("policy_parameters", "policy_categories"):
        for row in _seed(seed):
            for ref in row["reference"].split(";"):
                if ref.strip().startswith("docs/policy.md#"):
                    anchor = ref.strip().split("#")[1].split()[0]
                    assert anchor in anchors, f"{seed}: docs/policy.md has no #{anchor}"


def test_docs_link_only_to_files_that_exist() -> None:
    for page in DOCS.glob("*.md"):
        for target in re.findall(r"\]\(([^)#]+)(?:#[^)]*)?\)", page.read_text("utf-8")):
            if "://" not in target:
                assert (page.parent / target).exists(), f"{page.name}: broken link {target}"
