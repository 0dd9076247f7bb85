"""Validation outcomes on a landing with planted defects: quarantine, accounting, privacy."""

from __future__ import annotations

import json
import logging
import re
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from hedui.idnumbers import is_valid_id_number
from hedui.reason_codes import Reason as R
from hedui.registry import load_registry
from hedui.validation import validate_run
from hedui_testing.synthetic import (
    clean_table,
    duplicate,
    mutate,
    with_landing_columns,
    write_landing,
)

D = date(2026, 11, 27)
ROWS = 30
DAY = timedelta(days=1)


def _bad_check(value: str) -> str:
    return value[:17] + ("0" if value[17] != "0" else "1")


def _plants(tables: dict[str, pa.Table]) -> dict[str, tuple[dict, dict[int, str]]]:
    """Per source: (row changes, {row index: expected primary reason code})."""
    hk = tables["hukou"].to_pylist()
    tax = tables["tax"].to_pylist()
    med = tables["medical_claims"].to_pylist()
    stock = tables["stock"].to_pylist()
    fund = tables["fund"].to_pylist()
    estate = tables["real_estate"].to_pylist()
    marriage = tables["marriage"].to_pylist()
    plants = {
        "hukou": {
            1: ({"id_number": _bad_check(hk[1]["id_number"])}, R.ID_CHECKSUM),
            2: ({"gender": "2" if hk[2]["gender"] == "1" else "1"}, R.ID_MISMATCH),
            3: ({"birth_date": hk[3]["birth_date"] + DAY}, R.ID_MISMATCH),
            4: ({"household_no": "12345"}, R.FORMAT_INVALID),
            5: ({"district_code": "110101"}, R.FORMAT_INVALID),
            6: ({"status": "deceased", "status_date": None}, R.CONDITIONAL_REQUIRED),
            7: ({"birth_date": None, "_invalid": {"birth_date": "1990-02-30"}}, R.TYPE_INVALID),
            8: ({"name": None}, R.REQUIRED_MISSING),
            9: ({"relation_to_head": "boss"}, R.ENUM_INVALID),
            10: ({"status_date": D + 5 * DAY}, R.FUTURE_DATE),
        },
        "vehicle": {1: ({"purchase_price": Decimal("-1.00")}, R.NEGATIVE_AMOUNT)},
        "real_estate": {
            1: ({"share_ratio": Decimal("1.5")}, R.RANGE_INVALID),
            2: ({"share_ratio": Decimal("0.5")}, R.SHARE_SUM),
            3: ({"cert_no": estate[2]["cert_no"], "share_ratio": Decimal("0.4")}, R.SHARE_SUM),
        },
        "tax": {
            1: ({"period": "2020-01"}, R.PERIOD_OUT_OF_WINDOW),
            2: ({"period": "2026/05"}, R.TYPE_INVALID),
            3: ({"withholder_uscc": _bad_check(tax[3]["withholder_uscc"])}, R.USCC_CHECKSUM),
            4: ({"income": None, "_invalid": {"income": "12,3a"}}, R.TYPE_INVALID),
        },
        "social_insurance": {
            0: ({"item": "enterprise_pension"}, R.ENUM_INVALID),
            2: ({"amount": Decimal("-10")}, R.NEGATIVE_AMOUNT),
        },
        "market_entity": {1: ({"subscribed_capital": None}, R.CONDITIONAL_REQUIRED)},
        "employment": {1: ({"employer_uscc": "91120000ABCDEFGHIJ"}, R.USCC_CHECKSUM)},
        "housing_fund": {1: ({"period": f"{D:%Y-%m}"}, R.PERIOD_OUT_OF_WINDOW)},
        "death": {
            1: ({"death_date": D}, R.PERIOD_OUT_OF_WINDOW),
            2: ({"death_date": D + 3 * DAY}, R.FUTURE_DATE),
        },
        "disability": {1: ({"disability_grade": 7}, R.RANGE_INVALID)},
        "medical_claims": {
            1: ({"total_cost": med[1]["total_cost"] + 100}, R.TOTAL_MISMATCH),
            2: ({"fund_paid": Decimal("-5")}, R.NEGATIVE_AMOUNT),
            3: ({"settle_date": date(2024, 1, 1)}, R.PERIOD_OUT_OF_WINDOW),
        },
        "stock": {
            1: ({"market_value": stock[1]["market_value"] + 1}, R.TOTAL_MISMATCH),
            2: ({"quantity": -5}, R.NEGATIVE_AMOUNT),
        },
        "fund": {
            1: ({"market_value": fund[1]["market_value"] + Decimal("0.02")}, R.TOTAL_MISMATCH)
        },
        "marriage": {
            1: ({"event_date": D + DAY}, R.FUTURE_DATE),
            2: ({"party2_id_number": marriage[2]["party2_id_number"][:17]}, R.ID_CHECKSUM),
        },
        "education": {1: ({"tuition_per_year": None}, R.REQUIRED_MISSING)},
        "deposit": {1: ({"currency": "GBP"}, R.ENUM_INVALID)},
        "public_housing": {1: ({"monthly_subsidy": Decimal("-0.01")}, R.NEGATIVE_AMOUNT)},
        "assistance_roll": {1: ({"street_code": "12010100"}, R.FORMAT_INVALID)},
        "verification_request": {1: ({"requested_at": D - 90 * DAY}, R.PERIOD_OUT_OF_WINDOW)},
    }
    return {
        s: ({i: c for i, (c, _) in rows.items()}, {i: code for i, (_, code) in rows.items()})
        for s, rows in plants.items()
    }


