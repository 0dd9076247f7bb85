"""Monitoring across nights (policy.md §8): the low-income population, return-to-poverty warnings
and their lifecycle, reviews of current recipients, against the generator's multi-day ground
truth; re-runs, backfills, privacy and protected attributes.

One generated city (4 delivery days) goes through generate -> land -> validate, then each day is
built in order (build_warehouse with previous = the previous day's published export, as the
nightly pipeline does). The builds are shared by the module's tests.
"""

from __future__ import annotations

import json
import shutil
from datetime import date, timedelta
from pathlib import Path

import duckdb
import pytest

from hedui.audit import audit_warehouse
from hedui.fingerprint import mart_fingerprints
from hedui.warehouse import build_warehouse
from hedui.warehouse.history import HISTORY_TABLES, load_history
from hedui.warehouse.pseudonyms import KEY_ENV
from hedui.warehouse.publishable import export_published

D0 = date(2026, 11, 27)
DAYS = 4
DATES = [D0 + timedelta(days=k) for k in range(DAYS)]
PERSONS = 2000
MONITORING_MARTS = ("low_income_population", "return_to_poverty_warnings", "recipient_reviews")
HISTORY_MARTS = ("warning_history", "population_history", "monitoring_runs")
pytestmark = pytest.mark.timeout(1800)


# ---------------------------------------------------------------------------- fixtures


@pytest.fixture(scope="module")
def key_env() -> object:
    mp = pytest.MonkeyPatch()
    mp.setenv(KEY_ENV, "monitoring-test-secret")
    yield
    mp.undo()


@pytest.fixture(scope="module")
def city(tmp_path_factory: pytest.TempPathFactory, key_env: object) -> dict:
    """A 4-day generated city, landed and validated for every day."""
    from hedui.generator.city import generate_city
    from hedui.landing import land_all
    from hedui.validation import validate_run

    root = tmp_path_factory.mktemp("monitoring_city")
    result = generate_city(persons=PERSONS, seed=7, run_date=D0, out=root / "inbox", days=DAYS)
    for day in DATES:
        landed = land_all(day, root / "inbox", root / "landing")
        validate_run(
            day,
            root / "landing",
            root / "validated",
            root / "dq",
            {r.source: r for r in landed},
            render_docs=False,
        )
    truth = json.loads(Path(result.ground_truth_path).read_text("utf-8"))["scenarios"]
    return {"root": root, "validated": root / "validated", "dq": root / "dq", "truth": truth}


def build(city: dict, day: date, name: str, previous: Path | None) -> Path:
    """Build ``day`` like the nightly pipeline: a work file, then its published export."""
    root: Path = city["root"]
    work, published = root / f"{name}.build.duckdb", root / f"{name}.duckdb"
    for stale in (work, published):
        stale.unlink(missing_ok=True)
    _, built = build_warehouse(
        day,
        city["validated"],
        city["dq"],
        work,
        previous=previous,
        target_path=root / "dbt-target",
    )
    built.raise_for_failure()
    export_published(work, published)
    work.unlink()
    return published


@pytest.fixture(scope="module")
def in_order(city: dict) -> dict[date, Path]:
    """Every day built in order, each with the previous day's published warehouse."""
    out: dict[date, Path] = {}
    previous = None
    for day in DATES:
        previous = out[day] = build(city, day, f"in-order-{day}", previous)
    return out


# ---------------------------------------------------------------------------- helpers


def query(warehouse: Path, sql: str, params: list | None = None) -> list[tuple]:
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        return con.execute(sql, params or []).fetchall()
    finally:
        con.close()


def sorted_rows(warehouse: Path, table: str, where: str = "true") -> list[tuple]:
    return sorted(query(warehouse, f"SELECT * FROM marts.{table} WHERE {where}"), key=repr)


def key_to_id(warehouse: Path) -> dict[str, str]:
    return dict(query(warehouse, "SELECT person_key, id_number FROM restricted.identity"))


