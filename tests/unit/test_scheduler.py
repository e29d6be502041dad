"""Scheduled snapshot jobs without a browser: periods, locking, pruning, logging and failure reports."""

import dataclasses
import datetime as dt
import fcntl
import json

import pytest

from board.config import LOCAL_TZ, Settings
from board.reports import scheduler as sched


@pytest.fixture
def sched_settings(tmp_path):
    return Settings(data_dir=str(tmp_path), snapshot_keep=2, notify_jsonl=str(tmp_path / "push.jsonl"))


def fake_snapshot(ok=True):
    calls = []

    def run(settings, req, principal=None):
        calls.append(req)
        req.folder.mkdir(parents=True, exist_ok=True)
        (req.folder / "manifest.json").write_text("{}")
        failures = [] if ok else [{"page": "capacity", "title": "可开放容量", "errors": ["x"]}]
        return {"ok": ok, "files": [{"path": "home.png"}], "failures": failures}

    run.calls = calls
    return run


def test_default_jobs_and_their_data_dates(sched_settings):
    jobs = {j.name: j for j in sched.jobs(sched_settings)}
    assert set(jobs) == {"weekly", "monthly"}
    monday = dt.datetime(2026, 11, 30, 8, 0, tzinfo=LOCAL_TZ)
    assert jobs["weekly"].cron.next_after(monday - dt.timedelta(days=3)) == monday
    assert jobs["weekly"].as_of_for(monday) == dt.date(2026, 11, 29)  # Sunday closing ISO week 48
    first = dt.datetime(2027, 1, 1, 8, 0, tzinfo=LOCAL_TZ)
    assert jobs["monthly"].as_of_for(first) == dt.date(2026, 12, 31)
    plan = sched.next_runs(sched_settings, dt.datetime(2026, 11, 24, 5, 0, tzinfo=LOCAL_TZ))
    assert [(j.name, w.isoformat()) for j, w in plan] == [
        ("weekly", "2026-11-30T08:00:00+08:00"), ("monthly", "2026-12-01T08:00:00+08:00")]  # fmt: skip


def test_empty_expression_switches_a_job_off(sched_settings):
    s = dataclasses.replace(sched_settings, schedule_monthly="")
    assert [j.name for j in sched.jobs(s)] == ["weekly"]


def test_run_job_writes_log_and_keeps_last_k_runs(sched_settings):
    job = {j.name: j for j in sched.jobs(sched_settings)}["weekly"]
    fake = fake_snapshot()
    for day in (2, 9, 16, 23):
        record = sched.run_job(sched_settings, job, dt.datetime(2026, 11, day, 8, 0, tzinfo=LOCAL_TZ), fake)
        assert record["status"] == "ok"
    assert [r.kind for r in fake.calls] == ["week"] * 4
    assert [str(r.as_of) for r in fake.calls] == ["2026-11-01", "2026-11-08", "2026-11-15", "2026-11-22"]
    folders = sorted(p.name for p in (sched_settings.resolved_snapshot_dir / "weekly").iterdir() if p.is_dir())
    assert folders == ["2026-11-15", "2026-11-22"]  # keep = 2
    log = [json.loads(x) for x in (sched_settings.resolved_snapshot_dir / "scheduler.log").read_text().splitlines()]
    assert [r["as_of"] for r in log] == ["2026-11-01", "2026-11-08", "2026-11-15", "2026-11-22"]
    assert log[-1]["pruned"] == ["2026-11-08"]


def test_failed_run_is_reported_through_the_push_channel(sched_settings, tmp_path):
    job = sched.jobs(sched_settings)[0]
    record = sched.run_job(sched_settings, job, dt.datetime(2026, 11, 30, 8, 0, tzinfo=LOCAL_TZ), fake_snapshot(False))
    assert record["status"] == "failed" and record["failures"] == ["capacity"]
    pushed = [json.loads(x) for x in (tmp_path / "push.jsonl").read_text().splitlines()]
    assert pushed[0]["kind"] == "snapshot_failed"
    assert "2026-11-29" in pushed[0]["text"] and "capacity" in pushed[0]["text"]


def test_crash_inside_a_run_is_logged_not_raised(sched_settings, tmp_path):
    def broken(settings, req, principal=None):
        raise RuntimeError("浏览器崩溃")

    record = sched.run_job(sched_settings, sched.jobs(sched_settings)[0], None, broken)
    assert record["status"] == "failed" and "浏览器崩溃" in record["error"]
    assert "浏览器崩溃" in (tmp_path / "push.jsonl").read_text()


def test_a_job_never_runs_twice_at_once(sched_settings):
    job = sched.jobs(sched_settings)[0]
    folder = sched_settings.resolved_snapshot_dir / job.name
    folder.mkdir(parents=True)
    with open(folder / ".lock", "w") as held:
        fcntl.flock(held, fcntl.LOCK_EX | fcntl.LOCK_NB)  # another process is running the job
        fake = fake_snapshot()
        with pytest.raises(sched.JobBusy, match="尚未结束"):
            sched.run_job(sched_settings, job, None, fake)
        assert fake.calls == []


def test_loop_sleeps_until_due_then_runs_once(sched_settings, monkeypatch):
    clock = [dt.datetime(2026, 11, 30, 7, 58, tzinfo=LOCAL_TZ)]
    ran = []
    monkeypatch.setattr(sched, "run_job", lambda s, job, when: ran.append((job.name, when)) or {"status": "ok"})

    def sleep(seconds):
        clock[0] += dt.timedelta(seconds=seconds)

    sched.loop(sched_settings, stop=lambda: len(ran) >= 2, sleep=sleep, now=lambda: clock[0])
    assert [(n, w.isoformat()) for n, w in ran] == [
        ("weekly", "2026-11-30T08:00:00+08:00"), ("monthly", "2026-12-01T08:00:00+08:00")]  # fmt: skip


def test_parse_size():
    assert sched.parse_size("1366x768") == (1366, 768)
    with pytest.raises(ValueError, match="宽x高"):
        sched.parse_size("big")
