"""A small sample warehouse with every published table, for tests and for trying the web app.

``build_sample_warehouse(path)`` writes a DuckDB file shaped like the published warehouse (schema
``marts`` plus ``restricted.identity``) with four households, two verification requests, a case
under review, three runs of data-quality results and a quarantine list. ``marts.member_expenditure``
is left out on purpose, so pages show how a missing detail table degrades.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import tempfile
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path

import duckdb

from hedui.idnumbers import id_check_char
from hedui.paths import dbt_project_dir
from hedui.web.formatting import DISTRICT_NAMES

RUN_DATES = [date(2026, 11, 25), date(2026, 11, 26), date(2026, 11, 27)]
LATEST = RUN_DATES[-1]
SAMPLE_KEY = b"hedui-sample-only"
PERIODS = [f"{y}-{m:02d}" for y, m in [(2025, 11), (2025, 12)] + [(2026, i) for i in range(1, 11)]]


def make_id(region: str, birth: date, seq: int) -> str:
    first17 = f"{region}{birth:%Y%m%d}{seq:03d}"
    return first17 + id_check_char(first17)


def person_key(id_number: str) -> str:
    return hmac.new(SAMPLE_KEY, id_number.encode(), hashlib.sha256).hexdigest()


@dataclass
class Person:
    id_number: str
    name: str
    relation: str
    age: int

    @property
    def key(self) -> str:
        return person_key(self.id_number)


@dataclass
class Household:
    household_id: str
    district: str
    tier: str | None
    income_pc: float
    amount: float | None
    reasons: list[str]
    members: list[Person]
    complete: bool = True
    missing: list[str] = field(default_factory=list)


def _p(region: str, y: int, seq: int, name: str, relation: str) -> Person:
    return Person(make_id(region, date(y, 3, 14), seq), name, relation, LATEST.year - y)


HOUSEHOLDS = [
    Household(
        "120101000101",
        "和平区",
        "dibao",
        620.00,
        1170.00,
        [],
        [
            _p("120101", 1979, 11, "张伟", "head"),
            _p("120101", 1981, 22, "李娜", "spouse"),
            _p("120101", 2012, 31, "张小明", "child"),
        ],
    ),
    Household(
        "120102000202",
        "河东区",
        "none",
        2150.00,
        0.00,
        ["A2"],
        [
            _p("120102", 1985, 13, "王强", "head"),
            _p("120102", 1987, 24, "赵敏", "spouse"),
        ],
    ),
    Household(
        "120103000303",
        "河西区",
        "tekun",
        310.00,
        1530.00,
        ["T_SUPPORTER_CHECK"],
        [
            _p("120103", 1952, 15, "刘秀英", "head"),
        ],
    ),
    Household(
        "120104000404",
        "和平区",
        "low_income",
        1240.00,
        303.00,
        [],
        [
            _p("120104", 1970, 17, "陈军", "head"),
            _p("120104", 1999, 26, "陈静", "child"),
        ],
        complete=False,
        missing=["bank_deposits"],
    ),
]

REQUESTS = {
    # request_id: (household index, tier, reasons, verified, refused)
    "SQ2026110001": (0, "dibao", [], 3, 0),
    "SQ2026110002": (1, None, ["V_AUTH_MISSING"], 1, 1),
}
CASE_NO = "JZ2024000077"
CASE_HOUSEHOLD = 0  # the active assistance case covers the members of HOUSEHOLDS[0]


def request_authorizations() -> dict[str, str]:
    """authorization_no -> person_key: each verified request member signed one."""
    out = {}
    for request_id, (hi, _tier, _reasons, verified, _refused) in REQUESTS.items():
        for i, m in enumerate(HOUSEHOLDS[hi].members[:verified], start=1):
            out[f"{request_id}-A{i}"] = m.key
    return out


SOURCES = ["bank_deposits", "hukou", "social_insurance", "tax_income", "vehicles"]


def _ddl(con: duckdb.DuckDBPyConnection) -> None:
    con.execute("CREATE SCHEMA marts")
    con.execute("CREATE SCHEMA restricted")
    money = "DECIMAL(14,2)"
    con.execute(f"""CREATE TABLE marts.household_verification (household_id VARCHAR,
        run_date DATE, member_count INTEGER, income_per_capita {money},
        rigid_expenditure_per_capita {money}, cash_assets_per_capita {money},
        residential_homes INTEGER, tier VARCHAR, monthly_amount {money},
        single_person_dibao_count INTEGER, reason_codes VARCHAR[], complete BOOLEAN,
        missing_sources VARCHAR[], policy_version VARCHAR, district VARCHAR)""")
    con.execute("""CREATE TABLE marts.low_income_population (person_key VARCHAR,
        household_id VARCHAR, run_date DATE, category VARCHAR, since DATE)""")
    con.execute("""CREATE TABLE marts.return_to_poverty_warnings (household_id VARCHAR,
        run_date DATE, warning_code VARCHAR, severity VARCHAR, status VARCHAR, first_seen DATE,
        last_seen DATE, evidence VARCHAR)""")
    con.execute("""CREATE TABLE marts.recipient_reviews (case_no VARCHAR, run_date DATE,
        review_code VARCHAR, evidence STRUCT(source VARCHAR, detail VARCHAR, amount DOUBLE)[])""")
    con.execute(f"""CREATE TABLE marts.outreach_candidates (household_id VARCHAR, run_date DATE,
        tier VARCHAR, monthly_amount {money})""")
    con.execute(f"""CREATE TABLE marts.verification_reports (request_id VARCHAR, run_date DATE,
        member_count INTEGER, income_per_capita {money}, rigid_expenditure_per_capita {money},
        cash_assets_per_capita {money}, residential_homes INTEGER, tier VARCHAR,
        monthly_amount {money}, reason_codes VARCHAR[], complete BOOLEAN,
        missing_sources VARCHAR[], policy_version VARCHAR, members_verified INTEGER,
        members_refused VARCHAR[], sources_as_of MAP(VARCHAR, DATE), requested_at DATE)""")
    con.execute("""CREATE TABLE marts.dq_source_runs (source VARCHAR, run_date DATE,
        status VARCHAR, rows_landed BIGINT, rows_loaded BIGINT, rows_quarantined BIGINT,
        checks_evaluated INTEGER, checks_failed INTEGER, schema_hash VARCHAR)""")
    con.execute("""CREATE TABLE marts.quarantine (source VARCHAR, run_date DATE, file VARCHAR,
        line BIGINT, reason_code VARCHAR, reason VARCHAR)""")
    con.execute("""CREATE TABLE restricted.lookup_authorizations (run_date DATE,
        authorization_no VARCHAR, authorization_kind VARCHAR, reference VARCHAR,
        person_key VARCHAR, valid_from DATE)""")
    con.execute("""CREATE TABLE restricted.identity (person_key VARCHAR, id_number VARCHAR,
        name VARCHAR)""")
    con.execute("""CREATE TABLE marts.household_members (household_id VARCHAR, run_date DATE,
        person_key VARCHAR, relation VARCHAR, age INTEGER, disability_grade INTEGER,
        household_kind VARCHAR)""")
    con.execute(f"""CREATE TABLE marts.member_income_monthly (person_key VARCHAR, run_date DATE,
        source VARCHAR, item VARCHAR, period VARCHAR, amount {money})""")
    con.execute(f"""CREATE TABLE marts.member_assets (person_key VARCHAR, run_date DATE,
        source VARCHAR, asset_type VARCHAR, amount {money}, as_of_date DATE)""")
    con.execute("""CREATE TABLE marts.member_vehicles (person_key VARCHAR, run_date DATE,
        plate_masked VARCHAR, vehicle_type VARCHAR, status VARCHAR, as_of_date DATE)""")
    con.execute("""CREATE TABLE marts.member_homes (person_key VARCHAR, run_date DATE,
        cert_no VARCHAR, use_type VARCHAR, floor_area_m2 DOUBLE, share_ratio DOUBLE,
        as_of_date DATE)""")
    con.execute("""CREATE TABLE marts.source_as_of (source VARCHAR, run_date DATE,
        as_of_date DATE, status VARCHAR)""")


def _households(con: duckdb.DuckDBPyConnection) -> None:
    for run in RUN_DATES:
        for h in HOUSEHOLDS:
            con.execute(
                "INSERT INTO marts.household_verification VALUES"
                " (?, ?, ?, ?, 0, ?, 1, ?, ?, 0, ?, ?, ?, 'P2020-09-01', ?)",
                [
                    h.household_id,
                    run,
                    len(h.members),
                    h.income_pc,
                    8000.0 if h.tier != "none" else 42000.0,
                    h.tier,
                    h.amount,
                    h.reasons,
                    h.complete,
                    h.missing,
                    h.district,
                ],
            )
            for m in h.members:
                con.execute(
                    "INSERT INTO marts.household_members VALUES (?, ?, ?, ?, ?, NULL, 'hukou')",
                    [h.household_id, run, m.key, m.relation, m.age],
                )
                if h.tier in {"dibao", "tekun", "low_income"}:
                    con.execute(
                        "INSERT INTO marts.low_income_population VALUES (?, ?, ?, ?, ?)",
                        [m.key, h.household_id, run, h.tier, date(2025, 6, 1)],
                    )
        con.execute(
            "INSERT INTO marts.outreach_candidates VALUES (?, ?, 'low_income', 303)",
            [HOUSEHOLDS[3].household_id, run],
        )
    for h in HOUSEHOLDS:
        for m in h.members:
            con.execute(
                "INSERT INTO restricted.identity VALUES (?, ?, ?)", [m.key, m.id_number, m.name]
            )
    for run in RUN_DATES:
        for auth, key in request_authorizations().items():
            con.execute(
                "INSERT INTO restricted.lookup_authorizations VALUES"
                " (?, ?, 'verification_request', ?, ?, ?)",
                [run, auth, auth.rsplit("-", 1)[0], key, date(2026, 11, 3)],
            )
        for m in HOUSEHOLDS[CASE_HOUSEHOLD].members:
            con.execute(
                "INSERT INTO restricted.lookup_authorizations VALUES"
                " (?, ?, 'assistance_case', ?, ?, ?)",
                [run, CASE_NO, CASE_NO, m.key, date(2024, 3, 1)],
            )


def _details(con: duckdb.DuckDBPyConnection) -> None:
    wage = {0: 1860.0, 1: 4300.0, 3: 1240.0}
    for i, h in enumerate(HOUSEHOLDS):
        head = h.members[0]
        for period in PERIODS:
            if i == 0 and period >= "2026-08":
                continue  # no income records in the last three months (a drop to zero)
            amount = wage.get(i, 0.0)
            con.execute(
                "INSERT INTO marts.member_income_monthly VALUES (?, ?, 'tax_income', 'wage', ?, ?)",
                [head.key, LATEST, period, amount],
            )
            if i == 2:
                con.execute(
                    "INSERT INTO marts.member_income_monthly VALUES (?, ?,"
                    " 'social_insurance', 'enterprise_pension', ?, 310)",
                    [head.key, LATEST, period],
                )
        con.execute(
            "INSERT INTO marts.member_assets VALUES (?, ?, 'bank_deposits', 'deposit', ?, ?)",
            [head.key, LATEST, 8000.0 * len(h.members), LATEST - timedelta(1)],
        )
        con.execute(
            "INSERT INTO marts.member_homes VALUES (?, ?, ?, 'residential', 48.5, 1.0, ?)",
            [head.key, LATEST, f"津{i:04d}号", LATEST - timedelta(2)],
        )
    con.execute(
        "INSERT INTO marts.member_vehicles VALUES (?, ?, '津A·***45', 'car', 'normal', ?)",
        [HOUSEHOLDS[1].members[0].key, LATEST, LATEST - timedelta(1)],
    )
    for s in SOURCES:
        con.execute(
            "INSERT INTO marts.source_as_of VALUES (?, ?, ?, ?)",
            [s, LATEST, LATEST - timedelta(1), "missing" if s == "bank_deposits" else "passed"],
        )


def _warnings_reviews_reports(con: duckdb.DuckDBPyConnection) -> None:
    evidence = json.dumps(
        [
            {"source": "tax_income", "period": p, "amount": 0.0}
            for p in ("2026-08", "2026-09", "2026-10")
        ]
    )
    for n, run in enumerate(RUN_DATES):
        status = "new" if n == 0 else "ongoing"
        con.execute(
            "INSERT INTO marts.return_to_poverty_warnings VALUES"
            " (?, ?, 'W_INCOME_DROP', 'red', ?, ?, ?, ?)",
            [HOUSEHOLDS[0].household_id, run, status, RUN_DATES[0], run, evidence],
        )
        if n >= 1:
            con.execute(
                "INSERT INTO marts.return_to_poverty_warnings VALUES"
                " (?, ?, 'W_MEDICAL', 'orange', ?, ?, ?, ?)",
                [
                    HOUSEHOLDS[0].household_id,
                    run,
                    "new" if n == 1 else "ongoing",
                    RUN_DATES[1],
                    run,
                    json.dumps({"claim_no": "YB-7781", "out_of_pocket": 6420.5}),
                ],
            )
        con.execute(
            "INSERT INTO marts.return_to_poverty_warnings VALUES"
            " (?, ?, 'W_JOB_LOSS', 'yellow', 'new', ?, ?, '{}')",
            [HOUSEHOLDS[3].household_id, run, run, run],
        )
        for code in ("R_INCOME", "R_VEHICLE"):
            con.execute(
                "INSERT INTO marts.recipient_reviews VALUES (?, ?, ?, [{'source': 'tax_income',"
                " 'detail': 'income per person 1520.00', 'amount': 1520}])",
                [CASE_NO, run, code],
            )
    for request_id, (hi, tier, reasons, verified, refused) in REQUESTS.items():
        h = HOUSEHOLDS[hi]
        refused_keys = [m.key for m in h.members[verified : verified + refused]]
        figures = None if tier is None else h.income_pc
        con.execute(
            "INSERT INTO marts.verification_reports VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?,"
            " 'P2020-09-01', ?, ?, MAP(?, ?), ?)",
            [
                request_id,
                LATEST,
                len(h.members),
                figures,
                None if tier is None else 0,
                None if tier is None else 8000,
                None if tier is None else 1,
                tier,
                h.amount if tier else None,
                reasons,
                tier is not None,
                [],
                verified,
                refused_keys,
                SOURCES,
                [LATEST - timedelta(1)] * len(SOURCES),
                LATEST - timedelta(9),
            ],
        )
        for m in h.members:  # the request's declared members
            con.execute(
                "INSERT INTO marts.household_members VALUES (?, ?, ?, ?, ?, NULL, 'request')",
                [request_id, LATEST, m.key, m.relation, m.age],
            )


def _quality(con: duckdb.DuckDBPyConnection) -> None:
    for n, run in enumerate(RUN_DATES):
        for i, s in enumerate(SOURCES):
            landed = 1000 * (i + 1) + 10 * n
            quarantined = (i + n) % 3 * 4
            status = "passed"
            if s == "bank_deposits" and run == LATEST:
                status, landed, quarantined = "missing", 0, 0
            elif s == "vehicles" and n == 1:
                status = "failed"
            con.execute(
                "INSERT INTO marts.dq_source_runs VALUES (?, ?, ?, ?, ?, ?, 24, ?, ?)",
                [
                    s,
                    run,
                    status,
                    landed,
                    landed - quarantined,
                    quarantined,
                    1 if status == "failed" else 0,
                    f"{i:02d}ab34cd" * 4,
                ],
            )
            for line in range(quarantined):
                code = "ID_CHECKSUM" if line % 2 else "NEGATIVE_AMOUNT"
                con.execute(
                    "INSERT INTO marts.quarantine VALUES (?, ?, ?, ?, ?, ?)",
                    [
                        s,
                        run,
                        f"{s}_{run:%Y%m%d}.csv",
                        100 + line,
                        code,
                        "ID number fails its check character" if line % 2 else "amount below zero",
                    ],
                )


def _parameters(con: duckdb.DuckDBPyConnection) -> None:
    """The policy parameters of every run, from the project's dated seed (the one source)."""
    seed = dbt_project_dir() / "seeds" / "policy_parameters.csv"
    con.execute(
        """CREATE TABLE marts.policy_parameter_history AS
        WITH rows AS (SELECT * FROM read_csv(?, header = true, all_varchar = true)),
        runs AS (SELECT unnest(?::DATE[]) AS run_date),
        ranked AS (
            SELECT parameter, run_date, CAST(value AS DECIMAL(18, 4)) AS value,
                CAST(effective_from AS DATE) AS effective_from, version, basis,
                CAST(effective_from AS DATE) <= run_date AS started,
                row_number() OVER (PARTITION BY parameter, run_date,
                    CAST(effective_from AS DATE) <= run_date
                    ORDER BY effective_from DESC, version DESC) AS recency
            FROM rows CROSS JOIN runs)
        SELECT parameter, run_date, value, effective_from, version, basis,
            started AND recency = 1 AS in_force
        FROM ranked""",
        [str(seed), RUN_DATES],
    )


