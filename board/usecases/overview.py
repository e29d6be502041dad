"""总览: the workload of a scope as of a date, its KPIs and its child units at a glance."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pandas as pd

from board.domain.kpi import Kpi, compute_kpis, flow_values
from board.domain.overview import attention, child_overview
from board.domain.status import stage_status
from board.domain.trend import Tile, tiles, week_ends, weekly_series
from board.usecases.refresh import version_key, weeks_overdue
from data_access import queries
from data_access.engine import session_scope

# what the KPIs and the child units' rows read of the open cases: a province's past day read all 30 columns of its
# 95 k open cases (1.4 s) for these four
WORKLOAD_CASE_COLUMNS = ["case_id", "unit_code", "customer_class", "applied_on"]


class OverviewViews:
    """The overview's use cases (mixed into BoardService)."""

    def workload(self, as_of: dt.date, unit: str | None = None, period_days: int = 30) -> "Workload":
        """Everything the overview needs in one trip: SQL-aggregated finished counts, energized cases in the
        period, and the open workload with live status."""
        return self.cached(
            ("workload", as_of, period_days), lambda: self._workload(as_of, unit, period_days), unit=unit
        )

    def _workload(self, as_of: dt.date, unit: str | None, period_days: int) -> "Workload":
        start = as_of - dt.timedelta(days=period_days - 1)
        scope = self.scope(unit)

        def counts():
            with session_scope(self.engine) as session:
                units = queries.fetch_units(session)
                finished = queries.finished_summary(session, start=start, end=as_of, scope=scope)
                energized = queries.energized_summary(session, start=start, end=as_of, scope=scope)
                cases = queries.fetch_open_cases(session, as_of=as_of, scope=scope, columns=WORKLOAD_CASE_COLUMNS)
            return units, finished, energized, cases

        # a past day's open stages (1.5 s of SQL at a province) are read beside the counts (0.7 s), not after them
        (units, finished, energized, cases), stages = self.concurrently(counts, lambda: self.open_stages(as_of, scope))
        return Workload(as_of, scope, units, finished, energized, cases, stages)

    def open_stages(self, as_of: dt.date, scope: queries.Scope, where: queries.CaseFilter = queries.NO_FILTER):
        """Stages open at as-of with their status: read from the read model when it is built for that day,
        computed from the stage rows otherwise (a past date, or while today's is being built)."""
        day = self.read_day(as_of)
        with session_scope(self.engine) as session:
            if day is not None:
                return queries.fetch_rm_open_stages(session, rm_day=day, scope=scope, where=where)
            stages = queries.fetch_open_stages(session, as_of=as_of, scope=scope, where=where)
        return stage_status(stages, as_of, self.calendar, self.rules)

    def kpis(self, as_of: dt.date, unit: str | None = None, period_days: int = 30) -> list[Kpi]:
        """SPEC §4.3 KPIs; period measures cover the `period_days` days ending at as-of (cached apart from the
        workload: a dozen numbers are read back faster than the frames they come from)."""

        def compute():
            w = self.workload(as_of, unit, period_days)
            return compute_kpis(w.finished, w.open_stages, w.open_cases, w.energized, as_of, self.rules)

        return self.cached(("kpis", as_of, period_days), compute, unit=unit)

    def tiles(self, as_of: dt.date, unit: str | None = None, period_days: int = 30, weeks: int = 12) -> list[Tile]:
        """The KPIs with target, change (flows vs the window before, stocks vs last week's end) and sparkline."""

        def compute():
            end = as_of - dt.timedelta(days=period_days)
            start = end - dt.timedelta(days=period_days - 1)
            scope = self.scope(unit)

            def window_before():
                with session_scope(self.engine) as session:
                    fin = queries.finished_summary(session, start=start, end=end, scope=scope)
                    energized = queries.energized_summary(session, start=start, end=end, scope=scope)
                return flow_values(fin, energized)

            # the trend computes the KPIs beside its own sums (see weekly_trend); the window before is read meanwhile
            series, before = self.concurrently(lambda: self.weekly_trend(as_of, unit, weeks), window_before)
            kpis = self.kpis(as_of, unit, period_days)
            return tiles(kpis, series, before, self.rules.targets, as_of)

        return self.cached(("tiles", as_of, period_days, weeks), compute, unit=unit)

    def weekly_trend(self, as_of: dt.date, unit: str | None = None, weeks: int = 12) -> pd.DataFrame:
        """The weekly series behind the KPI tiles: `weeks` complete weeks and the running one (SQL sums; the
        week-end overdue counts are the ones the weekly ranking stores)."""

        def compute():
            ends = week_ends(as_of, weeks)
            first = ends[0] - dt.timedelta(days=6)
            key = version_key(self)
            scope = self.scope(unit)

            def sums():
                with session_scope(self.engine) as session:
                    fin = queries.finished_summary(session, start=first, end=as_of, scope=scope, by=("finished_on",))
                    energized = queries.energized_daily(session, start=first, end=as_of, scope=scope)
                    changes = queries.open_case_changes(session, days=ends, scope=scope)
                    weeks = weeks_overdue(self, session, [d for d in ends if d != as_of], key)
                    overdue = {d: int(n[n.index.isin(scope.codes)].sum()) for d, n in weeks.items()}
                return fin, energized, changes, overdue

            # as-of's open and overdue counts are the KPIs' (a past day's take seconds): the sums need neither, so
            # they are read while the KPIs are computed, instead of after them
            (fin, energized, changes, overdue), kpis = self.concurrently(sums, lambda: self.kpis(as_of, unit, 30))
            now = {k.name: k.value for k in kpis}
            overdue[as_of] = int(now["overdue_open"])
            open_n = changes.counts(open_at_last=int(now["open_cases"]))
            return weekly_series(ends, fin, energized, open_n, pd.Series(overdue, dtype="int64"))

        return self.cached(("weekly-trend", as_of, weeks), compute, unit=unit)

    def attention(self, as_of: dt.date, unit: str | None = None, period_days: int = 30) -> list[dict]:
        """The stages with the most overdue work and where it sits, in words (see domain.overview.attention)."""

        def compute():
            w = self.workload(as_of, unit, period_days)
            names = {c: self.rules.stage_name(c) for c in self.rules.stage_info}
            return attention(w.units, w.scope.root, w.open_stages, names)

        return self.cached(("attention", as_of, period_days), compute, unit=unit)

    def child_overview(self, as_of: dt.date, unit: str | None = None, period_days: int = 30) -> pd.DataFrame:
        """Per child unit of the scope: open cases, overdue/warning stages, on-time rate."""

        def compute():
            w = self.workload(as_of, unit, period_days)
            return child_overview(w.units, w.scope.root, w.finished, w.open_stages, w.open_cases)

        return self.cached(("child-overview", as_of, period_days), compute, unit=unit)


@dataclass(frozen=True)
class Workload:
    """The data of one scope as of a date (DataFrames are treated as read-only by callers)."""

    as_of: dt.date
    scope: queries.Scope
    units: pd.DataFrame
    finished: pd.DataFrame
    energized: pd.DataFrame
    open_cases: pd.DataFrame  # WORKLOAD_CASE_COLUMNS only
    open_stages: pd.DataFrame
