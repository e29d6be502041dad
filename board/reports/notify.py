"""Warning push (`board notify`): stages newly in 预警/超时 go to webhook, e-mail and/or JSONL, each once.

Delivery is at-least-once per run and exactly-once across runs: events are first recorded in the outbox (one row per
stage, status and channel), then pending rows are delivered and marked; a failed delivery stays pending and is
retried by the next run.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import smtplib
import time
import urllib.request
from dataclasses import dataclass, field
from email.message import EmailMessage
from pathlib import Path

import pandas as pd

from board.config import Settings
from board.domain.alerts import warning_list
from data_access import outbox
from data_access.engine import session_scope

BATCH = 100
STATUS_NAMES = {"overdue": "超时", "warning": "预警"}


@dataclass
class ChannelResult:
    """What one channel did in one run."""

    new: int = 0
    sent: int = 0
    failed: int = 0
    errors: list[str] = field(default_factory=list)


def events(open_stages: pd.DataFrame, units: pd.DataFrame, svc_rules, as_of: dt.date) -> pd.DataFrame:
    """One event per open stage in 预警 or 超时, with its JSON payload."""
    wl = warning_list(open_stages, svc_rules)
    names = dict(zip(units["unit_code"], units["unit_name"]))
    payloads = []
    for r in wl.itertuples():
        unit_word = "工作日" if r.limit_unit == "WD" else "自然日"
        status = str(r.status)
        text = (
            f"【{STATUS_NAMES[status]}】{r.case_id} {names.get(r.unit_code, r.unit_code)} "
            f"{r.stage_code} {svc_rules.stage_name(r.stage_code)} 已用 {int(r.elapsed)}/{r.limit_days:g} {unit_word}"
            + (f"，超期 {int(r.overrun_days)} 天" if status == "overdue" else f"，剩余 {int(r.remaining_days)} 天")
            + f"，责任方 {svc_rules.parties.get(r.party, r.party)}，督办 {int(r.level)} 级"
        )
        payloads.append(json.dumps({
            "case_id": r.case_id, "stage_code": r.stage_code, "stage_name": svc_rules.stage_name(r.stage_code),
            "status": status, "status_name": STATUS_NAMES[status], "unit_code": r.unit_code,
            "unit_name": names.get(r.unit_code, r.unit_code), "customer_name": r.customer_name,
            "elapsed": int(r.elapsed), "limit": float(r.limit_days), "limit_unit": r.limit_unit,
            "overrun": int(r.overrun_days), "level": int(r.level), "party": r.party, "manager": r.manager,
            "as_of": as_of.isoformat(), "text": text,
        }, ensure_ascii=False))  # fmt: skip
    return pd.DataFrame({"case_id": wl["case_id"].to_numpy(), "stage_code": wl["stage_code"].to_numpy(),
                         "status": wl["status"].astype(str).to_numpy(), "payload": payloads})  # fmt: skip


def channels(settings: Settings) -> dict[str, callable]:
    """The configured delivery functions by channel name; each takes a list of payload dicts or raises."""
    out = {}
    if settings.notify_webhook:
        out["webhook"] = lambda msgs: _post(settings.notify_webhook, msgs)
    if settings.notify_jsonl:
        out["jsonl"] = lambda msgs: _append(Path(settings.notify_jsonl), msgs)
    if settings.notify_smtp_host:
        out["email"] = lambda msgs: _mail(settings, msgs)
    return out


def run(svc, as_of: dt.date, send_overrides: dict | None = None) -> dict[str, ChannelResult]:
    """Record new events for every channel, then deliver everything pending; returns per-channel results.

    Each batch is claimed in the database before it is handed to the channel and confirmed after, the
    confirmation retried while the database is away (a restart), so a message goes out once. If the database
    stays away longer than CONFIRM_SECONDS, the batch stays claimed: the next run sends it again with the same
    `event_id` and `redelivery: true`, for the receiver to drop."""
    senders = send_overrides if send_overrides is not None else channels(svc.settings)
    if not senders:
        return {}
    w = svc.workload(as_of, None, 30)
    evs = events(w.open_stages, w.units, svc.rules, as_of)
    results = {}
    for name, send in senders.items():
        res = ChannelResult()
        with session_scope(svc.engine, write=True) as session:
            res.new = outbox.record_events(session, evs, name, as_of)
        with session_scope(svc.engine) as session:
            todo = outbox.pending(session, name)
        for i in range(0, len(todo), BATCH):
            chunk = todo[i : i + BATCH]
            ids = [c[0] for c in chunk]
            _write(svc, outbox.claim, ids)  # no claim (database away): nothing is sent, the run fails
            messages = [{**json.loads(p), "event_id": n, "redelivery": again} for n, p, again in chunk]
            try:
                send(messages)
            except Exception as exc:  # noqa: BLE001 - any delivery failure is retried next run
                _write(svc, outbox.mark_failed, ids, f"{exc.__class__.__name__}: {exc}")
                res.failed += len(ids)
                res.errors.append(str(exc))
                continue
            _write(svc, outbox.mark_sent, ids)
            res.sent += len(ids)
        results[name] = res
    return results


CONFIRM_SECONDS = 120  # longer than a database restart takes


def _write(svc, mark, *args) -> None:
    """An outbox update in a transaction of its own, retried with backoff while the database is unreachable."""
    from sqlalchemy.exc import OperationalError

    deadline, pause = time.monotonic() + CONFIRM_SECONDS, 0.5
    while True:
        try:
            with session_scope(svc.engine, write=True) as session:
                mark(session, *args)
            return
        except OperationalError:
            if time.monotonic() + pause > deadline:
                raise
            time.sleep(pause)
            pause = min(pause * 2, 10)


def _post(url: str, messages: list[dict]) -> None:
    body = json.dumps({"source": "业扩报装可视化监管看板", "messages": messages}, ensure_ascii=False).encode()
    req = urllib.request.Request(url, data=body, headers={"Content-Type": "application/json; charset=utf-8"})
    with urllib.request.urlopen(req, timeout=15) as resp:  # noqa: S310 - configured intranet URL
        if not 200 <= resp.status < 300:
            raise RuntimeError(f"webhook 返回 {resp.status}")


def _append(path: Path, messages: list[dict]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("a", encoding="utf-8") as fh:
        for m in messages:
            fh.write(json.dumps(m, ensure_ascii=False) + "\n")
        fh.flush()
        os.fsync(fh.fileno())


def _mail(settings: Settings, messages: list[dict]) -> None:
    msg = EmailMessage()
    overdue = sum(1 for m in messages if m["status"] == "overdue")
    msg["Subject"] = f"业扩报装时限预警：超时 {overdue} 条，预警 {len(messages) - overdue} 条"
    msg["From"] = settings.notify_smtp_from or "board@localhost"
    msg["To"] = settings.notify_smtp_to
    msg.set_content("\n".join(m["text"] for m in messages))
    with smtplib.SMTP(settings.notify_smtp_host, settings.notify_smtp_port, timeout=15) as smtp:
        smtp.send_message(msg)


def send_notice(settings: Settings, subject: str, text: str, kind: str = "board_notice") -> list[str]:
    """One operational message (e.g. a failed scheduled snapshot) to every configured channel; returns the
    channels' errors (empty when delivered or when no channel is configured)."""
    message = {"kind": kind, "status": kind, "subject": subject, "text": text,
               "at": dt.datetime.now().astimezone().isoformat(timespec="seconds")}  # fmt: skip
    errors = []
    for name, send in _notice_channels(settings, subject).items():
        try:
            send([message])
        except Exception as exc:  # noqa: BLE001 - report every channel's failure, do not stop at the first
            errors.append(f"{name}: {exc}")
    return errors


def _notice_channels(settings: Settings, subject: str) -> dict[str, callable]:
    out = channels(settings)
    if "email" in out:
        out["email"] = lambda msgs: _mail_text(settings, subject, "\n".join(m["text"] for m in msgs))
    return out


def _mail_text(settings: Settings, subject: str, body: str) -> None:
    msg = EmailMessage()
    msg["Subject"] = subject
    msg["From"] = settings.notify_smtp_from or "board@localhost"
    msg["To"] = settings.notify_smtp_to
    msg.set_content(body)
    with smtplib.SMTP(settings.notify_smtp_host, settings.notify_smtp_port, timeout=15) as smtp:
        smtp.send_message(msg)