def _districts(con: duckdb.DuckDBPyConnection) -> None:
    """marts.households: the district code of each household and run (display only)."""
    codes = {name: code for code, name in DISTRICT_NAMES.items()}
    con.execute(
        "CREATE TABLE marts.households (household_id VARCHAR, run_date DATE,"
        " district_code VARCHAR, member_count BIGINT)"
    )
    for run in RUN_DATES:
        for h in HOUSEHOLDS:
            con.execute(
                "INSERT INTO marts.households VALUES (?, ?, ?, ?)",
                [h.household_id, run, codes[h.district], len(h.members)],
            )


def build_sample_warehouse(path: Path) -> Path:
    """Write the sample warehouse to ``path`` (replaced if it exists) and return it."""
    path = Path(path)
    path.unlink(missing_ok=True)
    con = duckdb.connect(str(path))
    try:
        _ddl(con)
        _households(con)
        _details(con)
        _warnings_reviews_reports(con)
        _quality(con)
        _parameters(con)
        _districts(con)
    finally:
        con.close()
    return path


def write_sample_data_docs(dq_root: Path, run_date: date = LATEST) -> Path:
    """A minimal Data Docs index for one run, as the validation step writes it."""
    docs = Path(dq_root) / run_date.isoformat() / "data_docs"
    docs.mkdir(parents=True, exist_ok=True)
    index = docs / "index.html"
    index.write_text(
        "<!doctype html><html><head><meta charset='utf-8'><title>Data quality</title>"
        f"<style>body{{font-family:sans-serif}}</style></head><body><h1>Data quality, "
        f"deliveries of {run_date}</h1></body></html>",
        encoding="utf-8",
    )
    return index


