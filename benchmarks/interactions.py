"""What a user's new filter, sort, page or drill-down costs the server when nothing is cached (the view cache is
emptied before every call), in process on an existing database with a built read model:

    python benchmarks/interactions.py sqlite:////work/bench1m/board.sqlite /tmp/ia-cache [AS_OF]

AS_OF is the day the read model was built for (default 2026-11-20).
"""

import datetime as dt
import statistics
import sys
import time

from board.config import Settings
from board.domain.portfolio import PortfolioFilter
from board.usecases.service import BoardService, PortfolioQuery
from data_access import queries

url = sys.argv[1]
ddir = sys.argv[2]
D = dt.date.fromisoformat(sys.argv[3]) if len(sys.argv) > 3 else dt.date(2026, 11, 20)
svc = BoardService(Settings(database_url=url, data_dir=ddir, as_of=D.isoformat(), auth=False))
svc.calendar
svc.rules
svc.read_day(D)


def t(label, fns):
    ts = []
    for fn in fns:
        svc.view_cache.clear()
        t0 = time.perf_counter()
        fn()
        ts.append((time.perf_counter() - t0) * 1000)
    print(f"{label:58} median {statistics.median(ts):6.0f} ms  max {max(ts):6.0f} ms  (n={len(ts)})", flush=True)


filters = [
    PortfolioFilter(customer_class="high"),
    PortfolioFilter(voltage="mv"),
    PortfolioFilter(key_only=True),
    PortfolioFilter(party="builder"),
    PortfolioFilter(text="电器"),
    PortfolioFilter(voltage="lv", party="utility"),
]
for unit in (None, "YL-QX"):
    t(
        f"双链进度 new filter, summary ({unit or 'company'})",
        [lambda f=f: svc.portfolio_summary(PortfolioQuery(D, unit, frozenset({"open"}), flt=f)) for f in filters],
    )
    t(
        f"双链进度 grid block 0-100, sorted ({unit or 'company'})",
        [
            lambda s=s: svc.portfolio_rows(PortfolioQuery(D, unit, frozenset({"open"})), 0, 100, s)
            for s in (
                [],
                [("capacity_kva", True)],
                [("applied_on", False)],
                [("days", True)],
                [("customer_name", False)],
            )
        ],
    )
    t(
        f"双链进度 grid block deep (50,000-50,100) ({unit or 'company'})",
        [
            lambda: svc.portfolio_rows(
                PortfolioQuery(D, unit, frozenset({"open"})), 50000, 50100, [("capacity_kva", True)]
            )
        ]
        * 3,
    )
wheres = [
    queries.CaseFilter(voltage="mv"),
    queries.CaseFilter(customer_class="high"),
    queries.CaseFilter(key_only=True),
]
t("超时预警 new filter → heatmap (company)", [lambda w=w: svc.heatmap(D, None, 30, w, "overdue_open") for w in wheres])
t(
    "超时预警 metric switch (company, uncached)",
    [lambda m=m: svc.heatmap(D, None, 30, queries.NO_FILTER, m) for m in ("warning_open", "late_rate", "avg_overrun")],
)
t("超时预警 drill-down: late stages of a cell", [lambda: svc.late_stages(D, "YL-QX", 30, queries.NO_FILTER, "G3")] * 3)
