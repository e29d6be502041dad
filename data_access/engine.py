"""Engine and session lifecycle; callers own the session, query functions only use it."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import Engine, create_engine, event, inspect, select
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session, sessionmaker

from . import read_tables  # noqa: F401 - registers the read model's tables with Base
from .models import Base, Meta


class DatabaseUnavailable(RuntimeError):
    """The database cannot be reached or has no board schema yet."""


def make_engine(url: str) -> Engine:
    """Create an engine; for SQLite make the folder, enable foreign keys and WAL for concurrent readers."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        if parsed.database and parsed.database != ":memory:":
            Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url, connect_args={"timeout": 30})

        @event.listens_for(engine, "connect")
        def _sqlite_pragmas(dbapi_conn, _record):  # noqa: ANN001 - DBAPI types
            cur = dbapi_conn.cursor()
            cur.execute("PRAGMA foreign_keys=ON")
            cur.execute("PRAGMA journal_mode=WAL")
            cur.close()

        return engine
    return create_engine(url, pool_pre_ping=True)


# 6: users, wall_tokens, audit_log; 7: managed by Alembic (data_access/migrations), read model. A table or column
# change is a new migration; a demo database of another version is rebuilt by `board demo --if-missing`.
SCHEMA_VERSION = "7"


def init_db(engine: Engine) -> None:
    """Create the tables of a new database (stamped at the newest migration); an existing one must be at this
    release's revision (`board upgrade-db` brings an older one there) and only gets tables it lacks."""
    from . import migrate

    fresh = not inspect(engine).has_table("meta")
    if not fresh:
        migrate.check(engine)
    Base.metadata.create_all(engine)
    if fresh:
        with engine.begin() as conn:
            conn.execute(Meta.__table__.insert(), [{"key": "schema_version", "value": SCHEMA_VERSION}])
        migrate.stamp_head(engine)


def schema_version(engine: Engine) -> str | None:
    """The schema version a database was created with (None for an empty or pre-versioning database)."""
    if not inspect(engine).has_table("meta"):
        return None
    with engine.connect() as conn:
        return conn.scalar(select(Meta.value).where(Meta.key == "schema_version"))


@contextmanager
def session_scope(engine: Engine) -> Iterator[Session]:
    """A session committed on success and rolled back on error."""
    session = sessionmaker(engine, expire_on_commit=False)()
    try:
        yield session
        session.commit()
    except Exception:
        session.rollback()
        raise
    finally:
        session.close()
