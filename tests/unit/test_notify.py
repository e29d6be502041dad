"""Warning push against a local HTTP server: sends once, no duplicate on re-run, retries after a 500."""

import json
import threading
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest
from click.testing import CliRunner

from board.cli import main
from board.config import Settings
from board.reports.notify import run
from board.usecases.service import BoardService
from tests.fixtures import write_small


class Hook:
    """A webhook on 127.0.0.1 that records messages and fails while `fail` is set."""

    def __init__(self):
        self.messages, self.fail, self.calls = [], False, 0
        hook = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):  # noqa: N802 - http.server's name
                body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
                hook.calls += 1
                if hook.fail:
                    self.send_response(500)
                else:
                    hook.messages += body["messages"]
                    self.send_response(200)
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = HTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}/hook"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()


@pytest.fixture
def hook():
    h = Hook()
    yield h
    h.server.shutdown()


@pytest.fixture
def notify_svc(tmp_path, hook):
    s = Settings(data_dir=str(tmp_path / "d"), notify_webhook=hook.url, notify_jsonl=str(tmp_path / "push.jsonl"))
    svc = BoardService(s)
    svc.init_db()
    from board.ingest.importer import import_path

    import_path(svc.engine, write_small(tmp_path / "small"), svc.rules)
    return svc


def test_sends_each_event_once(notify_svc, hook, tmp_path):
    import datetime as dt

    first = run(notify_svc, dt.date(2026, 3, 5))
    # hand count: H1 G4 and C1 overdue, B1C L2 in 预警
    assert first["webhook"].new == 3 and first["webhook"].sent == 3
    assert sorted((m["case_id"], m["stage_code"], m["status"]) for m in hook.messages) == [
        ("B1C", "L2", "warning"),
        ("H1", "C1", "overdue"),
        ("H1", "G4", "overdue"),
    ]
    again = run(notify_svc, dt.date(2026, 3, 5))
    assert again["webhook"].new == 0 and again["webhook"].sent == 0 and len(hook.messages) == 3
    lines = (tmp_path / "push.jsonl").read_text(encoding="utf-8").splitlines()
    assert len(lines) == 3
    assert sorted(json.loads(line)["text"][:4] for line in lines) == ["【超时】", "【超时】", "【预警】"]


def test_a_later_status_change_is_a_new_event(notify_svc, hook):
    import datetime as dt

    run(notify_svc, dt.date(2026, 3, 5))
    later = run(notify_svc, dt.date(2026, 3, 6))  # B1C L2: 3 WD used of 3 -> still 预警; no new event
    assert later["webhook"].new == 0
    later = run(notify_svc, dt.date(2026, 3, 9))  # 4 WD > 3 -> 超时: a new message
    assert later["webhook"].new == 1 and hook.messages[-1]["status"] == "overdue"


def test_failed_delivery_is_retried_without_loss_or_duplicate(notify_svc, hook):
    import datetime as dt

    hook.fail = True
    failed = run(notify_svc, dt.date(2026, 3, 5))
    assert failed["webhook"].failed == 3 and hook.messages == []
    hook.fail = False
    retried = run(notify_svc, dt.date(2026, 3, 5))
    assert retried["webhook"].new == 0 and retried["webhook"].sent == 3 and len(hook.messages) == 3
    assert run(notify_svc, dt.date(2026, 3, 5))["webhook"].sent == 0


def test_cli_reports_failure_with_nonzero_exit(tmp_path, hook):
    runner = CliRunner()
    base = ["--data-dir", str(tmp_path / "c")]
    runner.invoke(main, [*base, "import", str(write_small(tmp_path / "s"))])
    hook.fail = True
    result = runner.invoke(main, [*base, "notify", "--as-of", "2026-03-05"], env={"BOARD_NOTIFY_WEBHOOK": hook.url})
    assert result.exit_code != 0 and "失败 3 条" in result.output
    none = runner.invoke(main, [*base, "notify", "--as-of", "2026-03-05"], env={"BOARD_NOTIFY_WEBHOOK": ""})
    assert none.exit_code != 0 and "未配置任何推送渠道" in none.output


def _flaky(real, failures: int):
    """An outbox update that fails like an unreachable database `failures` times, then works."""
    from sqlalchemy.exc import OperationalError

    left = [failures]

    def mark(session, *args):
        if left[0] > 0:
            left[0] -= 1
            raise OperationalError("UPDATE notifications", {}, ConnectionError("server closed the connection"))
        return real(session, *args)

    return mark


def test_a_confirmation_lost_with_a_database_restart_is_retried_not_resent(notify_svc, hook, monkeypatch):
    import datetime as dt

    from data_access import outbox

    monkeypatch.setattr(outbox, "mark_sent", _flaky(outbox.mark_sent, 2))  # the database restarts after delivery
    first = run(notify_svc, dt.date(2026, 3, 5))
    assert first["webhook"].sent == 3 and len(hook.messages) == 3
    assert run(notify_svc, dt.date(2026, 3, 5))["webhook"].sent == 0 and len(hook.messages) == 3  # nothing twice
    assert all(m["redelivery"] is False for m in hook.messages) and len({m["event_id"] for m in hook.messages}) == 3


def test_a_database_away_for_good_after_delivery_resends_marked_as_redelivery(notify_svc, hook, monkeypatch):
    import datetime as dt

    from sqlalchemy.exc import OperationalError

    from board.reports import notify
    from data_access import outbox

    real = outbox.mark_sent
    monkeypatch.setattr(notify, "CONFIRM_SECONDS", 1)
    monkeypatch.setattr(outbox, "mark_sent", _flaky(real, 99))
    with pytest.raises(OperationalError):
        run(notify_svc, dt.date(2026, 3, 5), send_overrides={"webhook": lambda msgs: hook.messages.extend(msgs)})
    sent_once = [dict(m) for m in hook.messages]
    monkeypatch.setattr(outbox, "mark_sent", real)
    again = run(notify_svc, dt.date(2026, 3, 5), send_overrides={"webhook": lambda msgs: hook.messages.extend(msgs)})
    resent = hook.messages[len(sent_once) :]
    assert again["webhook"].sent == len(resent) == len(sent_once) == 3
    assert all(m["redelivery"] for m in resent) and all(m["redelivery"] is False for m in sent_once)
    assert [m["event_id"] for m in resent] == [m["event_id"] for m in sent_once]  # the receiver can drop them
    assert run(notify_svc, dt.date(2026, 3, 5))["webhook"].sent == 0


def test_no_claim_no_delivery(notify_svc, hook, monkeypatch):
    import datetime as dt

    from sqlalchemy.exc import OperationalError

    from board.reports import notify
    from data_access import outbox

    monkeypatch.setattr(notify, "CONFIRM_SECONDS", 1)
    monkeypatch.setattr(outbox, "claim", _flaky(outbox.claim, 99))  # the database is away before the delivery
    with pytest.raises(OperationalError):
        run(notify_svc, dt.date(2026, 3, 5))
    assert hook.messages == []