DUPLICATES = {"vehicle": 4, "commercial_insurance": 3, "tax": 6}  # source -> copied row


@pytest.fixture(scope="module")
def landed(tmp_path_factory: pytest.TempPathFactory) -> dict:
    root = tmp_path_factory.mktemp("validation")
    # partner answers (category exchange) are verified against their signed delivered bytes and
    # the query log: synthetic rows cannot be; tests/test_exchange_flow.py covers them
    tables = {
        name: with_landing_columns(clean_table(src, ROWS, D), f"{name}-part1.csv")
        for name, src in load_registry().items()
        if src.category != "exchange"
    }
    expected: dict[tuple[str, int], str] = {}
    for name, (changes, codes) in _plants(tables).items():
        tables[name] = mutate(tables[name], changes)
        expected.update({(name, i + 2): str(code) for i, code in codes.items()})
    for name, index in DUPLICATES.items():
        tables[name] = duplicate(tables[name], index, ROWS + 2)
        expected[(name, index + 2)] = expected[(name, ROWS + 2)] = str(R.DUPLICATE_KEY)
    for name, table in tables.items():
        write_landing(root / "landing", name, D, table, parts=2 if name == "tax" else 1)
    return {"root": root, "tables": tables, "expected": expected}


@pytest.fixture(scope="module")
def run(landed: dict) -> dict:
    root = landed["root"]
    handler = _Capture()
    logger = logging.getLogger("hedui")
    logger.addHandler(handler)
    logger.setLevel(logging.DEBUG)
    try:
        result = validate_run(D, root / "landing", root / "validated", root / "dq")
    finally:
        logger.removeHandler(handler)
    return {"run": result, "log": "\n".join(handler.lines)}


class _Capture(logging.Handler):
    def __init__(self) -> None:
        super().__init__()
        self.lines: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.lines.append(self.format(record))


def test_every_planted_row_and_only_those_are_quarantined(landed: dict, run: dict) -> None:
    quarantine = pq.read_table(run["run"].quarantine_path).to_pylist()
    got = {(q["source"], q["line"]): q["reason_code"] for q in quarantine}
    assert got == landed["expected"]
    for q in quarantine:
        assert q["file"] == f"{q['source']}-part1.csv"
        assert q["run_date"] == D
        assert q["reason_codes"][0] == q["reason_code"]
        assert q["reason"]


def test_all_reason_codes_are_exercised(landed: dict) -> None:
    assert set(landed["expected"].values()) == {str(c) for c in R}


def test_secondary_codes_are_kept(run: dict) -> None:
    rows = pq.read_table(run["run"].quarantine_path).to_pylist()
    codes = {(q["source"], q["line"]): q["reason_codes"] for q in rows}
    assert codes[("real_estate", 3)] == ["RANGE_INVALID", "SHARE_SUM"]
    assert codes[("tax", 4)][0] == "TYPE_INVALID"
    assert "PERIOD_OUT_OF_WINDOW" in codes[("death", 4)]
    reasons = {(q["source"], q["line"]): q["reason"] for q in rows}
    assert "birth_date" in reasons[("hukou", 9)]


