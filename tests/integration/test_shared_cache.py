"""Two gunicorn processes (two hosts in miniature) share one database and one Redis: a view computed by one is read
by the other from Redis, not computed again, and both answer the same."""

from __future__ import annotations

import dataclasses
import json
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from board.usecases.refresh import refresh
from board.usecases.service import BoardService
from board.web.app import create_app
from tests.security.conftest import _outputs, given

REDIS_URL = os.environ.get("BOARD_TEST_REDIS_URL", "redis://127.0.0.1:6379/15")
ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def redis_db():
    redis = pytest.importorskip("redis")
    client = redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1)
    try:
        client.ping()
    except redis.RedisError:
        pytest.skip(f"Redis unreachable at {REDIS_URL}")
    client.flushdb()
    yield client
    client.flushdb()


def _port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _serve(settings, port: int) -> subprocess.Popen:
    env = {k: v for k, v in os.environ.items() if not k.startswith("BOARD_")}
    env.update(BOARD_AUTH="0", BOARD_DATA_DIR=settings.data_dir, BOARD_AS_OF="2026-11-20", BOARD_REDIS_URL=REDIS_URL)
    cmd = [sys.executable, "-m", "gunicorn", "-w", "1", "-b", f"127.0.0.1:{port}", "--no-control-socket",
           "board.wsgi:server"]  # fmt: skip
    proc = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    for _ in range(120):
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/login", timeout=2)
            return proc
        except OSError:
            time.sleep(0.25)
    proc.kill()
    raise AssertionError("gunicorn did not start")


def _kpis_request(settings) -> bytes:
    """The 总览 KPI callback's request as the browser sends it (built from the app's own callback list)."""
    app = create_app(settings)
    dep = next(d for d in app._callback_list if "home-kpis.children" in d["output"])
    values = {"home-as-of.date": "2026-11-20", "home-period.value": 30}
    inputs = [{**i, "value": given(values, f"{i['id']}.{i['property']}")} for i in dep["inputs"]]
    state = [{**s, "value": given(values, f"{s['id']}.{s['property']}")} for s in dep["state"]]
    body = {"output": dep["output"], "outputs": _outputs(dep["output"]), "inputs": inputs, "state": state,
            "changedPropIds": [f"{inputs[0]['id']}.{inputs[0]['property']}"]}  # fmt: skip
    return json.dumps(body).encode()


def _post(port: int, body: bytes) -> str:
    req = urllib.request.Request(f"http://127.0.0.1:{port}/_dash-update-component", data=body,
                                 headers={"Content-Type": "application/json"})  # fmt: skip
    return urllib.request.urlopen(req, timeout=60).read().decode()


@pytest.mark.skipif(not shutil.which("gunicorn") and not (Path(sys.executable).parent / "gunicorn").exists(),
                    reason="gunicorn not installed")  # fmt: skip
def test_two_servers_share_one_redis_and_one_database(demo_settings, redis_db):
    settings = dataclasses.replace(demo_settings, redis_url=REDIS_URL)
    refresh(BoardService(settings), settings.resolved_as_of())
    body = _kpis_request(settings)
    a, b = _port(), _port()
    servers = [_serve(settings, a), _serve(settings, b)]
    try:
        first = _post(a, body)
        keys = set(redis_db.keys())
        hits = redis_db.info("stats")["keyspace_hits"]
        assert keys, "server A stored nothing in Redis"
        second = _post(b, body)
        kpis = [json.loads(r)["response"]["home-kpis"] for r in (first, second)]
        assert kpis[0] == kpis[1]  # the same KPIs from the other host (the page's clock stamp may differ)
        assert set(redis_db.keys()) == keys  # B computed nothing new …
        assert redis_db.info("stats")["keyspace_hits"] > hits  # … it read A's entries
        assert "时限达标率" in json.loads(first)["response"]["home-kpis"]["children"].__repr__()
    finally:
        for proc in servers:
            proc.terminate()
            proc.wait(20)
