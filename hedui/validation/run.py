"""Validate each source's delivery for one date, gate it, record its outcome; gather the run."""

from __future__ import annotations

import json
import logging
import os
import shutil
from collections.abc import Mapping
from datetime import date
from pathlib import Path
from typing import Any

from hedui.registry import get_source, is_exchange, source_names
from hedui.validation import gating as g
from hedui.validation.engine import connect, validate_delivery
from hedui.validation.outcomes import RunValidation, SourceValidation
from hedui.validation.privacy import mask
from hedui.validation.records import write_dq_source_runs, write_quarantine

log = logging.getLogger("hedui.validation")


def _not_delivered(name: str, run_date: date, validated_root: Path, why: str) -> SourceValidation:
    if is_exchange(name):  # partners answer only outstanding queries: silence is normal
        return SourceValidation(
            name, run_date, "passed", f"{why}: no answers from partner regions tonight"
        )
    limit = g.freshness_days(name)
    previous = g.latest_validated(validated_root, name, run_date)
    if previous is not None and (run_date - previous).days <= limit:
        age = (run_date - previous).days
        return SourceValidation(
            name,
            run_date,
            "late",
            f"{why}; the validated delivery of {previous} ({age} days old, freshness limit "
            f"{limit} days) stays in use",
            data_as_of=previous,
        )
    latest = f"latest validated: {previous}" if previous else "no earlier validated delivery"
    return SourceValidation(
        name, run_date, "missing", f"{why}, none within the {limit}-day freshness limit ({latest})"
    )


def _validate_source(
    con: Any,
    name: str,
    run_date: date,
    info: g.LandingInfo | None,
    roots: tuple[Path, Path, Path],
    parts_dir: Path,
) -> SourceValidation:
    landing_root, validated_root, dq_root = roots
    source = get_source(name)
    folder = g.landing_dir(landing_root, name, run_date)
    files = g.data_files(folder)
    manifest = g.read_manifest(folder)
    schema_hash = manifest.get("schema_hash")
    if info is not None and info.status == "failed":
        error = mask(info.error) or "no detail"
        return SourceValidation(
            name, run_date, "failed", f"landing failed: {error}", schema_hash=schema_hash
        )
    if not files:
        if info is not None and info.status == "landed" and manifest.get("row_count") == 0:
            return SourceValidation(
                name, run_date, "failed", "empty delivery: 0 rows", schema_hash=schema_hash
            )
        if info is not None and info.status == "landed":
            return SourceValidation(
                name,
                run_date,
                "failed",
                "landing reported the delivery landed but no data file was found",
                schema_hash=schema_hash,
            )
        return _not_delivered(name, run_date, validated_root, f"no delivery for {run_date}")
    band = (
        g.Band(1, None, "at least 1 row (answers vary with the queries asked)")
        if source.category == "exchange"
        else g.row_count_band(landing_root, dq_root, name, run_date)
    )
    validated = Path(validated_root) / name / run_date.isoformat() / "data.parquet"
    run = validate_delivery(
        con,
        source,
        run_date,
        files,
        band.min_rows,
        band.max_rows,
        validated,
        parts_dir / f"{name}.parquet",
        band.text,
        manifest.get("delivered_types") or {},
    )
    result_path = parts_dir.parent / "validations" / f"{name}.json"
    result_path.parent.mkdir(parents=True, exist_ok=True)
    result_path.write_text(
        json.dumps(run.suite_result.to_json_dict(), indent=1, default=str), encoding="utf-8"
    )
    stats = run.suite_result.statistics
    out = SourceValidation(
        name,
        run_date,
        "passed" if run.failure is None else "failed",
        "",
        rows_landed=run.rows_landed,
        rows_loaded=run.rows_loaded,
        rows_quarantined=run.rows_quarantined,
        checks_evaluated=stats["evaluated_expectations"],
        checks_failed=stats["unsuccessful_expectations"],
        schema_hash=schema_hash,
        reason_counts=run.reason_counts,
        result_path=result_path,
    )
    if run.failure is None:
        out.data_as_of, out.validated_path = run_date, validated
        detail = ", ".join(f"{k} {v}" for k, v in run.reason_counts.items())
        out.message = (
            f"{run.rows_loaded} rows loaded, {run.rows_quarantined} quarantined ({detail})"
            if run.rows_quarantined
            else f"all {run.rows_loaded} rows loaded"
        )
    else:
        out.message = f"{run.failure}; all {run.rows_landed} rows quarantined"
    return out


