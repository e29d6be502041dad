"""How long a person waits: headless Chromium from opening a page until every figure and grid is drawn, against
gunicorn with several workers, on an existing (large) database.

    python benchmarks/browser.py --database-url sqlite:////work/bench1m/board.sqlite --as-of 2026-11-20

A page counts as drawn when no Dash callback request is in flight, the page's graphs and grids are there (at least
as many as the page has), every graph has drawn its SVG, every grid shows rows or its no-rows overlay, the page's
own content marker is present and no loading marker is left; the time reported is the first moment all of that
held after the last callback answer (checked every 50 ms, confirmed after 400 ms without a callback), measured
from the browser's navigation start (performance.now()). Prints a table: first visit (fresh server), later visit (the
median of --later visits), and
peak RSS per worker; `--past DAY` opens every page as of an earlier day (not in the read model, so computed
on demand); `--tree DIR` benchmarks another checkout of the board with the same virtualenv (before/after).
Also replays the callback requests a page made over plain HTTP (`--replays N`) for the interaction p95.
A single run varies by about ±0.5 s on a past day's pages: `--runs N` starts N fresh servers in a row, each with the
view cache copied from `--cache-from DIR` (a tree's warm state, e.g. a copy of the data folder's cache made right
after its `board refresh`), and prints each page's median and range.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import threading
import time
import urllib.request
from pathlib import Path

import psutil

INSTRUMENT = """
window.__inflight = 0; window.__lastDone = 0; window.__drawnAt = 0; window.__posts = [];
const _fetch = window.fetch;
window.fetch = function (input, init) {
  const url = String((input && input.url) || input);
  const dash = url.includes('_dash-update-component');
  if (dash) { window.__inflight++; if (init && init.body) window.__posts.push(String(init.body)); }
  return _fetch.apply(this, arguments).finally(() => {
    if (dash) { window.__inflight--; window.__lastDone = performance.now(); }
  });
};
"""

DRAWN = """
const [wantGraphs, wantGrids, selector] = arguments;
const visible = sel => [...document.querySelectorAll(sel)].filter(e => e.offsetParent !== null);
const graphs = visible('.dash-graph'), grids = visible('.ag-root-wrapper');
const empty = '.ag-overlay-no-rows-wrapper, .ag-overlay-no-rows-center';
const drawn = window.__inflight === 0 && !document.querySelector('._dash-loading, [data-dash-is-loading="true"]')
  && graphs.length >= wantGraphs && graphs.every(g => g.querySelector('.main-svg'))
  && grids.length >= wantGrids && grids.every(g => g.querySelector('.ag-row') || g.querySelector(empty))
  && !document.querySelector('.ag-loading, .ag-skeleton-container')
  && (!selector || document.querySelector(selector));
if (!drawn) { window.__drawnAt = 0; return null; }
if (!window.__drawnAt || window.__drawnAt < window.__lastDone) window.__drawnAt = performance.now();
if (window.__lastDone === 0 || performance.now() - window.__lastDone < 400) return null;
return {t: window.__drawnAt, graphs: graphs.length, grids: grids.length,
        rows: document.querySelectorAll('.ag-row').length, errors: document.querySelectorAll('.alert-danger').length};
