"""Core benchmark: generate N cases, time (a) status over all stage rows, (b) the open workload of one 县公司.

    python benchmarks/core.py --cases 1000000 --db /tmp/bench/board.sqlite

Prints seconds, rows/s and peak memory (ru_maxrss) per phase. (a) runs on one core (numpy, no threads).
Re-running with an existing --db and --skip-generate measures the queries only.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import resource
import statistics
import time

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

from board.config import Settings  # noqa: E402
from board.demo.generate import generate  # noqa: E402
from board.domain.status import stage_status  # noqa: E402
from board.ingest.importer import write_typed  # noqa: E402
from board.usecases.service import BoardService  # noqa: E402
from data_access.models import Base  # noqa: E402


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def report(label: str, seconds: float, rows: int | None = None) -> None:
    rate = f"  {rows / seconds:,.0f} rows/s" if rows else ""
    print(f"{label:48} {seconds:8.2f} s{rate}   peak RSS {peak_mb():,.0f} MB", flush=True)


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("--cases", type=int, default=100_000)
    p.add_argument("--high-share", type=float, default=0.9, help="0.9 gives about 12 stage rows per case")
    p.add_argument("--as-of", default="2026-11-20")
    p.add_argument("--db", default="/tmp/board-bench/board.sqlite")
    p.add_argument("--skip-generate", action="store_true")
    p.add_argument("--unit", default="YL-QX")
    args = p.parse_args()
    as_of = dt.date.fromisoformat(args.as_of)
    svc = BoardService(Settings(database_url=f"sqlite:///{args.db}", data_dir=os.path.dirname(args.db)))
    svc.init_db()
    print(f"cases={args.cases:,} high_share={args.high_share} as_of={as_of} db={args.db}")
    if not args.skip_generate:
        t = time.perf_counter()
        frames, _areas = generate(svc.rules, svc.calendar, as_of=as_of, n_cases=args.cases, high_share=args.high_share)
        stages = frames["stages"]
        report(f"generate {len(stages):,} stage rows", time.perf_counter() - t, len(stages))
        prepared = stages.merge(frames["cases"][["case_id", "customer_class", "capacity_kva", "works_type", "supply"]])
        prepared["limit_days"], prepared["limit_unit"] = svc.rules.limits(prepared)
        runs = []
        for _ in range(3):
            t = time.perf_counter()
            stage_status(prepared, as_of, svc.calendar, svc.rules)
            runs.append(time.perf_counter() - t)
        report("(a) status of all stage rows (median of 3)", statistics.median(runs), len(prepared))
        del prepared
        t = time.perf_counter()
        Base.metadata.drop_all(svc.engine)
        Base.metadata.create_all(svc.engine)
        write_typed(svc.engine, frames, svc.rules)
        report("write database (derive + insert + index)", time.perf_counter() - t, len(stages))
        del frames, stages
    runs = []
    for _ in range(5):
        svc.view_cache.clear()
        t = time.perf_counter()
        cases, stages = svc.open_workload(as_of, args.unit)
        runs.append(time.perf_counter() - t)
    report(f"(b) open workload of {args.unit}: {len(cases):,} cases (median of 5)", statistics.median(runs),
           len(stages))  # fmt: skip
    runs = []
    for _ in range(3):
        svc.view_cache.clear()
        t = time.perf_counter()
        svc.kpis(as_of, None, 30)
        runs.append(time.perf_counter() - t)
    report("KPI header, whole company, 30-day period (median of 3)", statistics.median(runs))


if __name__ == "__main__":
    main()
