"""The demo database's accounts: one per role, with a published password (the demo data is fictional)."""

from __future__ import annotations

from board.usecases.auth import hash_password
from data_access import accounts, queries
from data_access.engine import session_scope

DEMO_PASSWORD = "yunlan-demo-2026"
DEMO_ACCOUNTS = (
    ("admin", "admin", None),
    ("qingxi", "manager", "YL-QX"),  # 青溪县供电公司 and its 供电所
    ("chengguan", "viewer", "YL-QX-01"),  # 城关供电所, names masked
)


def ensure_demo_accounts(engine) -> list[tuple[str, str, str | None, str]]:
    """Create the demo accounts that are missing; returns (name, role, unit, password) of each — only on a
    database built by `board demo` (a published password must never reach real data)."""
    with session_scope(engine) as session:
        if queries.read_meta(session).get("dataset") != "demo":
            return []
        for name, role, unit in DEMO_ACCOUNTS:
            if accounts.get_user(session, name) is None:
                accounts.add_user(session, name, hash_password(DEMO_PASSWORD), role, unit)
    return [(n, r, u, DEMO_PASSWORD) for n, r, u in DEMO_ACCOUNTS]
