"""Page benchmarks: call the callback functions the browser triggers, on an existing (large) database.

    python benchmarks/pages.py --db /tmp/board-bench/board.sqlite --as-of 2026-11-20

Prints the first call (cold: SQL + status) and the median of later calls with changed inputs that reuse the
cached data (what a user sees after the first load), per view.
"""

from __future__ import annotations

import argparse
import statistics
import time

from board.config import Settings
from board.usecases.service import BoardService
from callbacks.alerts import update_drill, update_heatmap, update_lists
from callbacks.progress import update_portfolio


def timed(fn) -> float:
    t = time.perf_counter()
    fn()
    return time.perf_counter() - t


def bench(label: str, first, again, repeats: int = 20) -> None:
    cold = timed(first)
    warm = statistics.median(timed(again) for _ in range(repeats))
    print(f"{label:56} first {cold * 1000:8.0f} ms   then median of {repeats}: {warm * 1000:6.0f} ms", flush=True)


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("--db", default="/tmp/board-bench/board.sqlite")
    p.add_argument("--as-of", default="2026-11-20")
    p.add_argument("--county", default="YL-QX")
    p.add_argument("--only", choices=["alerts", "progress", "rankings", "capacity"], default=None)
    args = p.parse_args()
    svc = BoardService(Settings(database_url=f"sqlite:///{args.db}", data_dir="/tmp"))
    day = args.as_of
    if args.only in (None, "rankings"):
        bench_rankings(svc, day)
    if args.only in (None, "capacity"):
        bench_capacity(svc, day)
    if args.only in (None, "progress"):
        bench_progress(svc, day, args.county)
    if args.only not in (None, "alerts"):
        return
    metrics = ["overdue_open", "warning_open", "late_rate", "avg_overrun"]
    state = {"i": 0}

    def switch_metric():
        state["i"] += 1
        return update_heatmap(svc, None, day, 30, None, None, [], metrics[state["i"] % 4])

    bench("超时预警 heatmap, whole company (metric switch)", lambda: update_heatmap(svc, None, day, 30, None, None, [],
          "overdue_open"), switch_metric)  # fmt: skip
    bench("超时预警 trend + warning list (filters unchanged)", lambda: update_lists(svc, None, day, 30, None, None, []),
          lambda: update_lists(svc, None, day, 30, None, None, []), repeats=5)  # fmt: skip
    heat = update_heatmap(svc, None, day, 30, None, None, [], "overdue_open")[2]
    click = {"points": [{"x": heat.data[0].x[7], "y": heat.data[0].y[0]}]}
    bench("超时预警 cell drill-down (county × C3)",
          lambda: update_drill(svc, click, None, day, 30, None, None, [], "overdue_open"),
          lambda: update_drill(svc, click, None, day, 30, None, None, [], "overdue_open"))  # fmt: skip
    bench("超时预警 heatmap, filter 10kV (new SQL each time)",
          lambda: update_heatmap(svc, None, day, 30, "mv", None, [], "overdue_open"),
          lambda: (svc.view_cache.clear(), update_heatmap(svc, None, day, 30, "mv", None, [], "overdue_open")),
          repeats=3)  # fmt: skip


def bench_rankings(svc: BoardService, day: str) -> None:
    """三通报: the monthly report for the whole company (its counties), computed afresh each time."""
    from board.domain.rankings import last_complete

    month = last_complete("month", svc.as_of(day))
    week = last_complete("week", svc.as_of(day))

    def monthly():
        svc.view_cache.clear()
        return svc.ranking(month, None)

    def weekly():
        svc.view_cache.clear()
        return svc.ranking(week, None)

    bench(f"三通报 monthly report {month.label}, whole company (no cache)", monthly, monthly, repeats=5)
    bench(f"三通报 weekly report {week.label}, whole company (no cache)", weekly, weekly, repeats=3)


def bench_capacity(svc: BoardService, day: str) -> None:
    """可开放容量: promised-load aggregate over all open cases, then the whole page's data, without cache."""
    from data_access import queries
    from data_access.engine import session_scope

    def aggregate():
        with session_scope(svc.engine) as session:
            return queries.feeder_load(session, as_of=svc.as_of(day))

    def page():
        svc.view_cache.clear()
        return svc.capacity(svc.as_of(day))

    bench("可开放容量 promised-load aggregate (SQL)", aggregate, aggregate, repeats=5)
    bench("可开放容量 page data (capacity model + points, no cache)", page, page, repeats=3)


def bench_progress(svc: BoardService, day: str, county: str) -> None:
    """双链进度 for one 县公司: the first load fetches its open cases; filter changes then run in memory."""
    variants = [
        (None, None, [], None, ""), ("mv", None, [], None, ""), (None, "high", [], None, ""),
        (None, None, [1], None, ""), (None, None, [], "builder", ""), (None, None, [], None, "电器"),
    ]  # fmt: skip
    state = {"i": 0}

    def change():
        state["i"] += 1
        v, c, k, p, q = variants[state["i"] % len(variants)]
        return update_portfolio(svc, county, day, ["open"], None, None, v, c, k, p, q)

    bench(f"双链进度 portfolio of {county} (filter change)", change, change)


if __name__ == "__main__":
    main()
