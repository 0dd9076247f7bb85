"""The application database: what people write (users, the audit trail and its anchor, session
versions, throttle state, CLI tokens, worklist tasks: hedui/worklist).

One schema (:mod:`hedui.appdb.schema`), migrated with Alembic (``hedui/appdb/migrations``), on
PostgreSQL in production and SQLite as the embedded default. Configured by URL:
``HEDUI_APP_DB_URL``, else ``sqlite:///<state_dir>/app.sqlite``.
"""

from hedui.appdb.engine import AppDB, app_db_url, upgrade

__all__ = ["AppDB", "app_db_url", "upgrade"]
