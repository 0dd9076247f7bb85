"""Three real nights through build -> audit -> publish, then a re-run of the middle night: the
published warehouse holds every night of every nightly table, the other nights' files are
byte-identical, and the warning lifecycle read from the warehouse for each night is what that
night published (new -> ongoing -> resolved, first_seen / last_seen)."""

from __future__ import annotations

import json
from datetime import date, timedelta
from pathlib import Path

import duckdb
import pytest

from hedui.pipeline import RunContext, audit_step, build_step, publish_step
from hedui.publish import published_path
from hedui.warehouse.nights import NIGHTLY_TABLES, nights_dir, read_manifest
from hedui.warehouse.pseudonyms import KEY_ENV

D0 = date(2026, 11, 27)
DATES = [D0 + timedelta(days=k) for k in range(3)]
WARNING_COLUMNS = "household_id, warning_code, severity, status, first_seen, last_seen, evidence"
pytestmark = pytest.mark.timeout(3000)


def _query(database: Path, sql: str, params: list | None = None) -> list[tuple]:
    con = duckdb.connect(str(database), read_only=True)
    try:
        return con.execute(sql, params or []).fetchall()
    finally:
        con.close()


def _night(ctx: RunContext) -> None:
    built = build_step(ctx)
    assert built["success"], built["summary"]
    publish_step(ctx, audit_step(ctx, built))


def _files(wh: Path) -> dict[str, bytes]:
    return {
        p.relative_to(wh).as_posix(): p.read_bytes()
        for p in sorted(nights_dir(wh).glob("*/*/*.parquet"))
    }


@pytest.fixture(scope="module")
def nights(tmp_path_factory: pytest.TempPathFactory) -> dict:
    from hedui.generator.city import generate_city
    from hedui.landing import land_all
    from hedui.validation import validate_run

    mp = pytest.MonkeyPatch()
    mp.setenv(KEY_ENV, "nights-test-secret")
    root = tmp_path_factory.mktemp("nights")
    result = generate_city(persons=2000, seed=7, run_date=D0, out=root / "inbox", days=3)
    ctxs = [
        RunContext.create(day, workspace=root, inbox=root / "inbox", warehouse=root / "warehouse")
        for day in DATES
    ]
    published: dict[date, list[tuple]] = {}
    for ctx in ctxs:
        landed = land_all(ctx.day, Path(ctx.inbox), ctx.landing)
        validate_run(
            ctx.day,
            ctx.landing,
            ctx.validated,
            ctx.dq,
            {r.source: r for r in landed},
            render_docs=False,
        )
        _night(ctx)
        published[ctx.day] = sorted(
            _query(
                published_path(root / "warehouse"),
                f"SELECT {WARNING_COLUMNS} FROM marts.current_return_to_poverty_warnings",
            )
        )
    wh = root / "warehouse"
    before = _files(wh)
    _night(ctxs[1])
    yield {
        "wh": wh,
        "before": before,
        "after": _files(wh),
        "published": published,
        "truth": json.loads(Path(result.ground_truth_path).read_text("utf-8"))["scenarios"],
    }
    mp.undo()


def test_every_nightly_table_holds_all_three_nights(nights: dict) -> None:
    pub = published_path(nights["wh"])
    manifest = read_manifest(pub)
    assert {(n.table, n.run_date) for n in manifest} == {
        (t, str(d)) for t in NIGHTLY_TABLES for d in DATES
    }
    for table in (
        "household_verification",
        "low_income_population",
        "return_to_poverty_warnings",
        "outreach_candidates",
        "verification_reports",
        "dq_source_runs",
    ):
        assert _query(pub, f"SELECT DISTINCT run_date FROM marts.{table} ORDER BY 1") == [
            (d,) for d in DATES
        ], table
    for n in manifest:  # rows per night as written
        assert _query(
            pub, f"SELECT count(*) FROM marts.{n.table} WHERE run_date = ?", [n.run_date]
        ) == [(n.rows,)]
    assert _query(
        pub, "SELECT count(*) FROM marts.dq_source_runs WHERE run_date = ?", [DATES[0]]
    ) == [(23,)]


def test_a_rerun_rewrites_only_its_own_night(nights: dict) -> None:
    before, after = nights["before"], nights["after"]
    middle = f"/{DATES[1]}/"
    others = {k: v for k, v in before.items() if middle not in k}
    assert len(others) == 2 * len(NIGHTLY_TABLES)
    assert all(after.get(k) == v for k, v in others.items())
    new_middle = [k for k in after if middle in k and k not in before]
    assert len(new_middle) == len(NIGHTLY_TABLES)


def test_the_warning_lifecycle_of_every_night_is_what_it_published(nights: dict) -> None:
    pub = published_path(nights["wh"])
    for day in DATES:
        rows = sorted(
            _query(
                pub,
                f"SELECT {WARNING_COLUMNS} FROM marts.return_to_poverty_warnings"
                " WHERE run_date = ?",
                [day],
            )
        )
        assert rows == nights["published"][day], day
    hno = nights["truth"]["scenarios"]["W01"]["household_no"]
    lifecycle = _query(
        pub,
        "SELECT run_date, status, first_seen, last_seen FROM "
        "marts.return_to_poverty_warnings WHERE household_id = ? AND "
        "warning_code = 'W_INCOME_DROP' ORDER BY run_date",
        [hno],
    )
    assert lifecycle == [
        (DATES[0], "new", DATES[0], DATES[0]),
        (DATES[1], "ongoing", DATES[0], DATES[1]),
        (DATES[2], "resolved", DATES[0], DATES[1]),
    ]
    assert _query(
        pub, "SELECT DISTINCT run_date FROM marts.current_return_to_poverty_warnings"
    ) == [(DATES[2],)]


def test_every_night_says_which_deliveries_built_its_marts(nights: dict) -> None:
    import hashlib

    pub = published_path(nights["wh"])
    landing = nights["wh"].parent / "landing"
    for day in DATES:
        rows = _query(
            pub,
            "SELECT source, delivery_date, manifest_sha256 FROM "
            "marts.run_deliveries WHERE run_date = ? AND mart = "
            "'household_verification' ORDER BY source",
            [day],
        )
        by_source = {r[0]: r for r in rows}
        assert {"hukou", "deposit", "tax"} <= set(by_source)
        manifest = landing / "hukou" / str(day) / "manifest.json"
        # the hash of the landing manifest without its extraction time (a re-run of the night
        # lands the same delivery at another time and must give the same provenance)
        landed = json.loads(manifest.read_bytes())
        assert "extracted_at" in landed
        del landed["extracted_at"]
        canonical = json.dumps(landed, sort_keys=True, ensure_ascii=False).encode()
        assert by_source["hukou"][1:] == (day, hashlib.sha256(canonical).hexdigest())
