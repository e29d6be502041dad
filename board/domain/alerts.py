"""超时预警 computations: unit × stage heatmap, drill-down rows, weekly late-rate trend, warning list."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np
import pandas as pd

from board.domain.overview import child_of
from board.domain.rules import Rules


@dataclass(frozen=True)
class Metric:
    """A heatmap metric with a fixed colour range, so refreshes never re-normalise the colours."""

    label: str
    unit: str
    zmax: float
    colorscale: str


METRICS: dict[str, Metric] = {
    "overdue_open": Metric("超时在途（个）", "个", 20, "Reds"),
    "warning_open": Metric("预警在途（个）", "个", 20, "Oranges"),
    "late_rate": Metric("期内超时率", "%", 0.5, "YlOrRd"),
    "avg_overrun": Metric("超时在途平均超期（天）", "天", 30, "Purples"),
}


def stage_columns(rules: Rules) -> list[str]:
    """Stage codes of both chains in process order, high voltage first, then low voltage."""
    return rules.codes_for("high") + rules.codes_for("low_resident")


def children(units: pd.DataFrame, parent: str) -> pd.DataFrame:
    """Child units of a parent (the parent itself when it has none), in tree order."""
    kids = units[units["parent_code"] == parent]
    return (kids if not kids.empty else units[units["unit_code"] == parent])[["unit_code", "unit_name"]]


def heatmap_matrix(
    metric: str, units: pd.DataFrame, parent: str, open_stages: pd.DataFrame, finished: pd.DataFrame, rules: Rules
) -> pd.DataFrame:
    """Rows = child units of `parent`, columns = stage codes; counts are 0 where nothing is open, rates and
    averages are NaN where there is nothing to measure (shown as empty cells, never as zero)."""
    rows = children(units, parent)["unit_code"].tolist()
    cols = stage_columns(rules)
    mapping = child_of(units, parent)
    if metric in ("overdue_open", "warning_open", "avg_overrun"):
        st = open_stages[open_stages["state"].astype(str) == "open"]
        wanted = "warning" if metric == "warning_open" else "overdue"
        st = st[st["status"].astype(str) == wanted].assign(child=lambda f: f["unit_code"].map(mapping))
        if metric == "avg_overrun":
            grid = st.pivot_table(index="child", columns="stage_code", values="overrun", aggfunc="mean")
            return grid.reindex(index=rows, columns=cols)
        grid = st.groupby(["child", "stage_code"]).size().unstack(fill_value=0)
        return grid.reindex(index=rows, columns=cols, fill_value=0).astype(int)
    if metric == "late_rate":
        fin = finished.assign(child=finished["unit_code"].map(mapping))
        sums = fin.groupby(["child", "stage_code"])[["finished", "on_time"]].sum()
        rate = 1 - sums["on_time"] / sums["finished"].where(sums["finished"] > 0)
        return rate.unstack().reindex(index=rows, columns=cols)
    raise ValueError(f"未知的指标：{metric}")


def cell_stages(
    metric: str, units: pd.DataFrame, parent: str, child: str, stage_code: str, open_stages: pd.DataFrame
) -> pd.DataFrame:
    """The open stages behind one cell of an open-stage metric (late_rate cells are fetched by the caller)."""
    mapping = child_of(units, parent)
    st = open_stages[(open_stages["state"].astype(str) == "open") & (open_stages["stage_code"] == stage_code)]
    wanted = "warning" if metric == "warning_open" else "overdue"
    st = st[st["status"].astype(str) == wanted]
    return st[st["unit_code"].map(mapping) == child]


def drill_rows(stages: pd.DataFrame, units: pd.DataFrame, rules: Rules, keep_order: bool = False) -> pd.DataFrame:
    """Display rows for a list of stages: case, customer, unit, stage, party, elapsed/limit, overrun, 督办层级;
    most overrun first unless `keep_order`."""
    if stages.empty:
        return pd.DataFrame(columns=DRILL_COLUMNS)
    names = dict(zip(units["unit_code"], units["unit_name"]))
    limit = stages["limit_days"]
    overrun = (stages["elapsed"] - limit).clip(lower=0)
    unit_word = stages["limit_unit"].map({"WD": "工作日", "CD": "自然日"})
    out = pd.DataFrame(
        {
            "case_id": stages["case_id"],
            "customer_name": stages["customer_name"],
            "unit_name": stages["unit_code"].map(names),
            "stage": stages["stage_code"] + " " + stages["stage_code"].map(rules.stage_name),
            "party": stages["party"].map(rules.parties),
            "elapsed_limit": stages["elapsed"].astype(int).astype(str) + " / " + limit.map(_fmt) + " " + unit_word,
            "overrun": overrun.fillna(0).astype(int),
            "level": rules.supervision_level(stages),
            "manager": stages["manager"].fillna(""),
            "status_name": stages["status"].astype(str).map({"overdue": "超时", "warning": "预警"}).fillna("按时"),
        }
    )
    if keep_order:
        return out.reset_index(drop=True)
    return out.sort_values(["overrun", "level"], ascending=False, kind="stable").reset_index(drop=True)


DRILL_COLUMNS = ["case_id", "customer_name", "unit_name", "stage", "party", "elapsed_limit", "overrun", "level",
                 "manager"]  # fmt: skip
DRILL_HEADERS = {
    "case_id": "工单号", "customer_name": "客户", "unit_name": "单位", "stage": "环节", "party": "责任方",
    "elapsed_limit": "已用 / 时限", "overrun": "超期天数", "level": "督办层级", "manager": "客户经理",
}  # fmt: skip


def _fmt(v: float) -> str:
    return "—" if pd.isna(v) else f"{v:g}"


def weekly_late_rate(daily: pd.DataFrame, units: pd.DataFrame, parent: str, weeks: int, as_of: dt.date) -> pd.DataFrame:
    """Late rate (1 − on time / finished) per child unit per ISO week (Monday start), last `weeks` weeks.

    Long format: week (Monday date), unit_code, unit_name, finished, late_rate (NaN when nothing finished).
    """
    monday = as_of - dt.timedelta(days=as_of.weekday())
    week_starts = [monday - dt.timedelta(weeks=i) for i in range(weeks - 1, -1, -1)]
    kids = children(units, parent)
    mapping = child_of(units, parent)
    frame = daily.assign(child=daily["unit_code"].map(mapping))
    day = pd.to_datetime(frame["finished_on"])
    frame["week"] = (day - pd.to_timedelta(day.dt.day_of_week, unit="D")).dt.date
    sums = frame.groupby(["child", "week"])[["finished", "on_time"]].sum()
    index = pd.MultiIndex.from_product([kids["unit_code"], week_starts], names=["child", "week"])
    sums = sums.reindex(index, fill_value=0).reset_index()
    sums["late_rate"] = np.where(sums["finished"] > 0, 1 - sums["on_time"] / sums["finished"].clip(lower=1), np.nan)
    sums["unit_name"] = sums["child"].map(dict(zip(kids["unit_code"], kids["unit_name"])))
    return sums.rename(columns={"child": "unit_code"})


SEVERITY = {"overdue": 0, "warning": 1}


def warning_list(open_stages: pd.DataFrame, rules: Rules) -> pd.DataFrame:
    """Open stages in 超时 or 预警, most severe first: 超时 before 预警, then overrun, then 督办层级."""
    st = open_stages[open_stages["state"].astype(str) == "open"]
    st = st[st["status"].astype(str).isin(SEVERITY)].copy()
    st["level"] = rules.supervision_level(st) if not st.empty else []
    st["severity"] = st["status"].astype(str).map(SEVERITY)
    st["overrun_days"] = (st["elapsed"] - st["limit_days"]).clip(lower=0)
    st["remaining_days"] = st["remaining"]
    return st.sort_values(["severity", "overrun_days", "level", "remaining_days"],
                          ascending=[True, False, False, True], kind="stable")  # fmt: skip


def level_counts(warnings: pd.DataFrame) -> dict[tuple[str, int], int]:
    """Counts of the warning list by (status, 督办层级)."""
    if warnings.empty:
        return {}
    grouped = warnings.groupby([warnings["status"].astype(str), "level"]).size()
    return {(str(s), int(lv)): int(n) for (s, lv), n in grouped.items()}
