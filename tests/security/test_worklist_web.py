"""Worklist pages: staff only, CSRF on every change, every change audited, exports exact."""

from __future__ import annotations

import csv
import io
from datetime import date

from sec_deploy import Deployment, login, token_of

from hedui.web.tasks import today_beijing
from hedui_testing.web_sample import HOUSEHOLDS


def _task_id(client, code: str) -> int:  # type: ignore[no-untyped-def]
    html = client.get(f"/tasks/warnings?code={code}").text
    marker = 'data-task="'
    assert html.count(marker) == 1, html
    return int(html.split(marker)[1].split('"')[0])


def test_staff_work_a_task_and_every_change_is_audited(fresh: Deployment) -> None:
    staff = login(fresh.app, "staff1")
    tid = _task_id(staff, "W_INCOME_DROP")
    token = token_of(staff)
    # no token, or an auditor: refused, nothing changed
    r = staff.post(f"/task/{tid}/assign", data={"assignee": "me"}, follow_redirects=False)
    assert r.status_code == 403
    auditor = login(fresh.app, "audit1")
    assert auditor.get("/tasks/warnings").status_code == 403
    r = auditor.post(f"/task/{tid}/close", data={"csrf": token_of(auditor)}, follow_redirects=False)
    assert r.status_code == 403
    assert fresh.last("access.denied").target == f"/task/{tid}/close"
    # an admin (no household economics) may not be given household tasks
    r = staff.post(f"/task/{tid}/assign", data={"assignee": "admin1", "csrf": token})
    assert "may not work on household tasks" in r.text
    assert fresh.last("task.assign").outcome == "refused"

    r = staff.post(f"/task/{tid}/close", data={"csrf": token})
    assert "record the outcome before closing" in r.text
    assert fresh.last("task.close").outcome == "refused"
    staff.post(f"/task/{tid}/assign", data={"assignee": "me", "csrf": token})
    staff.post(
        f"/task/{tid}/outcome",
        data={"outcome": "adjusted", "note": "已调整救助金额", "csrf": token},
    )
    page = staff.post(f"/task/{tid}/close", data={"csrf": token}).text
    assert 'data-status="closed"' in page and "已调整 adjusted" in page
    records = [fresh.last(f"task.{a}") for a in ("assign", "outcome", "close")]
    assert [(r.username, r.target, r.outcome) for r in records] == [
        ("staff1", f"task:{tid}", "ok")
    ] * 3
    assert records[0].detail_dict["assignee"] == "staff1"
    assert records[2].detail_dict["status"] == "closed"

    house = staff.get(f"/household/{HOUSEHOLDS[0].household_id}").text
    assert f'<a href="/task/{tid}">#{tid} W_INCOME_DROP · closed · staff1 · 2026-11-28</a>' in house
    board = staff.get("/dashboard").text  # the figures link to the tasks behind them
    assert '<a href="/tasks/warnings?status=active">2</a>' in board
    due = [date(2026, 12, 3), date(2026, 12, 12)]  # W_MEDICAL, W_JOB_LOSS (not closed)
    overdue = sum(d < today_beijing() for d in due)
    assert f'<a href="/tasks/warnings?overdue=1">{overdue}</a>' in board
    mine = staff.get("/tasks/mine?status=").text
    assert f'data-task="{tid}"' in mine and mine.count("data-task=") == 1

    body = staff.get("/tasks/warnings/export.csv?status=closed").content.decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(body)))
    assert rows[1:] == [
        [
            str(tid),
            HOUSEHOLDS[0].household_id,
            "和平区",
            "W_INCOME_DROP 收入骤降",
            "红色 red",
            "持续 ongoing",
            "已办结 closed",
            "staff1",
            "已调整 adjusted",
            "已调整救助金额",
            "2026-11-25",
            "2026-11-28",
            "",
        ]
    ]
    assert fresh.last("export.tasks.warnings").row_count == 1
    # the auditor's view of the task actions: newest first, refusals included
    body = auditor.get("/audit/export.csv?action=task.").content.decode("utf-8-sig")
    assert [(r[4], r[9]) for r in list(csv.reader(io.StringIO(body)))[1:]] == [
        ("task.close", "ok"),
        ("task.outcome", "ok"),
        ("task.assign", "ok"),
        ("task.close", "refused"),
        ("task.assign", "refused"),
    ]


