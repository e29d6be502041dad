"""`board serve`, `board init-db`, `board settings`: run the board and look at its configuration."""

from __future__ import annotations

import json

import click

from board.cli.helpers import guard, safe_url, service
from board.config import Settings, settings_table


@click.command()
@click.option("--host", envvar="BOARD_HOST", default=None)
@click.option("--port", envvar="BOARD_PORT", type=int, default=None)
@click.option("--debug/--no-debug", default=None)
@click.pass_context
def serve(ctx, host, port, debug):
    """Run the board with Dash's development server (use gunicorn board.wsgi:server in production)."""
    from board.web.app import create_app
    from board.web.gate import ProductionConfigError
    from data_access.migrate import SchemaOutdated

    settings: Settings = ctx.obj
    try:
        app = create_app(settings)
    except (ProductionConfigError, SchemaOutdated) as exc:
        raise click.ClickException(str(exc)) from exc
    app.run(host=host or settings.host, port=port or settings.port, debug=settings.debug if debug is None else debug)


@click.command("init-db")
@click.pass_context
def init_db(ctx):
    """Create the tables."""
    svc = service(ctx)
    svc.init_db()
    click.echo(f"数据库已就绪：{safe_url(svc.engine.url)}")


@click.command("settings")
@click.option("--json", "as_json", is_flag=True)
def settings_cmd(as_json):
    """List every setting with its environment variable, default and meaning."""
    rows = settings_table()
    if as_json:
        click.echo(json.dumps(rows, ensure_ascii=False, indent=1))
        return
    for env, default, help_text in rows:
        click.echo(f"{env:28} {default!r:16} {help_text}")


@click.command("upgrade-db")
@click.pass_context
def upgrade_db(ctx):
    """Upgrade the database's schema in place to this release (users, tokens, audit log, outbox and cases stay)."""
    from data_access.migrate import head, upgrade

    svc = service(ctx)
    before, after = guard(lambda: upgrade(svc.engine))
    if before == after:
        click.echo(f"数据库结构已是最新（{after}）：{safe_url(svc.engine.url)}")
    else:
        click.echo(f"数据库结构已升级：{before or '6（迁移前）'} → {after}（本版本 {head()}）")