def warning_problems(warehouse: Path, truth: dict, day: date) -> list[str]:
    """Every scenario household's warnings (the complete set) against the ground truth."""
    got: dict[str, set] = {}
    for hid, code, severity, status, first, last in query(
        warehouse,
        "SELECT household_id, warning_code, severity, status, first_seen, last_seen "
        "FROM marts.return_to_poverty_warnings",
    ):
        got.setdefault(hid, set()).add((code, severity, status, str(first), str(last)))
    problems = []
    for code, sc in truth["scenarios"].items():
        expected = {
            (w["code"], w["severity"], w["status"], w["first_seen"], w["last_seen"])
            for w in sc["days"][day.isoformat()]["warnings"]
        }
        if got.get(sc["household_no"], set()) != expected:
            problems.append(
                f"{code} {day}: expected {sorted(expected)}, got {got.get(sc['household_no'])}"
            )
    return problems


def review_problems(warehouse: Path, truth: dict, day: date) -> list[str]:
    got: dict[str, set] = {}
    for case_no, review in query(
        warehouse, "SELECT case_no, review_code FROM marts.recipient_reviews WHERE evaluated"
    ):
        got.setdefault(case_no, set()).add(review)
    problems = []
    for code, sc in truth["scenarios"].items():
        case = sc["days"][day.isoformat()]["case"]
        if case is None:
            continue
        expected = set(case["reviews"]) if case["active"] else set()
        if got.get(sc["case_no"], set()) != expected:
            problems.append(f"{code} {day}: expected {expected}, got {got.get(sc['case_no'])}")
    return problems


def expected_since(truth_sc: dict, pid: str, day: date) -> str:
    """First day of the person's current streak of consecutive days in the population."""
    since = day
    for k in range(DATES.index(day), -1, -1):
        if pid not in truth_sc["days"][DATES[k].isoformat()]["population"]:
            break
        since = DATES[k]
    return since.isoformat()


def population_problems(warehouse: Path, truth: dict, day: date) -> list[str]:
    ids = key_to_id(warehouse)
    got = {
        ids[key]: (hid, category, str(since))
        for key, hid, category, since in query(
            warehouse,
            "SELECT person_key, household_id, category, since FROM marts.low_income_population",
        )
    }
    problems = []
    for code, sc in truth["scenarios"].items():
        population = sc["days"][day.isoformat()]["population"]
        for member in sc["members"]:
            pid = member["id_number"]
            if pid not in population:
                if pid in got:
                    problems.append(f"{code} {day}: {member['key']} unexpected {got[pid]}")
                continue
            want = (sc["household_no"], population[pid][0], expected_since(sc, pid, day))
            if got.get(pid) != want:
                problems.append(
                    f"{code} {day}: {member['key']} expected {want}, got {got.get(pid)}"
                )
    return problems


# ---------------------------------------------------------------------------- ground truth


def test_warnings_follow_the_ground_truth_every_night(city: dict, in_order: dict) -> None:
    """Each planted warning fires on its day with its severity (new), is ongoing the next night
    and resolved (once) when its cause goes; nothing unplanted fires on a planted household."""
    problems = [p for day in DATES for p in warning_problems(in_order[day], city["truth"], day)]
    assert problems == []


def test_every_code_severity_and_status_is_covered(city: dict, in_order: dict) -> None:
    households = {sc["household_no"] for sc in city["truth"]["scenarios"].values()}
    seen, statuses = set(), set()
    for day in DATES:
        for hid, code, severity, status in query(
            in_order[day],
            "SELECT household_id, warning_code, severity, status "
            "FROM marts.return_to_poverty_warnings",
        ):
            if hid in households:
                seen.add(f"{code}:{severity}")
                statuses.add(status)
    assert seen == set(city["truth"]["coverage"]["warnings"])
    assert {w.split(":")[0] for w in seen} == {
        "W_INCOME_DROP",
        "W_MEDICAL",
        "W_DEATH",
        "W_DISABILITY",
        "W_JOB_LOSS",
        "W_EDUCATION",
    }
    assert statuses == {"new", "ongoing", "resolved"}