"""

# path, and what a drawn page shows: at least this many graphs and grids, and an element matching the selector
PAGES = {
    "总览 全公司": ("/", 0, 0, ".tile"),
    "双链进度 全公司": ("/progress", 2, 1, "#progress-grid .ag-row a"),
    "双链进度 县公司": ("/progress?unit={county}", 2, 1, "#progress-grid .ag-row a"),
    "三通报": ("/rankings", 2, 0, "table"),
    "大屏": ("/wall", 1, 0, ".tile"),
    "超时预警": ("/alerts", 2, 2, "#alerts-heatmap .main-svg"),
    "可开放容量": ("/capacity", 4, 1, ".ag-row"),
}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_server(args, port: int, extra_env: dict | None = None) -> subprocess.Popen:
    env = {k: v for k, v in os.environ.items() if not k.startswith("BOARD_")}
    env.update(BOARD_AUTH="0", BOARD_DATABASE_URL=args.database_url, BOARD_DATA_DIR=args.data_dir,
               BOARD_AS_OF=args.as_of, PYTHONPATH=str(args.tree))  # fmt: skip
    env.update(extra_env or {})
    if args.redis_url:
        env["BOARD_REDIS_URL"] = args.redis_url
    cmd = [sys.executable, "-m", "gunicorn", "-w", str(args.workers), "-b", f"127.0.0.1:{port}", "--timeout", "900",
           "--no-control-socket", "board.wsgi:server"]  # fmt: skip
    proc = subprocess.Popen(cmd, cwd=args.tree, env=env, stdout=subprocess.DEVNULL, stderr=open(args.log, "ab"))
    deadline = time.time() + 120
    while time.time() < deadline:
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/login", timeout=2)
            return proc
        except Exception:  # noqa: BLE001 - not up yet
            time.sleep(0.5)
    proc.kill()
    raise SystemExit(f"server did not start; see {args.log}")


class RssWatch(threading.Thread):
    """Samples the RSS of every gunicorn worker twice a second; keeps the peak per worker."""

    def __init__(self, master: int):
        super().__init__(daemon=True)
        self.master, self.peak, self.stop = master, {}, threading.Event()

    def run(self):
        while not self.stop.is_set():
            try:
                for child in psutil.Process(self.master).children():
                    rss = child.memory_info().rss
                    self.peak[child.pid] = max(self.peak.get(child.pid, 0), rss)
            except psutil.Error:
                pass
            time.sleep(0.5)


def browser():
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    opts = webdriver.ChromeOptions()
    opts.binary_location = shutil.which("chromium") or "/usr/bin/chromium"
    for a in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--window-size=1920,1080",
              "--disable-background-networking", "--disable-component-update", "--no-first-run"):  # fmt: skip
        opts.add_argument(a)
    driver = webdriver.Chrome(service=Service(shutil.which("chromedriver") or "/usr/bin/chromedriver"), options=opts)
    driver.execute_cdp_cmd("Page.addScriptToEvaluateOnNewDocument", {"source": INSTRUMENT})
    return driver


def visit(driver, url: str, timeout: float, expect: tuple = (0, 0, "")) -> dict:
    driver.get("about:blank")
    driver.get(url)
    deadline = time.time() + timeout
    while time.time() < deadline:
        got = driver.execute_script(DRAWN, *expect)
        if got:
            got["posts"] = driver.execute_script("return window.__posts;")
            return got
        time.sleep(0.05)
    return {"t": None, "posts": []}


def replay(base: str, posts: list[str], n: int, per_output: dict | None = None) -> list[float]:
    """Each callback request of a page sent again n times over HTTP; the times in ms (also per output id)."""
    times = []
    for body in posts:
        output = json.loads(body).get("output", "?")[:60]
        for _ in range(n):
            req = urllib.request.Request(f"{base}/_dash-update-component", data=body.encode(),
                                         headers={"Content-Type": "application/json"})  # fmt: skip
            t = time.perf_counter()
            try:
                urllib.request.urlopen(req, timeout=60).read()
            except urllib.error.HTTPError as exc:
                if exc.code != 204:  # PreventUpdate answers 204
                    raise
            times.append((time.perf_counter() - t) * 1000)
            if per_output is not None:
                per_output.setdefault(output, []).append(times[-1])
    return times


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--database-url", required=True)
    p.add_argument("--data-dir", default="/work/bench1m")
    p.add_argument("--as-of", default="2026-11-20")
    p.add_argument("--county", default="YL-QX")
    p.add_argument("--past", default="", help="open every page as of this earlier day (?as_of=), computed on demand")
    p.add_argument("--workers", type=int, default=2)
    p.add_argument("--tree", type=Path, default=Path(__file__).resolve().parents[1])
    p.add_argument("--redis-url", default="")
    p.add_argument("--pages", default=",".join(PAGES))
    p.add_argument("--timeout", type=float, default=300)
    p.add_argument("--later", type=int, default=5, help="later visits per page; the median is reported")
    p.add_argument("--replays", type=int, default=0, help="HTTP replays of each callback request (interaction p95)")
    p.add_argument("--prepare", default="", help="a shell command run before the server starts (e.g. board refresh)")
    p.add_argument("--log", default="/tmp/board-browser-bench.log")
    p.add_argument("--json", default="")
    p.add_argument(
        "--runs", type=int, default=1, help="fresh servers in a row; more than one prints each page's median"
    )
    p.add_argument("--cache-from", default="", help="a view cache folder copied into the data folder before each run")
    args = p.parse_args()
    if args.prepare:
        t = time.perf_counter()
        subprocess.run(args.prepare, shell=True, check=True, cwd=args.tree)
        print(f"prepare: {time.perf_counter() - t:.1f} s ({args.prepare})", flush=True)
    runs = [one_run(args, i) for i in range(args.runs)]
    results, peaks = runs[-1]["pages"], runs[-1]["peak_rss_mb"]
    out = {"pages": results, "peak_rss_mb": peaks}
    if args.runs > 1:
        out["runs"] = [r["pages"] for r in runs]
        print(f"over {args.runs} runs (median, min–max):")
        for name in args.pages.split(","):
            rows = [row for r in runs for row in r["pages"] if row["page"] == name]
            parts = []
            for key in ("first_s", "later_s"):
                got = sorted(row[key] for row in rows if row[key] is not None)
                parts.append(f"{key[:-2]} {statistics.median(got):5.2f} s ({got[0]:.2f}–{got[-1]:.2f})" if got else
                             f"{key[:-2]} timeout")  # fmt: skip
            print(f"{name:18} " + "   ".join(parts))
        highest = max((r["peak_rss_mb"] for r in runs), key=max)
        print("peak RSS per worker, highest run: " + ", ".join(f"{v:.0f} MB" for v in highest))
    http_ms = [t for r in runs for t in r["http_ms"]]
    per_output: dict = {}
    for r in runs:
        for k, v in r["per_output"].items():
            per_output.setdefault(k, []).extend(v)
    if http_ms:
        q = statistics.quantiles(http_ms, n=100, method="inclusive")  # never above the largest sample
        out["http"] = {"n": len(http_ms), "p50": q[49], "p95": q[94], "max": max(http_ms)}
        slow = sorted(((statistics.median(v), k) for k, v in per_output.items()), reverse=True)[:8]
        out["slowest_outputs_median_ms"] = {k: round(m) for m, k in slow}
        for m, k in slow:
            print(f"  median {m:6.0f} ms  {k}")
        print(f"callback replays over HTTP: n={len(http_ms)} p50 {q[49]:.0f} ms  p95 {q[94]:.0f} ms  "
              f"max {max(http_ms):.0f} ms")  # fmt: skip
    if args.json:
        Path(args.json).write_text(json.dumps(out, ensure_ascii=False, indent=1))


def reset_cache(args) -> None:
    """The view cache as `--cache-from` holds it (a tree's warm state), so every run's first visits start alike."""
    folder = Path(args.data_dir)
    for name in ("cache", "cache-locks"):
        shutil.rmtree(folder / name, ignore_errors=True)
    shutil.copytree(args.cache_from, folder / "cache")


def one_run(args, index: int) -> dict:
    """A fresh server (and view cache, with --cache-from): every page's first and later visits, peak RSS."""
    if args.cache_from:
        reset_cache(args)
    if args.runs > 1:
        print(f"run {index + 1} of {args.runs}", flush=True)
    port = free_port()
    server = start_server(args, port)
    watch = RssWatch(server.pid)
    watch.start()
    base = f"http://127.0.0.1:{port}"
    driver = browser()
    results, http_ms, per_output = [], [], {}
    try:
        for name in args.pages.split(","):
            path, *expect = PAGES[name]
            url = base + path.format(county=args.county)
            if args.past:
                url += ("&" if "?" in url else "?") + f"as_of={args.past}"
            first = visit(driver, url, args.timeout, tuple(expect))
            # one later visit is one sample of a noisy wait (which worker, what the machine does): the median of a few
            laters = [visit(driver, url, args.timeout, tuple(expect)) for _ in range(args.later)]
            drawn = sorted((v for v in laters if v["t"] is not None), key=lambda v: v["t"])
            later = drawn[len(drawn) // 2] if drawn else laters[-1]
            if args.replays and later["posts"]:
                http_ms += replay(base, later["posts"], args.replays, per_output)
            secs = {
                k: v["t"] / 1000 if v["t"] is not None else None for k, v in (("first_s", first), ("later_s", later))
            }
            row = {"page": name, **secs, "graphs": first.get("graphs"), "grids": first.get("grids"),
                   "errors": first.get("errors")}  # fmt: skip
            results.append(row)
            fmt = lambda v: f"{v:7.2f} s" if v is not None else "  timeout"  # noqa: E731
            print(f"{name:18} first {fmt(row['first_s'])}   later {fmt(row['later_s'])}   "
                  f"graphs {row['graphs']} grids {row['grids']} error alerts {row['errors']}", flush=True)  # fmt: skip
    finally:
        driver.quit()
        watch.stop.set()
        watch.join()
        server.send_signal(signal.SIGTERM)
        server.wait(30)
    peaks = sorted(v / 2**20 for v in watch.peak.values())
    print("peak RSS per worker: " + ", ".join(f"{v:.0f} MB" for v in peaks))
    return {"pages": results, "peak_rss_mb": peaks, "http_ms": http_ms, "per_output": per_output}


if __name__ == "__main__":
    main()
