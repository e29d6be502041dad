"""Soak the wall screen: serve a demo database with gunicorn, keep /wall open in headless Chromium with short
intervals for a bounded time, bump the data version now and then (as imports do), and print server and browser
memory over time, the refreshes the page made and whether one ever started while another was in flight.

    python benchmarks/soak_wall.py --minutes 75 --refresh 1 --change-minutes 1   # 72 hours of refreshes at 60 s

Needs Debian's chromium and chromium-driver and the test extras (selenium). Stops by itself after --minutes.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import psutil
from selenium import webdriver
from selenium.webdriver.chrome.options import Options

from board.config import Settings
from board.demo.load import build_demo
from board.usecases.auth import add_token
from board.usecases.service import BoardService
from data_access import writer


def rss_mb(pid: int) -> float:
    """Resident memory of one process in MB (0 when it is gone)."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0


def browser_rss_mb(profile: str) -> float:
    """Total resident memory of the Chromium processes using our profile folder."""
    total = 0.0
    for proc in Path("/proc").iterdir():
        if proc.name.isdigit():
            try:
                if profile in (proc / "cmdline").read_bytes().decode(errors="ignore"):
                    total += rss_mb(int(proc.name))
            except OSError:
                continue
    return total


# counts the wall's refresh requests in the page and notes any that starts while another is still in flight
COUNT_REFRESHES = """
window.__refreshes = 0; window.__inflight = 0; window.__overlaps = 0; window.__failed = 0;
const _fetch = window.fetch;
window.fetch = function (input, init) {
  const body = init && init.body ? String(init.body) : '';
  const mine = body.includes('"id":"wall-refresh"');  // the refresh callback: its inputs hold the timer
  if (!mine) return _fetch.apply(this, arguments);
  window.__refreshes++;
  if (window.__inflight > 0) window.__overlaps++;
  window.__inflight++;
  return _fetch.apply(this, arguments).then(r => { if (!r.ok && r.status !== 204) window.__failed++; return r; })
    .finally(() => { window.__inflight--; });
};
"""


def workers_rss_mb(master: int) -> float:
    """Resident memory of gunicorn's workers together (0 when they are gone)."""
    try:
        return sum(c.memory_info().rss for c in psutil.Process(master).children()) / 2**20
    except psutil.Error:
        return 0.0


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("--minutes", type=float, default=30)
    p.add_argument("--sample-seconds", type=int, default=60)
    p.add_argument("--change-minutes", type=float, default=5, help="bump the data version this often")
    p.add_argument("--port", type=int, default=8097)
    p.add_argument("--cases", type=int, default=5000)
    p.add_argument("--refresh", type=int, default=5, help="the wall's refresh interval in seconds")
    p.add_argument("--workers", type=int, default=2)
    args = p.parse_args()
    work = Path(tempfile.mkdtemp(prefix="board-soak-"))
    settings = Settings(data_dir=str(work), as_of="2026-11-20")
    svc = BoardService(settings)
    build_demo(svc, n_cases=args.cases, seed=11, as_of=settings.resolved_as_of())
    _token_id, token = add_token(svc.engine, "soak", None)  # the wall signs in with a token, as in production
    env = {**os.environ, "BOARD_DATA_DIR": str(work), "BOARD_AS_OF": "2026-11-20"}
    server = subprocess.Popen([sys.executable, "-m", "gunicorn", "-w", str(args.workers), "-b",
                               f"127.0.0.1:{args.port}", "--no-control-socket", "board.wsgi:server"], env=env,
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)  # fmt: skip
    profile = tempfile.mkdtemp(prefix="board-soak-chrome-")
    options = Options()
    options.binary_location = shutil.which("chromium") or ""
    for a in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
              "--disable-background-networking", "--window-size=1920,1080", f"--user-data-dir={profile}"):  # fmt: skip
        options.add_argument(a)
    time.sleep(4)
    driver = webdriver.Chrome(options=options)
    driver.execute_cdp_cmd("Page.addScriptToEvaluateOnNewDocument", {"source": COUNT_REFRESHES})
    url = (f"http://127.0.0.1:{args.port}/wall?token={token}&refresh={args.refresh}&seconds=5,5,5,5,5"
           f"&reload_hours=48")  # fmt: skip
    start = time.monotonic()
    rows = []
    try:
        driver.get(url)
        next_change = args.change_minutes * 60
        shown = url.replace(token, "…")
        print(f"soak {shown} for {args.minutes} min, sample every {args.sample_seconds} s", flush=True)
        print("minute  server_MB  browser_MB  js_heap_MB  refreshes  overlaps  failed  stamp", flush=True)
        while (elapsed := time.monotonic() - start) < args.minutes * 60:
            time.sleep(args.sample_seconds)
            elapsed = time.monotonic() - start
            if elapsed >= next_change:
                with BoardService(settings).engine.begin() as conn:
                    writer.set_meta(conn, {"data_version": dt.datetime.now().isoformat()})
                next_change += args.change_minutes * 60
            # a forced collection first: what is measured is what the page retains, not garbage awaiting GC
            driver.execute_cdp_cmd("HeapProfiler.collectGarbage", {})
            heap = driver.execute_script("return performance.memory ? performance.memory.usedJSHeapSize : 0") / 2**20
            stamp = driver.execute_script(
                "const e = document.getElementById('wall-stamp'); return e ? e.textContent : ''"
            )
            counts = driver.execute_script("return [window.__refreshes, window.__overlaps, window.__failed];")
            row = (elapsed / 60, workers_rss_mb(server.pid), browser_rss_mb(profile), heap, stamp, *counts)
            rows.append(row)
            print(f"{row[0]:6.1f}  {row[1]:9.1f}  {row[2]:10.1f}  {row[3]:10.1f}  {row[5]:9}  {row[6]:8}  "
                  f"{row[7]:6}  {row[4]}", flush=True)  # fmt: skip
    finally:
        driver.quit()
        server.terminate()
        server.wait(timeout=10)
        shutil.rmtree(work, ignore_errors=True)
        shutil.rmtree(profile, ignore_errors=True)
    if rows:
        print(f"refreshes {rows[-1][5]:,} in {rows[-1][0]:.0f} min; overlapping {rows[-1][6]}; failed {rows[-1][7]}")
    warm = [r for r in rows if r[0] >= 5] or rows
    if len(warm) >= 2:
        first, last = warm[0], warm[-1]
        head, tail = warm[:5], warm[-5:]
        for i, name in ((1, "server RSS"), (2, "browser RSS"), (3, "JS heap")):
            growth = (last[i] - first[i]) / first[i] * 100 if first[i] else float("nan")
            # medians of five samples at each end: the JS heap and the renderer saw-tooth with garbage collection
            m0, m1 = statistics.median(r[i] for r in head), statistics.median(r[i] for r in tail)
            print(
                f"{name}: {first[i]:.1f} MB at {first[0]:.0f} min -> {last[i]:.1f} MB at {last[0]:.0f} min "
                f"({growth:+.1f} %); median of 5 samples {m0:.1f} -> {m1:.1f} MB ({(m1 - m0) / m0 * 100:+.1f} %)"
            )


if __name__ == "__main__":
    main()
