"""Users, wall tokens and the audit log: small parameterised reads and writes on the caller's session."""

from __future__ import annotations

import datetime as dt

import pandas as pd
from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from .models import AuditEvent, User, WallToken


def now() -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(tzinfo=None)


def get_user(session: Session, username: str) -> User | None:
    return session.get(User, username)


def add_user(session: Session, username: str, password_hash: str, role: str, unit_code: str | None) -> User:
    stamp = now()
    user = User(username=username, password_hash=password_hash, role=role, unit_code=unit_code, active=True,
                created_at=stamp, password_changed_at=stamp)  # fmt: skip
    session.add(user)
    return user


def list_users(session: Session) -> pd.DataFrame:
    stmt = select(User.username, User.role, User.unit_code, User.active, User.created_at).order_by(User.username)
    return pd.read_sql(stmt, session.connection())


def add_token(session: Session, token_hash: str, label: str, unit_code: str | None) -> WallToken:
    token = WallToken(token_hash=token_hash, label=label, unit_code=unit_code, created_at=now())
    session.add(token)
    session.flush()
    return token


def token_by_hash(session: Session, token_hash: str) -> WallToken | None:
    return session.scalar(select(WallToken).where(WallToken.token_hash == token_hash))


def get_token(session: Session, token_id: int) -> WallToken | None:
    return session.get(WallToken, token_id)


def touch_token(session: Session, token_id: int) -> None:
    session.execute(update(WallToken).where(WallToken.id == token_id).values(last_used_at=now()))


def list_tokens(session: Session) -> pd.DataFrame:
    stmt = select(WallToken.id, WallToken.label, WallToken.unit_code, WallToken.created_at, WallToken.revoked_at,
                  WallToken.last_used_at).order_by(WallToken.id)  # fmt: skip
    return pd.read_sql(stmt, session.connection())


def record(session: Session, actor: str, action: str, scope: str | None = "", detail: str = "", ip: str = "") -> None:
    """Append one audit event (texts are cut to their column sizes, never rejected)."""
    session.add(AuditEvent(at=now(), actor=(actor or "")[:80], action=action[:30], scope=(scope or "")[:32],
                           detail=(detail or "")[:2000], ip=(ip or "")[:64]))  # fmt: skip


def failures_since(session: Session, *, since: dt.datetime, actor: str | None = None, ip: str | None = None) -> int:
    """Failed sign-ins since a time, for one user name or one address."""
    stmt = select(func.count()).select_from(AuditEvent).where(AuditEvent.action == "login_failed",
                                                              AuditEvent.at >= since)  # fmt: skip
    if actor is not None:
        stmt = stmt.where(AuditEvent.actor == actor[:80])
    if ip is not None:
        stmt = stmt.where(AuditEvent.ip == ip[:64])
    return session.scalar(stmt) or 0


def fetch_audit(session: Session, *, limit: int = 500, action: str | None = None) -> pd.DataFrame:
    """The newest audit events first."""
    stmt = select(AuditEvent.at, AuditEvent.actor, AuditEvent.action, AuditEvent.scope, AuditEvent.detail,
                  AuditEvent.ip).order_by(AuditEvent.id.desc()).limit(limit)  # fmt: skip
    if action:
        stmt = stmt.where(AuditEvent.action == action)
    return pd.read_sql(stmt, session.connection())