def test_one_warning_through_its_lifecycle(city: dict, in_order: dict) -> None:
    """W01 (income drop, red): new on day 0, ongoing on day 1, resolved on day 2 keeping its
    severity and evidence with last_seen day 1, gone on day 3."""
    hno = city["truth"]["scenarios"]["W01"]["household_no"]
    sql = (
        "SELECT status, severity, first_seen, last_seen, evidence, complete "
        "FROM marts.return_to_poverty_warnings WHERE household_id = ? "
        "AND warning_code = 'W_INCOME_DROP'"
    )
    rows = [query(in_order[day], sql, [hno]) for day in DATES]
    assert [[r[:4] for r in day_rows] for day_rows in rows] == [
        [("new", "red", DATES[0], DATES[0])],
        [("ongoing", "red", DATES[0], DATES[1])],
        [("resolved", "red", DATES[0], DATES[1])],
        [],
    ]
    assert all(r[0][5] for r in rows[:3])
    assert rows[2][0][4] == rows[1][0][4]  # the resolved row keeps the last evidence
    items = json.loads(rows[0][0][4])
    assert {i["item"] for i in items} >= {
        "per_capita_monthly_mean_recent",
        "per_capita_monthly_mean_before",
    }


def test_reviews_follow_the_ground_truth(city: dict, in_order: dict) -> None:
    problems = [p for day in DATES for p in review_problems(in_order[day], city["truth"], day)]
    assert problems == []
    codes = {
        r[0]
        for r in query(
            in_order[DATES[0]], "SELECT review_code FROM marts.recipient_reviews WHERE evaluated"
        )
    }
    assert codes == {
        "R_INCOME",
        "R_ASSETS",
        "R_VEHICLE",
        "R_PROPERTY",
        "R_DECEASED",
        "R_MOVED",
        "R_BUSINESS",
    }


def test_population_follows_the_ground_truth(city: dict, in_order: dict) -> None:
    problems = [p for day in DATES for p in population_problems(in_order[day], city["truth"], day)]
    assert problems == []
    categories = {
        r[0] for r in query(in_order[DATES[0]], "SELECT category FROM marts.low_income_population")
    }
    assert categories == {
        "tekun",
        "dibao",
        "low_income",
        "expenditure_hardship",
        "assisted",
        "monitored",
    }


def test_since_follows_the_history(in_order: dict) -> None:
    """A person monitored since day 0 keeps since = day 0; nobody's since is after the run."""
    last = in_order[DATES[-1]]
    rows = query(last, "SELECT person_key, since, run_date FROM marts.low_income_population")
    assert rows and all(since <= run for _, since, run in rows)
    first = {
        r[0]
        for r in query(in_order[DATES[0]], "SELECT person_key FROM marts.low_income_population")
    }
    always = first.intersection(
        *(
            {r[0] for r in query(in_order[d], "SELECT person_key FROM marts.low_income_population")}
            for d in DATES
        )
    )
    assert always
    assert {since for key, since, _ in rows if key in always} == {DATES[0]}


# ---------------------------------------------------------------------------- history


def test_history_marts_hold_every_run_once(in_order: dict) -> None:
    last = in_order[DATES[-1]]
    assert [
        r[0] for r in query(last, "SELECT run_date FROM marts.monitoring_runs ORDER BY 1")
    ] == DATES
    assert query(
        last,
        "SELECT count(*) FROM (SELECT household_id, warning_code, run_date "
        "FROM marts.warning_history GROUP BY ALL HAVING count(*) > 1)",
    ) == [(0,)]
    # each night's firings are exactly that night's new and ongoing warnings
    for day in DATES:
        fired = query(
            in_order[day],
            "SELECT household_id, warning_code, severity, evidence "
            "FROM marts.return_to_poverty_warnings WHERE status <> 'resolved' ORDER BY ALL",
        )
        assert fired == query(
            last,
            "SELECT household_id, warning_code, severity, evidence FROM marts.warning_history "
            "WHERE run_date = ? ORDER BY ALL",
            [day],
        )


