"""Case-level measures (SPEC §4.2): who holds each case, 接电时长, 供电部门流转耗时, baseline, time by party."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd

from board.domain.rules import Rules
from board.domain.workcal import WorkCalendar, to_day_numbers


def case_state(cases: pd.DataFrame, as_of: dt.date) -> pd.Series:
    """State of each case as of a date: open, energized or cancelled (cases applied later are dropped first)."""
    energized = pd.to_datetime(cases["energized_on"])
    state = np.where(energized.notna() & (energized <= pd.Timestamp(as_of)), "energized", "open")
    state = np.where(cases["status"].to_numpy() == "cancelled", "cancelled", state)
    return pd.Series(state, index=cases.index, name="state_as_of")


def holding(stages: pd.DataFrame, rules: Rules) -> pd.DataFrame:
    """Per case: the open stage codes and the parties holding them (output of `stage_status`)."""
    open_ = stages[stages["state"] == "open"]
    if open_.empty:
        return pd.DataFrame(columns=["case_id", "current_stages", "holding_party"]).set_index("case_id")
    order = open_["stage_code"].map(lambda c: rules.stage_info.get(c, {}).get("order", 99))
    open_ = open_.assign(_o=order).sort_values(["case_id", "_o"])
    # most cases have one open stage: take those directly and join strings only for parallel stages
    multi = open_["case_id"].duplicated(keep=False)
    single = open_.loc[~multi, ["case_id", "stage_code", "party"]].set_index("case_id")
    grouped = open_[multi].groupby("case_id", sort=False)
    parallel = pd.DataFrame(
        {
            "stage_code": grouped["stage_code"].agg(",".join),
            "party": grouped["party"].agg(lambda p: ",".join(dict.fromkeys(p))),
        }
    )
    both = pd.concat([single, parallel])
    return both.rename(columns={"stage_code": "current_stages", "party": "holding_party"})


def case_measures(
    cases: pd.DataFrame, stages: pd.DataFrame, as_of: dt.date, cal: WorkCalendar, rules: Rules
) -> pd.DataFrame:
    """One row per case with the SPEC §4.2 measures as of `as_of`; `stages` is `stage_status` output."""
    out = cases.set_index("case_id").copy()
    out["state_as_of"] = case_state(out.reset_index(), as_of).to_numpy()
    a = cal.day_number(as_of)
    applied = to_day_numbers(out["applied_on"].to_numpy())
    energized = to_day_numbers(out["energized_on"].to_numpy())
    done = (out["state_as_of"] == "energized").to_numpy()
    end = np.where(done, energized, a)
    out["age_cd"] = a - applied
    out["connect_cd"] = np.where(done, end - applied, np.nan)
    wd = np.full(len(out), np.nan)
    if done.any():
        wd[done] = cal.elapsed_between(applied[done], end[done])
    out["connect_wd"] = wd
    started = stages[stages["state"] != "not_started"]
    by_chain = started.pivot_table(index="case_id", columns="chain", values="elapsed", aggfunc="sum")
    out["grid_wd"] = by_chain.get("grid", pd.Series(dtype=float)).reindex(out.index).fillna(0)
    out["customer_cd"] = by_chain.get("customer", pd.Series(dtype=float)).reindex(out.index)
    out["baseline_cd"] = rules.baseline_cd(out["capacity_kva"].to_numpy(dtype=float))
    band = float(rules.raw["customer_baseline"]["band"])
    ratio = out["customer_cd"] / out["baseline_cd"]
    out["baseline_flag"] = np.select(
        [ratio.isna(), ratio > 1 + band, ratio < 1 - band], ["", "超出基准", "快于基准"], default="基准内"
    )
    out.loc[out["customer_class"] != "high", ["customer_cd", "baseline_cd"]] = np.nan
    out.loc[out["customer_class"] != "high", "baseline_flag"] = ""
    out["supervision_level"] = rules.supervision_level(out)
    out = out.join(holding(stages, rules))
    return out.reset_index()


def party_days(stages: pd.DataFrame, by: tuple[str, ...] = ("case_id", "unit_code")) -> pd.DataFrame:
    """Calendar days held by each party (started stages; open ones up to as-of), grouped by `by` + party.

    Calendar days, not working days: grid stages count WD and customer stages CD, and the question
    "who held the time" is about the customer's waiting, which runs on calendar days.
    """
    started = stages[stages["state"].astype(str) != "not_started"]
    keys = [*by, "party"]
    return started.groupby(keys, observed=True)["elapsed_cd"].sum().rename("days").reset_index()


def time_by_party(stages: pd.DataFrame) -> pd.DataFrame:
    """Days held by each party, per case (long format)."""
    return party_days(stages, by=("case_id",))