def test_accounting_and_dq_source_runs(landed: dict, run: dict) -> None:
    result = run["run"]
    dq = pq.read_table(result.dq_source_runs_path).to_pylist()
    assert len(dq) == 23
    for row in dq:
        assert row["status"] == "passed", row
        assert row["rows_landed"] == row["rows_loaded"] + row["rows_quarantined"]
        planted = sum(1 for s, _ in landed["expected"] if s == row["source"])
        assert row["rows_quarantined"] == planted
        # a night without partner answers is a normal night: passed, nothing to check
        assert (row["checks_evaluated"] > 0) == (row["source"] in landed["tables"])
        assert (row["checks_failed"] > 0) == (planted > 0)
        if row["source"] not in landed["tables"]:
            assert row["rows_landed"] == 0
            assert result.sources[row["source"]].validated_path is None
            continue
        validated = pq.read_table(result.sources[row["source"]].validated_path)
        assert validated.num_rows == row["rows_loaded"]
        assert validated.column_names == [
            *load_registry()[row["source"]].column_names,
            "_file",
            "_line",
        ]


def test_validated_rows_are_the_clean_ones(landed: dict, run: dict) -> None:
    path = run["run"].sources["hukou"].validated_path
    lines = set(pq.read_table(path)["_line"].to_pylist())
    bad = {line for s, line in landed["expected"] if s == "hukou"}
    assert lines == set(range(2, ROWS + 2)) - bad


ID_PATTERN = re.compile(r"[0-9]{17}[0-9X]")


def _texts(folder: Path) -> list[tuple[Path, str]]:
    out = []
    for path in folder.rglob("*"):
        if path.suffix == ".parquet":
            out.append((path, json.dumps(pq.read_table(path).to_pylist(), default=str)))
        elif path.is_file() and path.suffix != ".png":  # GX's shipped logo, not data
            out.append((path, path.read_text(encoding="utf-8")))
    return out


def test_no_identifiers_in_reports_results_or_logs(landed: dict, run: dict) -> None:
    from hedui.validation.docs import write_data_docs

    assert run["run"].docs_index is not None and run["run"].docs_index.exists()
    write_data_docs(run["run"])
    ids, names = set(), set()
    for name, table in landed["tables"].items():
        src = load_registry()[name]
        for column in src.id_columns + [c.name for c in src.columns if c.type == "uscc"]:
            ids |= {v for v in table[column].to_pylist() if v}
        if "name" in table.column_names:
            names |= {v for v in table["name"].to_pylist() if v}
    texts = [*_texts(landed["root"] / "dq"), (Path("log"), run["log"])]
    assert any(p.suffix == ".html" for p, _ in texts)
    assert run["log"]
    for path, text in texts:
        leaked = [v for v in ids | names if v in text]
        assert not leaked, f"{path}: {leaked[:3]}"
        valid = [m for m in ID_PATTERN.findall(text) if is_valid_id_number(m)]
        assert not valid, f"{path}: {valid[:3]}"


def test_hand_written_baseline_quarantines_the_same_rows(landed: dict, run: dict) -> None:
    from hedui.validation.baseline import run_baseline

    out = landed["root"] / "baseline"
    counts = run_baseline(landed["root"] / "landing", D, out)
    assert len(counts) == 22  # the baseline is hand-written for the 22 local sources
    theirs = pq.read_table(out / "quarantine.parquet").to_pylist()
    assert {(q["source"], q["line"]): q["reason_code"] for q in theirs} == landed["expected"]


EXTERNAL_URL = re.compile(r"""(?:https?:)?//[A-Za-z0-9.-]+\.[A-Za-z]{2,}""")


def test_data_docs_make_no_request_outside_the_intranet(run: dict) -> None:
    """Every generated Data Docs file (pages, index, shipped stylesheet) is free of external
    http(s) URLs; the pages keep GX's inline stylesheet, show its shipped logo and link back
    to the app."""
    from hedui.validation.docs import write_data_docs

    index = write_data_docs(run["run"])
    docs = index.parent
    files = [p for p in docs.rglob("*") if p.suffix in {".html", ".css"}]
    pages = [p for p in files if p.suffix == ".html" and p.name != "index.html"]
    assert pages, "no GX pages were rendered"
    for path in files:
        text = path.read_text(encoding="utf-8")
        assert not EXTERNAL_URL.search(text), (path.name, EXTERNAL_URL.search(text).group(0))
    for page in pages:
        text = page.read_text(encoding="utf-8")
        assert ".cooltip" in text and 'src="static/images/logo-long.png"' in text
        assert f'href="/dq/{run["run"].run_date}"' in text and "newsletter" not in text.lower()
    assert (docs / "static/images/logo-long.png").stat().st_size > 0
    assert f'href="/dq/{run["run"].run_date}"' in index.read_text(encoding="utf-8")
