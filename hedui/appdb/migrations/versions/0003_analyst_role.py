"""The analyst role (policy simulation: hedui/simulation, the /simulate page).

Revision ID: 0003
Revises: 0002
"""

from __future__ import annotations

from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

OLD = "role IN ('staff', 'auditor', 'admin')"
NEW = "role IN ('staff', 'auditor', 'admin', 'analyst')"


def _replace_check(condition: str) -> None:
    # batch mode recreates the table on SQLite (no ALTER of a CHECK there)
    with op.batch_alter_table("users", recreate="auto") as batch:
        batch.drop_constraint("users_role", type_="check")
        batch.create_check_constraint("users_role", condition)


def upgrade() -> None:
    _replace_check(NEW)


def downgrade() -> None:
    _replace_check(OLD)
