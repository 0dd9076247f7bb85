"""The warehouse against the generator's planted scenario households and their ground truth, and
DuckDB vs PostgreSQL: identical marts on the same input.

The scenario rows (hedui.generator.scenarios) are written straight into validated parquet for
three delivery days (window sources repeat, corrections arrive on day 2); the run is day 2. When
the full generator exists (hedui.generator.city) a second test runs generate -> land -> validate
-> load -> dbt build and compares the scenario households of its ground_truth.json.
"""

from __future__ import annotations

import json
import uuid
from datetime import date, timedelta
from pathlib import Path

import duckdb
import psycopg
import pytest

from hedui.generator.scenarios import build_scenarios
from hedui.warehouse import build_warehouse, dbt_build, load_postgres
from hedui.warehouse.pseudonyms import KEY_ENV
from hedui.warehouse.truth import compare_with_truth, mart_rows
from hedui_testing.warehouse import write_run

DAY0 = date(2026, 11, 27)
DAYS = 3
RUN = DAY0 + timedelta(days=DAYS - 1)
PG = {"host": "127.0.0.1", "port": "5432", "user": "postgres", "database": "test"}
PG_CONNINFO = "host=127.0.0.1 port=5432 user=postgres dbname=test"
MARTS = (
    "household_verification",
    "verification_reports",
    "verification_report_members",
    "outreach_candidates",
    "dq_source_runs",
    "quarantine",
    "household_members",
    "member_income_monthly",
    "member_assets",
    "member_vehicles",
    "member_homes",
    "member_expenditure",
    "source_as_of",
    "households",
    "cross_region_partner_stats",
)
pytestmark = pytest.mark.timeout(900)


@pytest.fixture(scope="module")
def key_env() -> object:
    mp = pytest.MonkeyPatch()
    mp.setenv(KEY_ENV, "scenario-test-secret")
    yield
    mp.undo()


@pytest.fixture(scope="module")
def scenario_input(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, dict]:
    root = tmp_path_factory.mktemp("scenarios")
    scenarios = build_scenarios(DAY0, DAYS)
    for day in scenarios.dates:
        write_run(root / "validated", root / "dq", day, scenarios.rows[day])
    return root / "validated", root / "dq", scenarios.ground_truth()


@pytest.fixture(scope="module")
def duck(tmp_path_factory: pytest.TempPathFactory, scenario_input: tuple, key_env: object) -> Path:
    validated, dq, _ = scenario_input
    root = tmp_path_factory.mktemp("duck")
    _, built = build_warehouse(
        RUN, validated, dq, root / "warehouse.duckdb", target_path=root / "dbt-target"
    )
    built.raise_for_failure()
    return root / "warehouse.duckdb"


def test_scenarios_match_ground_truth(duck: Path, scenario_input: tuple) -> None:
    _, _, truth = scenario_input
    assert compare_with_truth(duck, truth, RUN) == []
    tiers = {r["tier"] for r in mart_rows(duck, "select tier from marts.household_verification")}
    assert tiers == {"tekun", "dibao", "low_income", "expenditure_hardship", "none"}


@pytest.fixture
def pg_prefix() -> object:
    try:
        psycopg.connect(PG_CONNINFO, connect_timeout=3).close()
    except psycopg.OperationalError as exc:  # pragma: no cover - depends on the machine
        pytest.skip(f"PostgreSQL not reachable at 127.0.0.1:5432: {exc}")
    prefix = f"hedui_t{uuid.uuid4().hex[:8]}_"
    yield prefix
    with psycopg.connect(PG_CONNINFO, autocommit=True) as con:
        schemas = [
            r[0]
            for r in con.execute(
                "select schema_name from information_schema.schemata where schema_name like %s",
                (prefix + "%",),
            ).fetchall()
        ]
        for schema in schemas:
            con.execute(f'drop schema "{schema}" cascade')


def _normalise(rows: list[tuple]) -> list[tuple]:
    def value(v: object) -> object:
        return tuple(v) if isinstance(v, list) else v

    return sorted((tuple(value(v) for v in r) for r in rows), key=repr)


