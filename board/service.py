"""The board's use cases: one object per app/CLI holding engine, rules and calendar, built lazily (never at import)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from functools import cached_property

import pandas as pd
from sqlalchemy import Engine

from data_access import queries
from data_access.engine import DatabaseUnavailable, init_db, make_engine, session_scope

from . import access
from .capacity import area_of, feeder_capacity, substation_capacity
from .config import Settings
from .duration import DurationModel, fit, forecast, risk
from .geo import parse_path
from .importer import load_calendar
from .kpi import Kpi, compute_kpis
from .measures import case_measures, party_days, time_by_party
from .overview import child_of, child_overview
from .plan import Plan, tracking_plan
from .portfolio import progress_strips
from .rankings import Period, bands, rank, unit_measures, with_change
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

    def data_version(self) -> str:
        """The version stamp of the data (changes with every import)."""
        return self._meta().get("data_version", "0")

    def check_file(self) -> None:
        """Raise DatabaseUnavailable when the embedded SQLite file is missing (connecting would create an empty one)."""
        url = self.engine.url
        if url.get_backend_name() == "sqlite" and url.database not in (None, "", ":memory:"):
            from pathlib import Path

            if not Path(url.database).exists():
                raise DatabaseUnavailable(f"数据库文件不存在：{url.database}")

    def check_available(self) -> None:
        """Raise DatabaseUnavailable when the database cannot serve queries (missing SQLite file, server down)."""
        self.check_file()
        try:
            with self.engine.connect() as conn:
                conn.exec_driver_sql("SELECT 1 FROM meta LIMIT 1")
        except Exception as exc:  # noqa: BLE001 - any failure means "not available now"
            raise DatabaseUnavailable(f"数据库无法连接：{exc.__class__.__name__}") from exc

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

    def audit(self, action: str, detail: str = "", scope: str | None = None) -> None:
        """Record what the current principal did (exports, snapshots) in the audit log."""
        from data_access import accounts

        who = access.current()
        with session_scope(self.engine) as session:
            accounts.record(session, who.name, action, scope=scope or who.unit or "*", detail=detail, ip=who.ip)

    def admin_data(self, action: str | None = None) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
        """Users, wall tokens and the newest 1000 audit events — for admins only."""
        from data_access import accounts

        if not access.current().is_admin:
            raise queries.OutOfScope("用户与审计日志", "")
        with session_scope(self.engine) as session:
            return (accounts.list_users(session), accounts.list_tokens(session),
                    accounts.fetch_audit(session, limit=1000, action=action))  # fmt: skip

    def visible_units(self) -> pd.DataFrame:
        """The units the current principal may pick: its subtree (everything for admins)."""
        units = self.units()
        root = access.current().unit
        if root is None:
            return units
        path = units.loc[units["unit_code"] == root, "path"]
        return units[units["path"].str.startswith(path.iloc[0])] if len(path) else units.head(0)

    def _resolve(self, session, unit: str | None) -> queries.Scope:
        # The one place a scope is made for a view: the current principal bounds it and decides masking
        who = access.current()
        return queries.resolve_scope(session, unit, within=who.unit, masked=who.masked)

    def scope(self, unit: str | None) -> queries.Scope:
        """The scope of a unit code (default the root); raises queries.UnknownUnit."""
        with session_scope(self.engine) as session:
            return self._resolve(session, unit)

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

    def cached(self, key: tuple, compute):
        """Memoise a view's data per key and data version (a new import invalidates everything)."""
        version = self._meta().get("data_version", "0")
        key = (*key, access.current().cache_key)  # two users of different scopes never share an entry
        cache = self._cache
        if self._cache_version != version:
            # Entries of an older version can never be hit again; dropping them keeps a months-long wall flat.
            cache.clear()
            self._cache_version = version
        hit = cache.get(key)
        if hit is None:
            hit = compute()
            if len(cache) >= 64:
                cache.pop(next(iter(cache)))
            cache[key] = hit
        return hit

    _cache_version: str | None = None

    @cached_property
    def _cache(self) -> dict:
        return {}

    def workload(self, as_of: dt.date, unit: str | None = None, period_days: int = 30) -> "Workload":
        """Everything the overview needs in one trip: SQL-aggregated finished counts, energized cases in the
        period, and the open workload with live status."""
        return self.cached(("workload", as_of, unit, period_days), lambda: self._workload(as_of, unit, period_days))

    def _workload(self, as_of: dt.date, unit: str | None, period_days: int) -> "Workload":
        start = as_of - dt.timedelta(days=period_days - 1)
        with session_scope(self.engine) as session:
            scope = self._resolve(session, unit)
            units = queries.fetch_units(session)
            finished = queries.finished_summary(session, start=start, end=as_of, scope=scope)
            energized = queries.energized_summary(session, start=start, end=as_of, scope=scope)
            cases = queries.fetch_open_cases(session, as_of=as_of, scope=scope)
            stages = queries.fetch_open_stages(session, as_of=as_of, scope=scope)
        return Workload(as_of, scope, units, finished, energized, cases,
                        stage_status(stages, as_of, self.calendar, self.rules))  # fmt: skip

    def alerts(self, as_of: dt.date, unit: str | None, period_days: int, where: queries.CaseFilter) -> "AlertsData":
        """Open stages with status, per-(unit, stage) finished counts of the period, and 26 weeks of daily counts."""
        return self.cached(("alerts", as_of, unit, period_days, where),
                           lambda: self._alerts(as_of, unit, period_days, where))  # fmt: skip

    def _alerts(self, as_of: dt.date, unit: str | None, period_days: int, where: queries.CaseFilter) -> "AlertsData":
        start = as_of - dt.timedelta(days=period_days - 1)
        trend_start = as_of - dt.timedelta(days=as_of.weekday()) - dt.timedelta(weeks=TREND_WEEKS - 1)
        with session_scope(self.engine) as session:
            scope = self._resolve(session, unit)
            units = queries.fetch_units(session)
            # unfiltered, the open stages are the overview's (cached): the wall and the pages read them once
            stages = None if where.empty else queries.fetch_open_stages(session, as_of=as_of, scope=scope, where=where)
            finished = queries.finished_summary(
                session, start=start, end=as_of, scope=scope, by=("unit_code", "stage_code"), where=where
            )
            daily = queries.daily_finished(session, start=trend_start, end=as_of, scope=scope, where=where)
        if stages is None:
            open_stages = self.workload(as_of, unit, period_days).open_stages
        else:
            open_stages = stage_status(stages, as_of, self.calendar, self.rules)
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
        key = ("portfolio", as_of, unit, states, applied_from, applied_to)
        return self.cached(key, lambda: self._portfolio(as_of, unit, states, applied_from, applied_to))

    def _portfolio(self, as_of, unit, states, applied_from, applied_to) -> "PortfolioData":
        with session_scope(self.engine) as session:
            scope = self._resolve(session, unit)
            units = queries.fetch_units(session)
            cases, stages = queries.fetch_portfolio(session, as_of=as_of, scope=scope, states=states,
                                                    applied_from=applied_from, applied_to=applied_to)  # fmt: skip
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
        open_stages = status[status["state"].astype(str) == "open"]
        return PortfolioData(as_of, scope, units, measures, status, open_stages, party_days(status))

    def duration_model(self, as_of: dt.date) -> DurationModel:
        """The duration model fitted on cases finished by as-of (refit whenever the data version changes)."""
        return self.cached(("duration", as_of), lambda: self._fit(as_of))

    def _fit(self, as_of: dt.date) -> DurationModel:
        return fit(self.duration_points(as_of))

    def duration_points(self, as_of: dt.date) -> pd.DataFrame:
        """Finished high-voltage cases with capacity, voltage and customer-chain days (the model's data)."""

        def load() -> pd.DataFrame:
            with session_scope(self.engine) as session:
                return queries.customer_chain_totals(session, as_of=as_of)

        return self.cached(("duration-points", as_of), load)

    def forecasts(self, cases: pd.DataFrame, stages: pd.DataFrame, as_of: dt.date) -> pd.DataFrame:
        """Median and 90 % forecast energization dates and the risk flag of open cases."""
        model = self.duration_model(as_of)
        high = cases[cases["customer_class"] == "high"]
        limit_total = float(sum(self.rules.profile[c]["limit"] for c in self.rules.chain_codes("customer")))
        preds = model.predict_many(high["capacity_kva"], high["voltage_kv"])
        mid = pd.Series([p.median / limit_total if p.ok else 1.0 for p in preds], index=high["case_id"].to_numpy())
        late = pd.Series([p.high / limit_total if p.ok else 1.0 for p in preds], index=high["case_id"].to_numpy())
        base = forecast(cases, stages, mid, as_of, self.calendar, self.rules)
        slow = forecast(cases, stages, late, as_of, self.calendar, self.rules)
        base["late_on"] = slow["forecast_on"].to_numpy()
        base["risk"] = risk(base["forecast_on"], base["late_on"], cases["desired_on"].reset_index(drop=True)).to_numpy()
        return base

    def calculator(self, capacity_kva: float, voltage_kv: float, today: dt.date) -> dict:
        """Predicted customer-chain days, grid-chain limit total and earliest energization from today."""
        model = self.duration_model(today)
        pred = model.predict(capacity_kva, voltage_kv)
        case = pd.DataFrame({"case_id": ["计算"], "customer_class": ["high"], "capacity_kva": [capacity_kva],
                             "voltage_kv": [voltage_kv], "works_type": [None], "supply": ["single"],
                             "desired_on": [pd.NaT]})  # fmt: skip
        empty = pd.DataFrame(columns=["case_id", "stage_code", "started_on", "finished_on"])
        grid = self.rules.limits(case.assign(stage_code="G3"))[0][0]
        grid_total = float(sum(self.rules.profile[c]["limit"] for c in self.rules.chain_codes("grid")) - 2 + grid)
        limit_total = float(sum(self.rules.profile[c]["limit"] for c in self.rules.chain_codes("customer")))
        out = {"prediction": pred, "grid_wd": grid_total, "baseline_cd": float(self.rules.baseline_cd(capacity_kva)),
               "model": model}  # fmt: skip
        for key, days in (("earliest", pred.median), ("late", pred.high)):
            ratio = pd.Series({"计算": (days / limit_total) if days else 1.0})
            f = forecast(case, empty, ratio, today, self.calendar, self.rules)
            out[key] = f["forecast_on"].iloc[0].date()
            out[f"{key}_provisional"] = bool(f["provisional"].iloc[0])
        return out

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

    def ranking(self, period: Period, unit: str | None = None, with_open: bool = True) -> pd.DataFrame:
        """Sibling ranking of a period (children of `unit`, default the root) with change and bands; only the
        weekly report counts open overdue stages (the costly part), and only when `with_open`."""
        with_open = with_open and period.kind == "week"
        key = ("ranking", period, unit, with_open)
        return self.cached(key, lambda: self._ranking(period, unit, with_open))

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
            stages = queries.fetch_open_stages(session, as_of=period.end, scope=scope) if with_open else None
        overdue = None
        if stages is not None:
            status = stage_status(stages, period.end, self.calendar, self.rules)
            late = status[(status["state"].astype(str) == "open") & (status["status"].astype(str) == "overdue")]
            mapping = child_of(units, scope.root)
            overdue = late["unit_code"].map(mapping).value_counts()
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

    def capacity(self, as_of: dt.date, unit: str | None = None) -> "CapacityData":
        """Feeders and substations with open capacity at as-of, open applications and demand per area (cached)."""
        return self.cached(("capacity", as_of, unit), lambda: self._capacity(as_of, unit))

    def _capacity(self, as_of: dt.date, unit: str | None) -> "CapacityData":
        crules = self.settings.capacity_rules()
        with session_scope(self.engine) as session:
            scope = self._resolve(session, unit)
            units = queries.fetch_units(session)
            subs = queries.fetch_substations(session)
            feeders = queries.fetch_feeders(session)
            load = queries.feeder_load(session, as_of=as_of)
            points = queries.fetch_open_points(session, as_of=as_of, scope=scope)
            queued = queries.queued_by_unit(session, as_of=as_of, scope=scope)
        promised = feeders[["feeder_code", "substation_code"]].merge(load, on="feeder_code", how="left")
        by_sub = promised.groupby("substation_code")["promised_kva"].sum() * crules.coincidence / 1000
        sub_cap = substation_capacity(subs, by_sub, crules)
        feeder_cap = feeder_capacity(feeders, load, sub_cap, crules)
        areas = load_areas(self.settings)
        feeder_cap["area"] = [area_of(*(parse_path(p)[0]), areas) if p else None for p in feeder_cap["path"]]
        return CapacityData(as_of, scope, units, sub_cap, feeder_cap, points, queued, areas, crules)

    def kpis(self, as_of: dt.date, unit: str | None = None, period_days: int = 30) -> list[Kpi]:
        """SPEC §4.3 KPIs; period measures cover the `period_days` days ending at as-of."""
        w = self.workload(as_of, unit, period_days)
        return compute_kpis(w.finished, w.open_stages, w.open_cases, w.energized, as_of, self.rules)

    def child_overview(self, as_of: dt.date, unit: str | None = None, period_days: int = 30) -> pd.DataFrame:
        """Per child unit of the scope: open cases, overdue/warning stages, on-time rate."""
        w = self.workload(as_of, unit, period_days)
        return child_overview(w.units, w.scope.root, w.finished, w.open_stages, w.open_cases)


TREND_WEEKS = 26


@dataclass(frozen=True)
class PortfolioData:
    """A portfolio of cases with measures (incl. progress strips) and the status of all their stages."""

    as_of: dt.date
    scope: queries.Scope
    units: pd.DataFrame
    cases: pd.DataFrame
    stages: pd.DataFrame
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
class CapacityData:
    """The 可开放容量 page's data."""

    as_of: dt.date
    scope: queries.Scope
    units: pd.DataFrame
    substations: pd.DataFrame
    feeders: pd.DataFrame
    points: pd.DataFrame
    queued: pd.DataFrame
    areas: dict | None
    rules: object


def load_areas(settings: Settings) -> dict | None:
    """The service-area GeoJSON from the data folder (None when absent or unreadable)."""
    import json
    from pathlib import Path

    path = Path(settings.data_dir) / "areas.geojson"
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


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
