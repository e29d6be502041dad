"""PRC working-day calendar (holidays and 调休) as arrays, so millions of stages are counted at once.

Every date from FIRST_DAY to LAST_DAY has an index. `_cum[i]` counts working days in [FIRST_DAY, day_i], so the
elapsed working days of a stage, i.e. working days d with start < d <= end, is `_cum[end] - _cum[start]`.
A year neither the package nor the database defines is *unknown*: elapsed time that crosses it is an error, while
forward planning falls back to Monday–Friday and is flagged provisional (暂定).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping

import numpy as np

FIRST_DAY = dt.date(2000, 1, 1)
LAST_DAY = dt.date(2040, 12, 31)
_EPOCH = np.datetime64(FIRST_DAY, "D")
_N_DAYS = (LAST_DAY - FIRST_DAY).days + 1


class CalendarUnknownError(ValueError):
    """A date falls in a year for which no holiday calendar is loaded."""

    def __init__(self, years: Iterable[int]):
        self.years = sorted(set(int(y) for y in years))
        names = "、".join(str(y) for y in self.years)
        super().__init__(
            f"{names} 年的节假日日历未知，无法计算已用工作日。"
            f"请用 `board calendar load {self.years[0]} 文件.csv` 导入该年节假日与调休安排后重试。"
        )


class CalendarRangeError(ValueError):
    """A date lies outside the range the calendar can represent at all."""


def to_day_numbers(values) -> np.ndarray:
    """Convert dates (date objects, strings, datetime64, a pandas Series) to int64 day offsets; NaT -> -1."""
    arr = np.asarray(values)
    if arr.dtype.kind != "M":
        arr = np.asarray(arr, dtype="datetime64[D]")
    days = arr.astype("datetime64[D]")
    out = (days - _EPOCH).astype(np.int64)
    out[np.isnat(days)] = -1
    return out


class WorkCalendar:
    """Working-day arithmetic over a fixed date range, with per-year knowledge of holidays."""

    def __init__(self, is_workday: np.ndarray, known: np.ndarray, sources: Mapping[int, str]):
        self._workday = is_workday.astype(bool)
        self._known = known.astype(bool)
        self._cum = np.cumsum(self._workday, dtype=np.int64)
        self._unknown_cum = np.cumsum(~self._known, dtype=np.int64)
        self.sources = dict(sources)

    # construction -------------------------------------------------------------------------------------------
    @classmethod
    def build(cls, overrides: Iterable[tuple[dt.date, bool]] = (), extra_years: Iterable[int] = ()) -> "WorkCalendar":
        """Calendar from `chinese_calendar`, then database overrides (day, is_workday) and fully loaded years."""
        import chinese_calendar

        dates = np.arange(_EPOCH, _EPOCH + _N_DAYS, dtype="datetime64[D]")
        weekday = (dates.astype(np.int64) + 3) % 7  # 1970-01-01 was a Thursday (weekday 3)
        workday = weekday < 5
        known = np.zeros(_N_DAYS, dtype=bool)
        sources: dict[int, str] = {}
        for year in range(FIRST_DAY.year, LAST_DAY.year + 1):
            try:
                chinese_calendar.is_workday(dt.date(year, 6, 1))
            except NotImplementedError:
                continue
            known[_year_slice(year)] = True
            sources[year] = "chinese_calendar"
        for day, flag in chinese_calendar.holidays.items():
            if FIRST_DAY <= day <= LAST_DAY:
                workday[(day - FIRST_DAY).days] = False
        for day, flag in chinese_calendar.workdays.items():
            if FIRST_DAY <= day <= LAST_DAY:
                workday[(day - FIRST_DAY).days] = True
        for year in extra_years:
            known[_year_slice(int(year))] = True
            sources[int(year)] = "database"
        for day, is_work in overrides:
            if FIRST_DAY <= day <= LAST_DAY:
                workday[(day - FIRST_DAY).days] = bool(is_work)
        return cls(workday, known, sources)

    # queries ------------------------------------------------------------------------------------------------
    @property
    def known_years(self) -> list[int]:
        """Years with a loaded holiday calendar."""
        return sorted(self.sources)

    def is_known(self, day: dt.date) -> bool:
        """Whether the day's year has a loaded calendar."""
        return bool(self._known[self._index(day)])

    def is_workday(self, day: dt.date) -> bool:
        """Whether the day is a working day (Mon–Fri guess, provisional, in unknown years)."""
        return bool(self._workday[self._index(day)])

    def elapsed_workdays(self, start, end) -> np.ndarray:
        """Working days d with start < d <= end, element-wise; raises CalendarUnknownError over unknown years."""
        return self.elapsed_between(self._checked(to_day_numbers(start)), self._checked(to_day_numbers(end)))

    def elapsed_between(self, s: np.ndarray, e: np.ndarray) -> np.ndarray:
        """`elapsed_workdays` on day numbers already validated (the fast path for whole tables)."""
        e = np.maximum(e, s)
        unknown = (self._unknown_cum[e] - self._unknown_cum[s]) > 0
        if unknown.any():
            bad = e[unknown]
            years = {(FIRST_DAY + dt.timedelta(days=int(i))).year for i in np.unique(bad)}
            years = {y for y in years if y not in self.sources} or years
            raise CalendarUnknownError(years)
        return self._cum[e] - self._cum[s]

    def first_day_beyond(self, s: np.ndarray, n: np.ndarray, last: int) -> np.ndarray:
        """Per element, the first day number d with more than n working days d' in s < d' <= d: the day a stage
        started on s with a limit of n working days is first overdue (day numbers already validated, n whole).
        Past `last` (the last day the caller asks about) the answer is only known to be later: `_N_DAYS`."""
        d = np.searchsorted(self._cum, self._cum[s] + n + 1, side="left")
        d = np.where(d > last, _N_DAYS, d)
        near = d <= last
        crossed = near & ((self._unknown_cum[np.minimum(d, _N_DAYS - 1)] - self._unknown_cum[s]) > 0)
        if crossed.any():
            years = {(FIRST_DAY + dt.timedelta(days=int(i))).year for i in np.unique(d[crossed])}
            raise CalendarUnknownError({y for y in years if y not in self.sources} or years)
        return d

    def day_number(self, day) -> int:
        """Index of a date in the calendar's range."""
        return self._index(day if isinstance(day, dt.date) else dt.date.fromisoformat(str(day)))

    def add_workdays(self, start, n) -> tuple[np.ndarray, np.ndarray]:
        """The date n working days after start (n=0: start itself) and a provisional flag per element.

        Provisional means the result relies on a Monday–Friday guess for a year without a loaded calendar.
        """
        s = self._checked(to_day_numbers(start))
        n = np.asarray(n, dtype=np.int64)
        target = self._cum[s] + n
        idx = np.searchsorted(self._cum, target, side="left")
        idx = np.where(n <= 0, s, idx)
        if (idx >= _N_DAYS).any():
            raise CalendarRangeError(f"计划日期超出 {LAST_DAY.year} 年，无法排程")
        provisional = (self._unknown_cum[idx] - self._unknown_cum[s]) > 0
        return _EPOCH + idx.astype("timedelta64[D]"), provisional

    def sub_workdays(self, end, n) -> tuple[np.ndarray, np.ndarray]:
        """The latest start such that start + n working days still finishes on or before end; provisional flag."""
        e = self._checked(to_day_numbers(end))
        n = np.asarray(n, dtype=np.int64)
        target = self._cum[e] - n
        idx = np.searchsorted(self._cum, target, side="right") - 1
        idx = np.where(n <= 0, e, idx)
        if (idx < 0).any():
            raise CalendarRangeError(f"计划日期早于 {FIRST_DAY.year} 年，无法排程")
        provisional = (self._unknown_cum[e] - self._unknown_cum[idx]) > 0
        return _EPOCH + idx.astype("timedelta64[D]"), provisional

    def _index(self, day: dt.date) -> int:
        if not FIRST_DAY <= day <= LAST_DAY:
            raise CalendarRangeError(f"日期 {day} 超出日历范围 {FIRST_DAY}～{LAST_DAY}")
        return (day - FIRST_DAY).days

    def _checked(self, idx: np.ndarray) -> np.ndarray:
        idx = np.atleast_1d(idx)
        if idx.size and ((idx < 0).any() or (idx >= _N_DAYS).any()):
            raise CalendarRangeError(f"日期缺失或超出日历范围 {FIRST_DAY}～{LAST_DAY}")
        return idx


def _year_slice(year: int) -> slice:
    start = (dt.date(year, 1, 1) - FIRST_DAY).days
    end = (dt.date(year, 12, 31) - FIRST_DAY).days + 1
    return slice(max(start, 0), min(end, _N_DAYS))
