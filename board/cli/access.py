"""`board user …`, `board token …`, `board audit`: accounts, wall tokens and the audit log from the shell."""

from __future__ import annotations

import sys

import click

from board.usecases import auth


def _engine(ctx):
    from board.usecases.service import BoardService

    svc = BoardService(ctx.obj)
    svc.init_db()
    return svc.engine


def _read(ctx, query: str, **kwargs):
    """One of data_access.accounts' listing queries, on its own session."""
    from data_access import accounts
    from data_access.engine import session_scope

    with session_scope(_engine(ctx)) as session:
        return getattr(accounts, query)(session, **kwargs)


def _text(value, empty: str) -> str:
    import pandas as pd

    return empty if value is None or (not isinstance(value, str) and pd.isna(value)) or value == "" else str(value)


def _local(stamp) -> str:
    """A stored UTC time in Beijing time."""
    import datetime as dt

    from board.config import LOCAL_TZ

    return stamp.to_pydatetime().replace(tzinfo=dt.UTC).astimezone(LOCAL_TZ).strftime("%Y-%m-%d %H:%M:%S")


def _password(from_stdin: bool) -> tuple[str, bool]:
    if from_stdin:
        return sys.stdin.readline().rstrip("\n"), False
    return auth.new_password(), True


def _run(fn):
    from data_access.queries import UnknownUnit

    try:
        return fn()
    except (auth.AuthError, UnknownUnit) as exc:
        raise click.ClickException(str(exc)) from exc


@click.group()
def user():
    """Users who sign in: add, disable, enable, reset, list."""


@user.command("add")
@click.argument("username")
@click.option("--role", type=click.Choice(["admin", "manager", "viewer"]), required=True)
@click.option("--unit", default=None, help="所属单位代码（管理人员、查看人员必填）")
@click.option("--password-stdin", is_flag=True, help="从标准输入读密码（否则生成一个并显示一次）")
@click.pass_context
def user_add(ctx, username, role, unit, password_stdin):
    """Add a user; managers and viewers see their unit's subtree only, viewers with masked names."""
    password, generated = _password(password_stdin)
    _run(lambda: auth.add_user(_engine(ctx), username, role, unit, password))
    click.echo(f"已添加用户 {username}（{role}，{unit or '全部单位'}）")
    if generated:
        click.echo(f"初始密码（只显示这一次）：{password}")


def _switch(name: str, active: bool, doc: str, done: str) -> None:
    @user.command(name, help=doc)
    @click.argument("username")
    @click.pass_context
    def command(ctx, username):
        _run(lambda: auth.set_active(_engine(ctx), username, active))
        click.echo(f"{done} {username}")


_switch("disable", False, "Disable a user; their open sessions end at the next request.", "已停用")
_switch("enable", True, "Enable a disabled user again.", "已启用")


@user.command("reset")
@click.argument("username")
@click.option("--password-stdin", is_flag=True)
@click.pass_context
def user_reset(ctx, username, password_stdin):
    """Set a new password; the user's open sessions end."""
    password, generated = _password(password_stdin)
    _run(lambda: auth.reset_password(_engine(ctx), username, password))
    click.echo(f"已重置 {username} 的密码" + (f"：{password}（只显示这一次）" if generated else ""))


@user.command("list")
@click.pass_context
def user_list(ctx):
    """List users."""
    frame = _read(ctx, "list_users")
    for r in frame.itertuples():
        click.echo(f"{r.username:16} {r.role:8} {_text(r.unit_code, '*'):10} {'启用' if r.active else '停用'}")


@click.group()
def token():
    """Read-only wall-screen tokens: add, revoke, list."""


@token.command("add")
@click.option("--unit", default=None, help="令牌可看的单位（默认全公司）")
@click.option("--label", default="大屏", show_default=True)
@click.pass_context
def token_add(ctx, unit, label):
    """Create a wall token; prints it once, with the wall URL."""
    token_id, text = _run(lambda: auth.add_token(_engine(ctx), label, unit))
    click.echo(f"令牌 #{token_id}（{label}，{unit or '全公司'}），只显示这一次：")
    click.echo(text)
    click.echo(f"大屏地址：http://HOST:8050/wall?token={text}")


@token.command("revoke")
@click.argument("token_id", type=int)
@click.pass_context
def token_revoke(ctx, token_id):
    """Revoke a token; a wall using it stops at its next refresh."""
    _run(lambda: auth.revoke_token(_engine(ctx), token_id))
    click.echo(f"令牌 #{token_id} 已吊销")


@token.command("list")
@click.pass_context
def token_list(ctx):
    """List tokens (never their text)."""
    frame = _read(ctx, "list_tokens")
    for r in frame.itertuples():
        state = f"已吊销 {_local(r.revoked_at)}" if _text(r.revoked_at, "") else "有效"
        click.echo(f"#{r.id:<4} {r.label:12} {_text(r.unit_code, '*'):10} {state}")


@click.command()
@click.option("--limit", type=click.IntRange(1, 100000), default=50, show_default=True)
@click.option("--action", default=None, help="只看一种事件（login, login_failed, export, token_use…）")
@click.pass_context
def audit(ctx, limit, action):
    """Show the newest audit events."""
    frame = _read(ctx, "fetch_audit", limit=limit, action=action)
    for r in frame.itertuples():
        click.echo(f"{_local(r.at)} {r.actor:16} {r.action:14} {_text(r.scope, ''):10} {_text(r.ip, ''):15} {r.detail}")
