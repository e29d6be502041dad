"""`board` command line: serve, init-db, demo, import, export-data, report, calendar, recompute, settings."""

from __future__ import annotations

import datetime as dt
import json
import sys
import time
from pathlib import Path

import click

from .config import Settings, settings_table


def _service(ctx: click.Context):
    from .service import BoardService

    return BoardService(ctx.obj)


def _date(_ctx, _param, value):
    if value is None:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError as exc:
        raise click.BadParameter(f"日期格式应为 YYYY-MM-DD：{value!r}") from exc


@click.group()
@click.option("--database-url", envvar="BOARD_DATABASE_URL", help="数据库 URL（默认数据目录下的 SQLite）")
@click.option("--data-dir", envvar="BOARD_DATA_DIR", help="数据目录")
@click.option("--rules", envvar="BOARD_RULES", help="规则文件路径")
@click.pass_context
def main(ctx: click.Context, database_url, data_dir, rules):
    """业扩报装可视化监管看板."""
    ctx.obj = Settings.from_env(database_url=database_url, data_dir=data_dir, rules=rules)


@main.command()
@click.option("--host", envvar="BOARD_HOST", default=None)
@click.option("--port", envvar="BOARD_PORT", type=int, default=None)
@click.option("--debug/--no-debug", default=None)
@click.pass_context
def serve(ctx, host, port, debug):
    """Run the board with Dash's development server (use gunicorn board.wsgi:server in production)."""
    from .app import create_app
    from .web_auth import ProductionConfigError

    settings: Settings = ctx.obj
    try:
        app = create_app(settings)
    except ProductionConfigError as exc:
        raise click.ClickException(str(exc)) from exc
    app.run(host=host or settings.host, port=port or settings.port, debug=settings.debug if debug is None else debug)


@main.command("init-db")
@click.pass_context
def init_db(ctx):
    """Create the tables."""
    svc = _service(ctx)
    svc.init_db()
    click.echo(f"数据库已就绪：{_safe_url(svc.engine.url)}")


@main.command()
@click.option("--cases", "n_cases", type=click.IntRange(1, 5_000_000), default=5000, show_default=True)
@click.option("--seed", type=int, default=7, show_default=True)
@click.option("--as-of", callback=_date, help="演示数据截至日期（默认今天）")
@click.option("--high-share", type=click.FloatRange(0, 1), default=0.22, show_default=True, help="高压工单占比")
@click.option("--if-missing", is_flag=True, help="数据库已有工单时什么也不做")
@click.pass_context
def demo(ctx, n_cases, seed, as_of, high_share, if_missing):
    """Build the fictional demo company (replaces the database's contents)."""
    from .demo_load import build_demo

    svc = _service(ctx)
    t0 = time.perf_counter()
    result = build_demo(svc, n_cases=n_cases, seed=seed, as_of=as_of or svc.as_of(), high_share=high_share,
                        if_missing=if_missing)  # fmt: skip
    if result is None:
        click.echo("数据库中已有工单，跳过演示数据生成。")
    else:
        counts = "，".join(f"{k} {v:,}" for k, v in result.items())
        click.echo(f"演示数据已生成（{time.perf_counter() - t0:.1f} 秒）：{counts}")
    from .demo_accounts import ensure_demo_accounts

    demo_accounts = [] if svc.settings.production else ensure_demo_accounts(svc.engine)
    if demo_accounts:
        click.echo("演示账号（仅用于演示数据库）：")
    for name, role, unit, password in demo_accounts:
        click.echo(f"  {name:10} 密码 {password}  {role} {unit or '全部单位'}")


@main.command("import")
@click.argument("path", type=click.Path(exists=True, path_type=Path))
@click.pass_context
def import_(ctx, path):
    """Import a CSV folder or XLSX workbook in the interchange format (all or nothing)."""
    from data_access.interchange import FileSetError

    from .importer import ImportRejected, import_path

    svc = _service(ctx)
    svc.init_db()
    try:
        result = import_path(svc.engine, path, svc.rules)
    except FileSetError as exc:
        raise click.ClickException(str(exc)) from exc
    except ImportRejected as exc:
        for line in exc.problems:
            click.echo(line, err=True)
        raise click.ClickException(str(exc)) from exc
    click.echo("导入完成：" + "，".join(f"{k} {v:,} 行" for k, v in result.written.items()))


@main.command("export-data")
@click.argument("folder", type=click.Path(file_okay=False, path_type=Path))
@click.pass_context
def export_data(ctx, folder):
    """Write the database back as CSV files in the interchange format."""
    from .importer import export_data as run_export

    files = run_export(_service(ctx).engine, folder)
    click.echo("已导出：" + "，".join(p.name for p in files))


@main.group()
def report():
    """Reports as CSV on standard output."""


@report.command("stages")
@click.option("--as-of", callback=_date, required=True)
@click.option("--unit", default=None, help="单位代码（含下级）；默认全公司")
@click.pass_context
def report_stages(ctx, as_of, unit):
    """Every stage with limit, elapsed, state and status as of a date."""
    from .service import format_stage_report

    svc = _service(ctx)
    table = _guard(lambda: svc.stage_table(as_of, unit))
    format_stage_report(table).to_csv(sys.stdout, index=False, lineterminator="\n")


