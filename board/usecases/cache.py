"""The view cache every worker and host shares: Redis when BOARD_REDIS_URL is set, else files in the data folder.

Keys carry the read model's version (data, calendar, rules) and the caller's scope, so an import or a calendar load
makes every old entry unreachable and two scopes never share one. A cache that fails (Redis down, disk full) is
skipped with one warning: the view is computed and served, only slower.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import logging
import time
from collections import OrderedDict
from pathlib import Path

from filelock import FileLock

from board.usecases import cache_codec

log = logging.getLogger("board.cache")

MAX_BYTES = 64 * 2**20  # a value larger than this is served but not stored (the in-memory fallback of old views)
TIMEOUT = 7 * 24 * 3600  # old versions age out by themselves
RECENT_BYTES = 96 * 2**20  # per worker: the pickled size of the entries kept in process
BIG_SECONDS = 300  # how long the one oversized value stays in a worker
TOO_BIG = b"board:too-big"  # stored in place of a value over MAX_BYTES (never a pickle: those start with 0x80)
LOCK_WAIT = 120  # seconds a worker waits for another's answer before computing the view itself
LOCK_LEASE = 600  # a Redis lock frees itself after this, should its holder die
SWEEP_SECONDS = 36 * 3600  # a refresh deletes file-cache entries older than this (the day before's, and older)


@functools.cache
def code_fingerprint() -> str:
    """A digest of the board's own source: entries written by another release (figures of an older layout, say)
    are not served after an upgrade, even while the data stay the same."""
    root = Path(__file__).resolve().parents[2]
    digest = hashlib.sha256()
    for folder in ("board", "data_access", "layouts", "callbacks"):
        for path in sorted((root / folder).rglob("*.py")):
            digest.update(str(path.relative_to(root)).encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()[:12]


class ViewCache:
    """get-or-compute on a cachelib backend, with values pickled here so their size is known before storing."""

    def __init__(self, redis_url: str, data_dir: str, prefix: str = "board:"):
        self.redis_url, self.data_dir, self.prefix = redis_url, data_dir, prefix
        self._backend = None
        self._failed_at = 0.0
        self._recent: OrderedDict[str, bytes] = OrderedDict()
        self._big: tuple | None = None
        self._recent_size = 0
        self._generation = None

    @property
    def kind(self) -> str:
        return "redis" if self.redis_url else "files"

    def backend(self):
        if self._backend is None:
            from cachelib import FileSystemCache, RedisCache

            if self.redis_url:
                import redis

                client = redis.Redis.from_url(self.redis_url, socket_timeout=2, socket_connect_timeout=1)
                self._backend = RedisCache(host=client, key_prefix=self.prefix, default_timeout=TIMEOUT)
            else:
                # no entry limit: past cachelib's threshold every write reads the header of every file and evicts
                # the oldest (the warmed defaults first) — a 10-minute load run passed 2,000 entries and its p95
                # doubled. Entries of other data versions are swept by the next refresh instead (sweep()).
                self._backend = FileSystemCache(str(self._folder), threshold=0, default_timeout=TIMEOUT)
        return self._backend

    @property
    def _folder(self) -> Path:
        return Path(self.data_dir) / "cache"

    @property
    def _locks(self) -> Path:
        return Path(self.data_dir) / "cache-locks"  # beside the entries: cachelib's clear() expects files only

    def sweep(self, older_than: float = SWEEP_SECONDS) -> int:
        """Delete the file cache's entries written more than `older_than` seconds ago (unreachable ones of older
        data versions and days, mostly); returns how many. Redis ages its entries out by itself."""
        if self.redis_url or not self._folder.is_dir():
            return 0
        cutoff, removed = time.time() - older_than, 0
        locks = list(self._locks.iterdir()) if self._locks.is_dir() else []
        for path in [*self._folder.iterdir(), *locks]:
            try:
                if path.is_file() and path.stat().st_mtime < cutoff:
                    path.unlink()
                    removed += 1
            except OSError:
                continue  # another worker removed or rewrote it
        return removed

    @staticmethod
    def key(parts: tuple) -> str:
        return hashlib.sha256(repr(parts).encode()).hexdigest()[:40]

    def get_or_compute(self, parts: tuple, compute):
        """The value stored under `parts`, or compute() stored there. parts[0] is the data version: entries of
        another version held in this process are unreachable from then on, so they are let go at once (a wall
        with an import every minute otherwise grew each worker towards RECENT_BYTES: +5 % RSS in 21 minutes)."""
        if parts and parts[0] != self._generation:
            self._generation = parts[0]
            self._recent.clear()
            self._recent_size = 0
            self._big = None
        key = self.key(parts)
        raw = self._recent_get(key)
        if raw is None:
            raw = self._call("get", key)
            if raw is not None:
                self._recent_put(key, raw)
        big = self._big
        if big is not None and big[0] == key and time.monotonic() - big[2] < BIG_SECONDS:
            return big[1]
        if raw == TOO_BIG:
            return self._compute_and_store(key, compute)  # nothing to wait for: no worker can store it
        if raw is not None:
            try:
                return cache_codec.loads(raw)
            except Exception:  # noqa: BLE001 - a damaged entry is recomputed
                log.warning("缓存条目无法读取，重新计算")
        # one worker computes a missing view while the others wait for its answer: a page's callbacks reach both
        # workers at once, and two of them computing the same view each took twice as long on two cores
        with self._computing(key) as locked:
            raw = self._call("get", key) if locked else None
            if raw is not None and raw != TOO_BIG:
                try:
                    value = cache_codec.loads(raw)
                    self._recent_put(key, raw)
                    return value
                except Exception:  # noqa: BLE001 - a damaged entry is recomputed
                    log.warning("缓存条目无法读取，重新计算")
            return self._compute_and_store(key, compute)

    def _compute_and_store(self, key: str, compute):
        value = compute()
        data = cache_codec.dumps(value)
        if len(data) <= MAX_BYTES:
            self._call("set", key, data)
            self._recent_put(key, data)
        else:
            # a past day's whole-company portfolio: kept here alone, briefly, so the grid's next blocks reuse it;
            # the marker tells the other workers not to wait for it
            self._big = (key, value, time.monotonic())
            self._call("set", key, TOO_BIG)
        return value

    @contextlib.contextmanager
    def _computing(self, key: str):
        """Hold the key's compute lock (shared by every worker of every host on Redis, by the workers of this host
        otherwise); yields whether it is held. A lock not had within LOCK_WAIT seconds (a view slower than that, or a
        holder that hangs) is given up: the caller computes without it rather than wait longer."""
        lock = self._lock(key)
        got = False
        if lock is not None:
            try:
                got = lock.acquire() is not False  # FileLock returns a proxy, Redis True/False
            except Exception:  # noqa: BLE001 - a lock that fails means "compute without it"
                got = False
        try:
            yield got
        finally:
            if got:
                try:
                    lock.release()
                except Exception:  # noqa: BLE001 - an expired Redis lease is already gone
                    pass

    def _lock(self, key: str):
        if self._failed_at and time.monotonic() - self._failed_at < 10:
            return None
        try:
            if self.redis_url:
                return self.backend()._write_client.lock(f"{self.prefix}lock:{key}", timeout=LOCK_LEASE,
                                                       blocking_timeout=LOCK_WAIT)  # fmt: skip
            self._locks.mkdir(parents=True, exist_ok=True)
            return FileLock(str(self._locks / key), timeout=LOCK_WAIT)
        except Exception:  # noqa: BLE001 - no lock: compute as before
            return None

    # The newest entries also stay in this process, as bytes, up to RECENT_BYTES: reading them back skips the
    # round trip to Redis or the disk; unpickling a copy keeps callers from sharing one mutable object.
    def _recent_get(self, key: str) -> bytes | None:
        raw = self._recent.get(key)
        if raw is not None:
            self._recent.move_to_end(key)
        return raw

    def _recent_put(self, key: str, raw: bytes) -> None:
        if len(raw) > RECENT_BYTES // 4:
            return
        old = self._recent.pop(key, None)
        self._recent_size += len(raw) - (len(old) if old else 0)
        self._recent[key] = raw
        while self._recent_size > RECENT_BYTES:
            _k, dropped = self._recent.popitem(last=False)
            self._recent_size -= len(dropped)

    def _call(self, op: str, *args):
        # after a failure, leave the cache alone for 10 s instead of waiting on it in every request
        if self._failed_at and time.monotonic() - self._failed_at < 10:
            return None
        try:
            result = getattr(self.backend(), op)(*args)
            self._failed_at = 0.0
            return result
        except Exception as exc:  # noqa: BLE001 - any cache failure means "compute instead"
            if not self._failed_at:
                log.warning("视图缓存不可用（%s），直接计算：%s", self.kind, exc.__class__.__name__)
            self._failed_at = time.monotonic()
            return None

    def clear(self) -> None:
        self._big = None
        self._recent.clear()
        self._recent_size = 0
        self._call("clear")
