"""三通报 rankings (SPEC §4.4): weekly 时限通报, monthly 质量通报, quarterly 同业对标, among sibling units.

Tie rule: units with equal ranking keys share a rank and the next rank is skipped (competition ranking 1, 2, 2, 4).
Weekly key: 时限达标率 (higher first), then 期末超时在途 (fewer first). Monthly and quarterly key: 综合得分.
A unit without the data its key needs is listed as 无数据 and not ranked.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

import numpy as np
import pandas as pd

from board.domain.overview import child_of

KIND_NAMES = {"week": "周", "month": "月", "quarter": "季"}
REPORT_NAMES = {"week": "业扩时限通报", "month": "营销工作质量通报", "quarter": "营销同业对标通报"}
MEASURES = {
    "week": {"finished": "完成环节数", "on_time_rate": "时限达标率", "overdue_open": "期末超时在途",
             "avg_grid_wd": "平均供电流转(工作日)"},
    "month": {"on_time_rate": "时限达标率", "first_pass_rate": "一次验收通过率", "records_rate": "资料规范率",
              "satisfaction_rate": "客户满意率", "avg_connect_days": "平均接电时长(天)", "score": "综合得分"},
}  # fmt: skip
MEASURES["quarter"] = MEASURES["month"]
RATES = {"on_time_rate", "first_pass_rate", "records_rate", "satisfaction_rate"}


@dataclass(frozen=True)
class Period:
    """A reporting period: ISO week (Mon–Sun), calendar month or quarter."""

    kind: str
    start: dt.date
    end: dt.date
    label: str

    def previous(self) -> "Period":
        """The period just before this one."""
        return period_containing(self.kind, self.start - dt.timedelta(days=1))


def period_containing(kind: str, day: dt.date) -> Period:
    """The period of a kind that contains a day."""
    if kind == "week":
        start = day - dt.timedelta(days=day.weekday())
        year, week, _ = start.isocalendar()
        return Period(kind, start, start + dt.timedelta(days=6), f"{year}-W{week:02d}")
    if kind == "month":
        start = day.replace(day=1)
        end = (start + dt.timedelta(days=32)).replace(day=1) - dt.timedelta(days=1)
        return Period(kind, start, end, f"{day:%Y-%m}")
    if kind == "quarter":
        q = (day.month - 1) // 3
        start = dt.date(day.year, 3 * q + 1, 1)
        end = (dt.date(day.year + (q == 3), (3 * q + 3) % 12 + 1, 1)) - dt.timedelta(days=1)
        return Period(kind, start, end, f"{day.year}Q{q + 1}")
    raise ValueError(f"未知的通报周期：{kind}")


def last_complete(kind: str, as_of: dt.date) -> Period:
    """The latest period that ended on or before as-of."""
    current = period_containing(kind, as_of)
    return current if current.end <= as_of else current.previous()


def parse_period(kind: str, text: str) -> Period:
    """`2026-W20`, `2026-05` or `2026Q2` as a Period; a clear error for anything else."""
    text = (text or "").strip()
    try:
        if kind == "week" and (m := re.fullmatch(r"(\d{4})-W(\d{2})", text)):
            return period_containing("week", dt.date.fromisocalendar(int(m[1]), int(m[2]), 1))
        if kind == "month" and (m := re.fullmatch(r"(\d{4})-(\d{2})", text)):
            return period_containing("month", dt.date(int(m[1]), int(m[2]), 1))
        if kind == "quarter" and (m := re.fullmatch(r"(\d{4})Q([1-4])", text)):
            return period_containing("quarter", dt.date(int(m[1]), 3 * int(m[2]) - 2, 1))
    except ValueError:
        pass
    example = {"week": "2026-W20", "month": "2026-05", "quarter": "2026Q2"}.get(kind, "")
    raise ValueError(f"无法识别的{KIND_NAMES.get(kind, '')}：{text!r}（示例：{example}）")


def unit_measures(
    kind: str,
    units: pd.DataFrame,
    parent: str,
    finished: pd.DataFrame,
    cases: pd.DataFrame,
    overdue_open: pd.Series | None,
    weights: dict[str, float],
) -> pd.DataFrame:
    """Measures per child unit of `parent` from per-unit aggregates (`finished_summary` by unit and stage,
    `period_cases`, open overdue counts by unit); NaN where a unit has nothing to measure."""  # fmt: skip
    mapping = child_of(units, parent)
    kids = units[units["parent_code"] == parent][["unit_code", "unit_name"]].set_index("unit_code")
    fin = finished.assign(child=finished["unit_code"].map(mapping))
    f = fin.groupby("child")[["finished", "on_time"]].sum().reindex(kids.index, fill_value=0)
    g7 = (
        fin[fin["stage_code"] == "G7"]
        .groupby("child")[["finished", "first_pass"]]
        .sum()
        .reindex(kids.index, fill_value=0)
    )
    c = cases.assign(child=cases["unit_code"].map(mapping))
    c["grid_sum"] = c["avg_grid_wd"].fillna(0) * c["energized"]
    c["days_sum"] = c["avg_connect_days"].fillna(0) * c["energized"]
    cs = c.groupby("child")[["energized", "surveyed", "satisfied", "records_ok", "grid_sum", "days_sum"]].sum()
    cs = cs.reindex(kids.index, fill_value=0)
    out = kids.copy()
    out["finished"] = f["finished"].astype(int)
    out["on_time_rate"] = _rate(f["on_time"], f["finished"])
    out["energized"] = cs["energized"].astype(int)
    out["avg_grid_wd"] = _rate(cs["grid_sum"], cs["energized"])
    out["avg_connect_days"] = _rate(cs["days_sum"], cs["energized"])
    out["first_pass_rate"] = _rate(g7["first_pass"], g7["finished"])
    out["records_rate"] = _rate(cs["records_ok"], cs["energized"])
    out["satisfaction_rate"] = _rate(cs["satisfied"], cs["surveyed"])
    if overdue_open is not None:
        out["overdue_open"] = overdue_open.reindex(kids.index).fillna(0).astype(int)
    w = weights
    out["score"] = 100 * (w["records"] * out["records_rate"] + w["on_time"] * out["on_time_rate"]
                          + w["satisfaction"] * out["satisfaction_rate"])  # fmt: skip
    return out.reset_index()


def _rate(num: pd.Series, den: pd.Series) -> pd.Series:
    return (num / den.where(den > 0)).astype(float)


def rank(frame: pd.DataFrame, kind: str) -> pd.DataFrame:
    """Add `rank` (NaN = 无数据) with the module's tie rule; rows ordered by rank, then unit code."""
    out = frame.copy()
    if kind == "week":
        keys = [("on_time_rate", False), ("overdue_open", True)] if "overdue_open" in out else [("on_time_rate", False)]
    else:
        keys = [("score", False)]
    ranked = out[keys[0][0]].notna()
    key = list(zip(*[(out[c] if asc else -out[c]).round(9) for c, asc in keys]))
    order = sorted((k, i) for i, k in zip(out.index[ranked], [key[j] for j in np.flatnonzero(ranked)]))
    ranks: dict = {}
    for pos, (k, i) in enumerate(order, start=1):
        ranks[i] = ranks[order[pos - 2][1]] if pos > 1 and order[pos - 2][0] == k else pos
    out["rank"] = pd.Series(ranks, dtype=float).reindex(out.index)
    return out.sort_values(["rank", "unit_code"], na_position="last", kind="stable").reset_index(drop=True)


