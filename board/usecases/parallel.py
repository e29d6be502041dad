"""Independent pieces of one view computed side by side, in threads of the same worker.

A past day is computed on demand, and most of its time is spent inside the database driver, which lets other
threads run meanwhile: the wall's first build of a province's past day read its six views one after another
(about 7.5 s in-process), and 总览's workload read its open stages after its case counts.
"""

from __future__ import annotations

import contextvars
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from sqlalchemy import Engine

from data_access.engine import outside_snapshot, read_snapshot


def concurrently(engine: Engine, *thunks: Callable[[], Any]) -> list[Any]:
    """Run the thunks at once and return their results in order; the first exception is raised after all ended.

    Each runs in a copy of the caller's context, so it acts as the same principal, but outside the caller's read
    snapshot: it reads in a snapshot of its own, through its own connection. A view built from such pieces may therefore
    read two committed states when an import commits during it. It is stored under the data version the caller
    read first, and an import moves every reader to a new version; so such an entry is reachable only by requests
    that began before that import, and no request that began after it is given older data."""
    if len(thunks) <= 1:
        return [t() for t in thunks]

    def detached(thunk):
        with outside_snapshot(), read_snapshot(engine):
            return thunk()

    with ThreadPoolExecutor(max_workers=len(thunks), thread_name_prefix="board-view") as pool:
        futures = [pool.submit(contextvars.copy_context().run, detached, t) for t in thunks]
        return [f.result() for f in futures]
