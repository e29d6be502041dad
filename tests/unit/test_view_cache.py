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
