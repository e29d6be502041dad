"""`board report …`, `notify`, `snapshot`, `scheduler`: reports, warning push and scheduled snapshots."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from board.cli.helpers import PhaseBars, date_param, guard, service
from board.config import Settings


@click.group()
def report():
    """Reports as CSV on standard output."""


@report.command("stages")
@click.option("--as-of", callback=date_param, required=True)
@click.option("--unit", default=None, help="单位代码（含下级）；默认全公司")
@click.pass_context
def report_stages(ctx, as_of, unit):
    """Every stage with limit, elapsed, state and status as of a date."""
    from board.usecases.service import format_stage_report

    svc = service(ctx)
    table = guard(lambda: svc.stage_table(as_of, unit))
    format_stage_report(table).to_csv(sys.stdout, index=False, lineterminator="\n")


@report.command("kpi")
@click.option("--as-of", callback=date_param, required=True)
@click.option("--unit", default=None)
@click.option("--period-days", type=click.IntRange(1, 3660), default=30, show_default=True)
@click.pass_context
def report_kpi(ctx, as_of, unit, period_days):
    """SPEC §4.3 KPIs as name,value CSV."""
    from board.domain.kpi import kpi_frame

    svc = service(ctx)
    kpis = guard(lambda: svc.kpis(as_of, unit, period_days))
    kpi_frame(kpis).to_csv(sys.stdout, index=False, lineterminator="\n")


def _ranking_report(ctx, kind: str, label: str, unit: str | None) -> None:
    from board.domain.rankings import parse_period
    from layouts.report_tables import ranking_csv

    svc = service(ctx)
    try:
        period = parse_period(kind, label)
    except ValueError as exc:
        raise click.ClickException(str(exc)) from exc
    frame = guard(lambda: svc.ranking(period, unit))
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


@click.command()
@click.option("--as-of", callback=date_param, help="截至日期（默认今天）")
@click.pass_context
def notify(ctx, as_of):
    """Push stages that entered 预警/超时 since the last run to the configured channels (each message once)."""
    from board.reports.notify import run

    svc = service(ctx)
    svc.init_db()
    results = guard(lambda: run(svc, as_of or svc.as_of()))
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


@click.command()
@click.option("--as-of", callback=date_param, help="数据截至日期（默认今天）")
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

    from board.reports import snapshot as snap
    from board.reports.browser import SnapshotSetupError
    from board.reports.scheduler import parse_size

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
        with PhaseBars() as bars:
            manifest = snap.run(settings, req, principal=snap.principal_for(settings, username), progress=bars)
    except (ValueError, SnapshotSetupError) as exc:
        raise click.ClickException(str(exc)) from exc
    click.echo(f"快照已写入 {req.folder}：{len(manifest['files'])} 个文件")
    for failure in manifest["failures"]:
        click.echo(f"  失败：{failure['title']}（{failure['page']}）：{failure['errors'][-1]}", err=True)
    if manifest["failures"]:
        raise click.ClickException(f"{len(manifest['failures'])} 个页面失败，详见 {req.folder / 'manifest.json'}")


@click.command()
@click.option("--list", "list_only", is_flag=True, help="只列出各任务的下次运行时间")
@click.option(
    "--run-now", type=click.Choice(["weekly", "monthly"]), default=None, help="立即运行一个任务一次（供 crontab 调用）"
)
@click.pass_context
def scheduler(ctx, list_only, run_now):
    """Run snapshot jobs on their cron schedules (defaults: Monday 08:00 weekly, 1st 08:00 monthly)."""
    import logging

    from board.reports import scheduler as sched
    from board.reports.cron import CronError

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
