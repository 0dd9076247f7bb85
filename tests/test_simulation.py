"""Policy simulation: reform files, the twin build and its results.

A hand-made city (the households of tests/test_warehouse_build.py, computed by hand below) gets
exact counts and costs; the generator's scenario city checks that raising the dibao standard
never reduces the eligible households; an empty (and a no-op) reform reproduces the baseline
household by household; stacked reforms cost the same whatever the order of their rows.
"""

from __future__ import annotations

import re
from datetime import date, timedelta
from pathlib import Path

import duckdb
import polars as pl
import pytest

from hedui.generator.scenarios import build_scenarios
from hedui.simulation import ReformError, parse_reform, prepare, simulate
from hedui.simulation.reform import empty_reform, stack
from hedui.warehouse.pseudonyms import KEY_ENV
from hedui_testing.warehouse import write_run
from tests.test_warehouse_build import EXPECTED, D, city

pytestmark = pytest.mark.timeout(900)
SEED_TIERS = ("tekun", "dibao", "low_income", "expenditure_hardship")


def reform(rows: str, name: str = "r", version: str = "1") -> str:
    return f"reform: {name}\nversion: '{version}'\nrows:\n{rows}"


# --- reform files -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            reform("  - {parameter: dibao_standrd, value: 1100, effective_from: 2026-12-01}\n"),
            "line 4: unknown parameter 'dibao_standrd'",
        ),
        (
            reform(
                "  - {parameter: dibao_standard, value: 1100, effective_from: 2026-12-01}\n"
                "  - {parameter: dibao_standard, value: 11OO, effective_from: 2027-01-01}\n"
            ),
            "line 5: dibao_standard: value '11OO' is not a number",
        ),
        (
            reform(
                "  - {parameter: dibao_standard, value: 1100, effective_from: 2026-12-01}\n"
                "  - parameter: asset_months\n    value: 30\n    effective_from: 2027-01-01\n"
                "  - {parameter: dibao_standard, value: 1200, effective_from: 2026-12-01}\n"
            ),
            "line 8: duplicate row: dibao_standard effective 2026-12-01 is already given on line 4",
        ),
        (
            reform("  - {parameter: dibao_standard, value: 1100, effective_from: 2026-11-01}\n"),
            "line 4: dibao_standard: effective_from 2026-11-01 is before the snapshot's run date",
        ),
        (
            reform("  - {parameter: elderly_age, value: 62.5, effective_from: 2026-12-01}\n"),
            "line 4: elderly_age: value 62.5 must be a whole number",
        ),
        (
            reform("  - {parameter: dibao_standard, value: -5, effective_from: 2026-12-01}\n"),
            "line 4: dibao_standard: value -5 is negative",
        ),
        (
            reform("  - {parameter: dibao_standard, value: 1100}\n"),
            "line 4: row without effective_from",
        ),
        ("reform: r\nrows: []\n", "line 1: missing key 'version'"),
    ],
)
def test_bad_reform_files_are_refused_naming_the_line(text: str, message: str) -> None:
    with pytest.raises(ReformError) as err:
        parse_reform(text, D, where="bad.yaml")
    assert str(err.value).startswith("bad.yaml, line ")
    assert message in str(err.value)


def test_reform_hash_and_derived_lines() -> None:
    rows = [
        "  - {parameter: dibao_standard, value: 1100, effective_from: 2026-12-01}\n",
        "  - {parameter: asset_months, value: 30, effective_from: 2027-01-01}\n",
    ]
    one = parse_reform(reform("".join(rows)), D)
    other = parse_reform(reform("".join(reversed(rows))), D)
    assert one.digest == other.digest
    assert one.digest != parse_reform(reform("".join(rows), version="2"), D).digest
    assert one.derived_lines() == ["low_income_line", "monitor_line", "asset_limit_per_person"]
    assert one.step_dates() == [date(2026, 12, 1), date(2027, 1, 1)]


# --- the hand-made city -----------------------------------------------------------------------


