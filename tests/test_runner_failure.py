"""`hedui run` says why a night failed: the failed task, its error message and the log path."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from hedui.alerts import task_failed
from hedui.audit import AuditError, audit_warehouse
from hedui.runner import explain_failure, failed_tasks


def test_the_failed_task_and_its_error_are_named(tmp_path: Path, capsys) -> None:
    task_failed(
        "hedui_nightly",
        "build",
        "manual__2026-11-27",
        1,
        "RuntimeError('HEDUI_PSEUDONYM_KEY is not set')",
    )
    task_failed("hedui_nightly", "source.validate", "manual__2026-11-27", 1, "")
    printed = capsys.readouterr().out
    log = tmp_path / "run-2026-11-27.log"
    # the alert line appears twice in a run log (stdout and the logging handler)
    log.write_text("[DAG TEST] starting task_id=build\n" + printed + printed, encoding="utf-8")
    assert [a["task_id"] for a in failed_tasks(log.read_text())] == ["build", "source.validate"]
    assert explain_failure("failed", log).splitlines() == [
        "DAG run ended failed",
        "  task build failed: RuntimeError('HEDUI_PSEUDONYM_KEY is not set')",
        "  task source.validate failed: no message",
        f"  log: {log}",
    ]


def test_a_run_without_a_recorded_failure_still_points_at_the_log(tmp_path: Path) -> None:
    log = tmp_path / "run.log"
    log.write_text("nothing useful\nHEDUI ALERT {not json\n", encoding="utf-8")
    assert explain_failure("failed", log).splitlines() == [
        "DAG run ended failed",
        "  no task failure was recorded (the run did not finish its tasks)",
        f"  log: {log}",
    ]


def test_a_failed_build_is_refused_with_its_dbt_failures(tmp_path: Path) -> None:
    """A failed dbt build exports no staging file: the audit names the build's failures, it
    does not fail on the file that is not there."""
    with pytest.raises(AuditError, match="model int_household_figures: Out of Memory"):
        audit_warehouse(
            tmp_path / "never-exported.duckdb",
            date(2026, 11, 27),
            build_ok=False,
            build_summary="model int_household_figures: Out of Memory Error",
        )
    assert not (tmp_path / "never-exported.duckdb").exists()
