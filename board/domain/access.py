"""Who is asking: the principal of the current request, and the scope and masking that follow from it.

The web layer sets the principal for each request; BoardService reads it for every query, so a unit outside the
principal's subtree is refused in data_access whatever the page, callback or download asked for. Command-line use
(reports, snapshots without --user) runs as SYSTEM: the operator of the server already holds the database.
"""

from __future__ import annotations

import contextlib
from contextvars import ContextVar
from dataclasses import dataclass

ROLES = {"admin": "管理员", "manager": "管理人员", "viewer": "查看人员"}


@dataclass(frozen=True)
class Principal:
    """A signed-in user, a wall token or the system; `unit` None means every unit."""

    name: str
    role: str  # admin, manager, viewer, wall, system
    unit: str | None = None
    masked: bool = False
    token_id: int | None = None
    ip: str = ""  # where the request came from (for the audit log)

    @property
    def cache_key(self) -> tuple:
        """What makes two principals see different data (shared caches are keyed by it)."""
        return (self.unit, self.masked)

    @property
    def is_admin(self) -> bool:
        return self.role in ("admin", "system")

    @property
    def is_wall(self) -> bool:
        return self.role == "wall"


SYSTEM = Principal("system", "system")
_current: ContextVar[Principal] = ContextVar("board_principal", default=SYSTEM)


def current() -> Principal:
    """The principal of the running request or command."""
    return _current.get()


def set_current(principal: Principal):
    """Make a principal current; returns the token to reset it with."""
    return _current.set(principal)


def reset(token) -> None:
    _current.reset(token)


@contextlib.contextmanager
def acting_as(principal: Principal):
    """Run a block as a principal (tests, snapshots of a user's view)."""
    token = _current.set(principal)
    try:
        yield principal
    finally:
        _current.reset(token)


def for_user(username: str, role: str, unit_code: str | None) -> Principal:
    """The principal of a user row: admins see all units; viewers see names masked."""
    return Principal(username, role, None if role == "admin" else unit_code, masked=role == "viewer")


def for_token(token_id: int, label: str, unit_code: str | None) -> Principal:
    """A wall token: read-only, its unit's subtree, names always masked."""
    return Principal(f"wall:{label}", "wall", unit_code, masked=True, token_id=token_id)