def outcomes_dir(dq_root: Path, run_date: date) -> Path:
    """Per-source outcomes of one run date: ``<name>.json`` and ``<name>.parquet`` (quarantine)."""
    return Path(dq_root) / run_date.isoformat() / "sources"


def _write_json(payload: dict[str, Any], path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(json.dumps(payload, indent=1, default=str), encoding="utf-8")
    os.replace(tmp, path)


def validate_source(
    run_date: date,
    name: str,
    landing_root: Path,
    validated_root: Path,
    dq_root: Path,
    landing_status: Any = None,
    *,
    con: Any = None,
    threads: int | None = None,
) -> SourceValidation:
    """Validate one source's delivery of ``run_date`` and write its own outputs only.

    Writes ``validated/<name>/<date>/``, ``dq/<date>/sources/<name>.{json,parquet}`` and
    ``dq/<date>/validations/<name>.json``, so sources can be validated concurrently (one
    Airflow task each); :func:`gather_run` then assembles the run's dq tables.
    ``landing_status`` is the landing outcome (see :class:`~hedui.validation.gating.LandingInfo`);
    without it the landing folder decides.
    """
    get_source(name)
    info = None if landing_status is None else g.LandingInfo.coerce(landing_status)
    parts = outcomes_dir(dq_root, run_date)
    parts.mkdir(parents=True, exist_ok=True)
    for stale in (parts / f"{name}.json", parts / f"{name}.parquet"):
        stale.unlink(missing_ok=True)
    shutil.rmtree(Path(validated_root) / name / run_date.isoformat(), ignore_errors=True)
    roots = (Path(landing_root), Path(validated_root), Path(dq_root))
    own = con is None
    con = connect(threads) if own else con
    try:
        outcome = _validate_source(con, name, run_date, info, roots, parts)
    finally:
        if own:
            con.close()
    _write_json(outcome.to_json(), parts / f"{name}.json")
    log.info(
        "%s %s: %s (landed %d, loaded %d, quarantined %d, failed checks %d/%d)",
        name,
        run_date,
        outcome.status,
        outcome.rows_landed,
        outcome.rows_loaded,
        outcome.rows_quarantined,
        outcome.checks_failed,
        outcome.checks_evaluated,
    )
    return outcome


def gather_run(
    run_date: date,
    dq_root: Path,
    *,
    expected: list[str] | None = None,
    render_docs: bool = True,
) -> RunValidation:
    """Assemble the per-source outcomes of ``run_date`` into dq_source_runs, quarantine and Data
    Docs (every source validated for the date so far, in registry order).

    ``expected`` names sources that must have an outcome; a missing one is an error, never a
    silently absent row.
    """
    parts = outcomes_dir(dq_root, run_date)
    recorded = {p.stem for p in parts.glob("*.json")} if parts.exists() else set()
    absent = [n for n in expected or [] if n not in recorded]
    if absent:
        raise FileNotFoundError(
            f"no validation outcome for {', '.join(absent)} on {run_date} in {parts}"
        )
    names = [n for n in source_names() if n in recorded]
    results = {
        n: SourceValidation.from_json(json.loads((parts / f"{n}.json").read_text("utf-8")))
        for n in names
    }
    run = RunValidation(run_date, Path(dq_root) / run_date.isoformat(), results)
    write_dq_source_runs([r.record() for r in results.values()], run.dq_source_runs_path)
    quarantine = [parts / f"{n}.parquet" for n in names if (parts / f"{n}.parquet").exists()]
    write_quarantine(quarantine, run.quarantine_path)
    if render_docs:
        from hedui.validation.docs import write_data_docs

        write_data_docs(run)
    return run


def validate_run(
    run_date: date,
    landing_root: Path,
    validated_root: Path,
    dq_root: Path,
    landing_statuses: Mapping[str, Any] | None = None,
    sources: list[str] | None = None,
    *,
    render_docs: bool = True,
    threads: int | None = None,
) -> RunValidation:
    """Validate the deliveries of ``run_date`` (every source, or ``sources``) in this process,
    then gather the run's dq outputs (outcomes of sources not validated now are kept).

    ``landing_statuses`` maps a source to its landing outcome (a status string landed |
    not_delivered | failed, a dict or a LandingResult with status/error); without an entry the
    landing folder decides (data present: landed, else not delivered).
    """
    names = list(sources or source_names())
    statuses = dict(landing_statuses or {})
    con = connect(threads)
    try:
        for name in names:
            validate_source(
                run_date, name, landing_root, validated_root, dq_root, statuses.get(name), con=con
            )
    finally:
        con.close()
    return gather_run(run_date, dq_root, expected=names, render_docs=render_docs)
