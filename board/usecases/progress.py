"""双链进度: portfolios of cases with measures and strips, one case's detail and plan, the stage report."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pandas as pd

from board.domain.measures import case_measures, party_days, time_by_party
from board.domain.plan import Plan, tracking_plan
from board.domain.portfolio import progress_strips
from board.domain.status import stage_status
from board.domain.workcal import WorkCalendar
from data_access import queries
from data_access.engine import session_scope

STAGE_REPORT_COLUMNS = [
    "case_id", "unit_code", "chain", "stage_code", "started_on", "finished_on", "party", "limit", "limit_unit",
    "elapsed", "state", "status",
]  # fmt: skip


class ProgressViews:
    """The 双链进度 and case pages' use cases (mixed into BoardService)."""

    def stage_table(self, as_of: dt.date, unit: str | None = None) -> pd.DataFrame:
        """Every stage of the scope's cases with limit, elapsed, state and status as of a date."""
        with session_scope(self.engine) as session:
            scope = self._resolve(session, unit)
            stages = queries.fetch_stages(session, as_of=as_of, scope=scope)
        table = stage_status(stages, as_of, self.calendar, self.rules)
        return table.rename(columns={"limit_days": "limit"})

    def open_workload(self, as_of: dt.date, unit: str | None = None) -> tuple[pd.DataFrame, pd.DataFrame]:
        """Open cases and their open stages (with status) as of a date."""
        with session_scope(self.engine) as session:
            scope = self._resolve(session, unit)
            cases = queries.fetch_open_cases(session, as_of=as_of, scope=scope)
            stages = queries.fetch_open_stages(session, as_of=as_of, scope=scope)
        return cases, stage_status(stages, as_of, self.calendar, self.rules)

    def portfolio(
        self,
        as_of: dt.date,
        unit: str | None,
        states: frozenset[str],
        applied_from: dt.date | None = None,
        applied_to: dt.date | None = None,
    ) -> "PortfolioData":
        """Cases of a scope in some states with measures, progress strips and stage status (cached; the
        page's other filters then run in memory)."""
        key = ("portfolio", as_of, states, applied_from, applied_to)
        return self.cached(key, lambda: self._portfolio(as_of, unit, states, applied_from, applied_to), unit=unit)

    def _portfolio(self, as_of, unit, states, applied_from, applied_to) -> "PortfolioData":
        with session_scope(self.engine) as session:
            scope = self._resolve(session, unit)
            units = queries.fetch_units(session)
            cases, stages = queries.fetch_portfolio(session, as_of=as_of, scope=scope, states=states,
                                                    applied_from=applied_from, applied_to=applied_to)  # fmt: skip
        measures, status = self.measured(cases, stages, as_of)
        open_stages = status[status["state"].astype(str) == "open"]
        return PortfolioData(as_of, scope, units, measures, open_stages, party_days(status))

    def measured(self, cases: pd.DataFrame, stages: pd.DataFrame, as_of: dt.date) -> tuple[pd.DataFrame, pd.DataFrame]:
        """Cases with their measures, progress strip and forecast as of a day, from all their stage rows (and those
        rows' status). Each case's figures depend on its own rows only, so a page of cases is measured alike."""
        status = stage_status(stages, as_of, self.calendar, self.rules)
        measures = case_measures(cases, status, as_of, self.calendar, self.rules)
        classes = pd.Series(measures["customer_class"].to_numpy(), index=measures["case_id"].to_numpy())
        measures["strip"] = progress_strips(status, classes, self.rules).reindex(measures["case_id"]).to_numpy()
        open_cases = measures[measures["state_as_of"] == "open"]
        if not open_cases.empty:
            fc = self.forecasts(open_cases.reset_index(drop=True), stages, as_of).set_index("case_id")
            for col in ("forecast_on", "late_on", "risk", "provisional"):
                measures[col] = measures["case_id"].map(fc[col])
        for col in ("forecast_on", "late_on", "risk", "provisional"):
            if col not in measures:
                measures[col] = None
        return measures, status

    def case_detail(self, case_id: str, as_of: dt.date, unit: str | None = None) -> "CaseDetail | None":
        """One case with its stages' status, measures and tracking plan; None when absent or out of scope."""
        with session_scope(self.engine) as session:
            scope = self._resolve(session, unit)
            case = queries.fetch_case(session, case_id, scope=scope)
            if case.empty:
                if queries.case_unit(session, case_id) is not None:
                    raise queries.OutOfScope(case_id, "工单")
                return None
            stages = queries.fetch_stages(session, as_of=as_of, scope=scope, case_ids=[case_id])
            names = dict(zip(*zip(*queries.fetch_units(session)[["unit_code", "unit_name"]].to_numpy())))
        status = stage_status(stages, as_of, self.calendar, self.rules)
        status["due_on"] = due_dates(status, self.calendar)
        measures = case_measures(case, status, as_of, self.calendar, self.rules).iloc[0]
        plan = tracking_plan(case.iloc[0].to_dict(), self.rules, self.calendar)
        return CaseDetail(as_of, case.iloc[0], status, measures, time_by_party(status), plan,
                          names.get(case.iloc[0]["unit_code"], ""))  # fmt: skip


@dataclass(frozen=True)
class PortfolioData:
    """A portfolio of cases with measures (incl. progress strips), their open stages and time held by party. The
    status of all their stages is not kept: nothing reads it afterwards, and pickling it into the shared cache took
    2.3 s of a past day's first visit at 1 M cases."""

    as_of: dt.date
    scope: queries.Scope
    units: pd.DataFrame
    cases: pd.DataFrame
    open_stages: pd.DataFrame
    party_days: pd.DataFrame


@dataclass(frozen=True)
class CaseDetail:
    """Everything the case page shows."""

    as_of: dt.date
    case: pd.Series
    stages: pd.DataFrame
    measures: pd.Series
    by_party: pd.DataFrame
    plan: Plan
    unit_name: str


def due_dates(stages: pd.DataFrame, cal: WorkCalendar) -> pd.Series:
    """The date each started stage reaches its limit (NaT without a start or a limit)."""
    out = pd.Series(pd.NaT, index=stages.index, dtype="datetime64[s]")
    ok = stages["started_on"].notna() & stages["limit_days"].notna()
    for unit in ("WD", "CD"):
        m = ok & (stages["limit_unit"] == unit)
        if not m.any():
            continue
        start = stages.loc[m, "started_on"].to_numpy().astype("datetime64[D]")
        n = stages.loc[m, "limit_days"].to_numpy().astype(int)
        due = cal.add_workdays(start, n)[0] if unit == "WD" else start + n.astype("timedelta64[D]")
        out[m] = pd.to_datetime(due)
    return out


def format_stage_report(table: pd.DataFrame) -> pd.DataFrame:
    """The `board report stages` CSV contract: fixed header, ISO dates, integer days."""
    out = table.reindex(columns=STAGE_REPORT_COLUMNS).copy()
    for col in ("started_on", "finished_on"):
        out[col] = pd.to_datetime(out[col]).dt.strftime("%Y-%m-%d")
    out["limit"] = out["limit"].map(lambda v: "" if pd.isna(v) else f"{v:g}")
    out["elapsed"] = out["elapsed"].astype(int)
    return out.sort_values(["case_id", "stage_code"], kind="stable")