@report.command("kpi")
@click.option("--as-of", callback=_date, required=True)
@click.option("--unit", default=None)
@click.option("--period-days", type=click.IntRange(1, 3660), default=30, show_default=True)
@click.pass_context
def report_kpi(ctx, as_of, unit, period_days):
    """SPEC §4.3 KPIs as name,value CSV."""
    from .kpi import kpi_frame

    svc = _service(ctx)
    kpis = _guard(lambda: svc.kpis(as_of, unit, period_days))
    kpi_frame(kpis).to_csv(sys.stdout, index=False, lineterminator="\n")


def _ranking_report(ctx, kind: str, label: str, unit: str | None) -> None:
    from .rankings import parse_period
    from .report_tables import ranking_csv

    svc = _service(ctx)
    try:
        period = parse_period(kind, label)
    except ValueError as exc:
        raise click.ClickException(str(exc)) from exc
    frame = _guard(lambda: svc.ranking(period, unit))
    ranking_csv(frame, kind).to_csv(sys.stdout, index=False, lineterminator="\n")


@report.command("weekly")
@click.option("--week", required=True, help="ISO 周，例如 2026-W20")
@click.option("--unit", default=None, help="上级单位代码：对其下级单位排名；默认全公司")
@click.pass_context
def report_weekly(ctx, week, unit):
    """Weekly 业扩时限通报 ranking as CSV."""
    _ranking_report(ctx, "week", week, unit)


@report.command("monthly")
@click.option("--month", required=True, help="月份，例如 2026-05")
@click.option("--unit", default=None)
@click.pass_context
def report_monthly(ctx, month, unit):
    """Monthly 营销工作质量通报 ranking as CSV."""
    _ranking_report(ctx, "month", month, unit)


@report.command("quarterly")
@click.option("--quarter", required=True, help="季度，例如 2026Q2")
@click.option("--unit", default=None)
@click.pass_context
def report_quarterly(ctx, quarter, unit):
    """Quarterly 同业对标 ranking (with A/B/C 段) as CSV."""
    _ranking_report(ctx, "quarter", quarter, unit)


def _guard(fn):
    from sqlalchemy.exc import SQLAlchemyError

    from data_access.queries import UnknownUnit

    from .workcal import CalendarRangeError, CalendarUnknownError

    try:
        return fn()
    except (UnknownUnit, CalendarUnknownError, CalendarRangeError) as exc:
        raise click.ClickException(str(exc)) from exc
    except SQLAlchemyError as exc:
        raise click.ClickException(
            f"无法读取数据库（{exc.__class__.__name__}）：请确认 BOARD_DATABASE_URL，"
            "或先运行 board init-db / board demo"
        ) from exc


@main.command()
@click.option("--as-of", callback=_date, help="截至日期（默认今天）")
@click.pass_context
def notify(ctx, as_of):
    """Push stages that entered 预警/超时 since the last run to the configured channels (each message once)."""
    from .notify import run

    svc = _service(ctx)
    svc.init_db()
    results = _guard(lambda: run(svc, as_of or svc.as_of()))
    if not results:
        raise click.ClickException(
            "未配置任何推送渠道（BOARD_NOTIFY_WEBHOOK / BOARD_NOTIFY_JSONL / BOARD_NOTIFY_SMTP_HOST）"
        )
    failed = False
    for name, r in results.items():
        click.echo(f"{name}: 新增 {r.new} 条，已发送 {r.sent} 条，失败 {r.failed} 条")
        for err in r.errors[:3]:
            click.echo(f"  失败原因：{err}", err=True)
        failed = failed or r.failed > 0
    if failed:
        raise click.ClickException("部分推送失败，已保留待下次运行时重试")


@main.group()
def calendar():
    """Holiday calendar: load a year the package does not know, show a year."""


@calendar.command("load")
@click.argument("year", type=click.IntRange(2000, 2040))
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.pass_context
def calendar_load(ctx, year, file):
    """Load YEAR from a CSV with columns date,kind(holiday|workday)[,note]; then recompute stored outcomes."""
    from .calendar_load import CalendarFileError, load_year_file

    svc = _service(ctx)
    svc.init_db()
    try:
        n = load_year_file(svc, year, file)
    except CalendarFileError as exc:
        raise click.ClickException(str(exc)) from exc
    click.echo(f"{year} 年日历已导入：{n} 个调整日；已重算已完成环节的用时。")


@calendar.command("show")
@click.argument("year", type=int)
@click.pass_context
def calendar_show(ctx, year):
    """List a year's holidays and working weekend days, and where they come from."""
    svc = _service(ctx)
    cal = svc.calendar
    source = cal.sources.get(year)
    click.echo(f"{year} 年日历来源：{source or '未知（按周一至周五暂定）'}")
    day = dt.date(year, 1, 1)
    while day.year == year:
        weekend = day.weekday() >= 5
        if cal.is_workday(day) == weekend:
            click.echo(f"{day} {'调休上班' if weekend else '节假日'}")
        day += dt.timedelta(days=1)


