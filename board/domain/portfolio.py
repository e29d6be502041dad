"""双链进度 portfolio: case filters, per-case progress strips, where cases wait, and time by party per unit."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from board.domain.overview import child_of
from board.domain.rules import Rules

# chip codes of the progress strip (the browser renderer maps them to colours; no user text goes through it)
CHIP = {("not_started", "normal"): "ns", ("open", "normal"): "n", ("open", "warning"): "w",
        ("open", "overdue"): "x", ("finished", "on_time"): "o", ("finished", "overdue"): "l"}  # fmt: skip
CHIP_NAMES = {"ns": "未开始", "n": "正常", "w": "预警", "x": "超时", "o": "按时", "l": "超时完成"}


@dataclass(frozen=True)
class PortfolioFilter:
    """Filters applied in memory to a cached portfolio (the SQL part is unit, as-of, states and dates)."""

    voltage: str | None = None
    customer_class: str | None = None
    key_only: bool = False
    party: str | None = None
    text: str = ""


def apply_filter(cases: pd.DataFrame, f: PortfolioFilter) -> pd.DataFrame:
    """Cases (with measures) matching the filter; the text matches case id or customer name, literally."""
    keep = np.ones(len(cases), dtype=bool)
    kv = cases["voltage_kv"].to_numpy(dtype=float)
    if f.voltage == "lv":
        keep &= kv < 1
    elif f.voltage == "mv":
        keep &= (kv >= 1) & (kv < 35)
    elif f.voltage == "hv":
        keep &= kv >= 35
    if f.customer_class:
        keep &= (cases["customer_class"] == f.customer_class).to_numpy()
    if f.key_only:
        keep &= cases["key_project"].fillna(False).astype(bool).to_numpy()
    if f.party:
        keep &= cases["holding_party"].fillna("").str.split(",").map(lambda ps: f.party in ps).to_numpy(dtype=bool)
    text = f.text.strip()
    if text:
        hit = cases["case_id"].str.contains(text, regex=False, case=False) | cases["customer_name"].str.contains(
            text, regex=False, case=False
        )
        keep &= hit.to_numpy()
    return cases[keep]


def progress_strips(stages: pd.DataFrame, classes: pd.Series, rules: Rules) -> pd.Series:
    """Per case a compact strip `G1:o G2:x …|C1:n …` (grid chain | customer chain) of chip codes; stages without
    a record yet show as 未开始. `classes` maps case id to customer class."""
    # a case × stage table of chips filled column-wise: a Python loop over a million stage rows took 9 s
    ids = pd.Index(classes.index)
    all_codes = list(dict.fromkeys(c for k in classes.unique() for c in rules.codes_for(str(k))))
    row = ids.get_indexer(stages["case_id"])
    col = pd.Index(all_codes).get_indexer(stages["stage_code"])
    hit = (row >= 0) & (col >= 0)
    state, status = (stages[c].astype(str).to_numpy(dtype=object) for c in ("state", "status"))
    chips = pd.Series((state + "|" + status)[hit]).map({f"{a}|{b}": v for (a, b), v in CHIP.items()})
    chips = chips.fillna("n").to_numpy(dtype=object)
    table = np.full((len(ids), len(all_codes)), "ns", dtype=object)
    table[row[hit], col[hit]] = chips
    out = np.empty(len(ids), dtype=object)
    klass = classes.astype(str).to_numpy()
    for k in np.unique(klass):
        rows = klass == k
        chains = []
        for chain in ("grid", "customer"):
            part = None
            for c in (c for c in rules.codes_for(k) if rules.stage_info[c]["chain"] == chain):
                piece = f"{c}:" + table[rows, all_codes.index(c)]
                part = piece if part is None else part + " " + piece
            chains.append(np.full(int(rows.sum()), "", dtype=object) if part is None else part)
        out[rows] = chains[0] + "|" + chains[1]
    return pd.Series(out, index=ids, dtype=object)


def where_cases_wait(stages: pd.DataFrame, rules: Rules) -> pd.DataFrame:
    """For each stage of both chains in process order: open cases there now, median and max elapsed. A row
    with a count `n` stands for n stages alike (the read model counts them in SQL)."""
    open_ = stages[stages["state"].astype(str) == "open"]
    n = open_["n"] if "n" in open_ else pd.Series(1, index=open_.index)
    open_ = open_.assign(n=n.astype("int64"))
    out = pd.DataFrame({
        "open_cases": open_.groupby("stage_code")["n"].sum(),
        "median_elapsed": pd.Series({c: _weighted_median(g) for c, g in open_.groupby("stage_code")}, dtype=float),
        "max_elapsed": open_.groupby("stage_code")["elapsed"].max(),
    })  # fmt: skip
    codes = rules.codes_for("high") + rules.codes_for("low_resident")
    out = out.reindex(codes)
    out["open_cases"] = out["open_cases"].fillna(0).astype(int)
    out["name"] = [rules.stage_name(c) for c in codes]
    out["chain"] = [rules.stage_info[c]["chain"] for c in codes]
    overdue = open_[open_["status"].astype(str) == "overdue"].groupby("stage_code")["n"].sum()
    out["overdue"] = overdue.reindex(codes).fillna(0).astype(int)
    return out.reset_index(names="stage_code")


def _weighted_median(group: pd.DataFrame) -> float:
    """The median of the values repeated by their counts, as numpy's median of the expanded values would be."""
    g = group.dropna(subset=["elapsed"]).sort_values("elapsed")
    total = int(g["n"].sum())
    if total == 0:
        return float("nan")
    upto = g["n"].cumsum().to_numpy()
    values = g["elapsed"].to_numpy(dtype=float)
    at = lambda k: values[np.searchsorted(upto, k, side="right")]  # noqa: E731 - the k-th value, 0-based
    return float(at(total // 2)) if total % 2 else (at(total // 2 - 1) + at(total // 2)) / 2


def party_split(days: pd.DataFrame, units: pd.DataFrame, parent: str) -> pd.DataFrame:
    """Days held by each party per child unit of `parent`, from `measures.party_days` rows."""
    mapping = child_of(units, parent)
    frame = days.assign(child=days["unit_code"].map(mapping))
    out = frame.groupby(["child", "party"], observed=True)["days"].sum().reset_index()
    names = dict(zip(units["unit_code"], units["unit_name"]))
    out["unit_name"] = out["child"].map(names)
    return out


def utility_share(split: pd.DataFrame) -> float:
    """The utility's share of all held days (NaN when nothing was held)."""
    total = split["days"].sum()
    return float(split.loc[split["party"] == "utility", "days"].sum() / total) if total else float("nan")