@pytest.fixture(scope="module")
def key_env() -> object:
    mp = pytest.MonkeyPatch()
    mp.setenv(KEY_ENV, "simulation-test-secret")
    yield
    mp.undo()


@pytest.fixture(scope="module")
def hand_box(tmp_path_factory: pytest.TempPathFactory, key_env: object) -> object:
    root = tmp_path_factory.mktemp("sim_hand")
    write_run(root / "validated", root / "dq", D, city().rows)
    return prepare(root / "sandbox", D, root / "validated", root / "dq")


def _households(result: object, box: object, prefix: str) -> dict[str, tuple]:
    con = duckdb.connect(str(box.database), read_only=True)  # type: ignore[attr-defined]
    try:
        rows = con.sql(
            f'select household_id, tier, monthly_amount, reason_codes from "{prefix}intermediate"'
            ".int_household_results where household_kind = 'hukou'"
        ).fetchall()
    finally:
        con.close()
    return {r[0]: r[1:] for r in rows}


def test_empty_and_no_op_reforms_reproduce_the_baseline(hand_box: object) -> None:
    for text in (
        "reform: none\nversion: '0'\nrows: []\n",
        reform(
            f"  - {{parameter: dibao_standard, value: 1010, effective_from: {D.isoformat()}}}\n",
            name="restate",
        ),
    ):
        result = simulate(parse_reform(text, D), hand_box, published_version="fixture")
        prefix = next(iter(result.scenario_models))
        if "restate" in text:  # the restated standard rebuilds the tests and tiers
            assert {"int_asset_tests", "int_household_tiers"} <= set(result.scenario_models[prefix])
        baseline, simulated = (
            _households(result, hand_box, ""),
            _households(result, hand_box, prefix),
        )
        assert simulated == baseline
        assert {h: (t, a) for h, (t, a, _) in baseline.items()} == {
            h: (e[2], e[3]) for h, e in EXPECTED.items()
        }
        t = result.tables
        assert t["households"].height == 0 and t["outreach"].height == 0
        assert t["headline"]["change_households"].to_list() == [0] * 6
        assert t["cost"]["change_monthly"][0] == 0
        assert t["budget_window"]["change_full_take_up"].to_list() == [0]


@pytest.fixture(scope="module")
def dibao_1100(hand_box: object) -> object:
    text = reform(
        "  - {parameter: dibao_standard, value: 1100, effective_from: 2026-12-01}\n",
        name="dibao-1100",
    )
    return simulate(parse_reform(text, D), hand_box, published_version="2026-11-27-0001")


def _rows(frame: pl.DataFrame, *columns: str) -> list[tuple]:
    return [tuple(r) for r in frame.select(columns).iter_rows()]


