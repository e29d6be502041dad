"""Five-field cron expressions (minute hour day-of-month month day-of-week) and their next run times.

Same meaning as crontab(5): `*`, lists, ranges and steps; day of week 0–7 with 0 and 7 both Sunday; when both
day fields are restricted, a day matches if either matches.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

_BOUNDS = {"minute": (0, 59), "hour": (0, 23), "dom": (1, 31), "month": (1, 12), "dow": (0, 7)}


class CronError(ValueError):
    """An expression that is not valid five-field cron."""


@dataclass(frozen=True)
class Cron:
    """A parsed expression; `next_after(t)` is the first matching minute strictly after t."""

    text: str
    minutes: tuple[int, ...]
    hours: tuple[int, ...]
    doms: frozenset[int]
    months: frozenset[int]
    dows: frozenset[int]
    dom_any: bool
    dow_any: bool

    @classmethod
    def parse(cls, text: str) -> "Cron":
        parts = (text or "").split()
        if len(parts) != 5:
            raise CronError(f"cron 表达式应有 5 段（分 时 日 月 周），实际为 {text!r}")
        fields = {name: _field(part, name, text) for name, part in zip(_BOUNDS, parts)}
        dows = frozenset(d % 7 for d in fields["dow"])
        return cls(text, tuple(sorted(fields["minute"])), tuple(sorted(fields["hour"])), frozenset(fields["dom"]),
                   frozenset(fields["month"]), dows, parts[2] == "*", parts[4] == "*")  # fmt: skip

    def matches_day(self, day: dt.date) -> bool:
        if day.month not in self.months:
            return False
        dom_ok = day.day in self.doms
        dow_ok = (day.isoweekday() % 7) in self.dows
        if self.dom_any or self.dow_any:
            return dom_ok and dow_ok
        return dom_ok or dow_ok

    def next_after(self, when: dt.datetime) -> dt.datetime:
        """The next run time after `when` (same tzinfo as `when`); searches up to eight years ahead."""
        start = when.replace(second=0, microsecond=0)
        day = start.date()
        for _ in range(366 * 8):
            if self.matches_day(day):
                for hour in self.hours:
                    for minute in self.minutes:
                        candidate = dt.datetime.combine(day, dt.time(hour, minute), tzinfo=when.tzinfo)
                        if candidate > when:
                            return candidate
            day += dt.timedelta(days=1)
        raise CronError(f"cron 表达式 {self.text!r} 在八年内没有运行时间")


def _field(part: str, name: str, text: str) -> set[int]:
    low, high = _BOUNDS[name]
    values: set[int] = set()
    for item in part.split(","):
        body, _, step_text = item.partition("/")
        try:
            step = int(step_text) if step_text else 1
            if body == "*":
                a, b = low, high
            elif "-" in body:
                a, b = (int(x) for x in body.split("-", 1))
            else:
                a = b = int(body)
                if step_text:
                    b = high
        except ValueError as exc:
            raise CronError(f"cron 表达式 {text!r} 中 {item!r} 无法识别") from exc
        if step < 1 or not (low <= a <= b <= high):
            raise CronError(f"cron 表达式 {text!r} 中 {item!r} 超出范围 {low}–{high}")
        values.update(range(a, b + 1, step))
    return values
