"""Source-level outcomes: failed landing, schema drift, empty, collapsed, missing and late."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from hedui.registry import get_source
from hedui.validation import LandingInfo, validate_run
from hedui_testing.synthetic import clean_table, with_landing_columns, write_landing

D = date(2026, 11, 27)


def _land(root: Path, source: str, day: date, rows: int, drop: str | None = None) -> None:
    table = with_landing_columns(clean_table(get_source(source), rows, day), f"{source}.csv")
    if drop:
        table = table.drop_columns([drop])
    write_landing(root / "landing", source, day, table)


def _run(root: Path, day: date, sources: list[str], statuses: dict | None = None):
    return validate_run(
        day,
        root / "landing",
        root / "validated",
        root / "dq",
        landing_statuses=statuses,
        sources=sources,
        render_docs=False,
    )


def _dq(run) -> dict[str, dict]:
    return {r["source"]: r for r in pq.read_table(run.dq_source_runs_path).to_pylist()}


def _quarantine(run) -> list[dict]:
    return pq.read_table(run.quarantine_path).to_pylist()


def test_failed_landing_is_failed_with_a_masked_message(tmp_path: Path) -> None:
    error = "schema drift: unexpected header 颜色 in 11010119900307123X.csv"
    run = _run(tmp_path, D, ["vehicle"], {"vehicle": {"status": "failed", "error": error}})
    row = _dq(run)["vehicle"]
    assert row["status"] == "failed"
    assert row["message"] == "landing failed: schema drift: unexpected header 颜色 in [masked].csv"
    assert (row["rows_landed"], row["rows_loaded"], row["rows_quarantined"]) == (0, 0, 0)


def test_landing_result_objects_are_accepted(tmp_path: Path) -> None:
    class LandingResult:
        status, error = "failed", "unreadable file"

    assert LandingInfo.coerce(LandingResult()) == LandingInfo("failed", "unreadable file")
    with pytest.raises(ValueError):
        LandingInfo.coerce("exploded")


def test_schema_drift_rejects_the_whole_delivery(tmp_path: Path) -> None:
    _land(tmp_path, "death", D, 20, drop="record_source")
    run = _run(tmp_path, D, ["death"])
    row = _dq(run)["death"]
    assert row["status"] == "failed"
    assert row["message"].startswith(
        "schema drift: columns missing from the delivery: record_source"
    )
    assert (row["rows_landed"], row["rows_loaded"], row["rows_quarantined"]) == (20, 0, 20)
    quarantine = _quarantine(run)
    assert {q["reason_code"] for q in quarantine} == {"DELIVERY_REJECTED"}
    assert sorted(q["line"] for q in quarantine) == list(range(2, 22))
    assert not (tmp_path / "validated" / "death" / D.isoformat()).exists()


def test_empty_delivery_fails(tmp_path: Path) -> None:
    _land(tmp_path, "bond", D, 0)
    row = _dq(_run(tmp_path, D, ["bond"]))["bond"]
    assert row["status"] == "failed"
    assert row["message"].startswith("empty delivery")
    assert row["rows_landed"] == row["rows_loaded"] + row["rows_quarantined"] == 0


def test_collapsed_delivery_fails_against_the_previous_one(tmp_path: Path) -> None:
    _land(tmp_path, "bond", D - timedelta(days=1), 100)
    _land(tmp_path, "bond", D, 40)
    run = _run(tmp_path, D, ["bond"])
    row = _dq(run)["bond"]
    assert row["status"] == "failed"
    assert row["message"].startswith(
        "collapsed delivery: 40 rows, outside the band 50-200 rows (50%-200% of the 100 rows "
        "delivered on 2026-11-26)"
    )
    assert (row["rows_landed"], row["rows_loaded"], row["rows_quarantined"]) == (40, 0, 40)
    assert row["checks_failed"] == 1
    assert {q["reason_code"] for q in _quarantine(run)} == {"DELIVERY_REJECTED"}


def test_a_delivery_inside_the_band_passes(tmp_path: Path) -> None:
    _land(tmp_path, "bond", D - timedelta(days=1), 100)
    _land(tmp_path, "bond", D, 60)
    row = _dq(_run(tmp_path, D, ["bond"]))["bond"]
    assert (row["status"], row["rows_loaded"], row["data_as_of"]) == ("passed", 60, D)


def test_missing_and_late(tmp_path: Path) -> None:
    earlier = D - timedelta(days=2)
    _land(tmp_path, "fund", earlier, 10)
    _land(tmp_path, "stock", D - timedelta(days=10), 10)
    _run(tmp_path, earlier, ["fund"])
    _run(tmp_path, D - timedelta(days=10), ["stock"])
    run = _run(tmp_path, D, ["fund", "stock", "bond"], {"stock": "not_delivered"})
    dq = _dq(run)
    assert dq["fund"]["status"] == "late"
    assert dq["fund"]["data_as_of"] == earlier
    assert dq["fund"]["message"] == (
        "no delivery for 2026-11-27; the validated delivery of 2026-11-25 (2 days old, "
        "freshness limit 3 days) stays in use"
    )
    assert dq["stock"]["status"] == "missing"
    assert "latest validated: 2026-11-17" in dq["stock"]["message"]
    assert dq["bond"]["status"] == "missing"
    assert run.unusable() == ["stock", "bond"]


def test_rerun_replaces_its_rows_and_keeps_other_sources(tmp_path: Path) -> None:
    _land(tmp_path, "bond", D, 10)
    _land(tmp_path, "fund", D, 10)
    _run(tmp_path, D, ["bond", "fund"])
    run = _run(tmp_path, D, ["bond"])
    dq = pq.read_table(run.dq_source_runs_path).to_pylist()
    assert sorted(r["source"] for r in dq) == ["bond", "fund"]
    assert (
        pq.read_table(tmp_path / "validated" / "bond" / D.isoformat() / "data.parquet").num_rows
        == 10
    )


def test_sources_validated_in_separate_processes_gather_into_one_run(tmp_path: Path) -> None:
    """The DAG validates each source in its own task; gathering is what makes the run."""
    import multiprocessing

    from hedui.validation import gather_run

    for source in ("death", "bond", "vehicle"):
        _land(tmp_path, source, D, 30)
    jobs = [
        (D, s, tmp_path / "landing", tmp_path / "validated", tmp_path / "dq")
        for s in ("death", "bond", "vehicle")
    ]
    ctx = multiprocessing.get_context("spawn")
    with ctx.Pool(3) as pool:
        outcomes = pool.starmap(_validate_one, jobs)
    assert outcomes == [("death", "passed"), ("bond", "passed"), ("vehicle", "passed")]
    run = gather_run(D, tmp_path / "dq", expected=["bond", "death", "vehicle"], render_docs=False)
    rows = _dq(run)
    assert sorted(rows) == ["bond", "death", "vehicle"]
    assert all(r["rows_loaded"] == 30 and r["status"] == "passed" for r in rows.values())
    with pytest.raises(FileNotFoundError, match="no validation outcome for hukou"):
        gather_run(D, tmp_path / "dq", expected=["death", "hukou"])


def test_revalidating_a_source_replaces_only_its_own_outcome(tmp_path: Path) -> None:
    _land(tmp_path, "death", D, 20)
    _land(tmp_path, "bond", D, 20)
    _run(tmp_path, D, ["death", "bond"])
    _land(tmp_path, "death", D, 20, drop="record_source")
    run = _run(tmp_path, D, ["death"])
    rows = _dq(run)
    assert (rows["death"]["status"], rows["bond"]["status"]) == ("failed", "passed")
    quarantine = _quarantine(run)
    assert {(q["source"], q["reason_code"]) for q in quarantine} == {("death", "DELIVERY_REJECTED")}
    assert len(quarantine) == 20


def _validate_one(day: date, source: str, landing: Path, validated: Path, dq: Path):
    from hedui.validation import validate_source

    outcome = validate_source(day, source, landing, validated, dq, threads=1)
    return outcome.source, outcome.status


def test_quarantined_rows_name_their_persons_in_the_validated_zone_only(tmp_path: Path) -> None:
    import pyarrow as pa

    table = with_landing_columns(clean_table(get_source("death"), 10, D), "death.csv")
    values = table.column("record_source").to_pylist()
    values[3] = "bogus"
    table = table.set_column(
        table.schema.get_field_index("record_source"), "record_source", pa.array(values)
    )
    write_landing(tmp_path / "landing", "death", D, table)
    run = _run(tmp_path, D, ["death"])
    assert _dq(run)["death"]["rows_quarantined"] == 1
    keys = tmp_path / "validated" / "death" / D.isoformat() / "quarantined_keys.parquet"
    named = table.column("id_number").to_pylist()[3]
    assert pq.read_table(keys).to_pylist() == [{"key_kind": "person", "key": named}]
    dq_bytes = b"".join(p.read_bytes() for p in (tmp_path / "dq").rglob("*") if p.is_file())
    assert named.encode() not in dq_bytes