def test_hand_computed_city_counts(dibao_1100: object) -> None:
    t = dibao_1100.tables  # type: ignore[attr-defined]
    # 1100: low-income line 1650, asset limit 26,400 per person.
    assert _rows(
        t["headline"],
        "tier",
        "baseline_households",
        "reform_households",
        "baseline_persons",
        "reform_persons",
    ) == [
        ("tekun", 2, 2, 3, 3),
        ("dibao", 2, 4, 3, 5),  # + H9 (A1 now within the limit), H10 (1010 < 1100)
        ("low_income", 2, 2, 3, 3),  # - H10, + H6 (1600 < 1650)
        ("expenditure_hardship", 1, 0, 1, 0),
        ("none", 4, 3, 5, 4),
        ("undecided", 0, 0, 0, 0),
    ]
    matrix = {r[0]: r[1:] for r in t["transitions"].iter_rows()}
    assert matrix["none"][:5] == (0, 1, 0, 0, 3)
    assert matrix["low_income"][:5] == (0, 1, 1, 0, 0)
    assert matrix["expenditure_hardship"][:5] == (0, 0, 1, 0, 0)
    assert _rows(
        t["households"],
        "household_id",
        "baseline_tier",
        "baseline_amount",
        "reform_tier",
        "reform_amount",
    ) == [
        ("100000002", "dibao", 820, "dibao", 1000),
        ("100000003", "low_income", 1313, "low_income", 1403),
        ("100000006", "expenditure_hardship", None, "low_income", 303),
        ("100000007", "dibao", 1010, "dibao", 1100),
        ("100000009", "none", 0, "dibao", 1100),
        ("100000010", "low_income", 303, "dibao", 90),
    ]
    flipped = dict(_rows(t["households"], "household_id", "rule_flipped"))
    assert flipped["100000009"] == (
        "A1 cash-type assets within the limit per person 26400 (was 24240)"
    )
    assert flipped["100000010"] == (
        "dibao: income per capita 1010 below dibao_standard 1100 (was 1010)"
    )
    assert _rows(t["outreach"], "household_id", "tier", "monthly_amount") == [
        ("100000009", "dibao", 1100)
    ]
    assert _rows(t["persons_below_line"], "line", "baseline_persons", "reform_persons") == [
        ("dibao_standard", 11, 12),
        ("low_income_line", 14, 15),
    ]
    params = {
        r[0]: r[1:]
        for r in t["parameters"].select("parameter", "baseline", "reform", "changed").iter_rows()
    }
    assert params["low_income_line"] == ("1515.0000", "1650.0000", True)
    assert params["asset_limit_per_person"] == ("24240.0000", "26400.0000", True)
    assert params["monitor_line"] == ("2020.0000", "2200.0000", True)


def test_hand_computed_city_costs(dibao_1100: object) -> None:
    t = dibao_1100.tables  # type: ignore[attr-defined]
    cost = t["cost"].row(0, named=True)
    assert {
        k: cost[k]
        for k in (
            "households_costed",
            "households_without_amount",
            "baseline_monthly",
            "reform_monthly",
            "new_entrants",
            "new_entrants_monthly",
            "current_recipients",
            "current_recipients_change_monthly",
            "change_monthly",
            "change_annual",
        )
    } == {
        "households_costed": 10,
        "households_without_amount": 1,  # H6: no amount by the rules
        "baseline_monthly": 8036,
        "reform_monthly": 9283,
        "new_entrants": 1,
        "new_entrants_monthly": 1100,  # H9
        "current_recipients": 6,
        "current_recipients_change_monthly": 147,  # 180+90+90-213
        "change_monthly": 1247,
        "change_annual": 14964,
    }
    take = t["take_up"].row(0, named=True)
    assert (take["eligible_households_baseline"], take["eligible_households_assisted"]) == (6, 1)
    assert take["observed_take_up_rate"] == pytest.approx(1 / 6, abs=1e-4)
    assert take["change_monthly_observed_take_up"] == 330  # 147 + 1100 / 6
    # 2026: Jan-Nov at 1010, December at 1100
    assert _rows(
        t["budget_window"],
        "year",
        "months",
        "baseline_cost",
        "reform_cost",
        "change_full_take_up",
        "change_observed_take_up",
    ) == [(2026, 12, 8036 * 12, 8036 * 11 + 9283, 1247, 330)]
    calibration = {
        r[0]: r[1:]
        for r in t["calibration"]
        .select("tier", "simulated_households", "roll_active_cases")
        .iter_rows()
    }
    assert calibration["dibao"] == (2, 1)  # H7 is the one active case
    for name, frame in t.items():
        assert frame["reform_hash"].unique().to_list() == [dibao_1100.reform.digest], name
        assert frame["published_version"].unique().to_list() == ["2026-11-27-0001"], name
        assert frame["code_version"].unique().to_list() == [dibao_1100.stamp.code_version]
    con = duckdb.connect(str(dibao_1100.sandbox / "sandbox.duckdb"), read_only=True)
    try:
        assert con.sql(
            "select household_id, reform_hash from simulation.outreach_candidates"
        ).fetchall() == [("100000009", dibao_1100.reform.digest)]
    finally:
        con.close()


