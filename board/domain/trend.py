"""KPI tiles that say more than a number: the weekly series behind a KPI, its target and its change.

Weeks are ISO weeks (Mon–Sun) ending on their Sunday; the running week ends at as-of and is labelled 截至今日.
Flows (rates, counts of a period) compare with the previous window of the same length; stocks (what is open
at a moment) compare with the end of the previous week.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass

import pandas as pd

from board.domain.kpi import Kpi

RUNNING = "截至今日"
# which way is better; a KPI not named here is neutral (more open cases is neither good nor bad by itself)
HIGHER_BETTER = {"on_time_rate", "energized_cases", "customer_visible_rate", "warning_success_rate"}
LOWER_BETTER = {"overdue_open", "warning_open", "avg_connect_days_high", "avg_connect_days_low"}
STOCKS = {"overdue_open", "warning_open", "open_cases"}
SERIES = ("on_time_rate", "overdue_open", "open_cases", "energized_cases", "avg_connect_days_high",
          "avg_connect_days_low", "warning_success_rate")  # fmt: skip


def week_ends(as_of: dt.date, weeks: int) -> list[dt.date]:
    """The Sundays of the last `weeks` complete weeks, oldest first, then as-of when its week is still running."""
    last_sunday = as_of - dt.timedelta(days=(as_of.weekday() + 1) % 7)
    ends = [last_sunday - dt.timedelta(weeks=k) for k in range(weeks - 1, -1, -1)]
    return ends + [as_of] if as_of != last_sunday else ends


def bucket(day: pd.Series, ends: list[dt.date]) -> pd.Series:
    """The week end each day falls in (None for days before the first week)."""
    edges = pd.to_datetime(pd.Series(ends))
    days = pd.to_datetime(day)
    idx = edges.searchsorted(days, side="left")
    first = edges.iloc[0] - pd.Timedelta(days=6)
    out = pd.Series([ends[i] if i < len(ends) else None for i in idx], index=day.index, dtype=object)
    out[(days < first).to_numpy()] = None
    return out


def weekly_series(
    ends: list[dt.date],
    finished: pd.DataFrame,
    energized: pd.DataFrame,
    open_cases: pd.Series,
    overdue: pd.Series,
) -> pd.DataFrame:
    """One row per week end (index), a column per SERIES name; `finished` is per-day rollup counts (finished_on,
    finished, on_time, warned, warned_ok), `energized` per day and class (energized_on, customer_class, cases,
    connect_days), `open_cases` and `overdue` the stocks at each week end (missing weeks are NaN)."""
    out = pd.DataFrame(index=pd.Index(ends, name="week_end"))
    f = finished.assign(week=bucket(finished["finished_on"], ends)).dropna(subset=["week"])
    f = f.groupby("week")[["finished", "on_time", "warned", "warned_ok"]].sum().reindex(ends)
    out["on_time_rate"] = f["on_time"] / f["finished"].where(f["finished"] > 0)
    out["warning_success_rate"] = f["warned_ok"] / f["warned"].where(f["warned"] > 0)
    e = energized.assign(week=bucket(energized["energized_on"], ends)).dropna(subset=["week"])
    e = e.assign(high=e["customer_class"] == "high")
    per = e.groupby(["week", "high"])[["cases", "connect_days"]].sum()
    high = per.xs(True, level="high").reindex(ends) if True in per.index.get_level_values(1) else None
    low = per.xs(False, level="high").reindex(ends) if False in per.index.get_level_values(1) else None
    total = e.groupby("week")["cases"].sum().reindex(ends)
    out["energized_cases"] = total.fillna(0)
    out["avg_connect_days_high"] = _mean(high)
    out["avg_connect_days_low"] = _mean(low)
    out["open_cases"] = open_cases.reindex(ends).astype(float)
    out["overdue_open"] = overdue.reindex(ends).astype(float)
    return out


def _mean(per: pd.DataFrame | None) -> pd.Series | float:
    if per is None:
        return float("nan")
    return per["connect_days"] / per["cases"].where(per["cases"] > 0)


def week_label(end: dt.date, as_of: dt.date) -> str:
    """`2026-W46` for a complete week, 截至今日 for the running one."""
    if end == as_of and end.weekday() != 6:
        return RUNNING
    year, week, _ = end.isocalendar()
    return f"{year}-W{week:02d}"


@dataclass(frozen=True)
class Tile:
    """A KPI with what makes it readable: target, the value it is compared with, and its weekly series."""

    kpi: Kpi
    target: tuple[str, float] | None  # ("min", 0.95) or ("max", 52.0)
    previous: float | None
    compare: str  # 较上期 / 较上周末
    spark: tuple[float, ...]
    spark_labels: tuple[str, ...]

    @property
    def better(self) -> str:
        """'higher', 'lower' or 'neutral'."""
        n = self.kpi.name
        return "higher" if n in HIGHER_BETTER else "lower" if n in LOWER_BETTER else "neutral"

    def meets_target(self) -> bool | None:
        """Whether the value meets its target (None: no target or no value)."""
        v = self.kpi.value
        if self.target is None or v is None or math.isnan(v):
            return None
        kind, bound = self.target
        return v >= bound if kind == "min" else v <= bound

    def change(self) -> float | None:
        """Value minus the compared value (None when either is missing)."""
        v, p = self.kpi.value, self.previous
        if p is None or v is None or math.isnan(v) or math.isnan(p):
            return None
        return v - p

    def tone(self) -> str:
        """'good', 'bad' or 'flat' for the change, by which way is better."""
        d = self.change()
        if d is None or abs(d) < 1e-9 or self.better == "neutral":
            return "flat"
        return "good" if (d > 0) == (self.better == "higher") else "bad"

    def change_text(self) -> str:
        """`▲1.2 个百分点 较上期`, `▼3 较上周末`, `持平 较上期`, or '' when there is nothing to compare."""
        d = self.change()
        if d is None:
            return ""
        if abs(d) < 1e-9:
            return f"持平 {self.compare}"
        arrow = "▲" if d > 0 else "▼"
        unit = self.kpi.unit
        if unit == "%":
            amount = f"{abs(d) * 100:.1f} 个百分点"
        elif unit in ("件", "个"):
            amount = f"{abs(d):,.0f}"
        else:
            amount = f"{abs(d):.1f} {unit}"
        return f"{arrow}{amount} {self.compare}"

    def target_text(self) -> str:
        """`目标 ≥ 95.0%` / `目标 ≤ 52 天` / ''."""
        if self.target is None:
            return ""
        kind, bound = self.target
        sign = "≥" if kind == "min" else "≤"
        unit = self.kpi.unit
        shown = f"{bound * 100:.0f}%" if unit == "%" else f"{bound:g} {unit}" if unit == "天" else f"{bound:g}"
        return f"目标 {sign} {shown}"


def tiles(
    kpis: list[Kpi],
    series: pd.DataFrame,
    previous_flows: dict[str, float],
    targets: dict[str, dict],
    as_of: dt.date,
) -> list[Tile]:
    """A Tile per KPI: flows compared with `previous_flows` (the window before), stocks with the last complete
    week's end in `series`; sparklines from `series` where it has the KPI."""
    labels = tuple(week_label(d, as_of) for d in series.index)
    complete = [d for d in series.index if week_label(d, as_of) != RUNNING]
    out = []
    for k in kpis:
        if k.name in STOCKS:
            prev = series[k.name].get(complete[-1]) if k.name in series and complete else None
            compare = "较上周末"
        else:
            prev, compare = previous_flows.get(k.name), "较上期"
        prev = None if prev is None or (isinstance(prev, float) and math.isnan(prev)) else float(prev)
        spark = tuple(float(v) for v in series[k.name]) if k.name in series else ()
        t = targets.get(k.name) or {}
        target = ("min", float(t["min"])) if "min" in t else ("max", float(t["max"])) if "max" in t else None
        out.append(Tile(k, target, prev, compare, spark, labels if spark else ()))
    return out
