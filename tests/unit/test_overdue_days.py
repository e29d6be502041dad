"""The first overdue day of a stage (by hand, across 春节 and 国庆 with their 调休), and overdue counts on many days
at once against the status of each day computed alone."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd

from board.domain.overdue_days import overdue_on_days
from board.domain.status import overdue_from, stage_status
from board.domain.workcal import FIRST_DAY


def _day(n: int) -> dt.date:
    return FIRST_DAY + dt.timedelta(days=int(n))


def test_first_overdue_day_by_hand(cal):
    stages = pd.DataFrame({
        "started_on": pd.to_datetime(["2024-02-08", "2025-09-28", "2026-03-03", "2026-03-03", "2026-03-03"]),
        "limit_days": [5.0, 9.0, 3.0, 2.5, np.nan],
        "limit_unit": ["WD", "WD", "CD", "CD", "WD"],
    })  # fmt: skip
    got = [_day(n) for n in overdue_from(stages, dt.date(2026, 12, 31), cal)]
    # G3 from Thu 2024-02-08, 5 WD: Feb 9 (1); Feb 10–17 春节; Sun Feb 18 worked (2); Feb 19, 20, 21 (3–5);
    # the 6th working day, Feb 22, is the first with more than 5
    assert got[0] == dt.date(2024, 2, 22)
    # L2 from Sun 2025-09-28 (worked), 9 WD: Sep 29, 30 (1–2); Oct 1–8 国庆; Oct 9, 10 (3–4); Sat Oct 11 worked (5);
    # Oct 13–16 (6–9); the 10th, Fri Oct 17
    assert got[1] == dt.date(2025, 10, 17)
    assert got[2] == dt.date(2026, 3, 7)  # 3 calendar days: 4 days elapsed on Mar 7
    assert got[3] == dt.date(2026, 3, 6)  # 2.5 calendar days: 3 elapsed is more
    assert got[4] == dt.date(2027, 1, 1)  # no limit: after the last day asked about


def test_a_day_beyond_the_last_asked_is_not_computed(cal):
    stages = pd.DataFrame({"started_on": pd.to_datetime(["2026-12-20"]), "limit_days": [20.0], "limit_unit": ["WD"]})
    # the 20th working day falls in 2027, a year chinese_calendar does not know: not an error for a day in 2026
    assert _day(overdue_from(stages, dt.date(2026, 12, 27), cal)[0]) == dt.date(2026, 12, 28)


def _random_rows(n: int, seed: int) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    start = pd.Timestamp("2025-08-01") + pd.to_timedelta(rng.integers(0, 200, n), unit="D")
    applied = start - pd.to_timedelta(rng.integers(-3, 30, n), unit="D")  # a few started before the application
    finished = start + pd.to_timedelta(rng.integers(0, 60, n), unit="D")
    finished = finished.where(rng.random(n) > 0.2)
    energized = start + pd.to_timedelta(rng.integers(0, 90, n), unit="D")
    energized = energized.where(rng.random(n) > 0.4)
    limit = rng.choice([1.0, 3.0, 5.0, 9.0, 20.0, np.nan], n)
    return pd.DataFrame({
        "unit_code": rng.choice(["A1", "A2", "B"], n), "started_on": start, "finished_on": finished,
        "limit_days": limit, "limit_unit": rng.choice(["WD", "CD"], n), "applied_on": applied,
        "energized_on": energized,
    })  # fmt: skip


def test_counts_on_many_days_match_each_day_computed_alone(cal, rules):
    rows = _random_rows(4000, 3)
    days = [dt.date(2025, 9, 7) + dt.timedelta(weeks=k) for k in range(20)]  # Sundays, 国庆 among them
    counts = overdue_on_days(rows, days, cal)
    assert sorted(counts) == days
    for d in days:
        t = pd.Timestamp(d)
        open_case = (rows["applied_on"] <= t) & (rows["energized_on"].isna() | (rows["energized_on"] > t))
        status = stage_status(rows[open_case], d, cal, rules)
        late = status[(status["state"].astype(str) == "open") & (status["status"].astype(str) == "overdue")]
        want = late["unit_code"].value_counts().sort_index()
        assert counts[d].sort_index().to_dict() == want.to_dict(), d
    assert sum(int(c.sum()) for c in counts.values()) > 500  # real counts compared, not empty ones