def test_stacked_reforms_cost_the_same_in_any_order(hand_box: object) -> None:
    a_rows = [
        "  - {parameter: dibao_standard, value: 1100, effective_from: 2026-12-01}\n",
        "  - {parameter: dibao_standard, value: 1150, effective_from: 2027-07-01}\n",
    ]
    b_rows = [
        "  - {parameter: low_income_multiplier, value: 1.6, effective_from: 2027-03-01}\n",
        "  - {parameter: asset_months, value: 30, effective_from: 2027-01-01}\n",
    ]
    a, b = (
        parse_reform(reform("".join(a_rows), "a"), D),
        parse_reform(reform("".join(b_rows), "b"), D),
    )
    one = simulate(stack(a, b), hand_box, published_version="fixture")
    mixed = [a_rows[1], b_rows[0], a_rows[0], b_rows[1]]
    other = parse_reform(reform("".join(mixed), "a+b", "1+1"), D)
    assert other.digest == stack(a, b).digest
    two = simulate(other, hand_box, published_version="fixture")
    assert one.tables["budget_window"]["year"].to_list() == [2026, 2027]
    for name in ("budget_window", "cost", "headline", "households"):
        assert one.tables[name].equals(two.tables[name]), name
    swapped = simulate(stack(b, a), hand_box, published_version="fixture")
    for name in ("budget_window", "cost", "headline", "households"):
        assert (
            one.tables[name].drop("reform_hash").equals(swapped.tables[name].drop("reform_hash"))
        ), name
    # 2027: Jan-Feb dibao 1100 + assets 30 months; Mar-Jun + multiplier 1.6; Jul-Dec 1150
    assert one.tables["budget_window"]["change_full_take_up"][1] > 12 * 1247


# --- the scenario city ------------------------------------------------------------------------


def test_raising_the_dibao_standard_never_reduces_eligible_households(
    tmp_path: Path, key_env: object
) -> None:
    day0, days = date(2026, 11, 27), 3
    run = day0 + timedelta(days=days - 1)
    scenarios = build_scenarios(day0, days)
    for day in scenarios.dates:
        write_run(tmp_path / "validated", tmp_path / "dq", day, scenarios.rows[day])
    box = prepare(tmp_path / "sandbox", run, tmp_path / "validated", tmp_path / "dq")
    eligible, persons, cost = [], [], []
    for value in (1010, 1040, 1100, 1250, 1500, 2000):
        text = reform(
            f"  - {{parameter: dibao_standard, value: {value}, "
            f"effective_from: {run.isoformat()}}}\n",
            name=f"d{value}",
        )
        t = simulate(parse_reform(text, run), box, published_version="fixture").tables
        heads = {r["tier"]: r for r in t["headline"].iter_rows(named=True)}
        eligible.append(sum(heads[k]["reform_households"] for k in SEED_TIERS))
        persons.append(t["persons_below_line"]["reform_persons"][0])
        cost.append(t["cost"]["reform_monthly"][0])
        if value == 1010:
            assert t["households"].height == 0
    assert eligible == sorted(eligible) and eligible[-1] > eligible[0], eligible
    assert persons == sorted(persons) and persons[-1] > persons[0], persons
    assert cost == sorted(cost), cost


def test_empty_reform_object_has_no_steps() -> None:
    assert empty_reform().step_dates() == [] and empty_reform().derived_lines() == []


# --- the command line and the files -----------------------------------------------------------


@pytest.fixture(scope="module")
def published_ws(tmp_path_factory: pytest.TempPathFactory, key_env: object) -> tuple[Path, str]:
    """A workspace holding the hand-made city's night and a published version of it."""
    from hedui.publish import publish

    ws = tmp_path_factory.mktemp("sim_ws") / "ws"
    write_run(ws / "validated", ws / "dq", D, city().rows)
    staging = ws / "staging.duckdb"
    duckdb.connect(str(staging)).close()
    return ws, publish(staging, ws / "warehouse", D.isoformat()).id


