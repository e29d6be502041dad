"""The shared view cache: one computation for all workers, a failing cache is skipped, oversized values stay local."""

from __future__ import annotations

import pandas as pd

from board.usecases import cache as cache_mod
from board.usecases.cache import ViewCache


def counter():
    calls = []

    def compute():
        calls.append(1)
        return pd.DataFrame({"n": [len(calls)]})

    return calls, compute


def test_two_workers_share_the_files_cache(tmp_path):
    calls, compute = counter()
    a, b = ViewCache("", str(tmp_path)), ViewCache("", str(tmp_path))
    first = a.get_or_compute(("v1", "workload", ("R", False)), compute)
    second = b.get_or_compute(("v1", "workload", ("R", False)), compute)
    assert len(calls) == 1 and second.equals(first)
    b.get_or_compute(("v2", "workload", ("R", False)), compute)  # a new data version is a new entry
    assert len(calls) == 2


def test_a_cache_that_is_down_is_skipped(tmp_path, caplog):
    calls, compute = counter()
    down = ViewCache("redis://127.0.0.1:1/0", str(tmp_path))  # nothing listens on port 1
    assert down.get_or_compute(("k",), compute)["n"].iloc[0] == 1
    assert down.get_or_compute(("k",), compute) is not None
    assert len(calls) == 1  # the second call was served from the process's recent entries
    other = ViewCache("redis://127.0.0.1:1/0", str(tmp_path))
    other.get_or_compute(("k",), compute)
    assert len(calls) == 2 and "视图缓存不可用" in caplog.text


def test_oversized_values_are_not_stored_but_reused_briefly(tmp_path, monkeypatch):
    monkeypatch.setattr(cache_mod, "MAX_BYTES", 10)
    calls, compute = counter()
    a, b = ViewCache("", str(tmp_path)), ViewCache("", str(tmp_path))
    a.get_or_compute(("big",), compute)
    a.get_or_compute(("big",), compute)
    assert len(calls) == 1
    b.get_or_compute(("big",), compute)  # never written to the shared cache
    assert len(calls) == 2


def test_the_file_cache_keeps_every_entry_and_a_sweep_removes_only_old_ones(tmp_path):
    import os
    import time

    from board.usecases.cache import ViewCache

    cache = ViewCache("", str(tmp_path))
    for i in range(30):
        cache.get_or_compute(("k", i), lambda i=i: i)
    files = sorted(p for p in (tmp_path / "cache").iterdir() if p.is_file() and not p.name.startswith("__"))
    assert len(files) == 30  # no entry limit: nothing was evicted
    old = time.time() - 2 * 24 * 3600
    for p in files[:10]:
        os.utime(p, (old, old))
    assert cache.sweep() == 10
    fresh = ViewCache("", str(tmp_path))  # a process without the entries in memory reads them from the folder
    kept = [i for i in range(30) if fresh.get_or_compute(("k", i), lambda: None) == i]
    assert len(kept) == 20


def test_a_new_data_version_lets_the_old_versions_go_from_the_process(tmp_path):
    calls, compute = counter()
    cache = ViewCache("", str(tmp_path))
    for version in ("v1", "v2", "v3"):
        cache.get_or_compute((version, "wall"), compute)
        cache.get_or_compute((version, "map"), compute)
    assert len(calls) == 6
    assert len(cache._recent) == 2  # only v3's two entries stay in memory
    cache.get_or_compute(("v3", "wall"), compute)
    assert len(calls) == 6
    cache.get_or_compute(("v1", "wall"), compute)  # an old snapshot's request still reads the shared cache
    assert len(calls) == 6


def _redis_url() -> str:
    import os

    import pytest
    import redis

    url = os.environ.get("BOARD_TEST_REDIS_URL", "redis://127.0.0.1:6379/15")
    try:
        redis.Redis.from_url(url, socket_connect_timeout=1).ping()
    except redis.RedisError:
        pytest.skip(f"Redis unreachable at {url}")
    return url


def _at_once(caches, parts, compute):
    """Each cache (a worker) asks for the same missing view in its own thread at the same moment."""
    import threading

    start, out = threading.Barrier(len(caches)), [None] * len(caches)

    def ask(i):
        start.wait()
        out[i] = caches[i].get_or_compute(parts, compute)

    threads = [threading.Thread(target=ask, args=(i,)) for i in range(len(caches))]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return out


def slow_counter(seconds=0.3):
    import time

    calls, fast = counter()

    def compute():
        time.sleep(seconds)  # long enough for every other worker to arrive while the first computes
        return fast()

    return calls, compute


def test_workers_asking_at_once_compute_a_view_once_on_files(tmp_path):
    calls, compute = slow_counter()
    out = _at_once([ViewCache("", str(tmp_path)) for _ in range(3)], ("v1", "workload", ("R", False)), compute)
    assert len(calls) == 1 and all(o["n"].iloc[0] == 1 for o in out)


def test_workers_asking_at_once_compute_a_view_once_on_redis(tmp_path):
    url = _redis_url()
    parts = ("v-lock", "workload", ("R", False), str(tmp_path))  # a key no earlier run wrote
    calls, compute = slow_counter()
    out = _at_once([ViewCache(url, str(tmp_path), prefix="board-test:") for _ in range(3)], parts, compute)
    assert len(calls) == 1 and all(o["n"].iloc[0] == 1 for o in out)


def test_an_oversized_view_is_not_waited_for(tmp_path, monkeypatch):
    import time

    monkeypatch.setattr(cache_mod, "MAX_BYTES", 10)
    calls, compute = slow_counter()
    a, b = ViewCache("", str(tmp_path)), ViewCache("", str(tmp_path))
    a.get_or_compute(("big",), compute)
    began = time.monotonic()
    b.get_or_compute(("big",), compute)  # the marker says: nobody will store it, compute now
    assert len(calls) == 2 and time.monotonic() - began < 1.0 + 0.3


def test_a_lock_held_too_long_is_given_up(tmp_path, monkeypatch):
    from filelock import FileLock

    monkeypatch.setattr(cache_mod, "LOCK_WAIT", 0.2)
    calls, compute = counter()
    cache = ViewCache("", str(tmp_path))
    parts = ("v1", "hung")
    (tmp_path / "cache-locks").mkdir()
    with FileLock(str(tmp_path / "cache-locks" / ViewCache.key(parts))):  # a worker that hangs holding it
        assert cache.get_or_compute(parts, compute)["n"].iloc[0] == 1
    assert len(calls) == 1
