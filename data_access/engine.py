"""Engine and session lifecycle; callers own the session, query functions only use it."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
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
    engine = create_engine(url, pool_pre_ping=True)

    @event.listens_for(engine, "connect", insert=True)
    def _postgres_session(dbapi_conn, _record):  # noqa: ANN001 - DBAPI types
        # JIT pays off for long CPU-bound queries only: the row counts of a province's reads are large enough to
        # trigger it, and compiling took 2.8 s of a past day's 2 s open-stage query (EXPLAIN ANALYZE, 1 M cases)
        autocommit = dbapi_conn.autocommit
        dbapi_conn.autocommit = True
        with dbapi_conn.cursor() as cur:
            cur.execute("SET jit = off")
        dbapi_conn.autocommit = autocommit

    return engine


# 6: users, wall_tokens, audit_log; 7: managed by Alembic (data_access/migrations), read model; 8: outbox claims; 9: the
# drill-down index in every database; 10: the two unread stage indexes by finish day gone; 11: open bands of cases and
# stages (data_access/spans.py); 12: covering case indexes; 13: cases.replied_on; 14: the held_daily rollup.
# A table or column change is a new migration; a demo database of another version is rebuilt by `board demo
# --if-missing`.
SCHEMA_VERSION = "14"


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


# the open read snapshot of this request or view, per context (threads and requests never share one)
_SNAPSHOT: ContextVar[tuple[Engine, object] | None] = ContextVar("board_read_snapshot", default=None)


@contextmanager
def read_snapshot(engine: Engine) -> Iterator[None]:
    """Every read inside sees one committed state of the database, so a view computed while an import commits
    shows the old data or the new, never parts of both, and is cached under the data version it read.

    One connection in one read-only transaction: REPEATABLE READ on PostgreSQL; on SQLite an explicit BEGIN (the
    driver would otherwise run each SELECT in its own transaction) with query_only on, so a write that strays in
    fails loudly instead of being rolled back with the snapshot. Re-entered, it is the same snapshot."""
    current = _SNAPSHOT.get()
    if current is not None and current[0] is engine:
        yield
        return
    with engine.connect() as conn:
        sqlite = conn.dialect.name == "sqlite"
        if not sqlite:
            conn.execution_options(isolation_level="REPEATABLE READ", postgresql_readonly=True)
        tx = conn.begin()
        try:
            if sqlite:
                conn.exec_driver_sql("PRAGMA query_only=ON")
                conn.exec_driver_sql("BEGIN")
            token = _SNAPSHOT.set((engine, conn))
            try:
                yield
            finally:
                _SNAPSHOT.reset(token)
        finally:
            if tx.is_active:  # a failed statement inside may have ended it already
                tx.rollback()
            if sqlite:  # the connection goes back to the pool: writable again
                conn.exec_driver_sql("PRAGMA query_only=OFF")


@contextmanager
def outside_snapshot() -> Iterator[None]:
    """Leave the read snapshot of the running context: the reads inside open their own connections. For work handed
    to another thread, which must not share this context's one connection (DBAPI connections are not thread-safe)."""
    token = _SNAPSHOT.set(None)
    try:
        yield
    finally:
        _SNAPSHOT.reset(token)


@contextmanager
def session_scope(engine: Engine, write: bool = False) -> Iterator[Session]:
    """A session committed on success and rolled back on error. Inside a read snapshot a reading session joins
    it; `write=True` (sign-ins, the audit log) always gets a connection and transaction of its own."""
    current = _SNAPSHOT.get()
    if current is not None and current[0] is engine and not write:
        session = Session(bind=current[1], join_transaction_mode="rollback_only", expire_on_commit=False)
        try:
            yield session
            session.flush()  # a stray write reaches the read-only transaction and fails there, loudly
        finally:
            session.close()
        return
    session = sessionmaker(engine, expire_on_commit=False)()
    try:
        yield session
        session.commit()
    except Exception:
        session.rollback()
        raise
    finally:
        session.close()
