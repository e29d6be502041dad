"""Sign-in: everything but assets and the sign-in page needs a session; cookies, throttle, production key."""

import dataclasses

import pytest

from board.usecases import auth
from board.web.app import create_app
from board.web.gate import ProductionConfigError

from .conftest import PASSWORD, forge, login


def test_sec001_everything_needs_a_session(client, app):
    page = client.get("/progress?unit=YL-QX-02")
    assert page.status_code == 302 and page.headers["Location"].startswith("/login?next=%2Fprogress%3Funit%3DYL-QX-02")
    assert client.get("/_dash-layout").status_code == 401
    assert client.get("/_dash-dependencies").status_code == 401
    forged = forge(client, app, "progress-grid", {"progress-unit.value": "YL-QX-02"})
    assert forged.status_code == 401 and b"YL-QX" not in forged.data
    assert client.get("/assets/board.css").status_code == 200
    assert client.get("/login").status_code == 200


def test_sec002_cookie_flags_and_sign_out(client, app):
    response = login(client, "mgr")
    assert response.status_code == 302 and response.headers["Location"] == "/"
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie and "Secure" not in cookie  # plain HTTP on a LAN
    assert client.get("/_dash-layout").status_code == 200
    client.get("/logout")
    assert client.get("/_dash-layout").status_code == 401
    tls = app.server.test_client()
    tls.get("/login", base_url="https://board.local")
    with tls.session_transaction(base_url="https://board.local") as s:
        csrf = s["csrf"]
    secure = tls.post("/login", base_url="https://board.local",
                      data={"username": "mgr", "password": PASSWORD, "csrf": csrf})  # fmt: skip
    assert "Secure" in secure.headers["Set-Cookie"]


def test_sec003_wrong_password_missing_csrf_and_open_redirect(client, svc):
    bad = login(client, "mgr", "wrong-password-123")
    assert bad.status_code == 401 and "用户名或密码错误" in bad.get_data(as_text=True)
    no_csrf = client.post("/login", data={"username": "mgr", "password": PASSWORD})
    assert "页面已过期" in no_csrf.get_data(as_text=True)
    assert client.get("/_dash-layout").status_code == 401  # no session came of it
    client.get("/login")
    with client.session_transaction() as s:
        csrf = s["csrf"]
    evil = client.post("/login", data={"username": "mgr", "password": PASSWORD, "csrf": csrf, "next": "//evil.example"})
    assert evil.headers["Location"] == "/"
    users, _tokens, audit = _admin_view(svc)
    assert {"login_failed", "login"} <= set(audit["action"])


def _admin_view(svc):
    from board.domain.access import SYSTEM, acting_as

    with acting_as(SYSTEM):
        return svc.admin_data()


def test_sec004_throttle_holds_even_for_the_right_password(client, app, svc):
    for _ in range(auth.MAX_FAILS_PER_USER):
        assert login(client, "mgr", "guess-guess-guess").status_code == 401
    refused = login(client, "mgr")
    assert "次数过多" in refused.get_data(as_text=True)
    assert client.get("/_dash-layout").status_code == 401
    other = app.server.test_client()
    assert login(other, "viewer").status_code == 302  # the throttle is per user name (and per address)
    _users, _tokens, audit = _admin_view(svc)
    assert "login_throttled" in set(audit["action"])


def test_sec005_disabled_user_and_reset_password_end_sessions(client, svc):
    login(client, "mgr")
    assert client.get("/_dash-layout").status_code == 200
    auth.reset_password(svc.engine, "mgr", "another-password-99")
    assert client.get("/_dash-layout").status_code == 401
    login(client, "mgr", "another-password-99")
    assert client.get("/_dash-layout").status_code == 200
    auth.set_active(svc.engine, "mgr", False)
    assert client.get("/_dash-layout").status_code == 401
    assert login(client, "mgr", "another-password-99").status_code == 401


def test_sec006_passwords_are_salted_slow_hashes(svc):
    from data_access import accounts
    from data_access.engine import session_scope

    with session_scope(svc.engine) as s:
        a, b = accounts.get_user(s, "mgr").password_hash, accounts.get_user(s, "viewer").password_hash
    assert a.startswith("scrypt:32768:8:1$") and a != b and PASSWORD not in a  # same password, different salt
    with pytest.raises(auth.AuthError, match="至少"):
        auth.hash_password("short")


def test_sec007_production_needs_a_secret_key_and_sign_in(secure_settings):
    with pytest.raises(ProductionConfigError, match="BOARD_SECRET_KEY"):
        create_app(dataclasses.replace(secure_settings, production=True, secret_key=""))
    with pytest.raises(ProductionConfigError, match="32"):
        create_app(dataclasses.replace(secure_settings, secret_key="short"))
    with pytest.raises(ProductionConfigError, match="BOARD_AUTH"):
        create_app(dataclasses.replace(secure_settings, production=True, auth=False))


def test_sec008_database_down_gives_a_message_not_an_error(client, app, secure_settings):
    from pathlib import Path

    login(client, "mgr")
    db = Path(secure_settings.data_dir) / "board.sqlite"
    db.rename(db.with_name("away.sqlite"))
    try:
        # unverifiable sign-in: the wall (and the shell it loads in) may go on; nothing else passes
        assert client.get("/_dash-layout").status_code == 200
        assert "数据库暂时无法连接" in client.get("/progress").get_data(as_text=True)
        assert forge(client, app, "progress-grid", {"progress-as-of.date": "2026-11-20"}).status_code == 503
        other = client.application.test_client()
        page = login(other, "viewer")
        assert "数据库暂时无法连接" in page.get_data(as_text=True)
        assert not db.exists()  # nothing created an empty database in its place
    finally:
        db.with_name("away.sqlite").rename(db)


def test_sec009_snapshot_server_answers_only_its_own_browser(secure_settings):
    from board.domain.access import for_user
    from board.reports import snapshot

    with snapshot.serving(secure_settings, for_user("mgr", "manager", "YL-QX-01")) as (base, _svc, key):
        import urllib.error
        import urllib.request

        def get(headers):
            try:
                return urllib.request.urlopen(urllib.request.Request(f"{base}/_dash-layout", headers=headers)).status
            except urllib.error.HTTPError as exc:
                return exc.code

        assert get({}) == 403  # another local process
        assert get({"X-Snapshot-Key": "guess"}) == 403
        assert get({"X-Snapshot-Key": key}) == 200
