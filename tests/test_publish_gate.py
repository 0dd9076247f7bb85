"""The publish gate: a night whose numbers moved beyond their bands is held (report, alert),
and `hedui publish --approve D` releases it. Example of the issue: 30 % of the tax rows
silently missing pass every row-level check, but the night is held."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import duckdb
import pytest
from typer.testing import CliRunner

from hedui import pipeline
from hedui import publish_gate as gate
from hedui.cli import app
from hedui.publish import list_versions, published_path
from hedui.warehouse import build_warehouse
from hedui.warehouse.pseudonyms import KEY_ENV
from hedui.warehouse.publishable import export_published
from hedui_testing.warehouse import write_run
from tests.test_warehouse_build import D, city

NEXT = D + timedelta(days=1)
pytestmark = pytest.mark.timeout(2400)

#: bands for a city of a dozen households (the defaults are sized for a real city)
SMALL_CITY_BANDS = """
bands:
  households_per_tier: {relative: 0.10, min_change: 0}
  total_monthly_amount: {relative: 0.10, min_change: 500}
  recipients_added: {relative: 0.05, min_change: 1}
  recipients_removed: {relative: 0.05, min_change: 1}
  warnings_per_code: {relative: 0.50, min_change: 2}
  rows_per_source: {relative: 0.10, min_change: 5}
"""


def _night(ctx: pipeline.RunContext, rows: dict) -> dict:
    """Validate-stage output of a night, then the build step's staged file."""
    write_run(ctx.validated, ctx.dq, ctx.day, rows)
    work = pipeline.build_file(ctx)
    work.parent.mkdir(parents=True, exist_ok=True)
    previous = pipeline.published_warehouse(ctx)
    _, built = build_warehouse(
        ctx.day,
        ctx.validated,
        ctx.dq,
        work,
        previous=previous if previous.exists() else None,
        target_path=ctx.builds / "dbt-target",
    )
    built.raise_for_failure()
    staging = pipeline.staging_file(ctx)
    export_published(work, staging)
    from hedui.publish import published_token

    return {"staging": str(staging), "based_on": published_token(Path(ctx.warehouse))}


def _tiers(path: Path) -> dict:
    con = duckdb.connect(str(path), read_only=True)
    try:
        return dict(
            con.execute("SELECT household_id, tier FROM marts.household_verification").fetchall()
        )
    finally:
        con.close()