def test_hedui_simulate_writes_workbook_and_pdf(
    tmp_path: Path, published_ws: tuple[Path, str]
) -> None:
    import openpyxl
    import pypdf
    from typer.testing import CliRunner

    from hedui.cli import app

    ws, version = published_ws
    file = tmp_path / "dibao.yaml"
    file.write_text(
        reform(
            "  - {parameter: dibao_standard, value: 1100, effective_from: 2026-12-01}\n",
            name="dibao-1100",
        ),
        "utf-8",
    )
    args = ["simulate", "--reform", str(file), "--date", D.isoformat()]
    refused = CliRunner().invoke(app, [*args, "--workspace", str(tmp_path / "empty")])
    assert refused.exit_code == 2
    assert f"no published version of {D}" in refused.output
    out = CliRunner().invoke(app, [*args, "--workspace", str(ws), "--out", str(tmp_path / "out")])
    assert out.exit_code == 0, out.output
    assert "dibao" in out.output and "+1,247 yuan a month" in out.output
    assert f"published version {version}" in out.output
    xlsx = next((tmp_path / "out").glob("simulation-2026-11-27-*.xlsx"))
    book = openpyxl.load_workbook(xlsx, read_only=True)
    assert book.sheetnames == [
        "meta",
        "parameters",
        "headline",
        "cost",
        "cost_by_district",
        "transitions",
        "movers_by_decile",
        "movers_by_type",
        "persons_below_line",
        "take_up",
        "calibration",
        "households",
        "outreach",
        "budget_window",
    ]
    cost = list(book["cost"].iter_rows(values_only=True))
    assert dict(zip(cost[0], cost[1], strict=True))["change_monthly"] == 1247
    assert dict(zip(cost[0], cost[1], strict=True))["published_version"] == version
    pages = pypdf.PdfReader(xlsx.with_suffix(".pdf")).pages
    text = "".join(p.extract_text() for p in pages).replace("\x00", "")  # CJK font: UTF-16
    assert "Policy simulation: dibao-1100 v1" in text and version in text
    assert "Households per tier" in text and "Tier transitions" in text


def test_simulation_page_for_admin_and_analyst_only(published_ws: tuple[Path, str]) -> None:
    from hedui.web.app import create_app
    from hedui.web.config import WebConfig
    from tests.test_web import login

    ws, version = published_ws
    app = create_app(WebConfig.create(ws / "warehouse", secret_key="simulation-web-secret"))
    for name, role in (("analyst1", "analyst"), ("staff1", "staff")):
        app.state.users.add(name, f"{role}-pass-123", role)
    staff = login(app, "staff1", "staff-pass-123")
    assert staff.get("/simulate").status_code == 403
    analyst = login(app, "analyst1", "analyst-pass-123")
    page = analyst.get("/simulate")
    assert page.status_code == 200 and version in page.text
    token = re.search(r'name="csrf" value="([^"]+)"', page.text).group(1)  # type: ignore[union-attr]
    bad = analyst.post(
        "/simulate",
        data={
            "csrf": token,
            "reform_text": reform(
                "  - {parameter: dibao_standrd, value: 1100, effective_from: 2026-12-01}\n"
            ),
        },
    )
    assert bad.status_code == 400 and "form, line 4: unknown parameter" in bad.text
    good = analyst.post(
        "/simulate",
        data={
            "csrf": token,
            "reform_text": reform(
                "  - {parameter: dibao_standard, value: 1100, effective_from: 2026-12-01}\n"
            ),
        },
    )
    assert good.status_code == 200, good.text
    assert "+1,247" in good.text and "Tier transitions" in good.text and "<svg" in good.text
    link = re.search(r'href="(/simulate/2026-11-27/simulation-[^"]+\.xlsx)"', good.text)
    assert link is not None
    download = analyst.get(link.group(1))
    assert download.status_code == 200 and download.content[:2] == b"PK"
    assert analyst.get("/simulate/2026-11-27/..%2Fbaseline.json").status_code == 404