@main.command()
@click.pass_context
def recompute(ctx):
    """Recompute stored limits and outcomes of every stage (after editing rules or the calendar)."""
    from .calendar_load import recompute_outcomes

    n = recompute_outcomes(_service(ctx))
    click.echo(f"已重算 {n:,} 个环节。")


@main.command()
@click.option("--as-of", callback=_date, help="数据截至日期（默认今天）")
@click.option("--pages", default=None, help="页面，逗号分隔：home,progress,alerts,capacity,rankings（默认全部）")
@click.option("--formats", default=None, help="格式，逗号分隔：png,pdf,html,xlsx（默认全部）")
@click.option(
    "--out",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="输出根目录（其下按截至日期建文件夹；默认 BOARD_SNAPSHOT_DIR）",
)
@click.option("--size", default=None, help="截图尺寸 宽x高（默认 BOARD_SNAPSHOT_SIZE）")
@click.option(
    "--kind",
    type=click.Choice(["week", "month", "quarter"]),
    default="week",
    show_default=True,
    help="三通报的周期类型（取截至日前最后一个完整周期）",
)
@click.option("--unit", default=None, help="只拍这个单位及其下级（默认全公司）")
@click.option("--user", "username", default=None, help="以这个用户的权限生成（其单位范围，查看人员脱敏）")
@click.pass_context
def snapshot(ctx, as_of, pages, formats, out, size, kind, unit, username):
    """Render pages in headless Chromium into PNG, PDF, offline HTML and XLSX, with a manifest."""
    import logging

    from . import snapshot as snap
    from .browser import SnapshotSetupError
    from .scheduler import parse_size

    settings: Settings = ctx.obj
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(message)s")
    try:
        width, height = parse_size(size or settings.snapshot_size)
        req = snap.SnapshotRequest(
            as_of=as_of or settings.resolved_as_of(), out=out or settings.resolved_snapshot_dir,
            pages=snap.parse_list(pages or ",".join(snap.PAGES), snap.PAGES, "页面"),
            formats=snap.parse_list(formats or ",".join(snap.FORMATS), snap.FORMATS, "格式"),
            width=width, height=height, kind=kind, unit=unit,
        )  # fmt: skip
        manifest = snap.run(settings, req, principal=snap.principal_for(settings, username))
    except (ValueError, SnapshotSetupError) as exc:
        raise click.ClickException(str(exc)) from exc
    click.echo(f"快照已写入 {req.folder}：{len(manifest['files'])} 个文件")
    for failure in manifest["failures"]:
        click.echo(f"  失败：{failure['title']}（{failure['page']}）：{failure['errors'][-1]}", err=True)
    if manifest["failures"]:
        raise click.ClickException(f"{len(manifest['failures'])} 个页面失败，详见 {req.folder / 'manifest.json'}")


@main.command()
@click.option("--list", "list_only", is_flag=True, help="只列出各任务的下次运行时间")
@click.option(
    "--run-now", type=click.Choice(["weekly", "monthly"]), default=None, help="立即运行一个任务一次（供 crontab 调用）"
)
@click.pass_context
def scheduler(ctx, list_only, run_now):
    """Run snapshot jobs on their cron schedules (defaults: Monday 08:00 weekly, 1st 08:00 monthly)."""
    import logging

    from . import scheduler as sched
    from .cron import CronError

    settings: Settings = ctx.obj
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s")
    try:
        plan = sched.next_runs(settings)
    except CronError as exc:
        raise click.ClickException(str(exc)) from exc
    if list_only:
        for job, when in plan:
            click.echo(f"{job.name:8} {job.cron.text:16} 下次 {when:%Y-%m-%d %H:%M}（数据截至 {job.as_of_for(when)}）")
        return
    if run_now:
        job = next((j for j in sched.jobs(settings) if j.name == run_now), None)
        if job is None:
            raise click.ClickException(f"任务 {run_now} 未启用（其 cron 表达式为空）")
        try:
            record = sched.run_job(settings, job)
        except sched.JobBusy as exc:
            raise click.ClickException(str(exc)) from exc
        click.echo(json.dumps(record, ensure_ascii=False))
        if record["status"] != "ok":
            raise click.ClickException("任务失败，已记录日志并推送")
        return
    click.echo(f"定时快照已启动，输出到 {settings.resolved_snapshot_dir}（Ctrl+C 退出）")
    try:
        sched.loop(settings)
    except KeyboardInterrupt:
        click.echo("已退出")


@main.command("settings")
@click.option("--json", "as_json", is_flag=True)
def settings_cmd(as_json):
    """List every setting with its environment variable, default and meaning."""
    rows = settings_table()
    if as_json:
        click.echo(json.dumps(rows, ensure_ascii=False, indent=1))
        return
    for env, default, help_text in rows:
        click.echo(f"{env:28} {default!r:16} {help_text}")


def _safe_url(url) -> str:
    return url.render_as_string(hide_password=True)


from .cli_access import audit, token, user  # noqa: E402 - commands defined beside, registered here

main.add_command(user)
main.add_command(token)
main.add_command(audit)

if __name__ == "__main__":  # pragma: no cover
    main()
