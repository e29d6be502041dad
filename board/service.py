"""The board's use cases: one object per app/CLI holding engine, rules and calendar, built lazily (never at import)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from functools import cached_property

import pandas as pd
from sqlalchemy import Engine

from data_access import queries
from data_access.engine import init_db, make_engine, session_scope

from .config import Settings
from .importer import load_calendar
from .kpi import Kpi, compute_kpis
from .overview import child_overview
from .rules import Rules, load_rules
from .status import stage_status
from .workcal import WorkCalendar

STAGE_REPORT_COLUMNS = [
    "case_id", "unit_code", "chain", "stage_code", "started_on", "finished_on", "party", "limit", "limit_unit",
    "elapsed", "state", "status",
]  # fmt: skip


class BoardService:
    """Queries + rules for one settings object; safe to share across requests (holds no request data)."""

    def __init__(self, settings: Settings):
        self.settings = settings

    @cached_property
    def engine(self) -> Engine:
        """The database engine (created on first use)."""
        return make_engine(self.settings.resolved_database_url)

    @cached_property
    def rules(self) -> Rules:
        """The rules in force."""
        return load_rules(self.settings.rules_path)

    @property
    def calendar(self) -> WorkCalendar:
        """The working-day calendar with the database's overrides, rebuilt when a year is loaded."""
        version = self._meta().get("calendar_version", "0")
        cached = getattr(self, "_calendar", None)
        if cached is None or cached[0] != version:
            self._calendar = (version, load_calendar(self.engine))
        return self._calendar[1]

    def init_db(self) -> None:
        """Create missing tables."""
        init_db(self.engine)

    def _meta(self) -> dict[str, str]:
        with session_scope(self.engine) as session:
            return queries.read_meta(session)

    def as_of(self, value: str | dt.date | None = None) -> dt.date:
        """An explicit as-of date, or the configured/today default."""
        if isinstance(value, dt.date):
            return value
        return dt.date.fromisoformat(value) if value else self.settings.resolved_as_of()

    def units(self) -> pd.DataFrame:
        """The unit tree."""
        with session_scope(self.engine) as session:
            return queries.fetch_units(session)

    def scope(self, unit: str | None) -> queries.Scope:
        """The scope of a unit code (default the root); raises queries.UnknownUnit."""
        with session_scope(self.engine) as session:
            return queries.resolve_scope(session, unit)

    def stage_table(self, as_of: dt.date, unit: str | None = None) -> pd.DataFrame:
        """Every stage of the scope's cases with limit, elapsed, state and status as of a date."""
        with session_scope(self.engine) as session:
            scope = queries.resolve_scope(session, unit)
            stages = queries.fetch_stages(session, as_of=as_of, scope=scope)
        table = stage_status(stages, as_of, self.calendar, self.rules)
        return table.rename(columns={"limit_days": "limit"})

    def open_workload(self, as_of: dt.date, unit: str | None = None) -> tuple[pd.DataFrame, pd.DataFrame]:
        """Open cases and their open stages (with status) as of a date."""
        with session_scope(self.engine) as session:
            scope = queries.resolve_scope(session, unit)
            cases = queries.fetch_open_cases(session, as_of=as_of, scope=scope)
            stages = queries.fetch_open_stages(session, as_of=as_of, scope=scope)
        return cases, stage_status(stages, as_of, self.calendar, self.rules)

    def workload(self, as_of: dt.date, unit: str | None = None, period_days: int = 30) -> "Workload":
        """Everything the overview needs in one trip: SQL-aggregated finished counts, energized cases in the
        period, and the open workload with live status. Cached per (as-of, unit, period, data version)."""
        key = (as_of, unit, period_days, self._meta().get("data_version", "0"))
        hit = self._workload_cache.get(key)
        if hit is not None:
            return hit
        start = as_of - dt.timedelta(days=period_days - 1)
        with session_scope(self.engine) as session:
            scope = queries.resolve_scope(session, unit)
            units = queries.fetch_units(session)
            finished = queries.finished_summary(session, start=start, end=as_of, scope=scope)
            energized = queries.fetch_energized(session, start=start, end=as_of, scope=scope)
            cases = queries.fetch_open_cases(session, as_of=as_of, scope=scope)
            stages = queries.fetch_open_stages(session, as_of=as_of, scope=scope)
        result = Workload(as_of, scope, units, finished, energized, cases,
                          stage_status(stages, as_of, self.calendar, self.rules))  # fmt: skip
        if len(self._workload_cache) >= 32:
            self._workload_cache.pop(next(iter(self._workload_cache)))
        self._workload_cache[key] = result
        return result

    @cached_property
    def _workload_cache(self) -> dict:
        return {}

    def kpis(self, as_of: dt.date, unit: str | None = None, period_days: int = 30) -> list[Kpi]:
        """SPEC §4.3 KPIs; period measures cover the `period_days` days ending at as-of."""
        w = self.workload(as_of, unit, period_days)
        return compute_kpis(w.finished, w.open_stages, w.open_cases, w.energized, as_of, self.rules)

    def child_overview(self, as_of: dt.date, unit: str | None = None, period_days: int = 30) -> pd.DataFrame:
        """Per child unit of the scope: open cases, overdue/warning stages, on-time rate."""
        w = self.workload(as_of, unit, period_days)
        return child_overview(w.units, w.scope.root, w.finished, w.open_stages, w.open_cases)


@dataclass(frozen=True)
class Workload:
    """The data of one scope as of a date (DataFrames are treated as read-only by callers)."""

    as_of: dt.date
    scope: queries.Scope
    units: pd.DataFrame
    finished: pd.DataFrame
    energized: pd.DataFrame
    open_cases: pd.DataFrame
    open_stages: pd.DataFrame


def format_stage_report(table: pd.DataFrame) -> pd.DataFrame:
    """The `board report stages` CSV contract: fixed header, ISO dates, integer days."""
    out = table.reindex(columns=STAGE_REPORT_COLUMNS).copy()
    for col in ("started_on", "finished_on"):
        out[col] = pd.to_datetime(out[col]).dt.strftime("%Y-%m-%d")
    out["limit"] = out["limit"].map(lambda v: "" if pd.isna(v) else f"{v:g}")
    out["elapsed"] = out["elapsed"].astype(int)
    return out.sort_values(["case_id", "stage_code"], kind="stable")
