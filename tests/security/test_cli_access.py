"""`board user`, `board token`, `board audit` from the shell: clear refusals, secrets shown once, all audited."""

import re

from click.testing import CliRunner

from board.cli import main
from board.usecases import auth


def run(settings, *args, stdin=None):
    return CliRunner().invoke(main, ["--data-dir", settings.data_dir, *args], input=stdin)


def test_sec050_user_lifecycle(demo_settings, svc):
    added = run(demo_settings, "user", "add", "li", "--role", "viewer", "--unit", "YL-DL")
    assert added.exit_code == 0 and "初始密码（只显示这一次）" in added.output
    password = added.output.strip().rsplit("：", 1)[1]
    assert auth.authenticate(svc.engine, "li", password).masked
    assert "已存在" in run(demo_settings, "user", "add", "li", "--role", "viewer", "--unit", "YL-DL").output
    assert "未知的供电单位" in run(demo_settings, "user", "add", "x", "--role", "manager", "--unit", "NOPE").output
    assert "必须指定所属单位" in run(demo_settings, "user", "add", "y", "--role", "manager").output
    short = run(demo_settings, "user", "add", "z", "--role", "admin", "--password-stdin", stdin="short\n")
    assert short.exit_code == 1 and "至少" in short.output
    assert run(demo_settings, "user", "reset", "li", "--password-stdin", stdin="a-new-password-1\n").exit_code == 0
    assert auth.authenticate(svc.engine, "li", "a-new-password-1")
    assert run(demo_settings, "user", "disable", "li").exit_code == 0
    assert "停用" in [line for line in run(demo_settings, "user", "list").output.splitlines() if "li " in line][0]
    assert "没有用户" in run(demo_settings, "user", "disable", "nobody").output


def test_sec051_tokens_and_audit(demo_settings, svc):
    added = run(demo_settings, "token", "add", "--unit", "YL-QX", "--label", "青溪大屏")
    token = re.search(r"token=(\S+)", added.output)[1]
    assert auth.token_principal(svc.engine, token=token).unit == "YL-QX"
    assert token not in run(demo_settings, "token", "list").output  # shown once, never listed
    assert run(demo_settings, "token", "revoke", "1").exit_code == 0
    assert auth.token_principal(svc.engine, token=token) is None
    assert "已吊销" in run(demo_settings, "token", "list").output
    log = run(demo_settings, "audit", "--limit", "20").output
    assert "token_add" in log and "token_revoke" in log and "user_add" in log
