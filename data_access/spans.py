"""Open spans banded by length, so that "the rows open on day d" is a few short index ranges.

A case is open from its application to its energization, a stage from its start to its finish; open on d means
start <= d < end (no end: open still). An index on the start or on the end answers that only by walking every row
that started before d, or every row that ended after it: for a day months back, the hundreds of thousands of cases
energized since (a province's 总览 as of 2026-03-31 spent 6 s of its 11 s there).

Each row stores its span's band: k for a span of at most 2**k days (k < LONG), LONG for a longer one, OPEN for a
row with no end yet, NULL for one that never started. A band-k row open on any day of [first, last] started in
[first − 2**k, last], so `open_during` is one index range per band and unit over (band, unit, start), each at
most about twice as long as the rows it finds, and the exact condition is then checked on those rows alone.

A stage finished on time (or without a limit) was never 超时: its band is moved up by ON_TIME, so the stages
that can count as overdue on some day — what the week ends' counts read — are the low bands alone.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
from sqlalchemy import and_, or_

LONG = 11  # a finished span over 2**10 = 1024 days: rare, read whole
OPEN = 12  # not finished (stage) or not energized (live case)
ON_TIME = 16  # added to the band of a stage finished on time


def bands(start: pd.Series, end: pd.Series, on_time: pd.Series | None = None) -> pd.Series:
    """The band of each span [start, end) (dates or NaT; NaT end: OPEN, NaT start: missing), plus ON_TIME where
    `on_time` is true (a stage's stored outcome)."""
    start = pd.to_datetime(start)
    days = (pd.to_datetime(end) - start).dt.days.to_numpy(dtype=float)
    with np.errstate(invalid="ignore", divide="ignore"):
        k = np.ceil(np.log2(np.clip(days, 1, None)))
    out = np.where(np.isnan(days), OPEN, np.where(k > LONG - 1, LONG, k))
    if on_time is not None:
        out = out + np.where(pd.array(on_time, dtype="boolean").fillna(False).to_numpy(dtype=bool), ON_TIME, 0)
    out = pd.array(out.astype("int64"), dtype="Int64")
    out[start.isna().to_numpy()] = pd.NA
    return pd.Series(out, index=start.index, name="open_band")


def worth_it(dialect: str, whole: bool) -> bool:
    """Whether to find a day's open rows by their bands. PostgreSQL's own plan for a whole province (the cases
    energized since, joined in parallel) beats them: its planner pulls the unit list every band term repeats out of
    the OR and ANDs it with an index of every stage row (a past day's open stages 2.1 s against 1.4 s at 1 M
    cases); for one 县公司 the bands win there too (0.46 against 0.90 s), and on SQLite in both."""
    return dialect != "postgresql" or not whole


def open_during(band, unit, codes, start, first: dt.date, last: dt.date, *, late_only=False, stages=False):
    """A condition true of every row of the units `codes` open on some day of [first, last] (and of a few others,
    about as many): the caller keeps its exact open-on-the-day condition beside it. Read through an index on
    (band, unit, start): each term is a range of start days in each unit, so one 县公司's rows are a sixth of a
    province's. `stages`: the bands of stages finished on time too, unless `late_only`."""
    offsets = (0, ON_TIME) if stages and not late_only else (0,)
    units = unit.in_(list(codes))
    terms = []
    for off in offsets:
        terms += [and_(band == off + k, units, start >= first - dt.timedelta(days=2**k), start <= last)
                  for k in range(LONG)]  # fmt: skip
        terms += [and_(band == off + k, units, start <= last) for k in (LONG, OPEN) if not (off and k == OPEN)]
    return or_(*terms)
