"""Bench: compiled GX validation vs the same checks hand-written in DuckDB SQL.

:func:`bench` times (a) ``validate_run`` without Data Docs (compile, DuckDB pass, GX result
objects, JSON, validated/quarantine/dq parquet), (b) Data Docs rendering on its own and (c) the
hand-written baseline (:mod:`hedui.validation.baseline`), each the median of ``repeat`` runs,
and checks that both produce the same quarantine.
"""

from __future__ import annotations

import shutil
import statistics
import tempfile
import time
from dataclasses import asdict, dataclass
from datetime import date
from pathlib import Path

import numpy as np
import pyarrow as pa

from hedui import duck
from hedui.registry import get_source
from hedui.validation.baseline import run_baseline
from hedui.validation.docs import write_data_docs
from hedui.validation.run import validate_run


@dataclass
class BenchResult:
    """Median seconds of each side, their ratio, and whether both quarantined the same rows."""

    rows: int
    validation_s: float
    docs_s: float
    baseline_s: float
    ratio: float
    same_quarantine: bool
    repeat: int

    def as_dict(self) -> dict:
        return asdict(self)


def _same_quarantine(ours: Path, theirs: Path) -> bool:
    con = duck.connect()
    try:
        query = "SELECT source, line, reason_code FROM read_parquet('{}')"
        diff = con.execute(
            f"SELECT count(*) FROM (({query.format(ours)} EXCEPT ALL {query.format(theirs)}) "
            f"UNION ALL ({query.format(theirs)} EXCEPT ALL {query.format(ours)}))"
        ).fetchone()
    finally:
        con.close()
    return diff is not None and diff[0] == 0


def bench(
    landing_root: Path,
    run_date: date,
    repeat: int = 3,
    work_dir: Path | None = None,
    sources: list[str] | None = None,
    threads: int | None = None,
) -> BenchResult:
    """Time validation, Data Docs and the baseline over the landing of ``run_date``."""
    work = Path(work_dir or tempfile.mkdtemp(prefix="hedui-bench-"))
    validation, docs, baseline = [], [], []
    run = None
    for _ in range(repeat):
        shutil.rmtree(work, ignore_errors=True)
        start = time.perf_counter()
        run = validate_run(
            run_date,
            landing_root,
            work / "validated",
            work / "dq",
            sources=sources,
            render_docs=False,
            threads=threads,
        )
        validation.append(time.perf_counter() - start)
        start = time.perf_counter()
        write_data_docs(run)
        docs.append(time.perf_counter() - start)
        start = time.perf_counter()
        run_baseline(landing_root, run_date, work / "baseline", threads, sources)
        baseline.append(time.perf_counter() - start)
    assert run is not None
    rows = sum(s.rows_landed for s in run.sources.values())
    same = _same_quarantine(run.quarantine_path, work / "baseline" / "quarantine.parquet")
    v, b = statistics.median(validation), statistics.median(baseline)
    return BenchResult(rows, v, statistics.median(docs), b, v / b, same, repeat)


def make_big_landing(root: Path, run_date: date, rows: int, source: str = "tax") -> Path:
    """A large landed delivery of one source (default tax) with ~0.1% planted defects.

    Its synthetic rows come from ``hedui_testing.synthetic``, a development module the wheel
    does not ship: the bench runs from a checkout (``make bench``).
    """
    from hedui_testing.synthetic import clean_table, mutate, with_landing_columns, write_landing

    src = get_source(source)
    chunk = 1_000_000
    tables = []
    for start in range(0, rows, chunk):
        n = min(chunk, rows - start)
        table = with_landing_columns(clean_table(src, n, run_date, offset=start), f"{source}.jsonl")
        tables.append(table)
    table = pa.concat_tables(tables)
    table = table.set_column(
        table.schema.get_field_index("_line"), "_line", pa.array(np.arange(1, rows + 1))
    )
    rng = np.random.default_rng(7)
    picks = rng.choice(rows, size=max(1, rows // 1000), replace=False)
    head = table.slice(0, 0)
    bad = mutate(table.take(pa.array(picks)), {i: {"id_number": "1"} for i in range(len(picks))})
    keep = np.ones(rows, dtype=bool)
    keep[picks] = False
    table = pa.concat_tables([head, table.filter(pa.array(keep)), bad])
    return write_landing(root, source, run_date, table)
