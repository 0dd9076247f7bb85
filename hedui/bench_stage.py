"""One benchmark stage, run in its own process: prints a JSON line with seconds and peak RSS."""

from __future__ import annotations

import json
import os
import resource
import shutil
import sys
import time
from datetime import date
from pathlib import Path

import polars as pl

from hedui import duck
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
    return {
        "rows": sum(r.rows or 0 for r in results),
        "failed": [r.source for r in results if r.status != "landed"],
    }


def _land_baseline(work: Path, persons: int, day: date, *, xlsx: bool = False) -> dict:
    """DuckDB's own readers copying every (non-xlsx) delivery to Parquet: the floor for landing.

    With ``xlsx`` the XLSX deliveries are read too (calamine, as DuckDB has no built-in reader):
    every delivery file read once, the floor for the whole night.
    """
    out = work / ("floor" if xlsx else "land_baseline")
    shutil.rmtree(out, ignore_errors=True)
    out.mkdir(parents=True)
    con = duck.connect()
    rows = 0
    for s in load_registry().values():
        folder = work / "inbox" / s.name / str(day)
        files = sorted(str(p) for p in folder.glob(f"*.{s.format}"))
        if not files:
            continue
        if s.format == "xlsx":
            if xlsx:
                rows += sum(pl.read_excel(f, infer_schema_length=0).height for f in files)
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


def _floor(work: Path, persons: int, day: date) -> dict:
    return _land_baseline(work, persons, day, xlsx=True)


def _night(work: Path, persons: int, day: date) -> dict:
    """The whole night as ``hedui run`` runs it (the DAG via dag.test: extract -> publish)."""
    from hedui.pipeline import RunContext
    from hedui.publish import published_path
    from hedui.runner import run_nightly

    ws = work / "night"
    shutil.rmtree(ws, ignore_errors=True)
    ctx = RunContext.create(day, workspace=ws, inbox=work / "inbox", warehouse=ws / "warehouse")
    state = run_nightly(ctx)
    if state != "success":
        raise RuntimeError(f"the night ended {state}; see {ws / 'logs'}")
    size = published_path(ws / "warehouse").stat().st_size
    return {"warehouse_mb": round(size / 2**20, 1)}


def _validate(work: Path, persons: int, day: date) -> dict:
    from hedui.validation import validate_run

    shutil.rmtree(work / "validated", ignore_errors=True)
    run = validate_run(day, work / "landing", work / "validated", work / "dq", render_docs=False)
    return {
        "rows": sum(s.rows_landed for s in run.sources.values()),
        "quarantined": sum(s.rows_quarantined for s in run.sources.values()),
    }


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
    _, built = build_warehouse(
        day, work / "validated", work / "dq", target, target_path=work / "dbt-target"
    )
    built.raise_for_failure()
    return {"models": sum(1 for k in built.statuses if k.startswith("model."))}


def _build_spark(work: Path, persons: int, day: date) -> dict:
    """The build stage on local Spark (session mode, ``HEDUI_SPARK_MEMORY``, default 2g): the
    raw layer as external Parquet tables, then the same ``dbt build``."""
    from hedui.warehouse.dbt_runner import dbt_build
    from hedui.warehouse.spark import SparkSettings, connect, load_spark, local_conf, stop_session

    spark_dir = _fresh(work / "build_spark" / "spark")
    memory = os.environ.get("HEDUI_SPARK_MEMORY", "2g")
    conf = local_conf(spark_dir, driver_memory=memory, partitions=8)
    settings = SparkSettings(conf=tuple(sorted(conf.items())))
    try:
        with connect(settings) as spark:
            load_spark(spark, day, work / "validated", work / "dq", spark_dir.parent / "raw")
            built = dbt_build(
                day, target="spark", spark=settings.env(), target_path=work / "dbt-target-spark"
            )
    finally:
        stop_session()
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


def _publish(work: Path, persons: int, day: date) -> dict:
    """Export the build stage's warehouse and publish it into a fresh warehouse directory:
    the bytes one night adds (its night files) and the published file's size."""
    from hedui.publish import publish, published_path
    from hedui.warehouse.nights import night_bytes, read_manifest
    from hedui.warehouse.publishable import export_published

    staging = _fresh(work / "publish" / "staging.duckdb")
    export_published(work / "build" / "warehouse.duckdb", staging)
    warehouse = work / "publish" / "warehouse"
    publish(staging, warehouse, str(day))
    manifest = read_manifest(published_path(warehouse))
    return {
        "rows": sum(n.rows for n in manifest if n.run_date == str(day)),
        "night_bytes": night_bytes(warehouse, manifest, str(day)),
        "published_bytes": published_path(warehouse).stat().st_size,
    }


def _simulate(work: Path, persons: int, day: date) -> dict:
    """A fresh sandbox (load, baseline build) and a two-step reform raising the dibao standard
    by 5 % and then 10 % (of the seed's value on the run date): every result table."""
    from decimal import Decimal

    from hedui.simulation.reform import empty_reform, in_force, parse_reform, read_seed
    from hedui.simulation.run import simulate_night

    current = in_force(read_seed(), empty_reform(), day, day).values["dibao_standard"]
    first = date(day.year + day.month // 12, day.month % 12 + 1, 1)
    steps = [(first, Decimal("1.05")), (date(first.year + 1, 1, 1), Decimal("1.10"))]
    rows = "".join(
        f"  - {{parameter: dibao_standard, value: {(current * k).quantize(1)}, "
        f"effective_from: {when}}}\n"
        for when, k in steps
    )
    reform = parse_reform(f"reform: bench\nversion: '1'\nrows:\n{rows}", day)
    sandbox = _fresh(work / "simulate" / "sandbox" / "sandbox.duckdb").parent
    result = simulate_night(
        reform, day, work / "validated", work / "dq", sandbox, published_version="bench"
    )
    return {
        "rows": result.tables["households"].height,
        "seconds": {k: round(v, 1) for k, v in result.seconds.items()},
    }


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
    "build_spark": _build_spark,
    "publish": _publish,
    "simulate": _simulate,
    "night": _night,
    "floor": _floor,
}


def main(argv: list[str]) -> None:
    stage, work, persons, day = argv[0], Path(argv[1]), int(argv[2]), date.fromisoformat(argv[3])
    # the bench city is synthetic: its pseudonyms need a key, not the deployment's secret
    os.environ.setdefault("HEDUI_PSEUDONYM_KEY", "bench-only-key-not-a-secret")
    start = time.perf_counter()
    extra = STAGE_FUNCS[stage](work, persons, day)
    seconds = time.perf_counter() - start
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps({"seconds": seconds, "peak_rss_mb": peak_mb, "extra": extra}))


if __name__ == "__main__":
    main(sys.argv[1:])
