"""Per-child-unit summary of a scope: the "who is behind" table of the home page."""

from __future__ import annotations

import numpy as np
import pandas as pd


def child_of(units: pd.DataFrame, parent: str) -> dict[str, str]:
    """Map every unit code below `parent` (and parent itself) to the child of `parent` it belongs to."""
    paths = dict(zip(units["unit_code"], units["path"]))
    parent_path = paths[parent]
    depth = parent_path.count("/") - 1
    out = {}
    for code, path in paths.items():
        if path.startswith(parent_path):
            parts = path.strip("/").split("/")
            out[code] = parts[depth] if len(parts) > depth else parent
    return out


def child_overview(
    units: pd.DataFrame, parent: str, finished: pd.DataFrame, open_stages: pd.DataFrame, open_cases: pd.DataFrame
) -> pd.DataFrame:
    """Per child unit: open cases, open overdue and warning stages, stages finished and on-time rate.

    Children with no cases are listed with zeros and an empty rate (无数据), never dropped.
    """
    mapping = child_of(units, parent)
    children = units[units["parent_code"] == parent][["unit_code", "unit_name"]]
    if children.empty:
        children = units[units["unit_code"] == parent][["unit_code", "unit_name"]]
    fin = finished.assign(child=finished["unit_code"].map(mapping)).groupby("child")[["finished", "on_time"]].sum()
    st = open_stages[open_stages["state"].astype(str) == "open"]
    st = st.assign(child=st["unit_code"].map(mapping), status=st["status"].astype(str))
    overdue = st[st["status"] == "overdue"].groupby("child").size()
    warning = st[st["status"] == "warning"].groupby("child").size()
    cases = open_cases.assign(child=open_cases["unit_code"].map(mapping)).groupby("child").size()
    out = children.set_index("unit_code")
    out["open_cases"] = cases.reindex(out.index).fillna(0).astype(int)
    out["overdue_open"] = overdue.reindex(out.index).fillna(0).astype(int)
    out["warning_open"] = warning.reindex(out.index).fillna(0).astype(int)
    out["finished"] = fin["finished"].reindex(out.index).fillna(0).astype(int)
    on_time = fin["on_time"].reindex(out.index).fillna(0)
    out["on_time_rate"] = np.where(out["finished"] > 0, on_time / out["finished"].replace(0, 1), np.nan)
    return out.reset_index()


def attention(
    units: pd.DataFrame, parent: str, open_stages: pd.DataFrame, stage_names: dict[str, str], n: int = 3
) -> list[dict]:
    """What needs attention first, in words: the stages with the most open overdue stages, each with the child
    unit that holds most of them ("C3 基础施工 超时 14 件，集中在东岚县供电公司（9 件）"), worst first."""
    st = open_stages[(open_stages["state"].astype(str) == "open") & (open_stages["status"].astype(str) == "overdue")]
    if st.empty:
        return []
    mapping = child_of(units, parent)
    names = dict(zip(units["unit_code"], units["unit_name"]))
    st = st.assign(child=st["unit_code"].map(mapping))
    per_stage = st.groupby("stage_code").size().sort_values(ascending=False, kind="stable")
    out = []
    for code, count in per_stage.head(n).items():
        by_child = st[st["stage_code"] == code].groupby("child").size().sort_values(ascending=False, kind="stable")
        top, top_n = by_child.index[0], int(by_child.iloc[0])
        where = f"，集中在{names.get(top, top)}（{top_n} 件）" if top != parent and len(by_child) > 1 else ""
        where = where or (f"，全部在{names.get(top, top)}" if top != parent else "")
        text = f"{code} {stage_names.get(code, code)} 超时 {int(count)} 件{where}"
        out.append({"text": text, "stage_code": code, "unit_code": top, "count": int(count)})
    return out
