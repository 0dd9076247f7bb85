"""One benchmark stage, run in its own process: prints a JSON line with seconds and peak RSS."""

from __future__ import annotations

import json
import resource
import shutil
import sys
import time
from datetime import date
from pathlib import Path

import duckdb

from hedui.registry import load_registry


def _generate(work: Path, persons: int, day: date) -> dict:
    from hedui.generator.city import generate_city

    inbox = work / "inbox"
    shutil.rmtree(inbox, ignore_errors=True)
    result = generate_city(persons=persons, seed=7, run_date=day, out=inbox)
    return {"rows": result.total_rows}


def _land(work: Path, persons: int, day: date) -> dict:
    from hedui.landing import land_all

    results = land_all(day, work / "inbox", work / "landing")
    return {"rows": sum(r.rows or 0 for r in results),
            "failed": [r.source for r in results if r.status != "landed"]}


def _land_baseline(work: Path, persons: int, day: date) -> dict:
    """DuckDB's own readers copying every (non-xlsx) delivery to Parquet: the floor for landing."""
    out = work / "land_baseline"
    shutil.rmtree(out, ignore_errors=True)
    out.mkdir(parents=True)
    con = duckdb.connect()
    rows = 0
    for s in load_registry().values():
        folder = work / "inbox" / s.name / str(day)
        files = sorted(str(p) for p in folder.glob(f"*.{s.format}"))
        if not files or s.format == "xlsx":
            continue
        if s.format == "csv":
            if s.encoding == "gbk":  # DuckDB reads GBK only through a downloaded extension
                files = [_to_utf8(Path(f), out) for f in files]
            rel = f"read_csv({files}, all_varchar=true, header=true)"
        elif s.format == "parquet":
            rel = f"read_parquet({files})"
        else:
            rel = f"read_json({files}, format='newline_delimited')"
        target = out / f"{s.name}.parquet"
        con.sql(f"COPY (SELECT * FROM {rel}) TO '{target}' (FORMAT parquet)")
        rows += con.execute(f"SELECT count(*) FROM '{target}'").fetchall()[0][0]
    return {"rows": rows}


def _validate(work: Path, persons: int, day: date) -> dict:
    from hedui.validation import validate_run

    shutil.rmtree(work / "validated", ignore_errors=True)
    run = validate_run(day, work / "landing", work / "validated", work / "dq", render_docs=False)
    return {"rows": sum(s.rows_landed for s in run.sources.values()),
            "quarantined": sum(s.rows_quarantined for s in run.sources.values())}


def _validate_baseline(work: Path, persons: int, day: date) -> dict:
    """The same checks hand-written as plain DuckDB SQL: the floor for validation."""
    from hedui.validation.baseline import run_baseline

    shutil.rmtree(work / "validate_baseline", ignore_errors=True)
    run_baseline(work / "landing", day, work / "validate_baseline", None, None)
    return {}


def _fresh(path: Path) -> Path:
    shutil.rmtree(path.parent, ignore_errors=True)
    path.parent.mkdir(parents=True)
    return path


def _build(work: Path, persons: int, day: date) -> dict:
    """Load the raw layer and run ``dbt build`` (models, unit tests and data tests)."""
    from hedui.warehouse import build_warehouse

    target = _fresh(work / "build" / "warehouse.duckdb")
    _, built = build_warehouse(day, work / "validated", work / "dq", target,
                               target_path=work / "dbt-target")
    built.raise_for_failure()
    return {"models": sum(1 for k in built.statuses if k.startswith("model."))}


def _build_baseline(work: Path, persons: int, day: date) -> dict:
    """The same load, then the same model SQL as one plain DuckDB script (no dbt)."""
    from hedui.warehouse.load import load_duckdb
    from hedui.warehouse.sql_script import run_script, script_statements

    target = _fresh(work / "build_baseline" / "warehouse.duckdb")
    load_duckdb(target, day, work / "validated", work / "dq")
    statements = script_statements(work / "dbt-target")
    run_script(target, statements)
    return {"statements": len(statements)}


def _to_utf8(path: Path, out: Path) -> str:
    target = out / f"{path.parent.parent.name}-{path.name}"
    target.write_bytes(path.read_bytes().decode("gbk").encode("utf-8"))
    return str(target)


STAGE_FUNCS = {
    "generate": _generate,
    "land": _land,
    "land_baseline": _land_baseline,
    "validate": _validate,
    "validate_baseline": _validate_baseline,
    "build": _build,
    "build_baseline": _build_baseline,
}


def main(argv: list[str]) -> None:
    stage, work, persons, day = argv[0], Path(argv[1]), int(argv[2]), date.fromisoformat(argv[3])
    start = time.perf_counter()
    extra = STAGE_FUNCS[stage](work, persons, day)
    seconds = time.perf_counter() - start
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps({"seconds": seconds, "peak_rss_mb": peak_mb, "extra": extra}))


if __name__ == "__main__":
    main(sys.argv[1:])
