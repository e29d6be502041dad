"""Columns derived once at import: stage chain and limit, finished outcomes, case energization and reply dates."""

from __future__ import annotations

import numpy as np
import pandas as pd

from board.domain.rules import HIGH_CLASSES, Rules
from board.domain.status import finished_outcomes
from board.domain.workcal import WorkCalendar

CASE_ATTRS = ["case_id", "unit_code", "customer_class", "capacity_kva", "works_type", "supply"]


def case_positions(cases: pd.DataFrame, stages: pd.DataFrame) -> np.ndarray:
    """Each stage row's position in `cases` (−1 for a case not there). Looked up once per import and shared: each
    lookup of 11 M stage rows' case ids is seconds of a province's first load."""
    return pd.Index(cases["case_id"]).get_indexer(stages["case_id"])


def enrich_stages(
    stages: pd.DataFrame, case_attrs: pd.DataFrame, cal: WorkCalendar, rules: Rules, pos: np.ndarray | None = None
) -> pd.DataFrame:
    """Stage rows with unit_code, chain, limit_days, limit_unit and the stored outcomes of finished stages.
    `pos`: each row's position in `case_attrs`, as `case_positions` gives it (which refuses a case id held twice)."""
    pos = case_positions(case_attrs, stages) if pos is None else pos
    # a left join by position: the row after the last is all missing, so a case not found (−1) takes it
    padded = pd.concat([case_attrs[CASE_ATTRS[1:]], pd.DataFrame([{}], columns=CASE_ATTRS[1:])], ignore_index=True)
    found = padded.take(np.where(pos >= 0, pos, len(padded) - 1)).reset_index(drop=True)
    merged = pd.concat([stages.reset_index(drop=True), found], axis=1)
    merged["chain"] = merged["stage_code"].map({c: info["chain"] for c, info in rules.stage_info.items()})
    merged["limit_days"], merged["limit_unit"] = rules.limits(merged)
    outcomes = finished_outcomes(merged, cal, rules)
    for col in outcomes:
        merged[col] = outcomes[col]
    return merged.drop(columns=[c for c in CASE_ATTRS[2:]])


def energized_on(cases: pd.DataFrame, stages: pd.DataFrame, rules: Rules, pos: np.ndarray | None = None) -> pd.Series:
    """The finish date of each case's final stage (G8 for high voltage, L2 for low), NaT when not reached.
    `pos`: the stage rows' positions in `cases` (`case_positions`), when already looked up."""
    return _finished(cases, stages, rules.raw["final_stage"], pos).rename("energized_on")


def replied_on(cases: pd.DataFrame, stages: pd.DataFrame, rules: Rules, pos: np.ndarray | None = None) -> pd.Series:
    """The finish date of each case's 供电方案答复 (G3 for high voltage, L1 for low: `Rules.reply_stage`), NaT when
    not reached: from then until energized its kVA is promised on its feeder (可开放容量)."""
    return _finished(cases, stages, rules.reply_stage, pos).rename("replied_on")


def _finished(cases: pd.DataFrame, stages: pd.DataFrame, code: dict[str, str], pos: np.ndarray | None) -> pd.Series:
    """The finish date of one stage of each case, its code by customer class ({"high": …, "low": …})."""
    wanted = np.where(cases["customer_class"].isin(HIGH_CLASSES), code["high"], code["low"])
    pos = case_positions(cases, stages) if pos is None else pos
    finished_mask = stages["finished_on"].notna().to_numpy()
    done, pos = stages[finished_mask], pos[finished_mask]
    mine = pos >= 0
    hit = np.zeros(len(done), dtype=bool)
    hit[mine] = done["stage_code"].to_numpy()[mine] == wanted[pos[mine]]
    finished = pd.to_datetime(done["finished_on"]).to_numpy()
    out = np.full(len(cases), np.datetime64("NaT"), dtype=finished.dtype)
    out[pos[hit]] = finished[hit]
    return pd.Series(out, index=cases.index)


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


def case_facts(cases: pd.DataFrame, stages: pd.DataFrame, rules: Rules, pos: np.ndarray | None = None) -> pd.DataFrame:
    """Per case: grid_wd (sum of finished grid-chain working days) and records_ok (every stage of its class
    recorded with start and finish, and no stage starting before a predecessor finished)."""
    # by case position (one lookup per stage row) and numpy: string-keyed group-bys and pivots over 11 M stage
    # rows took 40 s of a province's first load
    pos = case_positions(cases, stages) if pos is None else pos
    both = (stages["started_on"].notna() & stages["finished_on"].notna()).to_numpy()
    done, pos = stages[both], pos[both]
    n = len(cases)
    mine = pos >= 0
    done, pos = done[mine], pos[mine]
    chain = done["chain"].to_numpy()

    def per_case(mask: np.ndarray, column: str) -> tuple[np.ndarray, np.ndarray]:
        values = np.nan_to_num(pd.to_numeric(done[column], errors="coerce").to_numpy(dtype=float)[mask])
        return np.bincount(pos[mask], weights=values, minlength=n), np.bincount(pos[mask], minlength=n)

    grid_sum, grid_n = per_case(chain == "grid", "elapsed")
    cust_sum, cust_n = per_case(chain == "customer", "elapsed_cd")
    expected = cases["customer_class"].map({k: len(rules.codes_for(k)) for k in cases["customer_class"].unique()})
    complete = np.bincount(pos, minlength=n) == expected.to_numpy()
    # one row per case, one column per stage: each interlock is then a comparison of two columns
    codes = sorted({c for pair in rules.interlocks for c in pair})
    col = pd.Index(codes).get_indexer(done["stage_code"])
    fin = np.full((n, len(codes)), np.datetime64("NaT"), dtype="datetime64[ns]")
    sta = fin.copy()
    hit = col >= 0
    fin[pos[hit], col[hit]] = pd.to_datetime(done["finished_on"]).to_numpy()[hit]
    sta[pos[hit], col[hit]] = pd.to_datetime(done["started_on"]).to_numpy()[hit]
    early = np.zeros(n, dtype=bool)
    for a, b in rules.interlocks:
        early |= sta[:, codes.index(b)] < fin[:, codes.index(a)]  # NaT on either side compares False
    return pd.DataFrame({
        "grid_wd": np.where(grid_n > 0, grid_sum, np.nan),
        "records_ok": complete & ~early,
        "customer_cd": np.where(cust_n == 5, cust_sum, np.nan),
    }, index=cases.index)  # fmt: skip
