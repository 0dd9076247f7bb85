"""PostgreSQL roles: ``hedui_app`` (what the web app and CLI act as) and ``hedui_audit_reader``.

hedui_app may read and write users, throttle and api_tokens; SELECT and INSERT on audit_log;
only INSERT on audit_anchor (it cannot read, change or delete an anchor). Verification reads the
anchor as the schema owner or as hedui_audit_reader (SELECT on both audit tables). Both roles are
NOLOGIN: grant them to login roles (hedui/web/README.md). Nothing to do on SQLite.

Revision ID: 0002
Revises: 0001
"""

from __future__ import annotations

from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

ROLES = ("hedui_app", "hedui_audit_reader")


def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    for role in ROLES:  # roles are cluster-wide: several databases may share them
        op.execute(
            f"DO $$ BEGIN CREATE ROLE {role} NOLOGIN; "
            "EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL; END $$"
        )
    op.execute("GRANT USAGE ON SCHEMA public TO hedui_app, hedui_audit_reader")
    op.execute("GRANT SELECT, INSERT, UPDATE ON users, throttle, api_tokens TO hedui_app")
    op.execute("GRANT DELETE ON throttle TO hedui_app")
    op.execute("GRANT SELECT, INSERT ON audit_log TO hedui_app")
    op.execute("GRANT INSERT ON audit_anchor TO hedui_app")
    op.execute("GRANT USAGE ON SEQUENCE audit_anchor_id_seq TO hedui_app")
    op.execute("GRANT SELECT ON alembic_version TO hedui_app, hedui_audit_reader")
    op.execute("GRANT SELECT ON audit_log, audit_anchor TO hedui_audit_reader")


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute("REVOKE ALL ON users, throttle, api_tokens, audit_log, audit_anchor FROM hedui_app")
    op.execute("REVOKE ALL ON audit_log, audit_anchor FROM hedui_audit_reader")
