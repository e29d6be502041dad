"""The web gate in front of Dash: sign-in and sign-out pages, session cookies, wall tokens, and a per-request
principal (see board.access) that BoardService applies to every query.

Every request except static assets and the sign-in page needs a principal. A wall token may load /wall and run the
wall's own callbacks, nothing else. Refusals answer 401/403 with a short Chinese message and no data.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import html
import json
import logging
import secrets
from pathlib import Path
from urllib.parse import urlencode

from flask import Flask, Response, g, redirect, request, session
from flask.sessions import SecureCookieSessionInterface
from sqlalchemy.exc import SQLAlchemyError

from board.domain import access
from board.usecases import auth
from data_access import accounts
from data_access.engine import DatabaseUnavailable, session_scope

log = logging.getLogger("board.auth")

PUBLIC_PREFIXES = ("/assets/", "/_dash-component-suites/", "/_favicon.ico", "/login")
WALL_PATHS = {"/wall", "/_dash-layout", "/_dash-dependencies", "/_dash-update-component", "/_reload-hash", "/logout"}
PAGES_IDS = {"_pages_content", "_pages_store", "_pages_dummy"}


class ProductionConfigError(RuntimeError):
    """Production mode without what production needs."""


class _TlsAwareSessions(SecureCookieSessionInterface):
    # Secure when this request came over TLS (or the setting forces it), so HTTP on a LAN still works
    def get_cookie_secure(self, app):
        return bool(app.config.get("SESSION_COOKIE_SECURE")) or request.is_secure


def secret_key(settings) -> str:
    """The configured key; in development a random key kept in the data folder (sessions survive a restart)."""
    if settings.secret_key:
        if len(settings.secret_key) < 32:
            raise ProductionConfigError("BOARD_SECRET_KEY 至少 32 个字符（例如 python -c 'import secrets; "
                                        "print(secrets.token_urlsafe(48))'）")  # fmt: skip
        return settings.secret_key
    if settings.production:
        raise ProductionConfigError("生产模式（BOARD_PRODUCTION=1）必须配置 BOARD_SECRET_KEY，看板拒绝启动")
    path = Path(settings.data_dir) / ".secret_key"
    try:
        return path.read_text().strip() or _new_key(path)
    except FileNotFoundError:
        return _new_key(path)


def _new_key(path: Path) -> str:
    key = secrets.token_urlsafe(48)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(key)
    path.chmod(0o600)
    return key


def install(server: Flask, svc, fixed=None, fixed_key: str | None = None) -> None:
    """Put the gate in front of the app's routes. `fixed` (a Principal) skips sign-in and runs every request that
    carries header X-Snapshot-Key = `fixed_key` as it (the in-process server of `board snapshot`)."""
    settings = svc.settings
    if settings.production and not settings.auth:
        raise ProductionConfigError("生产模式不允许关闭登录（BOARD_AUTH=0），看板拒绝启动")
    server.secret_key = secret_key(settings)
    server.config.update(SESSION_COOKIE_NAME="board_session", SESSION_COOKIE_HTTPONLY=True,
                         SESSION_COOKIE_SAMESITE="Lax", SESSION_COOKIE_SECURE=settings.production and settings.tls,
                         PERMANENT_SESSION_LIFETIME=dt.timedelta(hours=12))  # fmt: skip
    server.session_interface = _TlsAwareSessions()
    if settings.behind_proxy:
        from werkzeug.middleware.proxy_fix import ProxyFix

        server.wsgi_app = ProxyFix(server.wsgi_app, x_for=1, x_proto=1)
    server.add_url_rule("/login", "board_login", lambda: _login(svc), methods=["GET", "POST"])
    server.add_url_rule("/logout", "board_logout", _logout, methods=["GET", "POST"])
    server.before_request((lambda: _fixed(fixed, fixed_key)) if fixed is not None else (lambda: _gate(svc)))
    server.teardown_request(_release)
    server.after_request(_headers)


def _gate(svc):
    path = request.path
    if path.startswith(PUBLIC_PREFIXES):
        return None
    if not svc.settings.auth:
        return None  # sign-in switched off (development): everyone is the system principal
    principal, verified = _principal(svc)
    if isinstance(principal, Response):
        return principal
    if principal is not None and not verified and not _wall_may(path):
        # unverified (database down): only the wall may go on, to show its last good data and their age
        return _refuse(503, "数据库暂时无法连接，请稍后刷新")
    if principal is None:
        if path.startswith("/_"):
            return _refuse(401, "请先登录")
        query = request.query_string.decode("utf-8", "replace")
        return redirect("/login?" + urlencode({"next": path + ("?" + query if query else "")}))
    if principal.is_wall and not _wall_may(path):
        return _refuse(403, "大屏令牌只能查看大屏")
    principal = dataclasses.replace(principal, ip=request.remote_addr or "")
    g.board_principal_token = access.set_current(principal)
    return None


def _fixed(principal, key: str | None):
    if request.path.startswith(PUBLIC_PREFIXES):
        return None
    # only our own browser knows the per-run key: another local process cannot borrow the snapshot's principal
    if not key or not secrets.compare_digest(request.headers.get("X-Snapshot-Key", ""), key):
        return _refuse(403, "快照服务只接受本次快照的浏览器")
    g.board_principal_token = access.set_current(principal)
    return None


def _principal(svc):
    """(principal or refusal, verified against the database)."""
    try:
        svc.check_file()
        return _verified_principal(svc), True
    except (SQLAlchemyError, DatabaseUnavailable):
        # The database is down: the session's signed copy of its principal lets the wall go on showing its last
        # good data and their age; nothing else passes until the database answers again.
        log.warning("sign-in state not verifiable (database unavailable); using the session's copy")
        return _from_session(), False


def _from_session():
    saved = session.get("principal")
    if not isinstance(saved, dict):
        return None
    try:
        return access.Principal(**saved)
    except TypeError:
        return None


def _remember(principal) -> None:
    session["principal"] = {k: v for k, v in dataclasses.asdict(principal).items() if k != "ip"}


def _verified_principal(svc):
    engine = svc.engine
    token = request.args.get("token") or request.headers.get("X-Board-Token")
    if token:
        found = auth.token_principal(engine, token=token)
        with session_scope(engine, write=True) as s:
            if found is None:
                accounts.record(s, "wall:?", "token_refused", ip=request.remote_addr or "")
                return _refuse(401, "大屏令牌无效或已吊销")
            if session.get("token_id") != found.token_id:
                accounts.record(s, found.name, "token_use", scope=found.unit or "*", ip=request.remote_addr or "")
            accounts.touch_token(s, found.token_id)
        session.clear()
        session["token_id"] = found.token_id
        session.permanent = True
        _remember(found)
        return found
    if "token_id" in session:
        found = auth.token_principal(engine, token_id=session["token_id"])
        if found is None:
            session.clear()
            return _revoked_wall() or _refuse(401, "大屏令牌已吊销")
        return found
    if "user" in session:
        found = auth.user_principal(engine, session["user"], session.get("pw"))
        if found is None:
            session.clear()
        return found
    return None


def _revoked_wall() -> Response | None:
    # The wall's refresh gets one answer it can show — a banner, no data — instead of failing silently
    if request.path != "/_dash-update-component":
        return None
    body = request.get_json(silent=True) or {}
    outputs = body.get("outputs") if isinstance(body.get("outputs"), list) else []
    if not any(isinstance(o, dict) and o.get("id") == "wall-banner" for o in outputs):
        return None
    banner = {"props": {"children": "大屏令牌已吊销，数据不再更新；请联系管理员发放新令牌", "className": "wall-stale"},
              "type": "Div", "namespace": "dash_html_components"}  # fmt: skip
    payload = {"multi": True, "response": {"wall-banner": {"children": banner}}}
    return Response(json.dumps(payload, ensure_ascii=False), status=200, mimetype="application/json")


def _wall_may(path: str) -> bool:
    if path not in WALL_PATHS:
        return False
    if path != "/_dash-update-component":
        return True
    body = request.get_json(silent=True) or {}
    outputs = body.get("outputs")
    outputs = outputs if isinstance(outputs, list) else [outputs]
    ids = {o.get("id") if isinstance(o, dict) else None for o in outputs}
    if all(isinstance(i, str) and i.startswith("wall-") for i in ids):
        return True
    if ids and ids <= PAGES_IDS:  # Dash Pages' router: only to render /wall itself
        inputs = [i for i in body.get("inputs", []) if isinstance(i, dict)]
        values = {(i.get("id"), i.get("property")): i.get("value") for i in inputs}
        return values.get(("_pages_location", "pathname")) == "/wall"
    return False


def _release(_exc=None):
    token = g.pop("board_principal_token", None)
    if token is not None:
        access.reset(token)


def _headers(response: Response) -> Response:
    response.headers.setdefault("X-Content-Type-Options", "nosniff")
    response.headers.setdefault("Referrer-Policy", "no-referrer")  # a wall token in the URL must not leak
    response.headers.setdefault("X-Frame-Options", "SAMEORIGIN")
    if request.path.startswith("/_dash-update-component") or request.path == "/login":
        response.headers["Cache-Control"] = "no-store"
    return response


def _refuse(status: int, message: str) -> Response:
    if request.path.startswith("/_"):
        return Response(f'{{"message": "{message}"}}', status=status, mimetype="application/json")
    return Response(_page("无法访问", f'<div class="alert alert-danger">{html.escape(message)}</div>'
                                     '<a href="/login">登录</a>'), status=status, mimetype="text/html")  # fmt: skip


def _safe_next(value: str | None) -> str:
    value = value or "/"
    if not value.startswith("/") or value.startswith("//") or "\\" in value or "\n" in value or "\r" in value:
        return "/"
    return value


def _login(svc):
    settings = svc.settings
    next_url = _safe_next(request.values.get("next"))
    message = ""
    if request.method == "POST":
        if not secrets.compare_digest(str(request.form.get("csrf", "")), str(session.get("csrf", "-"))):
            message = "页面已过期，请重新登录"
        else:
            try:
                svc.check_file()
                principal = auth.authenticate(svc.engine, request.form.get("username", ""),
                                              request.form.get("password", ""), request.remote_addr or "")  # fmt: skip
                stamp = auth.password_stamp(svc.engine, principal.name)
            except auth.AuthError as exc:
                message = str(exc)
            except (SQLAlchemyError, DatabaseUnavailable):
                message = "数据库暂时无法连接，请稍后再试"
            else:
                session.clear()
                session["user"] = principal.name
                session["pw"] = stamp
                session.permanent = True
                _remember(principal)
                return redirect(next_url)
    if not settings.auth:
        return redirect(next_url)
    # one token per session: a favicon request that lands here must not invalidate the form already shown
    session.setdefault("csrf", secrets.token_urlsafe(24))
    alert = f'<div class="alert alert-danger py-2">{html.escape(message)}</div>' if message else ""
    form = f"""
<form method="post" action="/login" class="card card-body" style="max-width:380px;margin:12vh auto">
  <h1 class="h4 mb-3">业扩报装可视化监管看板</h1>{alert}
  <input type="hidden" name="csrf" value="{html.escape(session["csrf"])}">
  <input type="hidden" name="next" value="{html.escape(next_url)}">
  <label class="form-label" for="username">用户名</label>
  <input class="form-control mb-2" id="username" name="username" autocomplete="username" required autofocus>
  <label class="form-label" for="password">密码</label>
  <input class="form-control mb-3" id="password" name="password" type="password" autocomplete="current-password"
         required>
  <button class="btn btn-primary" id="login-submit" type="submit">登录</button>
</form>"""
    return Response(_page("登录", form), status=401 if message else 200, mimetype="text/html")


def _logout():
    session.clear()
    return redirect("/login")


def _page(title: str, body: str) -> str:
    return (f'<!DOCTYPE html><html lang="zh-CN"><head><meta charset="utf-8"><title>{html.escape(title)} · '
            f'业扩报装可视化监管看板</title><link rel="stylesheet" href="/assets/bootstrap.min.css"></head>'
            f'<body class="bg-light">{body}</body></html>')  # fmt: skip
