"""Open the application database by URL and bring its schema to the newest migration."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine, create_engine, event, make_url

MIGRATIONS = Path(__file__).parent / "migrations"


def app_db_url(state_dir: Path | str) -> str:
    """``HEDUI_APP_DB_URL``, else the embedded SQLite file ``<state_dir>/app.sqlite``."""
    return os.environ.get("HEDUI_APP_DB_URL") or f"sqlite:///{Path(state_dir).resolve()}/app.sqlite"


def _private_file(url: str) -> None:
    """Create a SQLite file 0600 (inside a 0700 folder) before SQLite creates it 0644."""
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite" or not parsed.database:
        return
    path = Path(parsed.database)
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    if not path.exists():
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT, 0o600))


def _alembic_config(url: str) -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    cfg.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return cfg


def upgrade(url: str) -> None:
    """Run every migration not yet applied (as the URL's own login: the schema owner)."""
    _private_file(url)
    command.upgrade(_alembic_config(url), "head")


def make_engine(url: str, role: str | None = None) -> Engine:
    """An engine; SQLite gets a busy timeout and foreign keys, PostgreSQL ``SET ROLE role``."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        _private_file(url)
        engine = create_engine(url, connect_args={"timeout": 30})

        @event.listens_for(engine, "connect")
        def _sqlite_pragmas(dbapi_con, _record) -> None:  # type: ignore[no-untyped-def]
            dbapi_con.execute("PRAGMA foreign_keys = ON")

        return engine
    engine = create_engine(url, pool_pre_ping=True)
    if role:

        @event.listens_for(engine, "connect")
        def _set_role(dbapi_con, _record) -> None:  # type: ignore[no-untyped-def]
            with dbapi_con.cursor() as cur:
                cur.execute(f'SET ROLE "{role}"')
            dbapi_con.commit()

    return engine


@dataclass
class AppDB:
    """A connection pool to the application database at the newest schema."""

    url: str
    engine: Engine

    @property
    def dialect(self) -> str:
        return self.engine.dialect.name

    @classmethod
    def open(cls, url: str, role: str | None = None, migrate: bool = True) -> AppDB:
        """Open ``url``; migrate it first (as the URL's login) unless ``migrate`` is False.

        ``role`` (or ``HEDUI_APP_DB_ROLE``): the PostgreSQL role the application acts as, e.g.
        ``hedui_app`` (INSERT-only on the audit anchor; see migrations 0002)."""
        if migrate:
            upgrade(url)
        engine = make_engine(url, role or os.environ.get("HEDUI_APP_DB_ROLE") or None)
        db = cls(url, engine)
        if not migrate:
            db.check_current()
        return db

    def check_current(self) -> None:
        """Raise unless the schema is at the newest migration."""
        head = ScriptDirectory.from_config(_alembic_config(self.url)).get_current_head()
        with self.engine.connect() as con:
            current = MigrationContext.configure(con).get_current_revision()
        if current != head:
            raise RuntimeError(
                f"application database at revision {current}, code expects {head}: "
                "run `hedui app-db upgrade`"
            )
