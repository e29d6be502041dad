"""Unit KPIs of SPEC §4.3 from SQL-aggregated finished counts plus the (small) open workload."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np
import pandas as pd

from board.domain.rules import Rules


@dataclass(frozen=True)
class Kpi:
    """One KPI: machine name, Chinese label, value (NaN = no data) and display unit."""

    name: str
    label: str
    value: float
    unit: str

    def display(self, missing: str = "—") -> str:
        """Formatted value for the header (`missing` when there is no data)."""
        if self.value is None or (isinstance(self.value, float) and np.isnan(self.value)):
            return missing
        if self.unit == "%":
            return f"{self.value * 100:.1f}%"
        if self.unit in ("件", "个"):
            return f"{int(self.value):,}"
        return f"{self.value:.1f} {self.unit}"


def _ratio(num: float, den: float) -> float:
    return float(num) / float(den) if den else float("nan")


def compute_kpis(
    finished: pd.DataFrame,
    open_stages: pd.DataFrame,
    open_cases: pd.DataFrame,
    energized: pd.DataFrame,
    as_of: dt.date,
    rules: Rules,
) -> list[Kpi]:
    """The KPI set; `finished` is `finished_summary` rows, `open_stages` is `stage_status` of the open stages,
    `open_cases` the cases open at as-of, `energized` the `energized_summary` rows of the period."""
    flows = flow_values(finished, energized)
    status = open_stages["status"].astype(str)
    open_only = open_stages["state"].astype(str) == "open"
    kpis = [
        Kpi("on_time_rate", "时限达标率", flows["on_time_rate"], "%"),
        Kpi("overdue_open", "超时在途", float((open_only & (status == "overdue")).sum()), "个"),
        Kpi("warning_open", "预警在途", float((open_only & (status == "warning")).sum()), "个"),
        Kpi("open_cases", "在途工单", float(len(open_cases)), "件"),
        Kpi("energized_cases", "期内送电", flows["energized_cases"], "件"),
        Kpi("avg_connect_days_high", "平均接电时长(高压)", flows["avg_connect_days_high"], "天"),
        Kpi("avg_connect_days_low", "平均接电时长(低压)", flows["avg_connect_days_low"], "天"),
        Kpi("customer_visible_rate", "客户侧工程可视可控率", customer_visible_rate(open_stages, open_cases), "%"),
        Kpi("warning_success_rate", "预警干预成功率", flows["warning_success_rate"], "%"),
    ]
    kpis += long_running(open_cases, as_of, rules)
    return kpis


def flow_values(finished: pd.DataFrame, energized: pd.DataFrame) -> dict[str, float]:
    """The KPIs of a window that need only its summed counts: `finished_summary` rows and `energized_summary`
    rows (so the window before can be compared without recomputing what was open then)."""
    fin = finished[["finished", "on_time", "warned", "warned_ok"]].sum()
    e = energized.set_index("customer_class")
    high_n = float(e["cases"].get("high", 0))
    low = e.drop(index="high", errors="ignore")
    low_n = float(low["cases"].sum())
    return {
        "on_time_rate": _ratio(fin["on_time"], fin["finished"]),
        "warning_success_rate": _ratio(fin["warned_ok"], fin["warned"]),
        "energized_cases": high_n + low_n,
        "avg_connect_days_high": float(e["avg_days"].get("high", float("nan"))) if high_n else float("nan"),
        "avg_connect_days_low": float((low["cases"] * low["avg_days"]).sum() / low_n) if low_n else float("nan"),
    }


def customer_visible_rate(open_stages: pd.DataFrame, open_cases: pd.DataFrame) -> float:
    """Open high-voltage cases in the customer chain whose current customer stage has a planned date, over all
    open high-voltage cases in the customer chain (a case still in 受理/勘查/方案 has no customer works yet)."""
    high = set(open_cases.loc[open_cases["customer_class"] == "high", "case_id"])
    cust = open_stages[(open_stages["chain"] == "customer") & open_stages["case_id"].isin(high)]
    cust = cust[cust["state"].astype(str) == "open"]
    if cust.empty:
        return float("nan")
    planned = cust["planned_finish_on"].notna().groupby(cust["case_id"]).all()
    return float(planned.mean())


def long_running(open_cases: pd.DataFrame, as_of: dt.date, rules: Rules) -> list[Kpi]:
    """Open 10 kV+ cases by age since application in the configured buckets (e.g. 70–120, 120–300, > 300 days)."""
    edges = rules.raw["age_buckets_days"]
    hv = open_cases[open_cases["customer_class"] == "high"]
    age = (pd.Timestamp(as_of) - hv["applied_on"]).dt.days
    out = []
    for lo, hi in zip(edges, edges[1:] + [None]):
        inside = (age > lo) & (age <= hi) if hi else age > lo
        label = f"超{lo}天未送电" if hi is None else f"{lo}–{hi}天未送电"
        out.append(Kpi(f"aged_{lo}_{hi or 'plus'}", label, float(inside.sum()), "件"))
    return out


def kpi_frame(kpis: list[Kpi]) -> pd.DataFrame:
    """`name,value` rows (ratios as fractions, counts as integers, empty for no data)."""
    rows = []
    for k in kpis:
        v = (
            ""
            if np.isnan(k.value)
            else (f"{k.value:.4f}" if k.unit == "%" else f"{k.value:.2f}".rstrip("0").rstrip("."))
        )
        rows.append((k.name, v))
    return pd.DataFrame(rows, columns=["name", "value"])
