"""`board demo`, `import`, `export-data`, `calendar …`, `recompute`: data in and out, calendar years."""

from __future__ import annotations

import datetime as dt
import time
from pathlib import Path

import click

from board.cli.helpers import PhaseBars, date_param, service
from board.cli.refresh import refresh_and_warm


@click.command()
@click.option("--cases", "n_cases", type=click.IntRange(1, 5_000_000), default=5000, show_default=True)
@click.option("--seed", type=int, default=7, show_default=True)
@click.option("--as-of", callback=date_param, help="演示数据截至日期（默认今天）")
@click.option("--high-share", type=click.FloatRange(0, 1), default=0.22, show_default=True, help="高压工单占比")
@click.option("--if-missing", is_flag=True, help="数据库已有工单时什么也不做")
@click.pass_context
def demo(ctx, n_cases, seed, as_of, high_share, if_missing):
    """Build the fictional demo company (replaces the database's contents)."""
    from board.demo.load import build_demo

    svc = service(ctx)
    t0 = time.perf_counter()
    with PhaseBars() as bars:
        result = build_demo(svc, n_cases=n_cases, seed=seed, as_of=as_of or svc.as_of(), high_share=high_share,
                            if_missing=if_missing, progress=bars)  # fmt: skip
    if result is None:
        click.echo("数据库中已有工单，跳过演示数据生成。")
    else:
        counts = "，".join(f"{k} {v:,}" for k, v in result.items())
        click.echo(f"演示数据已生成（{time.perf_counter() - t0:.1f} 秒）：{counts}")
        refresh_and_warm(svc, svc.as_of())
    from board.demo.accounts import ensure_demo_accounts

    demo_accounts = [] if svc.settings.production else ensure_demo_accounts(svc.engine)
    if demo_accounts:
        click.echo("演示账号（仅用于演示数据库）：")
    for name, role, unit, password in demo_accounts:
        click.echo(f"  {name:10} 密码 {password}  {role} {unit or '全部单位'}")


@click.command("import")
@click.argument("path", type=click.Path(exists=True, path_type=Path))
@click.option("--profile", default=None, help="映射配置：随包的名称（如 yingxiao-liucheng）或 JSON 文件路径")
@click.pass_context
def import_(ctx, path, profile):
    """Import a CSV folder or XLSX workbook in the interchange format, or another system's export through a
    mapping profile (all or nothing)."""
    from board.ingest.importer import ImportRejected, import_path
    from data_access.interchange import FileSetError

    svc = service(ctx)
    svc.init_db()
    try:
        with PhaseBars() as bars:
            result = import_path(svc.engine, path, svc.rules, profile=profile, progress=bars)
    except FileSetError as exc:
        raise click.ClickException(str(exc)) from exc
    except ImportRejected as exc:
        for line in exc.problems:
            click.echo(line, err=True)
        raise click.ClickException(str(exc)) from exc
    click.echo("导入完成：" + "，".join(f"{k} {v:,} 行" for k, v in result.written.items()))
    if result.encodings:
        click.echo("文件编码：" + "，".join(f"{k} {v}" for k, v in result.encodings.items()))
    refresh_and_warm(svc, svc.as_of())


@click.command("export-data")
@click.argument("folder", type=click.Path(file_okay=False, path_type=Path))
@click.pass_context
def export_data(ctx, folder):
    """Write the database back as CSV files in the interchange format."""
    from board.ingest.importer import export_data as run_export

    with PhaseBars() as bars:
        files = run_export(service(ctx).engine, folder, bars)
    click.echo("已导出：" + "，".join(p.name for p in files))


@click.group()
def calendar():
    """Holiday calendar: load a year the package does not know, show a year."""


@calendar.command("load")
@click.argument("year", type=click.IntRange(2000, 2040))
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.pass_context
def calendar_load(ctx, year, file):
    """Load YEAR from a CSV with columns date,kind(holiday|workday)[,note]; then recompute stored outcomes."""
    from board.ingest.calendar_load import CalendarFileError, load_year_file

    svc = service(ctx)
    svc.init_db()
    try:
        n = load_year_file(svc, year, file)
    except CalendarFileError as exc:
        raise click.ClickException(str(exc)) from exc
    click.echo(f"{year} 年日历已导入：{n} 个调整日；已重算已完成环节的用时。")
    refresh_and_warm(svc, svc.as_of())


@calendar.command("show")
@click.argument("year", type=int)
@click.pass_context
def calendar_show(ctx, year):
    """List a year's holidays and working weekend days, and where they come from."""
    svc = service(ctx)
    cal = svc.calendar
    source = cal.sources.get(year)
    click.echo(f"{year} 年日历来源：{source or '未知（按周一至周五暂定）'}")
    day = dt.date(year, 1, 1)
    while day.year == year:
        weekend = day.weekday() >= 5
        if cal.is_workday(day) == weekend:
            click.echo(f"{day} {'调休上班' if weekend else '节假日'}")
        day += dt.timedelta(days=1)


@click.command()
@click.pass_context
def recompute(ctx):
    """Recompute stored limits and outcomes of every stage (after editing rules or the calendar)."""
    from board.ingest.calendar_load import recompute_outcomes

    svc = service(ctx)
    with PhaseBars() as bars:
        n = recompute_outcomes(svc, bars)
    click.echo(f"已重算 {n:,} 个环节。")
    refresh_and_warm(svc, svc.as_of())