def with_change(current: pd.DataFrame, previous: pd.DataFrame) -> pd.DataFrame:
    """Add prev_rank and change (positive = moved up) against the previous period's ranking."""
    prev = previous.set_index("unit_code")["rank"]
    out = current.copy()
    out["prev_rank"] = out["unit_code"].map(prev)
    out["change"] = out["prev_rank"] - out["rank"]
    return out


def bands(frame: pd.DataFrame) -> pd.Series:
    """A/B/C 段: top, middle and bottom third of the ranked units (by rank position)."""
    n = int(frame["rank"].notna().sum())
    cut = [np.ceil(n / 3), np.ceil(2 * n / 3)]
    return frame["rank"].map(lambda r: "" if pd.isna(r) else ("A" if r <= cut[0] else "B" if r <= cut[1] else "C"))


def summary(frame: pd.DataFrame, kind: str, period: Period) -> str:
    """A short auto-written summary: best and worst units, biggest movers, units without data."""
    ranked = frame[frame["rank"].notna()]
    key = "on_time_rate" if kind == "week" else "score"
    if ranked.empty:
        return f"{period.label} 各单位均无数据。"
    fmt = (lambda v: f"{v * 100:.1f}%") if key in RATES else (lambda v: f"{v:.1f} 分")
    best, worst = ranked.iloc[0], ranked.iloc[-1]
    head = f"{period.label}{REPORT_NAMES[kind]}：{best['unit_name']}排名第一"
    parts = [f"{head}（{MEASURES[kind][key]} {fmt(best[key])}），{worst['unit_name']}排名末位（{fmt(worst[key])}）。"]
    if "change" in frame and frame["change"].notna().any():
        up = frame.loc[frame["change"].idxmax()]
        down = frame.loc[frame["change"].idxmin()]
        if up["change"] > 0:
            parts.append(f"进步最大：{up['unit_name']}（上升 {int(up['change'])} 位）。")
        if down["change"] < 0:
            parts.append(f"退步最大：{down['unit_name']}（下降 {int(-down['change'])} 位）。")
    missing = frame.loc[frame["rank"].isna(), "unit_name"].tolist()
    if missing:
        parts.append(f"无数据：{'、'.join(missing)}。")
    return "".join(parts)
