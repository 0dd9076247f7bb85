"""Verification of source ``cross_region_answer`` inside its validation (exchange.md).

Answers are checked on the exact bytes delivered (the landing manifest names the delivery folder
and each file's sha256), since typing to the landing schema changes how numbers are written and
a signature covers the record as the partner wrote it. Refused answers get a reason code
(``hedui.exchange.verify.CODES``) and are quarantined like any bad row.
"""

from __future__ import annotations

import hashlib
import json
from datetime import date
from pathlib import Path
from typing import Any

import duckdb
import pyarrow as pa

from hedui.registry import Source

SOURCE = "cross_region_answer"
TABLE = "hd_verdicts"
CODE, REASON = "hd_vcode", "hd_vreason"


def _raw_records(landing_folder: Path) -> dict[tuple[str, int], dict[str, Any] | None]:
    """(file, line) -> parsed record of the delivered files, when they are still the bytes
    that were landed; a file that changed or vanished gives no records (all refused)."""
    manifest = json.loads((landing_folder / "manifest.json").read_text("utf-8"))
    inbox = (manifest.get("channel") or {}).get("inbox")
    if not inbox:
        return {}
    delivered = Path(inbox) / SOURCE / manifest["date"]
    out: dict[tuple[str, int], dict[str, Any] | None] = {}
    for entry in manifest.get("inputs") or []:
        path = delivered / entry["name"]
        if not path.is_file():
            continue
        data = path.read_bytes()
        if hashlib.sha256(data).hexdigest() != entry.get("sha256"):
            continue
        for number, line in enumerate(data.split(b"\n"), 1):
            if not line.strip():
                continue
            try:
                value = json.loads(line)
            except ValueError:
                value = None
            out[(entry["name"], number)] = value if isinstance(value, dict) else None
    return out


def add_verdicts(
    con: duckdb.DuckDBPyConnection,
    source: Source,
    run_date: date,
    files: list[Path],
    scan: str,
) -> bool:
    """Create temp table ``hd_verdicts(_file, _line, hd_vcode, hd_vreason)`` for the rows of an
    answer delivery; False for every other source."""
    if source.name != SOURCE or not files:
        return False
    from hedui.exchange.config import load_config
    from hedui.exchange.querylog import read_log
    from hedui.exchange.receive import unauthorized_for
    from hedui.exchange.verify import ANSWER_BAD_SIGNATURE, check_answers
    from hedui.warehouse.pseudonyms import PseudonymKeyError, pseudonym_key

    rows = con.execute(f"SELECT _file, _line FROM {scan}").fetchall()
    landing_folder = files[0].parent
    workspace = landing_folder.parent.parent.parent
    raw = _raw_records(landing_folder)
    present = [(f, n) for f, n in rows if (f, n) in raw]
    records = [raw[k] for k in present]
    missing = "answer: delivered file changed or missing since landing, cannot be verified"
    try:
        secret = pseudonym_key() if records else b""
    except PseudonymKeyError:
        present, records = [], []
        missing = "answer: HEDUI_PSEUDONYM_KEY is not set, the answer cannot be matched"
    verdicts = check_answers(
        records,
        read_log(workspace / "exchange" / "queries.parquet"),
        load_config(),
        secret,
        unauthorized_for(workspace / "validated", run_date, records),
    )
    by_key = dict(zip(present, verdicts, strict=True))
    codes, reasons = [], []
    for key in rows:
        verdict = by_key.get(key)
        codes.append(ANSWER_BAD_SIGNATURE if verdict is None else verdict.code)
        reasons.append(missing if verdict is None else (verdict.reason or None))
    table = pa.table(
        {
            "_file": pa.array([f for f, _ in rows], pa.string()),
            "_line": pa.array([n for _, n in rows], pa.int64()),
            CODE: pa.array(codes, pa.string()),
            REASON: pa.array(reasons, pa.string()),
        }
    )
    con.execute(f"DROP TABLE IF EXISTS {TABLE}")
    con.register("hd_verdicts_arrow", table)
    try:
        con.execute(f"CREATE TEMP TABLE {TABLE} AS SELECT * FROM hd_verdicts_arrow")
    finally:
        con.unregister("hd_verdicts_arrow")
    return True
