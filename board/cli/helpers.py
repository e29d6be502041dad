"""Shared pieces of the commands: the service of the invocation, date parsing, database errors as messages."""

from __future__ import annotations

import datetime as dt

import click


def service(ctx: click.Context):
    from board.usecases.service import BoardService

    return BoardService(ctx.obj)


def date_param(_ctx, _param, value):
    if value is None:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError as exc:
        raise click.BadParameter(f"日期格式应为 YYYY-MM-DD：{value!r}") from exc


def guard(fn):
    from sqlalchemy.exc import SQLAlchemyError

    from board.domain.workcal import CalendarRangeError, CalendarUnknownError
    from data_access.queries import UnknownUnit

    try:
        return fn()
    except (UnknownUnit, CalendarUnknownError, CalendarRangeError) as exc:
        raise click.ClickException(str(exc)) from exc
    except SQLAlchemyError as exc:
        raise click.ClickException(
            f"无法读取数据库（{exc.__class__.__name__}）：请确认 BOARD_DATABASE_URL，"
            "或先运行 board init-db / board demo"
        ) from exc


def safe_url(url) -> str:
    return url.render_as_string(hide_password=True)


class PhaseBars:
    """`progress(label, done, total)` for the long commands: one click progress bar per phase, drawn on a terminal
    only (click prints just the phase's label when stderr is a log file or a pipe)."""

    def __init__(self):
        self._bar = None
        self._label = None

    def __call__(self, label: str, done: int, total: int) -> None:
        if label != self._label:
            self.close()
            self._label = label
            self._bar = click.progressbar(length=max(total, 1), label=label, file=None, show_pos=True)
            self._bar.__enter__()
        self._bar.length = max(total, 1)
        self._bar.update(done - self._bar.pos)

    def phase(self, label: str):
        """A (done, total) callback for one named phase (what refresh and warm take)."""
        return lambda done, total: self(label, done, total)

    def close(self) -> None:
        if self._bar is not None:
            self._bar.__exit__(None, None, None)
            self._bar, self._label = None, None

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()
