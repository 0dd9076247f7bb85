"""Tables of the application database (SQLAlchemy Core). The migrations create them; this module
is what the code reads and writes through. A new feature (e.g. the worklist) adds its tables here
and one migration in ``migrations/versions``."""

from __future__ import annotations

from sqlalchemy import (
    BigInteger,
    Boolean,
    Column,
    Date,
    DateTime,
    Integer,
    MetaData,
    String,
    Table,
    Text,
)

metadata = MetaData()

users = Table(
    "users",
    metadata,
    Column("username", String(40), primary_key=True),
    Column("role", String(16), nullable=False),
    Column("grants", String(200), nullable=False, default=""),  # extra permissions, comma list
    Column("password_hash", String(200), nullable=False),
    Column("active", Boolean, nullable=False, default=True),
    Column("must_change_password", Boolean, nullable=False, default=False),
    Column("session_version", Integer, nullable=False, default=1),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("updated_at", DateTime(timezone=True), nullable=False),
)

#: append-only (no UPDATE/DELETE: triggers on SQLite, grants and triggers on PostgreSQL)
audit_log = Table(
    "audit_log",
    metadata,
    Column("seq", BigInteger, primary_key=True, autoincrement=False),
    Column("at", String(40), nullable=False),
    Column("username", String(64), nullable=False),
    Column("role", String(16), nullable=False),
    Column("action", String(64), nullable=False),
    Column("target", String(200), nullable=False),
    Column("purpose", String(300)),
    Column("authorization_no", String(100)),
    Column("row_count", BigInteger),
    Column("outcome", String(32), nullable=False),
    Column("detail", Text, nullable=False),
    Column("prev_hash", String(64), nullable=False),
    Column("hash", String(64), nullable=False),
)

#: chain head and record count after every append; the app's role may only INSERT here
audit_anchor = Table(
    "audit_anchor",
    metadata,
    Column(
        "id", BigInteger().with_variant(Integer, "sqlite"), primary_key=True, autoincrement=True
    ),
    Column("records", BigInteger, nullable=False),
    Column("head", String(64), nullable=False),
    Column("at", String(40), nullable=False),
    implicit_returning=False,  # RETURNING needs SELECT, which the app's role does not have
)

#: back-off and rate-limit counters shared by every worker (key: "login:ip:…", "rate:user:…")
throttle = Table(
    "throttle",
    metadata,
    Column("key", String(200), primary_key=True),
    Column("count", Integer, nullable=False),
    Column("window_start", DateTime(timezone=True), nullable=False),
    Column("blocked_until", DateTime(timezone=True)),
)

#: CLI tokens issued by an admin; only the SHA-256 of the secret is stored
api_tokens = Table(
    "api_tokens",
    metadata,
    Column("token_id", String(32), primary_key=True),
    Column("secret_hash", String(64), nullable=False),
    Column("username", String(40), nullable=False),
    Column("issued_by", String(40), nullable=False),
    Column("issued_at", DateTime(timezone=True), nullable=False),
    Column("expires_at", DateTime(timezone=True), nullable=False),
    Column("revoked", Boolean, nullable=False, default=False),
)

#: worklist tasks (hedui.worklist): one per warning / review / outreach episode; staff state only
tasks = Table(
    "tasks",
    metadata,
    Column(
        "id", BigInteger().with_variant(Integer, "sqlite"), primary_key=True, autoincrement=True
    ),
    Column("kind", String(16), nullable=False),  # warnings | reviews | outreach
    Column("subject", String(64), nullable=False),  # household_id (warnings, outreach) | case_no
    Column("code", String(32), nullable=False),  # warning_code | review_code | tier (outreach)
    Column("episode", Date, nullable=False),  # first night of the episode (warnings: first_seen)
    Column("district_code", String(12)),
    Column("severity", String(12)),
    Column("source_status", String(16), nullable=False),  # new | ongoing | resolved | gone
    Column("first_run", Date, nullable=False),
    Column("last_run", Date, nullable=False),  # last night the warehouse had it
    Column("status", String(16), nullable=False),  # open | in_progress | closed
    Column("assignee", String(40)),
    Column("outcome", String(16)),  # confirmed | adjusted | dismissed
    Column("outcome_note", String(1000)),
    Column("due_date", Date, nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("updated_at", DateTime(timezone=True), nullable=False),
    Column("closed_at", DateTime(timezone=True)),
)

#: every change of a task: who, when, what (append-only by grant on PostgreSQL)
task_history = Table(
    "task_history",
    metadata,
    Column(
        "id", BigInteger().with_variant(Integer, "sqlite"), primary_key=True, autoincrement=True
    ),
    Column("task_id", BigInteger, nullable=False),
    Column("at", DateTime(timezone=True), nullable=False),
    Column("username", String(40), nullable=False),
    Column("action", String(16), nullable=False),
    Column("from_status", String(16)),
    Column("to_status", String(16)),
    Column("detail", Text, nullable=False),
)

#: the published nights already turned into tasks, per kind (a claim: one sync per night)
task_sync = Table(
    "task_sync",
    metadata,
    Column("kind", String(16), primary_key=True),
    Column("run_date", Date, primary_key=True),
    Column("synced_at", DateTime(timezone=True), nullable=False),
    Column("created", Integer, nullable=False),
    Column("updated", Integer, nullable=False),
)