def test_duckdb_and_postgres_marts_are_identical(
    duck: Path, scenario_input: tuple, pg_prefix: str, tmp_path: Path
) -> None:
    validated, dq, _ = scenario_input
    load_postgres(PG_CONNINFO, RUN, validated, dq, schema_prefix=pg_prefix)
    built = dbt_build(
        RUN,
        target="postgres",
        schema_prefix=pg_prefix,
        postgres=PG,
        target_path=tmp_path / "dbt-target",
    )
    built.raise_for_failure()
    con = duckdb.connect(str(duck), read_only=True)
    try:
        with psycopg.connect(PG_CONNINFO) as pg:
            for table in (*MARTS, "identity"):
                schema = "restricted" if table == "identity" else "marts"
                duck_rel = con.sql(f"select * from {schema}.{table}")
                cur = pg.execute(f'select * from "{pg_prefix}{schema}"."{table}"')
                assert [d[0] for d in duck_rel.description] == [d.name for d in cur.description]
                duck_rows, pg_rows = duck_rel.fetchall(), cur.fetchall()
                assert duck_rows or table == "quarantine", table
                assert _normalise(duck_rows) == _normalise(pg_rows), table
    finally:
        con.close()


def test_generated_city_end_to_end(tmp_path: Path, key_env: object) -> None:
    """generate -> land -> validate -> load -> dbt build against ground_truth.json."""
    from hedui.generator import city
    from hedui.landing import land_all
    from hedui.validation import validate_run

    inbox, landing = tmp_path / "inbox", tmp_path / "landing"
    validated, dq = tmp_path / "validated", tmp_path / "dq"
    result = city.generate_city(persons=300, seed=7, run_date=DAY0, out=inbox, days=1)
    landed = land_all(DAY0, inbox, landing)
    validate_run(DAY0, landing, validated, dq, {r.source: r for r in landed}, render_docs=False)
    _, built = build_warehouse(
        DAY0, validated, dq, tmp_path / "warehouse.duckdb", target_path=tmp_path / "dbt-target"
    )
    built.raise_for_failure()
    truth = json.loads(Path(result.ground_truth_path).read_text("utf-8"))["scenarios"]
    assert compare_with_truth(tmp_path / "warehouse.duckdb", truth, DAY0) == []


def test_every_household_has_a_reason_in_numbers(duck: Path, scenario_input: tuple) -> None:
    """Every household of the scenario city has a non-empty, correct reason, `none` included:
    the codes equal the ground truth, and the words name the failed test with its margin,
    computed here from the truth's figures and the generator's parameters."""
    from decimal import Decimal

    from hedui.policy_params import params_on
    from hedui.web import reasons, views

    _, _, truth = scenario_input
    p = params_on(RUN)
    line = p.low_income_line
    con = duckdb.connect(str(duck), read_only=True)
    try:
        std = reasons.standards(con, RUN)
        assert std.dibao == p.dibao_standard and std.low_income_line == line
        assert std.asset_limit == p.asset_limit
        rows = {
            r["household_id"]: r
            for r in mart_rows(duck, "select * from marts.household_verification")
        }
        checked = 0
        for code, sc in truth["scenarios"].items():
            expected = sc["days"][RUN.isoformat()]["household_verification"]
            if expected is None:
                continue
            row = rows[sc["household_no"]]
            assert row["reason_codes"] == expected["reason_codes"], code
            why = reasons.why(row, std)
            assert why and all(why), code
            if row["tier"] != "none":
                continue
            checked += 1
            assert row["reason_codes"], f"{code}: none without a reason code"
            text = " ".join(why)
            income = Decimal(str(expected["income_per_capita"]))
            if "I_INCOME_ABOVE_LINE" in row["reason_codes"]:
                assert income >= line, code
                assert f"高出 {reasons.yuan(income - line)}" in text, (code, text)
                assert reasons.yuan(line) in text, code
            if "A1" in row["reason_codes"]:
                cash = Decimal(str(expected["cash_assets_per_capita"]))
                assert f"超出 {reasons.yuan(cash - p.asset_limit)}" in text, (code, text)
            for failed in ("A2", "A3", "A4"):
                if failed in row["reason_codes"]:
                    assert any(t.code == failed for t in reasons.tests(row, std)), code
        assert checked >= 10
        page = views.household_page(con, truth["scenarios"]["N01"]["household_no"], RUN)
        assert page is not None and page.why and "低收入线" in " ".join(page.why)
    finally:
        con.close()
