"""Columns derived once at import: stage chain and limit, finished outcomes, case energization date."""

from __future__ import annotations

import numpy as np
import pandas as pd

from board.domain.rules import HIGH_CLASSES, Rules
from board.domain.status import finished_outcomes
from board.domain.workcal import WorkCalendar

CASE_ATTRS = ["case_id", "unit_code", "customer_class", "capacity_kva", "works_type", "supply"]


def enrich_stages(stages: pd.DataFrame, case_attrs: pd.DataFrame, cal: WorkCalendar, rules: Rules) -> pd.DataFrame:
    """Stage rows with unit_code, chain, limit_days, limit_unit and the stored outcomes of finished stages."""
    merged = stages.merge(case_attrs[CASE_ATTRS], on="case_id", how="left", validate="many_to_one")
    merged["chain"] = merged["stage_code"].map({c: info["chain"] for c, info in rules.stage_info.items()})
    merged["limit_days"], merged["limit_unit"] = rules.limits(merged)
    outcomes = finished_outcomes(merged, cal, rules)
    for col in outcomes:
        merged[col] = outcomes[col]
    return merged.drop(columns=[c for c in CASE_ATTRS[2:]])


def energized_on(cases: pd.DataFrame, stages: pd.DataFrame, rules: Rules) -> pd.Series:
    """The finish date of each case's final stage (G8 for high voltage, L2 for low), NaT when not reached."""
    finals = rules.raw["final_stage"]
    final_code = np.where(cases["customer_class"].isin(HIGH_CLASSES), finals["high"], finals["low"])
    wanted = pd.DataFrame({"case_id": cases["case_id"].to_numpy(), "stage_code": final_code})
    done = stages.loc[stages["finished_on"].notna(), ["case_id", "stage_code", "finished_on"]]
    hit = wanted.merge(done, on=["case_id", "stage_code"], how="left")
    return pd.Series(hit["finished_on"].to_numpy(), index=cases.index, name="energized_on")


def unknown_year_problems(stages: pd.DataFrame, cal: WorkCalendar) -> list[str]:
    """`stages:row:column: reason` for finished stages whose dates fall in a year without a calendar."""
    out = []
    known = set(cal.known_years)
    for col in ("started_on", "finished_on"):
        years = stages[col].dt.year
        bad = stages.index[stages["finished_on"].notna() & years.notna() & ~years.isin(known)]
        for row in bad:
            year = int(years[row])
            out.append(f"stages:{row}:{col}: {year} 年节假日日历未知，请先 `board calendar load {year} 文件.csv`")
    return out


def case_facts(cases: pd.DataFrame, stages: pd.DataFrame, rules: Rules) -> pd.DataFrame:
    """Per case: grid_wd (sum of finished grid-chain working days) and records_ok (every stage of its class
    recorded with start and finish, and no stage starting before a predecessor finished)."""
    done = stages[stages["started_on"].notna() & stages["finished_on"].notna()]
    grid = done[done["chain"] == "grid"].groupby("case_id")["elapsed"].sum()
    expected = cases["customer_class"].map({k: len(rules.codes_for(k)) for k in cases["customer_class"].unique()})
    complete = done.groupby("case_id").size().reindex(cases["case_id"]).fillna(0).to_numpy() == expected.to_numpy()
    # one row per case, one column per stage: each interlock is then a comparison of two columns
    fin = done.pivot(index="case_id", columns="stage_code", values="finished_on")
    sta = done.pivot(index="case_id", columns="stage_code", values="started_on")
    early = pd.Series(False, index=fin.index)
    for a, b in rules.interlocks:
        if a in fin.columns and b in sta.columns:
            early |= (sta[b] < fin[a]).to_numpy()  # NaT on either side compares False: nothing to check
    ordered = ~cases["case_id"].isin(early.index[early.to_numpy()]).to_numpy()
    cust = done[done["chain"] == "customer"].groupby("case_id")["elapsed_cd"].agg(["sum", "size"])
    customer_cd = cust["sum"].where(cust["size"] == 5).reindex(cases["case_id"])
    return pd.DataFrame({
        "grid_wd": grid.reindex(cases["case_id"]).astype("Int64").to_numpy(),
        "records_ok": complete & ordered,
        "customer_cd": customer_cd.astype("Int64").to_numpy(),
    }, index=cases.index)  # fmt: skip
