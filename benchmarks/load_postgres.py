"""Copy a board database from SQLite into PostgreSQL with COPY (the benchmark database at 1 M cases), not through
the row-by-row importer: every table of the board, in key order, then `board refresh` can run on PostgreSQL.

    python benchmarks/load_postgres.py --sqlite /work/bench1m/board.sqlite \
        --postgres postgresql+psycopg://postgres@127.0.0.1:5432/board1m

The target database is created when missing and its board tables are replaced. Prints rows and seconds per table.
"""

from __future__ import annotations

import argparse
import sqlite3
import time

import psycopg
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from data_access.engine import SCHEMA_VERSION, init_db
from data_access.models import Base

BATCH = 100_000
SKIP = {"rm_state", "rm_case", "rm_stage", "rm_week_overdue", "rm_blob"}  # the read model is rebuilt there


def ensure_database(url: str) -> None:
    parsed = make_url(url)
    admin = create_engine(parsed.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        if not conn.scalar(text("SELECT 1 FROM pg_database WHERE datname = :n"), {"n": parsed.database}):
            conn.execute(text(f'CREATE DATABASE "{parsed.database}"'))
    admin.dispose()


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--sqlite", required=True)
    p.add_argument("--postgres", required=True)
    args = p.parse_args()
    source = sqlite3.connect(args.sqlite)
    found = source.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone()
    if not found or found[0] != SCHEMA_VERSION:  # its tables would not be this release's
        version = found and found[0]
        raise SystemExit(f"{args.sqlite} 的结构版本为 {version}，本版本为 {SCHEMA_VERSION}：先运行 board upgrade-db")
    ensure_database(args.postgres)
    engine = create_engine(args.postgres)
    Base.metadata.drop_all(engine)
    init_db(engine)
    with engine.begin() as conn:
        conn.execute(text("DELETE FROM meta"))
    dsn = make_url(args.postgres).set(drivername="postgresql").render_as_string(hide_password=False)
    total = time.perf_counter()
    with psycopg.connect(dsn) as pg:
        for table in Base.metadata.sorted_tables:
            if table.name in SKIP:
                continue
            t0 = time.perf_counter()
            cols = [c.name for c in table.columns]
            bools = {i for i, c in enumerate(table.columns) if c.type.python_type is bool}
            cur = source.execute(f"SELECT {', '.join(cols)} FROM {table.name}")
            n = 0
            with pg.cursor() as pc, pc.copy(f"COPY {table.name} ({', '.join(cols)}) FROM STDIN") as copy:
                while rows := cur.fetchmany(BATCH):
                    for row in rows:
                        if bools:  # SQLite keeps booleans as 0/1
                            row = tuple(bool(v) if i in bools and v is not None else v for i, v in enumerate(row))
                        copy.write_row(row)
                    n += len(rows)
            if "id" in cols and table.c.id.autoincrement is not False and n:
                with pg.cursor() as pc:
                    pc.execute(f"SELECT setval(pg_get_serial_sequence('{table.name}', 'id'), (SELECT MAX(id) FROM "
                               f"{table.name}))")  # fmt: skip
            pg.commit()
            print(f"{table.name:18} {n:>11,} rows {time.perf_counter() - t0:7.1f} s", flush=True)
        with pg.cursor() as pc:
            pc.execute("ANALYZE")
    print(f"total {time.perf_counter() - total:.1f} s")


if __name__ == "__main__":
    main()
