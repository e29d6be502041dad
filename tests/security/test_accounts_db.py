"""Users, tokens, throttle and audit on SQLite and PostgreSQL alike (small_svc: the hand-checkable company)."""

import pytest

from board.domain.access import acting_as, for_user
from board.usecases import auth
from data_access.queries import OutOfScope


def test_sec060_accounts_round_trip(small_svc):
    engine = small_svc.engine
    auth.add_user(engine, "a1", "manager", "A1", "a-long-password")
    principal = auth.authenticate(engine, "a1", "a-long-password", "10.0.0.1")
    assert (principal.role, principal.unit, principal.masked) == ("manager", "A1", False)
    for _ in range(auth.MAX_FAILS_PER_USER):
        with pytest.raises(auth.AuthError, match="错误"):
            auth.authenticate(engine, "a1", "nope-nope-nope", "10.0.0.1")
    with pytest.raises(auth.AuthError, match="次数过多"):
        auth.authenticate(engine, "a1", "a-long-password", "10.0.0.1")
    token_id, token = auth.add_token(engine, "大屏", "A")
    assert auth.token_principal(engine, token=token).unit == "A"
    auth.revoke_token(engine, token_id)
    assert auth.token_principal(engine, token=token) is None
    assert auth.token_principal(engine, token_id=token_id) is None


def test_sec061_service_applies_the_principal(small_svc):
    with acting_as(for_user("a1", "viewer", "A1")):
        assert small_svc.scope(None).root == "A1"
        with pytest.raises(OutOfScope):
            small_svc.scope("B")
        assert set(small_svc.visible_units()["unit_code"]) == {"A1"}
    with acting_as(for_user("boss", "admin", "A1")):  # admins see everything whatever unit they belong to
        assert small_svc.scope(None).root == "R"
