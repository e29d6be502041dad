"""Open overdue stages per unit on many days at once (the week ends of the weekly 时限通报 and the KPI trend).

A stage with its case counts as 超时在途 on day d when, that day, the case is applied and neither energized nor
cancelled, the stage is started and not finished, and d is on or after the stage's first overdue day
(`status.overdue_from`). Each row is thus overdue on one run of days, and the days asked about fall in that run
or not: counting a row is two binary searches, not a status computation per day.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd

from board.domain.status import overdue_from
from board.domain.workcal import WorkCalendar, to_day_numbers

NEVER = np.iinfo(np.int64).max


def overdue_on_days(rows: pd.DataFrame, days: list[dt.date], cal: WorkCalendar) -> dict[dt.date, pd.Series]:
    """Per day, the count of overdue open stages per unit (units with none left out). `rows`: unit_code,
    started_on, finished_on, limit_days, limit_unit, applied_on, energized_on of the stages of live cases that
    could be overdue on one of the days (any others only cost time)."""
    days = sorted(days)
    if not days:
        return {}
    rows = rows[rows["started_on"].notna()]
    if rows.empty:
        return {d: pd.Series(dtype="int64") for d in days}
    numbers = np.array([cal.day_number(d) for d in days], dtype=np.int64)

    def ends(column: str) -> np.ndarray:
        n = to_day_numbers(rows[column].to_numpy())
        return np.where(n < 0, NEVER, n)

    started, applied = (to_day_numbers(rows[c].to_numpy()) for c in ("started_on", "applied_on"))
    lo = np.maximum.reduce([started, applied, overdue_from(rows, days[-1], cal)])
    hi = np.minimum(ends("finished_on"), ends("energized_on"))
    first = np.searchsorted(numbers, lo, side="left")
    after = np.searchsorted(numbers, hi, side="left")
    some = first < after
    units, unit_of = np.unique(rows["unit_code"].to_numpy(dtype=object)[some], return_inverse=True)
    diff = np.zeros((len(units), len(days) + 1), dtype=np.int64)
    np.add.at(diff, (unit_of, first[some]), 1)
    np.add.at(diff, (unit_of, after[some]), -1)
    counts = np.cumsum(diff[:, :-1], axis=1)
    out = {}
    for i, d in enumerate(days):
        per_unit = pd.Series(counts[:, i], index=pd.Index(units, name="unit_code"), dtype="int64")
        out[d] = per_unit[per_unit > 0]
    return out
