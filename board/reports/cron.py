"""Five-field cron expressions (minute hour day-of-month month day-of-week) and their next run times, on croniter.

Same meaning as crontab(5): `*`, lists, ranges and steps; day of week 0–7 with 0 and 7 both Sunday; when both
day fields are restricted, a day matches if either matches. This module only gives croniter's answers the board's
messages and a stable, small interface for the scheduler.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from croniter import CroniterBadCronError, CroniterBadDateError, CroniterError, croniter


class CronError(ValueError):
    """An expression that is not valid five-field cron."""


@dataclass(frozen=True)
class Cron:
    """A checked expression; `next_after(t)` is the first matching minute strictly after t."""

    text: str

    @classmethod
    def parse(cls, text: str) -> "Cron":
        if len((text or "").split()) != 5:  # croniter would also take six- and seven-field forms
            raise CronError(f"cron 表达式应有 5 段（分 时 日 月 周），实际为 {text!r}")
        try:
            croniter(text)
        except (CroniterError, ValueError, KeyError) as exc:
            raise CronError(f"cron 表达式 {text!r} 无法识别或超出范围：{exc}") from exc
        return cls(text)

    def next_after(self, when: dt.datetime) -> dt.datetime:
        """The next run time after `when` (same tzinfo as `when`); searches up to eight years ahead."""
        try:
            nxt = croniter(self.text, when, max_years_between_matches=8).get_next(dt.datetime)
        except (CroniterBadDateError, CroniterBadCronError) as exc:
            raise CronError(f"cron 表达式 {self.text!r} 在八年内没有运行时间") from exc
        return nxt if nxt.tzinfo else nxt.replace(tzinfo=when.tzinfo)