def expected_spells(nights: list[list[tuple]]) -> list[tuple]:
    """Spells (person, household, category, from, to) of per-night (person, household,
    category) rows of consecutive runs ``DATES``: a change or a night not listed closes one."""
    spells: list[tuple] = []
    open_: dict[str, list] = {}
    for day, rows in zip(DATES, nights, strict=True):
        listed = {person: (household, category) for person, household, category in rows}
        for person in list(open_):
            if listed.get(person) != tuple(open_[person][1:3]):
                spells.append(tuple(open_.pop(person)))
        for person, (household, category) in listed.items():
            if person in open_:
                open_[person][4] = day
            else:
                open_[person] = [person, household, category, day, day]
    spells += [tuple(s) for s in open_.values()]
    return sorted(spells, key=repr)


def test_population_history_is_the_spells_of_the_nights(in_order: dict) -> None:
    """One row per continuous membership of a category (and household) across the four nights,
    exactly as read from each night's low_income_population."""
    nights = [
        query(
            in_order[d],
            "SELECT person_key, household_id, category FROM marts.low_income_population",
        )
        for d in DATES
    ]
    spells = sorted_rows(in_order[DATES[-1]], "population_history")
    assert spells == expected_spells(nights)
    assert len(spells) < sum(len(n) for n in nights)  # spells, not a row per person and night
    assert any(s[3] == DATES[0] and s[4] == DATES[-1] for s in spells)


def test_rerunning_a_date_in_place_changes_nothing(city: dict, in_order: dict) -> None:
    """Re-run the last date on a copy of its own published warehouse (previous = the same
    file): every mart, histories included, is identical."""
    day = DATES[-1]
    root: Path = city["root"]
    again = root / "rerun.duckdb"
    shutil.copy(in_order[day], again)
    _, built = build_warehouse(
        day, city["validated"], city["dq"], again, previous=again, target_path=root / "dbt-target"
    )
    built.raise_for_failure()
    published = root / "rerun.published.duckdb"
    published.unlink(missing_ok=True)
    export_published(again, published)
    assert mart_fingerprints(published) == mart_fingerprints(in_order[day])


def test_backfill_reads_only_earlier_runs_and_keeps_later_ones(city: dict, in_order: dict) -> None:
    """Run day 2 again after day 3 (previous = day 3's warehouse): day 2's marts equal the
    in-order ones, and the histories (day 3's rows included) are unchanged."""
    day, later = DATES[2], DATES[3]
    backfilled = build(city, day, "backfill", in_order[later])
    marts = mart_fingerprints(backfilled)
    in_order_day = mart_fingerprints(in_order[day])
    assert {t: marts[t] for t in marts if t not in HISTORY_MARTS} == {
        t: in_order_day[t] for t in in_order_day if t not in HISTORY_MARTS
    }
    for table in HISTORY_MARTS:
        assert sorted_rows(backfilled, table) == sorted_rows(in_order[later], table), table
    assert sorted_rows(backfilled, "warning_history", f"run_date = DATE '{later}'")


# ---------------------------------------------------------------------------- privacy


def test_published_monitoring_passes_the_audit_and_names_no_one(in_order: dict) -> None:
    day = DATES[1]
    warehouse = in_order[day]
    report = audit_warehouse(warehouse, day)
    assert all(report["counts"][t] > 0 for t in MONITORING_MARTS)
    ids = query(warehouse, "SELECT id_number, name FROM restricted.identity")
    text = "\n".join(
        r[0]
        for table in ("return_to_poverty_warnings", "recipient_reviews", "warning_history")
        for r in query(warehouse, f"SELECT evidence FROM marts.{table}")
    )
    assert not [i for i, name in ids if i in text or (name and name in text)]
    for table in MONITORING_MARTS:
        for (evidence,) in (
            query(warehouse, f"SELECT evidence FROM marts.{table}")
            if table != "low_income_population"
            else []
        ):
            items = json.loads(evidence)
            assert items and all(
                set(i)
                == {"source", "file", "line", "record", "person_key", "date", "item", "amount"}
                for i in items
            )


# ---------------------------------------------------------------------------- history.py


