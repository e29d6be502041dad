"""超时预警: open stages with status, finished counts per unit × stage, the weekly trend, late-stage drill-down."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pandas as pd

from data_access import queries
from data_access.engine import session_scope

TREND_WEEKS = 26


class AlertViews:
    """The 超时预警 page's use cases (mixed into BoardService)."""

    def alerts(self, as_of: dt.date, unit: str | None, period_days: int, where: queries.CaseFilter) -> "AlertsData":
        """Open stages with status, per-(unit, stage) finished counts of the period, and 26 weeks of daily counts."""
        return self.cached(("alerts", as_of, period_days, where),
                           lambda: self._alerts(as_of, unit, period_days, where), unit=unit)  # fmt: skip

    def _alerts(self, as_of: dt.date, unit: str | None, period_days: int, where: queries.CaseFilter) -> "AlertsData":
        start = as_of - dt.timedelta(days=period_days - 1)
        trend_start = as_of - dt.timedelta(days=as_of.weekday()) - dt.timedelta(weeks=TREND_WEEKS - 1)
        with session_scope(self.engine) as session:
            scope = self._resolve(session, unit)
            units = queries.fetch_units(session)
            finished = queries.finished_summary(
                session, start=start, end=as_of, scope=scope, by=("unit_code", "stage_code"), where=where
            )
            daily = queries.daily_finished(session, start=trend_start, end=as_of, scope=scope, where=where)
        # unfiltered, the open stages are the overview's (cached): the wall and the pages read them once
        if where.empty:
            open_stages = self.workload(as_of, unit, period_days).open_stages
        else:
            open_stages = self.open_stages(as_of, scope, where)
        return AlertsData(as_of, scope, units, open_stages, finished, daily)

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
