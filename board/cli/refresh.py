"""`board refresh`: build today's read model and warm the shared cache (after an import, or from cron at night)."""

from __future__ import annotations

import click

from board.cli.helpers import PhaseBars, date_param, guard, service


def refresh_and_warm(svc, as_of, label: str = "读模型") -> None:
    """Build the read model of a day, then warm the default views; progress on a terminal only."""
    from board.usecases.refresh import RefreshBusy, refresh
    from board.usecases.warm import warm

    with PhaseBars() as bars:
        try:
            built = guard(lambda: refresh(svc, as_of, progress=bars.phase(f"刷新{label}")))
        except RefreshBusy as exc:
            raise click.ClickException(str(exc)) from exc
    click.echo(f"{label} {built['day']} 已刷新（{built['seconds']} 秒）：在途/撤销工单 {built['cases']:,}，"
               f"新增已送电工单 {built['final_cases']:,}，在途环节 {built['open_stages']:,}")  # fmt: skip
    with PhaseBars() as bars:
        warmed = guard(lambda: warm(svc, as_of, progress=bars.phase("预热视图缓存")))
    _warm_wall(svc, as_of)
    click.echo(f"视图缓存已预热：{warmed['scopes']} 个单位范围（{warmed['seconds']} 秒，{svc.view_cache.kind}）")


def _warm_wall(svc, as_of) -> None:
    """The wall's whole-company build at the common screen widths, as a wall token (masked) and as an operator."""
    from board.domain import access
    from callbacks.wall import cached_build

    config = {"unit": None, "as_of": as_of.isoformat()}
    for masked in (True, False):
        with access.acting_as(access.Principal("warm", "viewer" if masked else "system", None, masked)):
            for width in (1920, 3840):
                guard(lambda: cached_build(svc, config, width))


@click.command()
@click.option("--as-of", callback=date_param, help="数据截至日期（默认今天）")
@click.option("--ahead", is_flag=True, help="改为预建次日的读模型并预热（晚间从 cron 运行，零点无冷启动）")
@click.pass_context
def refresh(ctx, as_of, ahead):
    """Build the read model of a day (default today) and warm the cache; with --ahead the next day's instead
    (from cron late in the evening, so midnight finds the new day ready)."""
    import datetime as dt

    svc = service(ctx)
    day = as_of or svc.as_of()
    if ahead:
        refresh_and_warm(svc, day + dt.timedelta(days=1), label="次日读模型")
    else:
        refresh_and_warm(svc, day)
