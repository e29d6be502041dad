"""The notification outbox: record new events once, list what is pending, mark delivery or failure."""

from __future__ import annotations

import datetime as dt

import pandas as pd
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from .models import Notification


def record_events(session: Session, events: pd.DataFrame, channel: str, detected_on: dt.date) -> int:
    """Insert events (case_id, stage_code, status, payload) not yet recorded for the channel; returns how many."""
    if events.empty:
        return 0
    known = set(
        session.execute(
            select(Notification.case_id, Notification.stage_code, Notification.status).where(
                Notification.channel == channel
            )
        ).all()
    )
    now = dt.datetime.now()
    fresh = [
        Notification(
            case_id=r.case_id,
            stage_code=r.stage_code,
            status=r.status,
            channel=channel,
            detected_on=detected_on,
            payload=r.payload,
            created_at=now,
            attempts=0,
        )  # fmt: skip
        for r in events.itertuples()
        if (r.case_id, r.stage_code, r.status) not in known
    ]
    session.add_all(fresh)
    session.flush()
    return len(fresh)


def pending(session: Session, channel: str) -> list[tuple[int, str, bool]]:
    """(id, payload, claimed before) of undelivered notifications of a channel, oldest first; "claimed before"
    means an earlier run handed it to the channel and never heard back (possibly delivered)."""
    stmt = (
        select(Notification.id, Notification.payload, Notification.claimed_at.is_not(None))
        .where(Notification.channel == channel, Notification.sent_at.is_(None))
        .order_by(Notification.id)
    )
    return [(i, p, bool(c)) for i, p, c in session.execute(stmt)]


def claim(session: Session, ids: list[int]) -> None:
    """Record that these are being handed to their channel (committed by the caller before the delivery)."""
    if ids:
        session.execute(update(Notification).where(Notification.id.in_(ids)).values(claimed_at=dt.datetime.now()))


def mark_sent(session: Session, ids: list[int]) -> None:
    """Record delivery."""
    if ids:
        session.execute(
            update(Notification)
            .where(Notification.id.in_(ids))
            .values(sent_at=dt.datetime.now(), attempts=Notification.attempts + 1, last_error=None)
        )


def mark_failed(session: Session, ids: list[int], error: str) -> None:
    """Record a failed attempt; the rows stay pending (and unclaimed: nothing reached the channel) for the next run."""
    if ids:
        session.execute(
            update(Notification)
            .where(Notification.id.in_(ids))
            .values(attempts=Notification.attempts + 1, last_error=error[:500], claimed_at=None)
        )
