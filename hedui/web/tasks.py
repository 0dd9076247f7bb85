"""Worklist tasks as the web and the exports show them: labels, columns, export rows."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from hedui.web.explain import SEVERITY_LABELS, explain
from hedui.web.formatting import BEIJING, beijing, district_label
from hedui.web.masking import scrub_ids
from hedui.worklist.store import Task

KINDS = {
    "warnings": "返贫预警任务 Warning tasks",
    "reviews": "复核任务 Review tasks",
    "outreach": "主动发现任务 Outreach tasks",
}
TASK_STATUS = {
    "open": "待处理 open",
    "in_progress": "处理中 in progress",
    "closed": "已办结 closed",
}
OUTCOME_LABELS = {
    "confirmed": "属实 confirmed",
    "adjusted": "已调整 adjusted",
    "dismissed": "不属实 dismissed",
}
SOURCE_STATUS = {
    "new": "新增 new",
    "ongoing": "持续 ongoing",
    "resolved": "已解除 resolved",
    "gone": "已不在名单 no longer listed",
}
COLUMNS = (
    "id",
    "subject",
    "district_code",
    "code",
    "severity",
    "source_status",
    "status",
    "assignee",
    "outcome",
    "outcome_note",
    "episode",
    "due_date",
    "overdue",
)
LABELS = {
    "id": "任务号 Task",
    "subject": "户号/案件 Household / case",
    "district_code": "行政区划 District",
    "code": "事项 Item",
    "severity": "等级 Severity",
    "source_status": "本期状态 Tonight",
    "status": "办理状态 Status",
    "assignee": "经办人 Assignee",
    "outcome": "核实结果 Outcome",
    "outcome_note": "说明 Note",
    "episode": "起始 Since",
    "due_date": "期限 Due",
    "overdue": "逾期 Overdue",
    "updated_at": "更新 Updated",
    "last_run": "最近一期 Last night listed",
}


def today_beijing() -> date:
    """Today's date in Beijing (due dates and overdue are Beijing dates)."""
    return datetime.now(BEIJING).date()


SORTS = ("due_date", "severity", "subject", "code", "status", "assignee", "episode")


def show(task: Task, column: str, today: date) -> str:
    """One cell of a task as a person reads it."""
    if column == "overdue":
        return "逾期 overdue" if task.overdue(today) else ""
    value: Any = getattr(task, column)
    if value is None:
        return "—"
    if column == "district_code":
        return district_label(value)
    if column == "code":
        return "主动发现 outreach" if value == "outreach" else f"{value} {explain(value).label}"
    if column == "severity":
        return f"{SEVERITY_LABELS.get(value, value)} {value}"
    if column == "status":
        return TASK_STATUS.get(value, value)
    if column == "source_status":
        return SOURCE_STATUS.get(value, value)
    if column == "outcome":
        return OUTCOME_LABELS.get(value, value)
    if isinstance(value, datetime):
        return beijing(value)
    return str(value)


def export_table(tasks: list[Task], today: date) -> tuple[list[str], list[list[str]]]:
    header = [LABELS[c] for c in COLUMNS]
    return header, [[scrub_ids(show(t, c, today)) for c in COLUMNS] for t in tasks]
