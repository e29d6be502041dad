"""超时预警: open stages with status, finished counts per unit × stage, the weekly trend, late-stage drill-down."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pandas as pd

from board.domain.alerts import drill_rows, heatmap_matrix, level_counts, warning_list, weekly_late_rate
from data_access import queries
from data_access.engine import session_scope

TREND_WEEKS = 26
WARN_ROWS = 2000  # the warning list shows the most severe ones; the counts cover all


class AlertViews:
    """The 超时预警 page's use cases (mixed into BoardService)."""

    def alerts(self, as_of: dt.date, unit: str | None, period_days: int, where: queries.CaseFilter) -> "AlertsData":
        """Open stages with status, per-(unit, stage) finished counts of the period, and 26 weeks of daily counts.
        The open stages are cached apart from the counts: unfiltered they are the overview's (the wall and the pages
        read one copy), and a province's 100 k rows stored twice cost a past day 0.3 s of pickling for nothing."""
        scope, units, finished, daily = self.cached(("alert-counts", as_of, period_days, where),
                                                    lambda: self._alert_counts(as_of, unit, period_days, where),
                                                    unit=unit)  # fmt: skip
        if where.empty:
            open_stages = self.workload(as_of, unit, period_days).open_stages
        else:
            open_stages = self.cached(("open-stages", as_of, where), lambda: self.open_stages(as_of, scope, where),
                                      unit=unit)  # fmt: skip
        return AlertsData(as_of, scope, units, open_stages, finished, daily)

    def _alert_counts(self, as_of: dt.date, unit: str | None, period_days: int, where: queries.CaseFilter) -> tuple:
        start = as_of - dt.timedelta(days=period_days - 1)
        trend_start = as_of - dt.timedelta(days=as_of.weekday()) - dt.timedelta(weeks=TREND_WEEKS - 1)
        with session_scope(self.engine) as session:
            scope = self._resolve(session, unit)
            units = queries.fetch_units(session)
            finished = queries.finished_summary(
                session, start=start, end=as_of, scope=scope, by=("unit_code", "stage_code"), where=where
            )
            daily = queries.daily_finished(session, start=trend_start, end=as_of, scope=scope, where=where)
        return scope, units, finished, daily

    def heatmap(self, as_of: dt.date, unit: str | None, period_days: int, where: queries.CaseFilter,
                metric: str) -> pd.DataFrame:  # fmt: skip
        """The child unit × stage matrix of one metric (cached: a metric switch reads a small frame back)."""

        def compute():
            day = self.read_day(as_of)
            if day is None:
                data = self.alerts(as_of, unit, period_days, where)
                return heatmap_matrix(metric, data.units, data.scope.root, data.open_stages, data.finished, self.rules)
            # from the read model, only the rows the metric counts: a new filter answers without the whole workload
            start = as_of - dt.timedelta(days=period_days - 1)
            with session_scope(self.engine) as session:
                scope = self._resolve(session, unit)
                units = queries.fetch_units(session)
                if metric == "late_rate":
                    finished = queries.finished_summary(session, start=start, end=as_of, scope=scope,
                                                        by=("unit_code", "stage_code"), where=where)  # fmt: skip
                    flagged = pd.DataFrame(columns=["unit_code", "stage_code", "status", "overrun", "state"])
                else:
                    finished = pd.DataFrame(columns=["unit_code", "stage_code", "finished", "on_time"])
                    flagged = queries.fetch_flagged_stages(session, rm_day=day, scope=scope, where=where)
            return heatmap_matrix(metric, units, scope.root, flagged, finished, self.rules)

        return self.cached(("heatmap", as_of, period_days, where, metric), compute, unit=unit)

    def alert_lists(self, as_of: dt.date, unit: str | None, period_days: int, where: queries.CaseFilter,
                    rows: int) -> AlertLists:  # fmt: skip
        """The 26-week late-rate trend and the most severe `rows` warnings with their counts (cached)."""

        def compute():
            data = self.alerts(as_of, unit, period_days, where)
            warnings = warning_list(data.open_stages, self.rules)
            weekly = weekly_late_rate(data.daily, data.units, data.scope.root, TREND_WEEKS, as_of)
            return AlertLists(weekly, drill_rows(warnings.head(rows), data.units, self.rules, keep_order=True),
                              level_counts(warnings), len(warnings), int(data.finished["warned"].sum()),
                              int(data.finished["warned_ok"].sum()))  # fmt: skip

        return self.cached(("alert-lists", as_of, period_days, where, rows), compute, unit=unit)

    def late_stages(
        self, as_of: dt.date, unit: str, period_days: int, where: queries.CaseFilter, stage_code: str
    ) -> pd.DataFrame:
        """Stages of a unit's subtree that finished late in the period (the drill-down of a 超时率 cell)."""
        start = as_of - dt.timedelta(days=period_days - 1)
        with session_scope(self.engine) as session:
            scope = self._resolve(session, unit)
            return queries.fetch_finished_stages(
                session, start=start, end=as_of, scope=scope, where=where, stage_code=stage_code, late_only=True
            )


@dataclass(frozen=True)
class AlertsData:
    """Data of the 超时预警 page for one scope, filter and as-of date."""

    as_of: dt.date
    scope: queries.Scope
    units: pd.DataFrame
    open_stages: pd.DataFrame
    finished: pd.DataFrame
    daily: pd.DataFrame


@dataclass(frozen=True)
class AlertLists:
    """What the warning side of 超时预警 shows: the weekly trend and the head of the warning list."""

    weekly: pd.DataFrame
    rows: pd.DataFrame
    level_counts: dict
    total: int
    warned: int
    warned_ok: int
