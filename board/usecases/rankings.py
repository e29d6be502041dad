"""三通报: sibling rankings of a period with change and bands, and their history."""

from __future__ import annotations

import pandas as pd

from board.domain.overview import child_of
from board.domain.rankings import Period, bands, rank, unit_measures, with_change
from board.usecases.refresh import version_key, week_overdue
from data_access import queries
from data_access.engine import session_scope


class RankingViews:
    """The 三通报 use cases (mixed into BoardService)."""

    def ranking(self, period: Period, unit: str | None = None, with_open: bool = True) -> pd.DataFrame:
        """Sibling ranking of a period (children of `unit`, default the root) with change and bands; only the
        weekly report counts open overdue stages (the costly part), and only when `with_open`."""
        with_open = with_open and period.kind == "week"
        key = ("ranking", period, with_open)
        return self.cached(key, lambda: self._ranking(period, unit, with_open), unit=unit)

    def _ranking(self, period: Period, unit: str | None, with_open: bool) -> pd.DataFrame:
        current = rank(self._measures(period, unit, with_open), period.kind)
        previous = rank(self._measures(period.previous(), unit, with_open), period.kind)
        out = with_change(current, previous)
        if period.kind == "quarter":
            out["band"] = bands(out)
        return out

    def _measures(self, period: Period, unit: str | None, with_open: bool) -> pd.DataFrame:
        quality = self.rules.raw["quality"]
        with session_scope(self.engine) as session:
            scope = self._resolve(session, unit)
            units = queries.fetch_units(session)
            finished = queries.finished_summary(session, start=period.start, end=period.end, scope=scope,
                                                by=("unit_code", "stage_code"))  # fmt: skip
            cases = queries.period_cases(session, start=period.start, end=period.end, scope=scope,
                                         satisfied_min=int(quality["satisfied_min_score"]))  # fmt: skip
            # open overdue stages at the period's end, per unit: stored once per data version for every unit
            per_unit = week_overdue(self, session, period.end, version_key(self)) if with_open else None
        overdue = None
        if per_unit is not None:
            per_unit = per_unit[per_unit.index.isin(scope.codes)]
            overdue = per_unit.groupby(per_unit.index.map(child_of(units, scope.root))).sum()
        kind = "week" if period.kind == "week" else period.kind
        return unit_measures(kind, units, scope.root, finished, cases, overdue, quality["weights"])

    def ranking_history(self, period: Period, unit: str | None = None, n: int = 8) -> pd.DataFrame:
        """The key measure of every sibling over the last n periods (without open-stage counts, for speed)."""
        frames, p = [], period
        for _ in range(n):
            f = self.ranking(p, unit, with_open=False)
            frames.append(f.assign(period=p.label, period_start=p.start))
            p = p.previous()
        return pd.concat(frames[::-1], ignore_index=True)