def test_the_audit_log_pages_and_exports(fresh: Deployment) -> None:
    from hedui.web.audit import AuditEvent

    for n in range(120):
        fresh.audit.append(AuditEvent("staff1", "staff", "test.filler", f"t{n}"))
    auditor = login(fresh.app, "audit1")
    assert login(fresh.app, "staff1").get("/audit/export.csv").status_code == 403
    html = auditor.get("/audit?action=test.&page=2").text
    assert "共 120 条" in html and "第 2 / 2 页" in html and "显示第 101–120 条" in html
    assert html.count("<td><code>test.filler</code></td>") == 20
    assert ">t19<" in html and ">t0<" in html and ">t20<" not in html  # the 20 oldest

    body = auditor.get("/audit/export.csv?action=test.").content.decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(body)))
    assert rows[0][:3] == ["序号 No.", "时间 When (北京时间)", "用户 Who"]
    assert [r[5] for r in rows[1:]] == [f"t{n}" for n in reversed(range(120))]
    assert rows[1][1].endswith("北京时间")
    assert fresh.last("export.audit_log").row_count == 120
    assert fresh.last("export.audit_log").target == "action=test."

    from openpyxl import load_workbook

    xlsx = auditor.get("/audit/export.xlsx?username=staff1&action=test.").content
    sheet = [[c.value for c in r] for r in load_workbook(io.BytesIO(xlsx)).active.iter_rows()]
    assert len(sheet) == 121 and sheet[1][5] == "t119" and sheet[-1][5] == "t0"
    assert fresh.audit.verify().ok


def test_the_cli_works_a_task_signed_in_and_audited(fresh: Deployment) -> None:
    import json

    from typer.testing import CliRunner

    from hedui.cli import app as cli_app

    env = {"HEDUI_AUDIT_KEY": "a" * 40, "HEDUI_WEB_SECRET": "s" * 40, "HEDUI_TOKEN": ""}

    def run(*args: str, user: str | None = "staff1"):  # type: ignore[no-untyped-def]
        signed = ["--user", user] if user else []
        return CliRunner().invoke(
            cli_app,
            ["tasks", args[0], "--warehouse", str(fresh.config.warehouse_dir), *args[1:], *signed],
            env={**env, "HEDUI_USER": ""},
            input="staff-pass-123\n" if user else "",
        )

    r = run("sync", user=None)
    assert r.exit_code == 0, r.output
    assert "warnings: 3 new, 0 updated" in r.output and "reviews: 2 new" in r.output
    r = run("list", user=None)
    assert r.exit_code == 2 and "refused" in r.output  # no password: refused
    r = run("list", "--json")
    assert r.exit_code == 0, r.output
    tasks = json.loads(r.output[r.output.index("[") :])
    red = next(t for t in tasks if t["severity"] == "红色 red")
    assert run("close", red["id"]).exit_code == 1  # no outcome yet
    assert run("assign", red["id"]).exit_code == 0
    r = run("outcome", red["id"], "dismissed", "--note", "入户核实：误报")
    assert r.exit_code == 0, r.output
    r = run("close", red["id"])
    assert r.exit_code == 0 and "closed (staff1, dismissed)" in r.output
    r = run("list", "--status", "closed", "--json")
    closed = json.loads(r.output[r.output.index("[") :])
    assert [(t["id"], t["status"], t["outcome_note"]) for t in closed] == [
        (red["id"], "已办结 closed", "入户核实：误报")
    ]
    assert [
        (rec.action, rec.outcome, rec.detail_dict["client"])
        for rec in reversed(fresh.audit.records(4, action="task."))
    ] == [
        ("task.close", "refused", "cli"),
        ("task.assign", "ok", "cli"),
        ("task.outcome", "ok", "cli"),
        ("task.close", "ok", "cli"),
    ]
