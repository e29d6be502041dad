"""Column checks of one sheet (SPEC §5): each bad cell becomes `sheet:row:column: reason`."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from board.config import LOCAL_TZ

_DATE_RE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


@dataclass
class Problems:
    """Collected row errors, in file order."""

    items: list[str] = field(default_factory=list)

    def add(self, sheet: str, row: int, column: str, reason: str) -> None:
        """Record one problem."""
        self.items.append(f"{sheet}:{row}:{column}: {reason}")


def parse_local_date(text: str) -> dt.date:
    """A date from `YYYY-MM-DD` or an ISO timestamp; aware timestamps count by their Asia/Shanghai date."""
    text = text.strip()
    if _DATE_RE.match(text):
        return dt.date.fromisoformat(text)
    stamp = dt.datetime.fromisoformat(text.replace("Z", "+00:00"))
    if stamp.tzinfo is not None:
        stamp = stamp.astimezone(LOCAL_TZ)
    return stamp.date()


class ColumnChecker:
    """Checks a sheet a column at a time. Each column is factorised once (its distinct stripped values and each
    row's code), and every check runs on the distinct values: 11 M stage rows hold a few thousand dates, a dozen
    codes and 1 M case ids, so parsing or comparing per row is what made a province's check slow."""

    def __init__(self, sheet: str, frame: pd.DataFrame, problems: Problems):
        self.sheet, self.frame, self.problems = sheet, frame, problems
        self._factors: dict[str, tuple[np.ndarray, np.ndarray]] = {}

    def factor(self, col: str) -> tuple[np.ndarray, np.ndarray]:
        """(codes, values): each row's code into the column's distinct non-empty stripped values, -1 if empty."""
        if col not in self._factors:
            codes, uniques = pd.factorize(self.frame[col].to_numpy(dtype=object), use_na_sentinel=True)
            stripped = pd.Index(uniques, dtype=object).map(lambda v: str(v).strip()).to_numpy(dtype=object)
            # " G1" and "G1" are one value once stripped; "" is no value
            again, values = pd.factorize(np.where(stripped == "", None, stripped), use_na_sentinel=True)
            codes = np.append(again, -1)[codes]  # code -1 (a missing cell) picks the appended -1
            self._factors[col] = codes, np.asarray(values, dtype=object)
        return self._factors[col]

    def _rows(self, codes: np.ndarray, bad: np.ndarray) -> np.ndarray:
        """Which rows hold one of the flagged distinct values."""
        return (codes >= 0) & np.append(bad, False)[codes]

    def _spread(self, codes: np.ndarray, per_value: np.ndarray, missing) -> np.ndarray:
        return np.append(per_value, np.array([missing], dtype=per_value.dtype))[codes]

    def _flag(self, col: str, rows: np.ndarray, reason) -> None:
        """A problem for each of the rows; `reason(value)` words it from the cell's (stripped) value."""
        codes, distinct = self.factor(col)
        for row, code in zip(self.frame.index[rows], codes[rows]):
            self.problems.add(self.sheet, row, col, reason(distinct[code]))

    def _required(self, col: str, required: bool) -> tuple[np.ndarray, np.ndarray]:
        codes, values = self.factor(col)
        if required:
            for row in self.frame.index[codes < 0]:
                self.problems.add(self.sheet, row, col, "不能为空")
        return codes, values

    def text(self, col: str, required: bool = False) -> pd.Series:
        codes, values = self._required(col, required)
        # object dtype so that "missing" is None everywhere (pandas' string dtype would turn it into NaN)
        return pd.Series(self._spread(codes, values, None), index=self.frame.index, dtype=object)

    def choice(self, col: str, allowed, required: bool = False, default: str | None = None) -> pd.Series:
        codes, distinct = self._required(col, required)
        ok = pd.Index(distinct, dtype=object).isin(allowed)
        self._flag(col, self._rows(codes, ~ok), lambda v: f"取值 {v!r} 不在 {'/'.join(allowed)} 之中")
        kept = np.where(ok, distinct, default).astype(object)
        return pd.Series(self._spread(codes, kept, default), index=self.frame.index, dtype=object)

    def number(self, col: str, required=False, minimum=None, maximum=None, integer=False) -> pd.Series:
        codes, distinct = self._required(col, required)
        nums = pd.to_numeric(pd.Series(distinct, dtype=object), errors="coerce")
        arr = nums.to_numpy(dtype=float)
        bad_num = ~np.isfinite(arr)
        filled = np.nan_to_num(arr)
        checks = [(bad_num, "不是数字")]
        if integer:
            checks.append((~bad_num & (np.floor(filled) != filled), "应为整数"))
        if minimum is not None:
            checks.append((~bad_num & (filled < minimum), f"不能小于 {minimum}"))
        if maximum is not None:
            checks.append((~bad_num & (filled > maximum), f"不能大于 {maximum}"))
        flagged = np.zeros(len(distinct), dtype=bool)
        for mask, reason in checks:  # one problem per cell, the first that applies (as a reader would check)
            self._flag(col, self._rows(codes, mask & ~flagged), lambda v, why=reason: f"{why}：{v!r}")
            flagged |= mask
        # a flagged cell holds no number, so that typing the column (integers) cannot fail on it; as
        # pd.to_numeric of the whole column, integers stay int64 unless a cell is empty or flagged
        if (codes < 0).any() or flagged.any() or nums.dtype.kind not in "iu":
            return pd.Series(self._spread(codes, np.where(flagged, np.nan, arr), np.nan), index=self.frame.index)
        return pd.Series(nums.to_numpy()[codes], index=self.frame.index)

    def date(self, col: str, required: bool = False) -> pd.Series:
        codes, distinct = self._required(col, required)
        # plain YYYY-MM-DD in one vectorised pass; only timestamps and bad values go through the row parser
        parsed = pd.to_datetime(pd.Series(distinct, dtype=object), format="%Y-%m-%d", errors="coerce")
        parsed = parsed.astype("datetime64[s]").to_numpy(copy=True)
        bad = np.zeros(len(distinct), dtype=bool)
        for i in np.flatnonzero(np.isnat(parsed)):
            try:
                day = parse_local_date(distinct[i])
            except ValueError:
                bad[i] = True
            else:
                parsed[i] = np.datetime64(day, "s")
        self._flag(col, self._rows(codes, bad), lambda v: f"日期格式错误（应为 YYYY-MM-DD）：{v!r}")
        return pd.Series(self._spread(codes, parsed, np.datetime64("NaT", "s")), index=self.frame.index)

    def unique(self, col: str) -> None:
        codes, _values = self.factor(col)
        seen = pd.Series(codes).duplicated(keep="first").to_numpy() & (codes >= 0)
        self._flag(col, seen, lambda v: f"重复的编号 {v!r}")

    def missing_from(self, col: str, known, reason) -> None:
        """A problem for every row whose value is not in `known`; `reason(value)` words it."""
        codes, distinct = self.factor(col)
        self._flag(col, self._rows(codes, ~pd.Index(distinct, dtype=object).isin(list(known))), reason)