def test_history_needs_an_existing_previous_warehouse(tmp_path: Path) -> None:
    con = duckdb.connect()
    try:
        con.execute("CREATE SCHEMA raw")
        with pytest.raises(FileNotFoundError):
            load_history(con, "raw", D0, tmp_path / "missing.duckdb")
        assert load_history(con, "raw", D0, None) == dict.fromkeys(HISTORY_TABLES, 0)
    finally:
        con.close()


def test_history_from_a_warehouse_without_monitoring_is_empty(tmp_path: Path) -> None:
    old = tmp_path / "old.duckdb"
    con = duckdb.connect(str(old))
    con.execute("CREATE SCHEMA marts")
    con.execute("CREATE TABLE marts.household_verification (household_id VARCHAR)")
    con.close()
    con = duckdb.connect()
    try:
        con.execute("CREATE SCHEMA raw")
        assert load_history(con, "raw", D0, old) == dict.fromkeys(HISTORY_TABLES, 0)
        assert con.execute("SELECT count(*) FROM raw.warning_history").fetchall() == [(0,)]
    finally:
        con.close()


def test_history_reads_spells_whole_and_older_nightly_rows_as_one_night_spells(
    tmp_path: Path,
) -> None:
    """Published spells come whole (the build takes the run date out of them); a warehouse
    published with one population row per person and night gives one-night spells of every
    other night."""
    spells, nightly = tmp_path / "spells.duckdb", tmp_path / "nightly.duckdb"
    d1 = D0 + timedelta(days=1)
    con = duckdb.connect(str(spells))
    con.execute("CREATE SCHEMA marts")
    con.execute(
        "CREATE TABLE marts.population_history AS SELECT 'p' AS person_key, 'h' AS household_id, "
        "'dibao' AS category, DATE '2026-11-27' AS from_date, DATE '2026-11-28' AS to_date"
    )
    con.close()
    con = duckdb.connect(str(nightly))
    con.execute("CREATE SCHEMA marts")
    con.execute(
        "CREATE TABLE marts.population_history AS SELECT * FROM (VALUES "
        "('p', 'h', DATE '2026-11-27', 'dibao'), ('p', 'h', DATE '2026-11-28', 'dibao')) "
        "AS t(person_key, household_id, run_date, category)"
    )
    con.close()
    con = duckdb.connect()
    try:
        con.execute("CREATE SCHEMA raw")
        read = "SELECT * FROM raw.population_history ORDER BY from_date"
        assert load_history(con, "raw", d1, spells)["population_history"] == 1
        assert con.execute(read).fetchall() == [("p", "h", "dibao", D0, d1)]
        assert load_history(con, "raw", d1, nightly)["population_history"] == 1
        assert con.execute(read).fetchall() == [("p", "h", "dibao", D0, D0)]
    finally:
        con.close()


# ---------------------------------------------------------------------------- §10, portability


@pytest.fixture(scope="module")
def scenario_runs(tmp_path_factory: pytest.TempPathFactory, key_env: object) -> dict:
    """The planted households of day 0 as validated input, once as generated and once with
    every person's name, gender (with a matching new ID number everywhere), hukou nature and
    district changed; both built (no previous run)."""
    from hedui.generator.scenarios import build_scenarios
    from hedui_testing.warehouse import write_run

    root = tmp_path_factory.mktemp("monitoring_protected")
    rows = build_scenarios(D0, 1).rows[D0]
    variant, mapping = protected_variant(rows)
    out: dict = {"mapping": mapping, "root": root}
    for name, data in (("original", rows), ("variant", variant)):
        write_run(root / name / "validated", root / name / "dq", D0, data)
        _, built = build_warehouse(
            D0,
            root / name / "validated",
            root / name / "dq",
            root / f"{name}.duckdb",
            target_path=root / "dbt-target",
        )
        built.raise_for_failure()
        out[name] = root / f"{name}.duckdb"
    return out


