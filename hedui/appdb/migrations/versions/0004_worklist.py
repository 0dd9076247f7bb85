"""Worklist: tasks (one per warning / review / outreach episode), their history, and the nights
synced from the published warehouse.

hedui_app may read, insert and update tasks and task_sync, and read and insert task_history
(never change or delete a history row); hedui_audit_reader may read all three.

Revision ID: 0004
Revises: 0003
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

TS = sa.DateTime(timezone=True)
ID = sa.BigInteger().with_variant(sa.Integer, "sqlite")


def upgrade() -> None:
    op.create_table(
        "tasks",
        sa.Column("id", ID, primary_key=True, autoincrement=True),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("subject", sa.String(64), nullable=False),
        sa.Column("code", sa.String(32), nullable=False),
        sa.Column("episode", sa.Date, nullable=False),
        sa.Column("district_code", sa.String(12)),
        sa.Column("severity", sa.String(12)),
        sa.Column("source_status", sa.String(16), nullable=False),
        sa.Column("first_run", sa.Date, nullable=False),
        sa.Column("last_run", sa.Date, nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("assignee", sa.String(40)),
        sa.Column("outcome", sa.String(16)),
        sa.Column("outcome_note", sa.String(1000)),
        sa.Column("due_date", sa.Date, nullable=False),
        sa.Column("created_at", TS, nullable=False),
        sa.Column("updated_at", TS, nullable=False),
        sa.Column("closed_at", TS),
        sa.UniqueConstraint("kind", "subject", "code", "episode", name="tasks_identity"),
        sa.CheckConstraint("kind IN ('warnings', 'reviews', 'outreach')", name="tasks_kind"),
        sa.CheckConstraint("status IN ('open', 'in_progress', 'closed')", name="tasks_status"),
        sa.CheckConstraint(
            "outcome IS NULL OR outcome IN ('confirmed', 'adjusted', 'dismissed')",
            name="tasks_outcome",
        ),
    )
    op.create_index("tasks_list", "tasks", ["kind", "status", "due_date"])
    op.create_index("tasks_assignee", "tasks", ["assignee", "status"])
    op.create_table(
        "task_history",
        sa.Column("id", ID, primary_key=True, autoincrement=True),
        sa.Column("task_id", sa.BigInteger, sa.ForeignKey("tasks.id"), nullable=False),
        sa.Column("at", TS, nullable=False),
        sa.Column("username", sa.String(40), nullable=False),
        sa.Column("action", sa.String(16), nullable=False),
        sa.Column("from_status", sa.String(16)),
        sa.Column("to_status", sa.String(16)),
        sa.Column("detail", sa.Text, nullable=False),
    )
    op.create_index("task_history_task", "task_history", ["task_id", "id"])
    op.create_table(
        "task_sync",
        sa.Column("kind", sa.String(16), primary_key=True),
        sa.Column("run_date", sa.Date, primary_key=True),
        sa.Column("synced_at", TS, nullable=False),
        sa.Column("created", sa.Integer, nullable=False),
        sa.Column("updated", sa.Integer, nullable=False),
    )
    if op.get_bind().dialect.name == "postgresql":
        op.execute("GRANT SELECT, INSERT, UPDATE ON tasks, task_sync TO hedui_app")
        op.execute("GRANT SELECT, INSERT ON task_history TO hedui_app")
        op.execute("GRANT USAGE ON SEQUENCE tasks_id_seq, task_history_id_seq TO hedui_app")
        op.execute("GRANT SELECT ON tasks, task_history, task_sync TO hedui_audit_reader")


def downgrade() -> None:
    for table in ("task_sync", "task_history", "tasks"):
        op.drop_table(table)
