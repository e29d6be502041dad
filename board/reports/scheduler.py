"""`board scheduler`: run snapshot jobs on cron schedules (Asia/Shanghai time).

Defaults: 周通报 every Monday 08:00 for the previous ISO week, 月度质量通报 on the 1st at 08:00 for the previous
month. Each job keeps its last K runs, appends one JSON line per run to scheduler.log, holds a file lock while it
runs (so neither this loop nor a crontab line can start it twice at once), and reports a failed run through the
warning-push channels.
"""

from __future__ import annotations

import datetime as dt
import fcntl
import json
import logging
import shutil
import time
from dataclasses import dataclass
from pathlib import Path

from board.config import LOCAL_TZ, Settings
from board.domain.rankings import REPORT_NAMES, last_complete
from board.reports.cron import Cron

log = logging.getLogger("board.scheduler")


@dataclass(frozen=True)
class Job:
    """A scheduled snapshot: name, cron expression and the 通报 period type it reports on."""

    name: str
    cron: Cron
    kind: str

    def as_of_for(self, run_at: dt.datetime) -> dt.date:
        """The data date of a run: the end of the last complete period before the run's day."""
        return last_complete(self.kind, run_at.date() - dt.timedelta(days=1)).end


def jobs(settings: Settings) -> list[Job]:
    """The jobs configured in the settings (an empty expression switches a job off)."""
    out = []
    for name, text, kind in (("weekly", settings.schedule_weekly, "week"),
                             ("monthly", settings.schedule_monthly, "month")):  # fmt: skip
        if text.strip():
            out.append(Job(name, Cron.parse(text), kind))
    return out


def next_runs(settings: Settings, now: dt.datetime | None = None) -> list[tuple[Job, dt.datetime]]:
    """Each job with its next run time after now, earliest first."""
    now = now or dt.datetime.now(LOCAL_TZ)
    return sorted(((job, job.cron.next_after(now)) for job in jobs(settings)), key=lambda x: x[1])


class JobBusy(RuntimeError):
    """The job is already running (in this or another process)."""


def run_job(settings: Settings, job: Job, run_at: dt.datetime | None = None, snapshot_run=None) -> dict:
    """Run one job now under its lock, prune old runs, log the result, report failures; returns the log record."""
    from board.reports import snapshot
    from board.reports.notify import send_notice

    run_at = run_at or dt.datetime.now(LOCAL_TZ)
    root = settings.resolved_snapshot_dir
    out = root / job.name
    out.mkdir(parents=True, exist_ok=True)
    as_of = job.as_of_for(run_at)
    record = {"job": job.name, "as_of": as_of.isoformat(), "started": run_at.isoformat(timespec="seconds")}
    with open(out / ".lock", "w") as lock:
        try:
            fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError as exc:
            raise JobBusy(f"任务 {job.name} 上一次运行尚未结束，本次跳过") from exc
        try:
            width, height = parse_size(settings.snapshot_size)
            req = snapshot.SnapshotRequest(
                as_of=as_of, out=out, kind=job.kind, width=width, height=height,
                pages=snapshot.parse_list(settings.snapshot_pages, snapshot.PAGES, "页面"),
                formats=snapshot.parse_list(settings.snapshot_formats, snapshot.FORMATS, "格式"),
            )  # fmt: skip
            principal = snapshot.principal_for(settings, settings.snapshot_user)
            manifest = (snapshot_run or snapshot.run)(settings, req, principal=principal)
            record.update(status="ok" if manifest["ok"] else "failed", folder=str(req.folder),
                          files=len(manifest["files"]), failures=[f["page"] for f in manifest["failures"]])  # fmt: skip
        except Exception as exc:  # noqa: BLE001 - a scheduled run must log and report, never crash the loop
            log.exception("job %s failed", job.name)
            record.update(status="failed", error=f"{exc.__class__.__name__}: {exc}")
        record["finished"] = dt.datetime.now(LOCAL_TZ).isoformat(timespec="seconds")
        record["pruned"] = prune(out, settings.snapshot_keep)
    try:
        _append_log(root / "scheduler.log", record)
    except OSError as exc:  # the disk that failed the run may not take the log line either: still report it
        log.error("scheduler.log not written: %s", exc)
        record["log_error"] = f"{exc.__class__.__name__}: {exc}"
    if record["status"] != "ok":
        what = record.get("error") or "页面失败：" + "、".join(record.get("failures", []))
        subject = f"看板定时快照失败：{REPORT_NAMES[job.kind]} {as_of}"
        record["notify_errors"] = send_notice(settings, subject, f"{subject}。{what}。输出目录：{out}",
                                              kind="snapshot_failed")  # fmt: skip
    return record


def prune(out: Path, keep: int) -> list[str]:
    """Delete all but the newest `keep` run folders (named by as-of date); returns what was removed."""
    runs = sorted(p for p in out.iterdir() if p.is_dir() and _is_date(p.name))
    gone = runs[: max(0, len(runs) - max(1, keep))]
    for path in gone:
        shutil.rmtree(path, ignore_errors=True)
    return [p.name for p in gone]


def parse_size(text: str) -> tuple[int, int]:
    """`1920x1080` as (1920, 1080), with a clear error otherwise."""
    try:
        w, h = (int(x) for x in text.lower().split("x"))
        if not (320 <= w <= 7680 and 240 <= h <= 4320):
            raise ValueError
        return w, h
    except ValueError as exc:
        raise ValueError(f"截图尺寸应为 宽x高（如 1920x1080），实际为 {text!r}") from exc


def loop(settings: Settings, stop=lambda: False, sleep=time.sleep, now=lambda: dt.datetime.now(LOCAL_TZ)) -> None:
    """Wait for the next due job, run it, repeat; jobs run one at a time, so none overlaps itself."""
    while not stop():
        plan = next_runs(settings, now())
        if not plan:
            log.warning("没有启用的定时任务（BOARD_SCHEDULE_WEEKLY / BOARD_SCHEDULE_MONTHLY 均为空）")
            return
        job, when = plan[0]
        log.info("下一次运行：%s %s", job.name, when.isoformat(timespec="minutes"))
        while not stop() and (wait := (when - now()).total_seconds()) > 0:
            sleep(min(wait, 60))  # wake each minute: a changed clock or a stop request is noticed soon
        if stop():
            return
        try:
            record = run_job(settings, job, when)
            log.info("任务 %s 完成：%s", job.name, json.dumps(record, ensure_ascii=False))
        except JobBusy as exc:
            log.warning("%s", exc)


def _append_log(path: Path, record: dict) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("a", encoding="utf-8") as fh:
        fh.write(json.dumps(record, ensure_ascii=False) + "\n")


def _is_date(name: str) -> bool:
    try:
        dt.date.fromisoformat(name)
        return True
    except ValueError:
        return False
