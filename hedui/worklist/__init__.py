"""Worklists: warnings, reviews and outreach candidates as tasks staff work through.

A task (application database, never the published warehouse) is one *episode* of a warehouse
item: ``kind`` + ``subject`` (household_id; case_no for reviews) + ``code`` + ``episode`` (the
night it started firing). :mod:`hedui.worklist.sync` turns each published night into tasks,
:mod:`hedui.worklist.store` lists them and records what staff do (assign, outcome, close,
reopen) with a status history. See docs/worklists.md.
"""

from hedui.worklist.due import DueRules
from hedui.worklist.store import TaskError, TaskStore
from hedui.worklist.sync import ensure_synced, sync_night

__all__ = ["DueRules", "TaskError", "TaskStore", "ensure_synced", "sync_night"]
