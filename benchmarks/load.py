"""Load: managers of different units (open a page, change two filters, drill down, export) and one wall screen,
for a bounded time against gunicorn with several workers, signed in as real users, on an existing database:

    python benchmarks/load.py --database-url sqlite:////work/bench1m/board.sqlite --managers 50 --minutes 10

Each manager is a user of its own unit (created here, `load-NN`). The callback requests are the ones the board's
own pages send: recorded once in headless Chromium per page (signed in as `load-admin`), then replayed by each
manager with its unit and its filter values, each callback fed the outputs of the ones before it as the Dash
renderer would (a changed output triggers the callbacks that take it as input). A manager thinks 3–10 s between
actions. The wall (a token) refreshes every `--wall-seconds`. Prints requests served, p50/p95/p99 per kind,
errors (HTTP status other than 200/204, or a response without the outputs asked for) and worker RSS at start
and end. Loopback only; every loop is bounded by the run's end time.
"""

from __future__ import annotations

import argparse
import copy
import http.cookiejar
import json
import random
import re
import statistics
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import psutil
from browser import RssWatch, free_port, start_server  # beside this script

PASSWORD = "load-test-password-2026"
PAGES = {"home": "/", "progress": "/progress", "alerts": "/alerts", "capacity": "/capacity", "rankings": "/rankings"}
# what a manager changes on each page: (input "id.property", the values it picks from)
FILTERS = {
    "home": [("home-period.value", [7, 30, 90])],
    "progress": [("progress-class.value", ["high", "low_resident", "low_nonresident"]),
                 ("progress-voltage.value", ["lv", "mv", "hv"]),
                 ("progress-party.value", ["utility", "customer", "builder"])],
    "alerts": [("alerts-metric.value", ["overdue_open", "warning_open", "late_rate", "avg_overrun"]),
               ("alerts-class.value", ["high", "low_resident", "low_nonresident"]),
               ("alerts-voltage.value", ["lv", "mv", "hv"])],
    "capacity": [("capacity-kind.value", ["feeder", "substation"])],
    "rankings": [("rankings-kind.value", ["week", "month", "quarter"])],
}  # fmt: skip
UNIT_INPUTS = ("home-unit.value", "progress-unit.value", "alerts-unit.value", "rankings-unit.value")


def make_users(url: str, data_dir: str, n: int) -> tuple[list[tuple[str, str]], str]:
    """`load-admin` and n managers over the 县公司 and 供电所 (round robin), passwords reset; a wall token."""
    from board.config import Settings
    from board.usecases import auth
    from board.usecases.service import BoardService

    svc = BoardService(Settings(database_url=url, data_dir=data_dir, auth=True))
    units = svc.units()
    units = units[units["parent_code"].notna()].sort_values(["level", "unit_code"])
    codes = list(units["unit_code"])
    managers = []
    for name, role, unit in [("load-admin", "admin", None)] + [
        (f"load-{i:02d}", "manager", codes[i % len(codes)]) for i in range(n)
    ]:
        try:
            auth.add_user(svc.engine, name, role, unit, PASSWORD)
        except auth.AuthError:
            auth.reset_password(svc.engine, name, PASSWORD)
            auth.set_active(svc.engine, name, True)
        if role == "manager":
            managers.append((name, unit))
    _id, token = auth.add_token(svc.engine, "load test wall", None)
    svc.engine.dispose()
    return managers, token


def record(base: str) -> dict[str, list[dict]]:
    """The callback bodies each page sends when opened (signed in as load-admin in headless Chromium)."""
    from browser import browser, visit

    driver = browser()
    try:
        driver.get(base + "/login")
        driver.find_element("id", "username").send_keys("load-admin")
        driver.find_element("id", "password").send_keys(PASSWORD)
        driver.find_element("css selector", "form").submit()
        time.sleep(1)
        out = {}
        for name, path in PAGES.items():
            got = visit(driver, base + path, 300)
            out[name] = [json.loads(b) for b in got["posts"]]
        got = visit(driver, base + "/wall", 300)
        out["wall"] = [json.loads(b) for b in got["posts"]]
        return out
    finally:
        driver.quit()


def _key(item: dict) -> str:
    ident = item["id"] if isinstance(item["id"], str) else json.dumps(item["id"], sort_keys=True)
    return f"{ident}.{item['property']}"


