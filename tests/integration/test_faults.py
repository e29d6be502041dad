"""Faults an operations centre meets, each checked for "nothing lost, nothing mixed": an import killed with SIGKILL
while it writes (SQLite and PostgreSQL), and the shared cache (a Redis started here) going away and coming back
while pages are served."""

from __future__ import annotations

import hashlib
import os
import shutil
import signal
import socket
import subprocess
import sys
import time

import pandas as pd
import pytest

from board.demo.load import build_demo
from board.ingest.importer import export_data, import_path
from board.usecases.service import BoardService

AS_OF = "2026-11-20"


@pytest.fixture(scope="module")
def files(tmp_path_factory):
    """Interchange files of a 5,000-case company (the base) and of 25,000 cases (the import that gets killed)."""
    from board.config import Settings

    out = {}
    for n in (5_000, 25_000):
        folder = tmp_path_factory.mktemp(f"demo{n}")
        svc = BoardService(Settings(data_dir=str(folder), as_of=AS_OF, auth=False))
        build_demo(svc, n_cases=n, seed=11, as_of=svc.as_of(AS_OF))
        export_data(svc.engine, folder / "files")
        svc.engine.dispose()
        out[n] = folder / "files"
    return out


def fingerprint(engine) -> dict:
    """Row counts, the data version and a digest of every stored stage and rollup row."""
    out = {}
    daily = "unit_code, stage_code, finished_on, voltage_band, customer_class"
    for table, order in (("cases", "case_id"), ("stages", "case_id, stage_code"), ("stage_daily", daily)):
        frame = pd.read_sql(f"SELECT * FROM {table} ORDER BY {order}", engine)
        frame = frame.drop(columns=[c for c in ("id",) if c in frame])
        out[table] = (len(frame), hashlib.sha256(frame.astype(str).to_csv(index=False).encode()).hexdigest())
    out["version"] = pd.read_sql("SELECT value FROM meta WHERE key = 'data_version'", engine)["value"].tolist()
    return out


def test_flt001_import_killed_while_writing_leaves_the_database_as_it_was(any_svc, files):
    import_path(any_svc.engine, files[5_000], any_svc.rules)
    before = fingerprint(any_svc.engine)
    env = {
        **os.environ,
        "BOARD_DATA_DIR": any_svc.settings.data_dir,
        "BOARD_DATABASE_URL": any_svc.settings.database_url,
    }
    proc = subprocess.Popen([sys.executable, "-m", "board.cli", "import", str(files[25_000])], env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)  # fmt: skip
    seen = []
    for line in proc.stdout:  # off a terminal the progress bars print their phase labels, one per line
        seen.append(line.strip())
        if line.strip() == "写入数据库":  # the first block of rows is in the open transaction
            proc.send_signal(signal.SIGKILL)
            break
    proc.wait(timeout=60)
    assert proc.returncode == -signal.SIGKILL and "写入数据库" in seen, seen
    any_svc.engine.dispose()  # the killed writer's connection is gone; start from fresh ones
    assert fingerprint(any_svc.engine) == before
    # and the next run succeeds
    result = import_path(any_svc.engine, files[25_000], any_svc.rules)
    assert result.written["cases"] == 25_000 and fingerprint(any_svc.engine)["version"] != before["version"]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _redis(port: int) -> subprocess.Popen:
    proc = subprocess.Popen([shutil.which("redis-server"), "--port", str(port), "--bind", "127.0.0.1", "--save", "",
                             "--appendonly", "no"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)  # fmt: skip
    for _ in range(100):
        with socket.socket() as s:
            if s.connect_ex(("127.0.0.1", port)) == 0:
                return proc
        time.sleep(0.05)
    raise RuntimeError("redis-server did not start")


@pytest.mark.skipif(not shutil.which("redis-server"), reason="redis-server not installed")
def test_flt002_cache_down_and_back_while_serving(demo_settings, tmp_path):
    import dataclasses

    import redis

    from board.usecases.service import PortfolioQuery

    port = _free_port()
    server = _redis(port)
    try:
        settings = dataclasses.replace(demo_settings, redis_url=f"redis://127.0.0.1:{port}/0")
        day = BoardService(settings).as_of(AS_OF)
        expected = BoardService(dataclasses.replace(demo_settings, redis_url="")).kpis(day, None, 30)
        svc = BoardService(settings)
        assert svc.kpis(day, None, 30) == expected
        client = redis.Redis(port=port)
        assert client.dbsize() > 0  # stored in the shared cache
        server.kill()
        server.wait()
        # down: every view still answers, correctly, from the database
        fresh = BoardService(settings)
        assert fresh.kpis(day, None, 30) == expected
        assert fresh.portfolio_summary(PortfolioQuery(day, "YL-QX", frozenset({"open"}))).count >= 0
        server = _redis(port)  # back, empty
        later = BoardService(settings)
        deadline = time.time() + 30
        while redis.Redis(port=port).dbsize() == 0 and time.time() < deadline:
            assert later.kpis(day, "YL-DL", 30) is not None  # a view not yet in the process's recent entries
            later = BoardService(settings)
        assert redis.Redis(port=port).dbsize() > 0  # used again
    finally:
        server.kill()
        server.wait()
