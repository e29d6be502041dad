"""Import speed: stage rows per second of a first load and the seconds of a daily file, on SQLite and PostgreSQL,
through `import_path` (what `board import` runs: read, validate, derive, write, all or nothing).

    python benchmarks/import.py --cases 100000 --postgres postgresql+psycopg://postgres@127.0.0.1:5432/bench_import

Builds the demo company of N cases, exports it in the interchange format, imports it into an empty database (the
first load), then imports a daily file of DAILY changed cases (their rows with every stage) into the loaded one.
The PostgreSQL database is created when missing; its board tables are replaced. Prints seconds per phase.
"""

from __future__ import annotations

import argparse
import datetime as dt
import shutil
import tempfile
import time
from pathlib import Path

import pandas as pd

from board.config import Settings
from board.demo.load import build_demo
from board.ingest.importer import export_data, import_path
from board.usecases.service import BoardService
from data_access.engine import init_db
from data_access.models import Base

AS_OF = dt.date(2026, 11, 20)


class PhaseClock:
    """progress(phase, done, total) that keeps the seconds spent in each phase."""

    def __init__(self):
        self.seconds: dict[str, float] = {}
        self._phase, self._since = None, time.perf_counter()

    def __call__(self, phase: str, _done: int, _total: int) -> None:
        if phase != self._phase:
            self.stop()
            self._phase = phase

    def stop(self) -> None:
        now = time.perf_counter()
        if self._phase:
            self.seconds[self._phase] = self.seconds.get(self._phase, 0.0) + now - self._since
        self._since = now


def daily_file(files: Path, out: Path, n: int, attempts: str = "2", offset: int = 0) -> int:
    """The last `n` cases of the export (the open and recently active ones), with all their stages; a third of
    them with a second attempt at every stage, so the file changes what it replaces."""
    out.mkdir(parents=True, exist_ok=True)
    cases = pd.read_csv(files / "cases.csv", dtype=str, keep_default_na=False)
    picked = cases.tail(n)
    picked.to_csv(out / "cases.csv", index=False)
    stages = pd.read_csv(files / "stages.csv", dtype=str, keep_default_na=False)
    stages = stages[stages["case_id"].isin(set(picked["case_id"]))].copy()
    stages.loc[stages["case_id"].isin(set(picked["case_id"].iloc[offset::3])), "attempts"] = attempts
    stages.to_csv(out / "stages.csv", index=False)
    return len(picked)


def run(label: str, url: str, folder: Path, files: Path, daily: Path) -> None:
    svc = BoardService(Settings(data_dir=str(folder), database_url=url, as_of=AS_OF.isoformat(), auth=False))
    Base.metadata.drop_all(svc.engine)
    init_db(svc.engine)
    for kind, path in (("first load", files), ("daily file", daily)):
        clock = PhaseClock()
        t0 = time.perf_counter()
        result = import_path(svc.engine, path, svc.rules, progress=clock)
        seconds = time.perf_counter() - t0
        clock.stop()
        stages = result.written.get("stages", 0)
        phases = "，".join(f"{k} {v:.2f}" for k, v in clock.seconds.items())
        print(f"{label:10} {kind:10} cases {result.written.get('cases', 0):>9,} stages {stages:>10,} "
              f"{seconds:7.2f} s  {stages / seconds:>9,.0f} stage rows/s   ({phases})", flush=True)  # fmt: skip
    svc.engine.dispose()


def daily_into(db: Path, files: Path, n: int, work: Path) -> None:
    """A daily file (other stages than the one `main` sends get a third attempt) into a copy of a loaded database,
    so trees can be compared on the same starting state."""
    n = daily_file(files, work / "daily2", n, attempts="3", offset=1)
    (work / "db").mkdir(parents=True, exist_ok=True)
    shutil.copyfile(db, work / "db" / "board.sqlite")
    svc = BoardService(Settings(data_dir=str(work / "db"), as_of=AS_OF.isoformat(), auth=False))
    clock = PhaseClock()
    t0 = time.perf_counter()
    result = import_path(svc.engine, work / "daily2", svc.rules, progress=clock)
    seconds = time.perf_counter() - t0
    clock.stop()
    phases = "，".join(f"{k} {v:.2f}" for k, v in clock.seconds.items())
    print(f"SQLite     daily file {n:,} cases, {result.written.get('stages', 0):,} stages into a copy of {db}: "
          f"{seconds:.2f} s   ({phases})", flush=True)  # fmt: skip
    svc.engine.dispose()


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--cases", type=int, default=100_000)
    p.add_argument("--daily", type=int, default=3_000, help="cases in the daily file")
    p.add_argument("--high-share", type=float, default=0.22)
    p.add_argument("--postgres", default=None, help="also on this PostgreSQL database (created when missing)")
    p.add_argument("--files", default=None, help="an interchange folder to import instead of a generated demo")
    p.add_argument("--work", default=None, help="working folder (default: a temporary one, removed at the end)")
    p.add_argument("--skip-sqlite", action="store_true", help="only PostgreSQL")
    p.add_argument("--into", default=None, help="only the daily file, into a copy of this loaded SQLite database")
    args = p.parse_args()
    if args.into:
        daily_into(Path(args.into), Path(args.files), args.daily, Path(args.work or tempfile.mkdtemp()))
        return
    work = Path(args.work or tempfile.mkdtemp(prefix="board-import-"))
    try:
        files = Path(args.files) if args.files else work / "files"
        if not args.files:
            t0 = time.perf_counter()
            demo = BoardService(Settings(data_dir=str(work / "demo"), as_of=AS_OF.isoformat(), auth=False))
            build_demo(demo, n_cases=args.cases, seed=7, as_of=AS_OF, high_share=args.high_share)
            export_data(demo.engine, files)
            demo.engine.dispose()
            print(f"demo of {args.cases:,} cases exported in {time.perf_counter() - t0:.1f} s", flush=True)
        n = daily_file(files, work / "daily", args.daily)
        print(f"daily file: {n:,} cases", flush=True)
        if not args.skip_sqlite:
            run("SQLite", "", work / "sqlite", files, work / "daily")
        if args.postgres:
            from load_postgres import ensure_database  # beside this script

            ensure_database(args.postgres)
            run("PostgreSQL", args.postgres, work / "pg", files, work / "daily")
    finally:
        if not args.work:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
