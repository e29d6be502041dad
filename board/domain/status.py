"""Per-stage state and status at an as-of date (SPEC §3), vectorised over whole tables."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd

from board.domain.rules import Rules
from board.domain.workcal import WorkCalendar, to_day_numbers

STATES = ("not_started", "open", "finished")
STATUSES = ("normal", "warning", "overdue", "on_time")
STATE_NAMES = {"not_started": "未开始", "open": "进行中", "finished": "已完成"}
STATUS_NAMES = {"normal": "正常", "warning": "预警", "overdue": "超时", "on_time": "按时"}


def stage_status(stages: pd.DataFrame, as_of: dt.date, cal: WorkCalendar, rules: Rules) -> pd.DataFrame:
    """Return `stages` with state, elapsed (rule unit), elapsed_cd, status, remaining and overrun columns as of `as_of`.

    Needs started_on, finished_on, limit_days and limit_unit. A stage started after as-of is not started; one
    finished after as-of is still open then — so any past view is reproducible from the same rows.
    """
    out = stages.copy()
    a = cal.day_number(as_of)
    s = to_day_numbers(out["started_on"].to_numpy())
    f = to_day_numbers(out["finished_on"].to_numpy())
    not_started = (s < 0) | (s > a)
    finished = ~not_started & (f >= 0) & (f <= a)
    start = np.where(not_started, a, s)
    end = np.where(finished, f, a)
    if (finished & (f < s)).any():
        raise ValueError("存在完成日期早于开始日期的环节，请先修正数据")
    wd = out["limit_unit"].to_numpy() == "WD"
    elapsed = end - start
    elapsed_cd = elapsed.copy()
    elapsed_cd[not_started] = 0
    if wd.any():
        elapsed[wd] = cal.elapsed_between(start[wd], end[wd])
    elapsed[not_started] = 0
    limit = out["limit_days"].to_numpy(dtype=float)
    has_limit = ~np.isnan(limit)
    remaining = limit - elapsed
    over = has_limit & (elapsed > limit)
    warn = has_limit & ~over & (remaining <= rules.warning_threshold(np.nan_to_num(limit)))
    status_code = np.select(
        [finished & ~over, finished & over, ~finished & over, ~finished & ~not_started & warn],
        [3, 2, 2, 1],
        default=0,
    )
    state_code = np.select([not_started, finished], [0, 2], default=1)
    out["state"] = pd.Categorical.from_codes(state_code, STATES)
    out["status"] = pd.Categorical.from_codes(status_code, STATUSES)
    out["elapsed"] = elapsed
    out["elapsed_cd"] = elapsed_cd
    out["remaining"] = remaining
    out["overrun"] = np.where(over, elapsed - limit, 0.0)
    return out


def overdue_from(stages: pd.DataFrame, last: dt.date, cal: WorkCalendar) -> np.ndarray:
    """The day number on which each started stage with a limit is first 超时 while still open (elapsed > limit, as
    `stage_status` counts it); a day after `last` where that comes later. Needs started_on, limit_days, limit_unit."""
    s = to_day_numbers(stages["started_on"].to_numpy())
    if (s < 0).any():
        raise ValueError("overdue_from needs started stages")
    limit = stages["limit_days"].to_numpy(dtype=float)
    has = ~np.isnan(limit)
    n = np.floor(np.nan_to_num(limit)).astype(np.int64)  # elapsed is whole: more than 2.5 is 3 or more
    last_n = cal.day_number(last)
    wd = has & (stages["limit_unit"].to_numpy() == "WD")
    out = s + n + 1
    if wd.any():
        out[wd] = cal.first_day_beyond(s[wd], n[wd], last_n)
    out[~has] = last_n + 1  # no limit: never overdue
    return np.minimum(out, last_n + 1)


def finished_outcomes(stages: pd.DataFrame, cal: WorkCalendar, rules: Rules) -> pd.DataFrame:
    """Elapsed, calendar-day elapsed, on-time and entered-warning flags of finished stages (stored at import).

    A finished stage entered 预警 when its elapsed reached limit − threshold while open; elapsed grows by one
    working day at a time, so that is exactly final elapsed ≥ limit − threshold (every overdue stage passed it).
    """
    n = len(stages)
    s = to_day_numbers(stages["started_on"].to_numpy())
    f = to_day_numbers(stages["finished_on"].to_numpy())
    done = (s >= 0) & (f >= 0)
    cols = {k: np.full(n, np.nan) for k in ("elapsed", "elapsed_cd")}
    on_time = np.full(n, None, dtype=object)
    warned = np.full(n, None, dtype=object)
    if done.any():
        ss, ff = s[done], f[done]
        cd = ff - ss
        wd_mask = stages["limit_unit"].to_numpy()[done] == "WD"
        el = cd.copy()
        if wd_mask.any():
            el[wd_mask] = cal.elapsed_between(ss[wd_mask], ff[wd_mask])
        lim = stages["limit_days"].to_numpy(dtype=float)[done]
        has = ~np.isnan(lim)
        thr = rules.warning_threshold(np.nan_to_num(lim))
        cols["elapsed"][done] = el
        cols["elapsed_cd"][done] = cd
        on_time[done] = ~has | (el <= lim)
        warned[done] = has & (el >= lim - thr)
    return pd.DataFrame(
        {
            "elapsed": pd.array(cols["elapsed"], dtype="Int64"),
            "elapsed_cd": pd.array(cols["elapsed_cd"], dtype="Int64"),
            "on_time": pd.array(on_time, dtype="boolean"),
            "entered_warning": pd.array(warned, dtype="boolean"),
        },
        index=stages.index,
    )
