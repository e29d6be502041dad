"""Database facts: calendar overrides and the data version."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select
from sqlalchemy.orm import Session

from data_access.models import CalendarDay, CalendarYear, Meta


def fetch_calendar(session: Session) -> tuple[list[tuple[dt.date, bool]], list[int]]:
    """Calendar overrides (day, is_workday) and the years fully loaded in the database."""
    days = [(d, w) for d, w in session.execute(select(CalendarDay.day, CalendarDay.is_workday))]
    years = list(session.scalars(select(CalendarYear.year)))
    return days, years


def read_meta(session: Session) -> dict[str, str]:
    """All key/value facts of the database."""
    return dict(session.execute(select(Meta.key, Meta.value)).all())


def last_change(session: Session) -> str:
    """A cheap token that changes whenever cases are imported (for cache keys and the wall's change check)."""
    return read_meta(session).get("data_version", "0")
