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