def protected_variant(rows: dict[str, list[dict]]) -> tuple[dict[str, list[dict]], dict[str, str]]:
    """``rows`` with every hukou person's name, gender, hukou nature and district changed; a
    changed gender takes a new ID number (other sequence-digit parity, valid check character)
    in every source. Returns the rows and old -> new ID numbers."""
    from hedui.idnumbers import id_check_char, id_gender
    from hedui.registry import load_registry

    used = {r["id_number"] for r in rows["hukou"]}
    mapping: dict[str, str] = {}
    for pid in sorted(used):
        for digit in range(10):
            if digit % 2 == int(pid[16]) % 2:
                continue
            first17 = pid[:16] + str(digit)
            new = first17 + id_check_char(first17)
            if new not in used and new not in mapping.values():
                mapping[pid] = new
                break
    assert len(mapping) == len(used)

    def district(code: str | None) -> str | None:
        return None if code is None else ("120102" if code[:6] != "120102" else "120101")

    out: dict[str, list[dict]] = {}
    for source, contract in load_registry().items():
        id_columns = [c.name for c in contract.columns if c.type == "id_number"]
        changed = []
        for row in rows.get(source, []):
            new = dict(row)
            for col in id_columns:
                if new.get(col) in mapping:
                    new[col] = mapping[new[col]]
            if source == "hukou":
                new["name"] = "改" + str(row["name"])
                new["gender"] = id_gender(new["id_number"])
                assert new["gender"] != row["gender"]
                new["hukou_nature"] = "rural" if row["hukou_nature"] == "urban" else "urban"
                new["district_code"] = district(row["district_code"])
            if source == "real_estate":
                new["district_code"] = district(row["district_code"])
            if source in ("assistance_roll", "verification_request") and row.get("street_code"):
                new["street_code"] = district(row["street_code"]) + row["street_code"][6:]
            changed.append(new)
        out[source] = changed
    return out, mapping


HOUSEHOLD_MARTS = (
    "household_verification",
    "outreach_candidates",
    "verification_reports",
    *MONITORING_MARTS,
)


def comparable(warehouse: Path, table: str, keys: dict[str, str]) -> list[str]:
    """A mart's rows as text, every person_key replaced through ``keys``; evidence items in
    a canonical order (their order follows the pseudonyms, which change with the ID number)."""
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        rel = con.sql(f"SELECT * FROM marts.{table}")
        names = [d[0] for d in rel.description]
        rows = rel.fetchall()
    finally:
        con.close()
    out = []
    for row in rows:
        values = dict(zip(names, row, strict=True))
        if values.get("person_key") is not None:
            values["person_key"] = keys.get(values["person_key"], values["person_key"])
        if values.get("evidence") is not None:
            items = json.loads(values["evidence"])
            for item in items:
                item["person_key"] = keys.get(item["person_key"], item["person_key"])
            values["evidence"] = sorted(json.dumps(i, sort_keys=True) for i in items)
        out.append(repr(values))
    return sorted(out)


def test_protected_attributes_change_no_output(scenario_runs: dict) -> None:
    """policy.md §10: name, gender, hukou nature and district are never rule inputs."""
    original, variant = scenario_runs["original"], scenario_runs["variant"]
    by_id = {i: k for k, i in key_to_id(variant).items()}
    # members out of local coverage (no hukou record: 京津冀 and other regions) keep their ID
    mapping = scenario_runs["mapping"]
    keys = {k: by_id[mapping.get(i, i)] for k, i in key_to_id(original).items()}
    assert len(keys) == len(set(keys.values()))
    for table in HOUSEHOLD_MARTS:
        rows = comparable(original, table, keys)
        assert rows or table == "outreach_candidates", table
        assert rows == comparable(variant, table, {}), table
    # the variant really differs where it should
    assert query(original, "SELECT name FROM restricted.identity ORDER BY 1") != query(
        variant, "SELECT name FROM restricted.identity ORDER BY 1"
    )


PG = {"host": "127.0.0.1", "port": "5432", "user": "postgres", "database": "test"}
PG_CONNINFO = "host=127.0.0.1 port=5432 user=postgres dbname=test"


