"""Warming the shared cache after an import or a refresh: the default view of every page for the root and each
child unit, plain and masked, so no user (and not the wall) pays a first visit."""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Callable

from board.domain import access
from board.domain.rankings import Period, last_complete, period_containing
from board.domain.trend import week_ends
from board.usecases.alerts import WARN_ROWS
from board.usecases.portfolio import PortfolioQuery
from board.usecases.refresh import version_key, weeks_overdue
from data_access import queries
from data_access.engine import session_scope

WEEKS_OFFERED = 13  # the picker's 12 weeks and the one before the oldest (its change column)
HISTORY_WEEKS = 104  # week ends whose overdue counts are stored ahead: a past day's trend and ranking read them


def warm(svc, as_of: dt.date, progress: Callable[[int, int], None] | None = None) -> dict:
    """Compute and store the default views; returns how many scopes and how long it took."""
    t0 = time.perf_counter()
    svc.view_cache.sweep()
    units = svc.units()
    root = units.loc[units["parent_code"].isna(), "unit_code"]
    if root.empty:
        return {"scopes": 0, "seconds": 0.0}
    codes = [root.iloc[0], *units.loc[units["parent_code"] == root.iloc[0], "unit_code"]]
    svc.duration_model(as_of)
    svc.duration_points(as_of)  # a past day's model filters them (its first visit reads no points)
    store_week_history(svc, as_of)
    week, month = last_complete("week", as_of), last_complete("month", as_of)  # the 三通报 page's defaults
    this = period_containing("week", as_of)
    running = Period("week", this.start, min(this.end, as_of), this.label)  # the wall's ◆ 截至今日
    # every week the 三通报 picker offers: its open overdue counts are stored once for all units and workers
    picked = week
    for _ in range(WEEKS_OFFERED):
        svc.ranking(picked, None)
        picked = picked.previous()
    done, total = 0, len(codes) * 2
    for masked in (False, True):
        # the masked copies are what viewers and the wall read
        who = access.Principal("warm", "system" if not masked else "viewer", None, masked)
        with access.acting_as(who):
            for code in codes:
                svc.workload(as_of, code, 30)
                svc.kpis(as_of, code, 30)
                svc.tiles(as_of, code, 30)  # 总览 and the wall: targets, change and the 12-week sparklines
                svc.attention(as_of, code, 30)
                svc.child_overview(as_of, code, 30)
                svc.alerts(as_of, code, 30, queries.NO_FILTER)
                svc.heatmap(as_of, code, 30, queries.NO_FILTER, "overdue_open")
                svc.alert_lists(as_of, code, 30, queries.NO_FILTER, WARN_ROWS)
                svc.capacity(as_of, code)
                svc.portfolio_summary(PortfolioQuery(as_of, code, frozenset({"open"})))
                for period in (week, month):
                    svc.ranking(period, code)
                    svc.ranking_history(period, code)
                svc.ranking(running, code)
                done += 1
                if progress:
                    progress(done, total)
    return {"scopes": len(codes), "seconds": round(time.perf_counter() - t0, 1)}


def store_week_history(svc, as_of: dt.date, weeks: int = HISTORY_WEEKS) -> int:
    """Count and store the open overdue stages at the week ends of the last `weeks` weeks (those not stored for this
    data version), so that a day months back finds its 12-week trend and its weekly ranking counted: one read of
    the stages that can be overdue (at 1 M cases 21 s on SQLite, once per data version) instead of a few
    seconds on that day's first visit. Returns how many week ends there are."""
    ends = [d for d in week_ends(as_of, weeks) if d < as_of]
    with session_scope(svc.engine) as session:
        weeks_overdue(svc, session, ends, version_key(svc))
    return len(ends)
