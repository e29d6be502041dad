"""Sign-in, users and wall tokens: slow salted password hashes, a throttle on failed sign-ins, revocable tokens
stored only as SHA-256, and an audit record of each of these."""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets

from werkzeug.security import check_password_hash, generate_password_hash

from board.domain.access import ROLES, Principal, for_token, for_user
from data_access import accounts
from data_access.engine import session_scope
from data_access.queries import resolve_scope

HASH_METHOD = "scrypt:32768:8:1"  # memory-hard; about 50 ms per check on this class of machine
MIN_PASSWORD = 10
THROTTLE_WINDOW = dt.timedelta(minutes=15)
MAX_FAILS_PER_USER = 5
MAX_FAILS_PER_IP = 20
# Checked when the user name does not exist, so a wrong name costs as long as a wrong password
_DUMMY_HASH = generate_password_hash("not-a-password", method=HASH_METHOD)


class AuthError(ValueError):
    """A refused sign-in or account change, with the message to show."""


def hash_password(password: str) -> str:
    if len(password or "") < MIN_PASSWORD:
        raise AuthError(f"密码至少 {MIN_PASSWORD} 位")
    return generate_password_hash(password, method=HASH_METHOD)


def new_password() -> str:
    return secrets.token_urlsafe(12)


def authenticate(engine, username: str, password: str, ip: str = "") -> Principal:
    """The principal of valid credentials; raises AuthError (and records it) otherwise."""
    username = (username or "").strip()[:64]
    since = accounts.now() - THROTTLE_WINDOW
    refusal, principal = None, None
    with session_scope(engine, write=True) as session:  # the failure is recorded and committed before we raise
        if (accounts.failures_since(session, since=since, actor=username) >= MAX_FAILS_PER_USER
                or accounts.failures_since(session, since=since, ip=ip) >= MAX_FAILS_PER_IP):  # fmt: skip
            accounts.record(session, username, "login_throttled", ip=ip)
            refusal = f"登录失败次数过多，请 {THROTTLE_WINDOW.seconds // 60} 分钟后再试"
        else:
            user = accounts.get_user(session, username)
            ok = check_password_hash(user.password_hash if user else _DUMMY_HASH, password or "")
            if user and ok and user.active:
                principal = for_user(user.username, user.role, user.unit_code)
                accounts.record(session, username, "login", scope=principal.unit or "*", ip=ip)
            else:
                accounts.record(session, username, "login_failed", detail="disabled" if user and ok else "", ip=ip)
                refusal = "用户名或密码错误，或账号已停用"
    if refusal:
        raise AuthError(refusal)
    return principal


def user_principal(engine, username: str, password_changed_at: str | None = None) -> Principal | None:
    """The principal of a signed-in session's user, re-read each request: a disabled user or a reset password
    ends existing sessions at once."""
    with session_scope(engine) as session:
        user = accounts.get_user(session, username)
        if user is None or not user.active:
            return None
        if password_changed_at is not None and user.password_changed_at.isoformat() != password_changed_at:
            return None
        return for_user(user.username, user.role, user.unit_code)


def password_stamp(engine, username: str) -> str:
    with session_scope(engine) as session:
        return accounts.get_user(session, username).password_changed_at.isoformat()


def add_user(engine, username: str, role: str, unit_code: str | None, password: str) -> None:
    username = (username or "").strip()
    if not username or len(username) > 64 or any(c.isspace() for c in username):
        raise AuthError("用户名不能为空、不能含空白、不超过 64 个字符")
    if role not in ROLES:
        raise AuthError(f"角色应为 {', '.join(ROLES)} 之一")
    if role != "admin" and not unit_code:
        raise AuthError("管理人员和查看人员必须指定所属单位（--unit）")
    with session_scope(engine, write=True) as session:
        if unit_code:
            resolve_scope(session, unit_code)  # raises UnknownUnit for a code not in the tree
        if accounts.get_user(session, username):
            raise AuthError(f"用户 {username} 已存在")
        accounts.add_user(session, username, hash_password(password), role, unit_code if role != "admin" else None)
        accounts.record(session, "cli", "user_add", scope=unit_code or "*", detail=f"{username} {role}")


def set_active(engine, username: str, active: bool) -> None:
    with session_scope(engine, write=True) as session:
        user = accounts.get_user(session, username)
        if user is None:
            raise AuthError(f"没有用户 {username}")
        user.active = active
        accounts.record(session, "cli", "user_enable" if active else "user_disable", detail=username)


def reset_password(engine, username: str, password: str) -> None:
    with session_scope(engine, write=True) as session:
        user = accounts.get_user(session, username)
        if user is None:
            raise AuthError(f"没有用户 {username}")
        user.password_hash = hash_password(password)
        user.password_changed_at = accounts.now()
        accounts.record(session, "cli", "user_reset", detail=username)


def add_token(engine, label: str, unit_code: str | None) -> tuple[int, str]:
    """A new wall token (shown once; only its hash is kept)."""
    token = secrets.token_urlsafe(32)
    with session_scope(engine, write=True) as session:
        if unit_code:
            resolve_scope(session, unit_code)
        row = accounts.add_token(session, _digest(token), (label or "大屏")[:100], unit_code)
        accounts.record(session, "cli", "token_add", scope=unit_code or "*", detail=f"#{row.id} {label}")
        return row.id, token


def revoke_token(engine, token_id: int) -> None:
    with session_scope(engine, write=True) as session:
        row = accounts.get_token(session, token_id)
        if row is None:
            raise AuthError(f"没有令牌 #{token_id}")
        row.revoked_at = row.revoked_at or accounts.now()
        accounts.record(session, "cli", "token_revoke", scope=row.unit_code or "*", detail=f"#{token_id}")


def token_principal(engine, token: str | None = None, token_id: int | None = None) -> Principal | None:
    """The principal of a live (not revoked) wall token, by its text or by the id a session remembers."""
    with session_scope(engine) as session:
        if token is not None:
            row = accounts.token_by_hash(session, _digest(token)) if 20 <= len(token) <= 200 else None
        else:
            row = accounts.get_token(session, token_id) if token_id is not None else None
        if row is None or row.revoked_at is not None:
            return None
        return for_token(row.id, row.label, row.unit_code)


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()