class Client:
    """One signed-in browser's worth of state: its cookie, and the last value of every id.property it has seen."""

    def __init__(self, base: str, stats: Stats, deadline: float):
        self.base, self.stats, self.deadline = base, stats, deadline
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()))
        self.values: dict[str, object] = {}

    def login(self, user: str) -> None:
        page = self.opener.open(self.base + "/login", timeout=30).read().decode()
        csrf = re.search(r'name="csrf" value="([^"]+)"', page).group(1)
        data = urllib.parse.urlencode({"username": user, "password": PASSWORD, "csrf": csrf, "next": "/"}).encode()
        self.opener.open(self.base + "/login", data=data, timeout=30).read()

    def send(self, kind: str, body: dict, overrides: dict) -> dict:
        body = copy.deepcopy(body)
        for item in [*body.get("inputs", []), *body.get("state", [])]:
            items = item if isinstance(item, list) else [item]  # pattern-matching inputs come as lists
            for it in items:
                k = _key(it)
                if k in overrides:
                    it["value"] = overrides[k]
                elif k in self.values:
                    it["value"] = self.values[k]
        req = urllib.request.Request(self.base + "/_dash-update-component", data=json.dumps(body).encode(),
                                     headers={"Content-Type": "application/json"})  # fmt: skip
        t0 = time.perf_counter()
        status, payload = 0, {}
        try:
            with self.opener.open(req, timeout=120) as resp:
                status = resp.status
                raw = resp.read()
            payload = json.loads(raw) if raw else {}
        except urllib.error.HTTPError as exc:
            status = exc.code
        except Exception:  # noqa: BLE001 - a refused or timed-out request is an error of the run
            status = -1
        ms = (time.perf_counter() - t0) * 1000
        ok = status == 204 or (status == 200 and "response" in payload)
        self.stats.add(kind, ms, ok, status)
        changed = {}
        for ident, props in (payload.get("response") or {}).items():
            for prop, value in props.items():
                k = f"{ident}.{prop}"
                if self.values.get(k) != value:
                    changed[k] = value
                self.values[k] = value
        return changed

    def run_page(self, kind: str, bodies: list[dict], overrides: dict, only_changed: set[str] | None = None) -> None:
        """Send the page's callbacks as the renderer would: all of them on opening; after a change, those whose
        inputs include a changed value, and then those fed by what they changed."""
        sent: set[int] = set()
        pending = set(only_changed) if only_changed is not None else None
        while time.time() < self.deadline:
            todo = [i for i, b in enumerate(bodies) if i not in sent and (pending is None or _fed(b, pending))]
            if not todo:
                return
            for i in todo:
                sent.add(i)
                changed = self.send(kind, bodies[i], overrides)
                if pending is not None:
                    pending |= set(changed)
            if pending is None:
                return


def _fed(body: dict, changed: set[str]) -> bool:
    """Whether the renderer would send this callback after `changed`: one of its inputs changed, or it is a grid's
    block request whose query (a state) changed — the grid then purges its blocks and asks again."""
    if any(_key(it) in changed for it in _flat(body.get("inputs", []))):
        return True
    asks_rows = any(it.get("property") == "getRowsRequest" for it in _flat(body.get("inputs", [])))
    return asks_rows and any(_key(it) in changed for it in _flat(body.get("state", [])))


def _flat(items):
    for it in items:
        yield from (it if isinstance(it, list) else [it])


class Stats:
    def __init__(self):
        self.lock = threading.Lock()
        self.times: dict[str, list[float]] = {}
        self.errors: dict[str, int] = {}
        self.statuses: dict[int, int] = {}

    def add(self, kind: str, ms: float, ok: bool, status: int) -> None:
        with self.lock:
            self.times.setdefault(kind, []).append(ms)
            self.statuses[status] = self.statuses.get(status, 0) + 1
            if not ok:
                self.errors[kind] = self.errors.get(kind, 0) + 1


def manager(base: str, user: str, unit: str, templates: dict, stats: Stats, deadline: float, seed: int) -> None:
    rnd = random.Random(seed)
    client = Client(base, stats, deadline)
    client.login(user)
    units = {k: unit for k in UNIT_INPUTS}
    while time.time() < deadline:
        page = rnd.choice(list(PAGES))
        client.run_page(f"{page} open", templates[page], units)
        for key, choices in rnd.sample(FILTERS[page], min(2, len(FILTERS[page]))):
            time.sleep(rnd.uniform(3, 10))
            if time.time() >= deadline:
                return
            overrides = {**units, key: rnd.choice(choices)}
            units = overrides  # the filter stays set for the rest of the visit
            client.run_page(f"{page} filter", templates[page], overrides, only_changed={key})
        if page == "alerts" and time.time() < deadline:
            time.sleep(rnd.uniform(3, 10))
            click = _hottest_cell(client.values.get("alerts-heatmap.figure"))
            if click:
                overrides = {**units, "alerts-heatmap.clickData": click}
                client.run_page("alerts drill", templates[page], overrides, only_changed={"alerts-heatmap.clickData"})
                time.sleep(rnd.uniform(2, 5))
                overrides = {**overrides, "alerts-export-csv.n_clicks": 1}
                client.run_page("alerts export", templates[page], overrides,
                                only_changed={"alerts-export-csv.n_clicks"})  # fmt: skip
        time.sleep(rnd.uniform(3, 10))


