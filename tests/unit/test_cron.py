"""Cron next-run times (croniter behind the board's Cron), checked against a calendar by hand (2026-11-23 is a
Monday): Sunday as 0 and 7, day-of-month OR day-of-week, the next leap day, strictly after."""

import datetime as dt

import pytest

from board.config import LOCAL_TZ
from board.reports.cron import Cron, CronError


def at(*args) -> dt.datetime:
    return dt.datetime(*args, tzinfo=LOCAL_TZ)


@pytest.mark.parametrize(
    "expr, after, expected",
    [
        ("0 8 * * 1", at(2026, 11, 24, 5, 0), at(2026, 11, 30, 8, 0)),  # Tuesday -> next Monday
        ("0 8 * * 1", at(2026, 11, 30, 7, 59), at(2026, 11, 30, 8, 0)),  # same morning
        ("0 8 * * 1", at(2026, 11, 30, 8, 0), at(2026, 12, 7, 8, 0)),  # strictly after: not the same minute
        ("0 8 1 * *", at(2026, 11, 24, 5, 0), at(2026, 12, 1, 8, 0)),
        ("0 8 1 * *", at(2026, 12, 1, 8, 0, 30), at(2027, 1, 1, 8, 0)),  # across the year
        ("*/15 9-17 * * 1-5", at(2026, 11, 27, 17, 50), at(2026, 11, 30, 9, 0)),  # Friday evening -> Monday
        ("*/15 9-17 * * 1-5", at(2026, 11, 27, 9, 1), at(2026, 11, 27, 9, 15)),
        ("30 6 * * 0", at(2026, 11, 23, 0, 0), at(2026, 11, 29, 6, 30)),  # 0 = Sunday
        ("30 6 * * 7", at(2026, 11, 23, 0, 0), at(2026, 11, 29, 6, 30)),  # 7 = Sunday too
        ("0 0 29 2 *", at(2026, 3, 1, 0, 0), at(2028, 2, 29, 0, 0)),  # next leap day
        ("0 12 13 * 5", at(2026, 11, 23, 0, 0), at(2026, 11, 27, 12, 0)),  # 13th OR Friday: Fri 27th first
        ("0 12 13 * 5", at(2026, 11, 28, 0, 0), at(2026, 12, 4, 12, 0)),
        ("5,35 8 * * *", at(2026, 11, 23, 8, 5), at(2026, 11, 23, 8, 35)),
    ],
)
def test_next_after(expr, after, expected):
    assert Cron.parse(expr).next_after(after) == expected


@pytest.mark.parametrize("expr", ["", "* * * *", "61 * * * *", "0 24 * * *", "0 8 0 * *", "0 8 * 13 *", "a b c d e",
                                  "*/0 * * * *", "0 8 * * * *"])  # fmt: skip
def test_invalid_expressions_are_refused_with_a_message(expr):
    with pytest.raises(CronError, match="cron"):
        Cron.parse(expr)


def test_expression_that_never_runs():
    with pytest.raises(CronError, match="八年"):
        Cron.parse("0 0 31 2 *").next_after(at(2026, 1, 1, 0, 0))