def add_sample_night(
    path: Path,
    run_date: date,
    resolve: tuple[tuple[str, str], ...] = (),
    drop_reviews: tuple[str, ...] = (),
    refire: tuple[tuple[str, str], ...] = (),
) -> Path:
    """Add one more night to a sample warehouse: every table's newest night copied to
    ``run_date``; its warnings become ``ongoing`` (``resolve``: (household, code) pairs become
    ``resolved``; ``refire``: pairs fire again as ``new`` episodes starting tonight);
    ``drop_reviews``: review codes that do not fire tonight."""
    con = duckdb.connect(str(path))
    try:
        tables = con.execute(
            "SELECT table_schema, table_name FROM information_schema.columns"
            " WHERE column_name = 'run_date' AND table_schema = 'marts'"
        ).fetchall()
        for schema, table in tables:
            t = f'"{schema}"."{table}"'
            con.execute(
                f"INSERT INTO {t} SELECT * REPLACE (?::DATE AS run_date) FROM {t}"
                f" WHERE run_date = (SELECT max(run_date) FROM {t} WHERE run_date < ?::DATE)",
                [run_date, run_date],
            )
        w = "marts.return_to_poverty_warnings"
        con.execute(
            f"DELETE FROM {w} WHERE run_date = ? AND status = 'resolved'", [run_date]
        )  # a resolved warning is published on the night it resolves only
        con.execute(
            f"UPDATE {w} SET status = 'ongoing', last_seen = ? WHERE run_date = ?",
            [run_date, run_date],
        )
        for household_id, code in resolve:
            con.execute(
                f"UPDATE {w} SET status = 'resolved' WHERE run_date = ? AND household_id = ?"
                " AND warning_code = ?",
                [run_date, household_id, code],
            )
        for household_id, code in refire:
            con.execute(
                f"INSERT INTO {w} SELECT household_id, ?, warning_code, severity, 'new', ?, ?,"
                f" evidence FROM {w} WHERE household_id = ? AND warning_code = ?"
                " ORDER BY run_date DESC LIMIT 1",
                [run_date, run_date, run_date, household_id, code],
            )
        for code in drop_reviews:
            con.execute(
                "DELETE FROM marts.recipient_reviews WHERE run_date = ? AND review_code = ?",
                [run_date, code],
            )
    finally:
        con.close()
    return path