def test_thirty_percent_of_tax_rows_missing_holds_the_publish(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(KEY_ENV, "gate-test-secret")
    ws, wh = tmp_path / "workspace", tmp_path / "warehouse"
    first = pipeline.RunContext.create(D, ws, tmp_path / "inbox", wh)
    c = city()
    published = pipeline.publish_step(first, _night(first, c.rows))
    assert "version" in published  # nothing published before: nothing to compare with
    # an unchanged night passes the default bands
    same = gate.check(published_path(wh), published_path(wh), NEXT.isoformat())
    assert not same.held and all(not ch.held for ch in same.changes)

    second = pipeline.RunContext.create(NEXT, ws, tmp_path / "inbox", wh)
    rows = dict(c.rows)
    tax = c.rows["tax"]
    rows["tax"] = [r for i, r in enumerate(tax) if i % 10 not in (0, 3, 6)]  # all valid
    removed = len(tax) - len(rows["tax"])
    assert 0.29 < removed / len(tax) < 0.32
    config = tmp_path / "gate.yaml"
    config.write_text(SMALL_CITY_BANDS, encoding="utf-8")
    monkeypatch.setenv(gate.CONFIG_ENV, str(config))
    staged = _night(second, rows)
    result = pipeline.publish_step(second, staged)

    assert result["held"] is True
    assert [v.run_date for v in list_versions(wh)] == [D.isoformat()]  # nothing published
    report = Path(result["report"]).read_text("utf-8")
    assert report.startswith(f"publish gate {NEXT}: HELD")
    holding = [line for line in report.splitlines() if line.startswith("HOLD")]
    share = f"{-removed / len(tax):+.1%}"
    assert f"HOLD rows tax: {len(tax)} -> {len(rows['tax'])}, change -{removed} ({share})" in [
        line[: line.index(", band")] for line in holding
    ]
    before, after = _tiers(published_path(wh)), _tiers(Path(staged["staging"]))
    shifted = {k for k in before if before[k] != after.get(k)}
    assert shifted  # incomes fell: households moved tier
    assert any(line.startswith("HOLD households ") for line in holding)
    assert f"release with: hedui publish --approve {NEXT}" in report
    assert gate.held(ws / "reports" / NEXT.isoformat())["staging"] == staged["staging"]

    out = CliRunner().invoke(
        app,
        [
            "publish",
            "--approve",
            NEXT.isoformat(),
            "--warehouse",
            str(wh),
            "--workspace",
            str(ws),
            "--by",
            "duty-engineer",
        ],
    )
    assert out.exit_code == 0, out.output
    assert [v.run_date for v in list_versions(wh)] == [D.isoformat(), NEXT.isoformat()]
    assert _tiers(published_path(wh)) == after
    assert (ws / "reports" / NEXT.isoformat() / "summary.json").exists()


def test_a_published_warehouse_is_read_at_its_latest_night(tmp_path: Path) -> None:
    """Published marts keep every night: the gate compares with the last one, not their sum."""
    import duckdb

    from hedui.publish_gate import night_numbers

    path = tmp_path / "published.duckdb"
    con = duckdb.connect(str(path))
    con.execute("CREATE SCHEMA marts")
    con.execute(
        "CREATE TABLE marts.household_verification AS SELECT * FROM (VALUES "
        "(DATE '2026-11-27', 'H1', 'dibao', 300), (DATE '2026-11-27', 'H2', 'none', 0), "
        "(DATE '2026-11-28', 'H1', 'dibao', 310)) t(run_date, household_id, tier, monthly_amount)"
    )
    con.execute(
        "CREATE TABLE marts.return_to_poverty_warnings AS SELECT * FROM (VALUES "
        "(DATE '2026-11-27', 'W_MEDICAL', 'new'), (DATE '2026-11-28', 'W_MEDICAL', 'ongoing'), "
        "(DATE '2026-11-28', 'W_DEATH', 'resolved')) t(run_date, warning_code, status)"
    )
    con.execute(
        "CREATE TABLE marts.dq_source_runs AS SELECT * FROM (VALUES "
        "(DATE '2026-11-27', 'tax', 'passed', 100), (DATE '2026-11-28', 'tax', 'passed', 104)) "
        "t(run_date, source, status, rows_loaded)"
    )
    con.close()
    numbers = night_numbers(path)
    assert numbers["tiers"] == {"dibao": 1}
    assert numbers["total_monthly_amount"] == 310
    assert numbers["recipients"] == ["H1"]
    assert numbers["warnings"] == {"W_MEDICAL": 1}
    assert numbers["rows"] == {"tax": 104}
    before = night_numbers(path, before="2026-11-28")
    assert before["tiers"] == {"dibao": 1, "none": 1}
    assert before["rows"] == {"tax": 100}


def test_a_late_source_compares_the_rows_of_its_delivery_in_use(tmp_path: Path) -> None:
    """A source that delivered nothing tonight (late) still has its earlier delivery in use:
    the gate compares those rows (the latest earlier night it passed), not the 0 rows landed
    tonight; a source whose delivery in use is no longer in the published history is left out
    rather than read as 0."""
    import duckdb

    from hedui.publish_gate import Band, compare, night_numbers, rows_in_use

    published, staged = tmp_path / "published.duckdb", tmp_path / "staged.duckdb"
    for path, runs in (
        (
            published,
            [
                ("2026-11-26", "tax", "passed", 90),
                ("2026-11-27", "tax", "passed", 100),
                ("2026-11-27", "deposit", "passed", 100),
            ],
        ),
        (
            staged,
            [
                ("2026-11-28", "tax", "late", 0),
                ("2026-11-28", "deposit", "passed", 0),
                ("2026-11-28", "stock", "late", 0),
            ],
        ),
    ):
        con = duckdb.connect(str(path))
        con.execute("CREATE SCHEMA marts")
        con.execute(
            "CREATE TABLE marts.household_verification (run_date DATE, household_id VARCHAR, "
            "tier VARCHAR, monthly_amount DECIMAL(12, 2))"
        )
        con.execute(
            "CREATE TABLE marts.return_to_poverty_warnings (run_date DATE, warning_code VARCHAR, "
            "status VARCHAR)"
        )
        con.execute(
            "CREATE TABLE marts.dq_source_runs (run_date DATE, source VARCHAR, status VARCHAR, "
            "rows_loaded BIGINT)"
        )
        con.executemany("INSERT INTO marts.dq_source_runs VALUES (?, ?, ?, ?)", runs)
        for day in sorted({r[0] for r in runs}):
            con.execute(
                "INSERT INTO marts.household_verification VALUES (?, 'H1', 'dibao', 300)", [day]
            )
        con.close()
    before, after = night_numbers(published), night_numbers(staged)
    assert after["late"] == ["stock", "tax"] and after["night"] == "2026-11-28"
    assert rows_in_use(after, published) == {"tax": 100, "deposit": 0}
    after["rows"] = rows_in_use(after, published)
    bands = {
        b: Band(0.1, 1)
        for b in (
            "households_per_tier",
            "total_monthly_amount",
            "recipients_added",
            "recipients_removed",
            "warnings_per_code",
            "rows_per_source",
        )
    }
    changes = {c.metric: c.held for c in compare(before, after, bands)}
    # tax: 100 in use on both nights; deposit lost every row; stock: no earlier delivery known
    assert changes["rows tax"] is False and changes["rows deposit"] is True
    assert "rows stock" not in changes