def test_monitoring_marts_are_identical_on_postgres(scenario_runs: dict) -> None:
    """The monitoring models are portable: PostgreSQL builds the same rows as DuckDB."""
    psycopg = pytest.importorskip("psycopg")
    import uuid

    from hedui.warehouse import dbt_build, load_postgres

    try:
        psycopg.connect(PG_CONNINFO, connect_timeout=3).close()
    except psycopg.OperationalError as exc:  # pragma: no cover - depends on the machine
        pytest.skip(f"PostgreSQL not reachable: {exc}")
    root: Path = scenario_runs["root"]
    prefix = f"hedui_m{uuid.uuid4().hex[:8]}_"
    try:
        load_postgres(
            PG_CONNINFO,
            D0,
            root / "original" / "validated",
            root / "original" / "dq",
            schema_prefix=prefix,
        )
        built = dbt_build(
            D0,
            target="postgres",
            schema_prefix=prefix,
            postgres=PG,
            target_path=root / "dbt-target-pg",
        )
        built.raise_for_failure()
        duck = duckdb.connect(str(scenario_runs["original"]), read_only=True)
        try:
            with psycopg.connect(PG_CONNINFO) as pg:
                for table in (*MONITORING_MARTS, *HISTORY_MARTS):
                    rel = duck.sql(f"SELECT * FROM marts.{table}")
                    cur = pg.execute(f'SELECT * FROM "{prefix}marts"."{table}"')
                    assert [d[0] for d in rel.description] == [d.name for d in cur.description]
                    duck_rows, pg_rows = normalise(rel.fetchall()), normalise(cur.fetchall())
                    assert duck_rows, table
                    assert duck_rows == pg_rows, table
        finally:
            duck.close()
    finally:
        with psycopg.connect(PG_CONNINFO, autocommit=True) as pg:
            for (schema,) in pg.execute(
                "SELECT schema_name FROM information_schema.schemata WHERE schema_name LIKE %s",
                (prefix + "%",),
            ).fetchall():
                pg.execute(f'DROP SCHEMA "{schema}" CASCADE')


def normalise(rows: list[tuple]) -> list[tuple]:
    return sorted(
        (tuple(tuple(v) if isinstance(v, list) else v for v in r) for r in rows), key=repr
    )


def test_a_missing_source_never_resolves_a_warning(scenario_runs: dict) -> None:
    """Day 1 with the medical claims failed validation (previous = day 0): the W_MEDICAL
    warnings of day 0 are carried as ongoing, incomplete, naming the source, never resolved;
    warnings of other rules are evaluated as usual; the population says it is incomplete."""
    from hedui.generator.scenarios import build_scenarios
    from hedui_testing.warehouse import write_run

    root: Path = scenario_runs["root"] / "missing"
    shutil.copytree(scenario_runs["root"] / "original", root)
    scenarios = build_scenarios(D0, 2)
    day = DATES[1]
    write_run(
        root / "validated", root / "dq", day, scenarios.rows[day], {"medical_claims": "failed"}
    )
    _, built = build_warehouse(
        day,
        root / "validated",
        root / "dq",
        root / "day1.duckdb",
        previous=scenario_runs["original"],
        target_path=scenario_runs["root"] / "dbt-target",
    )
    built.raise_for_failure()
    truth = scenarios.ground_truth()["scenarios"]
    rows = {
        (hid, code): (status, complete, list(missing), first, last)
        for hid, code, status, complete, missing, first, last in query(
            root / "day1.duckdb",
            "SELECT household_id, warning_code, status, complete, missing_sources, first_seen, "
            "last_seen FROM marts.return_to_poverty_warnings",
        )
    }
    for code in ("W03", "W04", "W05"):
        hno = truth[code]["household_no"]
        assert rows[(hno, "W_MEDICAL")] == ("ongoing", False, ["medical_claims"], D0, D0), code
    assert rows[(truth["W01"]["household_no"], "W_INCOME_DROP")][:2] == ("ongoing", True)
    assert not [k for k, v in rows.items() if v[0] == "resolved"]
    assert set(
        query(root / "day1.duckdb", "SELECT DISTINCT complete FROM marts.low_income_population")
    ) == {(False,)}
    assert query(
        root / "day1.duckdb",
        "SELECT population_complete, rules_complete FROM marts.monitoring_runs WHERE run_date = ?",
        [day],
    ) == [(False, False)]