def publish_sample(warehouse_dir: Path, dq_root: Path | None = None) -> Path:
    """Publish the sample warehouse (and a Data Docs page) to try the app without a pipeline
    run; returns the published file."""
    from hedui.publish import publish, published_path

    with tempfile.TemporaryDirectory() as tmp:
        staging = build_sample_warehouse(Path(tmp) / "sample.duckdb")
        publish(staging, Path(warehouse_dir), LATEST.isoformat())
    write_sample_data_docs(Path(dq_root) if dq_root else Path(warehouse_dir).parent / "dq")
    return published_path(Path(warehouse_dir))


# --- the 京津冀 exchange (docs/exchange.md) ---------------------------------------------------

#: a Beijing member of request SQ2026110001 (answered) and a Hebei member of SQ2026110002
#: (overdue): the report names their regions
CROSS_REGION_MEMBERS = {
    "SQ2026110001": (_p("110105", 1984, 41, "孙丽", "other"), "110000", "found"),
    "SQ2026110002": (_p("130102", 1990, 52, "周杰", "other"), "130000", "overdue"),
}
#: marts.cross_region_waiting of the latest night: request, region, household, status,
#: members waiting, asked (days before LATEST), days waiting, overdue
CROSS_REGION_WAITING = [
    ("SQ2026110002", "130000", HOUSEHOLDS[1].household_id, "overdue", 1, 7, 7, True),
    ("SQ2026110003", "110000", None, "refused", 2, 3, 2, False),
    ("SQ2026110004", "130000", HOUSEHOLDS[3].household_id, "sent", 1, 1, 1, False),
]
#: marts.cross_region_partner_stats of the latest night
PARTNER_STATS = [
    ("110000", 5, 5, 3, 0, 1, 0, 1, 0.25, 1.5, 3),
    ("130000", 2, 2, 0, 0, 0, 1, 1, None, None, None),
]