def _hottest_cell(figure) -> dict | None:
    """The clickData of the heatmap's fullest cell (what a manager clicks first)."""
    try:
        trace = figure["data"][0]
        best = max(((z, x, y) for y, row in zip(trace["y"], trace["z"]) for x, z in zip(trace["x"], row)
                    if z is not None), default=None)  # fmt: skip
    except (KeyError, TypeError, IndexError):
        return None
    return {"points": [{"x": best[1], "y": best[2], "z": best[0]}]} if best else None


def wall(base: str, token: str, bodies: list[dict], stats: Stats, deadline: float, every: float) -> None:
    client = Client(base, stats, deadline)
    client.opener.open(f"{base}/wall?token={token}", timeout=60).read()
    n = 0
    while time.time() < deadline:
        n += 1
        t0 = time.time()
        for body in bodies:
            if any(_key(it) == "wall-refresh.n_intervals" for it in _flat(body.get("inputs", []))):
                client.send("wall refresh", body, {"wall-refresh.n_intervals": n})
        time.sleep(max(0.0, every - (time.time() - t0)))


def rss(master: int) -> list[float]:
    return sorted(c.memory_info().rss / 2**20 for c in psutil.Process(master).children())


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--database-url", required=True)
    p.add_argument("--data-dir", default="/work/bench1m")
    p.add_argument("--as-of", default="", help="fixed as-of date (default: today, as a real wall)")
    p.add_argument("--workers", type=int, default=2)
    p.add_argument("--managers", type=int, default=50)
    p.add_argument("--minutes", type=float, default=10)
    p.add_argument("--wall-seconds", type=float, default=10)
    p.add_argument("--redis-url", default="")
    p.add_argument("--tree", type=Path, default=Path(__file__).resolve().parents[1])
    p.add_argument("--log", default="/tmp/board-load.log")
    p.add_argument("--json", default="")
    args = p.parse_args()
    managers, token = make_users(args.database_url, args.data_dir, args.managers)
    port = free_port()
    server = start_server(args, port, {"BOARD_AUTH": "1", "BOARD_SECRET_KEY": "load-" * 10})
    base = f"http://127.0.0.1:{port}"
    watch = RssWatch(server.pid)
    watch.start()
    try:
        templates = record(base)
        print("recorded callbacks per page: " + ", ".join(f"{k} {len(v)}" for k, v in templates.items()), flush=True)
        start_rss = rss(server.pid)
        stats = Stats()
        deadline = time.time() + args.minutes * 60
        threads = [threading.Thread(target=wall, args=(base, token, templates["wall"], stats, deadline,
                                                        args.wall_seconds), daemon=True)]  # fmt: skip
        for i, (user, unit) in enumerate(managers):
            threads.append(threading.Thread(target=manager, args=(base, user, unit, templates, stats, deadline, i),
                                            daemon=True))  # fmt: skip
        for t in threads:
            t.start()
            time.sleep(0.1)  # they arrive over five seconds, not in one instant
        for t in threads:
            t.join(timeout=args.minutes * 60 + 300)
        end_rss = rss(server.pid)
    finally:
        watch.stop.set()
        server.terminate()
        server.wait(30)
    report(stats, start_rss, end_rss, sorted(v / 2**20 for v in watch.peak.values()), args)


def report(stats: Stats, start_rss, end_rss, peaks, args) -> None:
    every = [t for ts in stats.times.values() for t in ts]
    out = {"requests": len(every), "errors": sum(stats.errors.values()), "statuses": stats.statuses, "kinds": {}}
    print(f"{args.managers} managers + 1 wall, {args.minutes:g} min, {args.workers} workers: {len(every):,} "
          f"callback requests, {out['errors']} errors, statuses {stats.statuses}")  # fmt: skip
    for kind, ts in sorted(stats.times.items()):
        q = statistics.quantiles(ts, n=100) if len(ts) > 1 else [ts[0]] * 99
        out["kinds"][kind] = {
            "n": len(ts),
            "p50": q[49],
            "p95": q[94],
            "p99": q[98],
            "errors": stats.errors.get(kind, 0),
        }
        print(f"  {kind:18} n {len(ts):6,}  p50 {q[49]:7.0f} ms  p95 {q[94]:7.0f} ms  p99 {q[98]:7.0f} ms  "
              f"errors {stats.errors.get(kind, 0)}")  # fmt: skip
    q = statistics.quantiles(every, n=100)
    out.update(p50=q[49], p95=q[94], p99=q[98], rss_start=start_rss, rss_end=end_rss, rss_peak=peaks)
    print(f"  {'all':18} n {len(every):6,}  p50 {q[49]:7.0f} ms  p95 {q[94]:7.0f} ms  p99 {q[98]:7.0f} ms")
    print(
        "worker RSS start "
        + ", ".join(f"{v:.0f}" for v in start_rss)
        + " MB; end "
        + ", ".join(f"{v:.0f}" for v in end_rss)
        + " MB; peak "
        + ", ".join(f"{v:.0f}" for v in peaks)
        + " MB"
    )
    if args.json:
        Path(args.json).write_text(json.dumps(out, ensure_ascii=False, indent=1))


if __name__ == "__main__":
    main()