def add_cross_region_sample(path: Path) -> Path:
    """Add the cross-region marts to a sample warehouse (latest night): requests waiting on a
    partner region, per-partner statistics, and the report rows of two members out of local
    coverage (one answered by Beijing, one overdue in Hebei)."""
    con = duckdb.connect(str(path))
    try:
        con.execute("""CREATE TABLE marts.cross_region_waiting (request_id VARCHAR,
            run_date DATE, region VARCHAR, household_id VARCHAR, query_status VARCHAR,
            members_waiting BIGINT, asked_on DATE, first_sent_at TIMESTAMP, days_waiting BIGINT,
            overdue BOOLEAN)""")
        for rid, region, household, status, n, ago, days, overdue in CROSS_REGION_WAITING:
            asked = LATEST - timedelta(ago)
            con.execute(
                "INSERT INTO marts.cross_region_waiting VALUES (?, ?, ?, ?, ?, ?, ?,"
                " ?::TIMESTAMP + INTERVAL 2 HOUR, ?, ?)",
                [rid, LATEST, region, household, status, n, asked, asked, days, overdue],
            )
        con.execute("""CREATE TABLE marts.cross_region_partner_stats (run_date DATE,
            region VARCHAR, queries_asked BIGINT, queries_sent BIGINT, answered BIGINT,
            not_found BIGINT, refused BIGINT, overdue BIGINT, pending BIGINT,
            refusal_rate DECIMAL(18,4), median_answer_days DECIMAL(18,2),
            max_answer_days BIGINT)""")
        for row in PARTNER_STATS:
            con.execute(
                "INSERT INTO marts.cross_region_partner_stats VALUES"
                " (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                [LATEST, *row],
            )
        con.execute("""CREATE TABLE marts.verification_report_members (request_id VARCHAR,
            run_date DATE, person_key VARCHAR, is_applicant BOOLEAN, authorized BOOLEAN,
            source VARCHAR, finding VARCHAR, records BIGINT, data_as_of DATE)""")
        for rid, (person, region, finding) in CROSS_REGION_MEMBERS.items():
            con.execute(
                "INSERT INTO restricted.identity VALUES (?, ?, ?)",
                [person.key, person.id_number, person.name],
            )
            con.execute(
                "INSERT INTO marts.household_members VALUES (?, ?, ?, ?, ?, NULL, 'request')",
                [rid, LATEST, person.key, person.relation, person.age],
            )
            found = finding == "found"
            con.execute(
                "INSERT INTO marts.verification_report_members VALUES"
                " (?, ?, ?, false, true, ?, ?, ?, ?)",
                [
                    rid,
                    LATEST,
                    person.key,
                    f"cross_region:{region}",
                    finding,
                    1 if found else None,
                    LATEST - timedelta(1) if found else None,
                ],
            )
        con.execute(
            "UPDATE marts.verification_reports SET complete = false,"
            " missing_sources = ['cross_region:130000'] WHERE request_id = 'SQ2026110002'"
        )
    finally:
        con.close()
    return path
