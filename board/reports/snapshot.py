"""`board snapshot`: render pages in headless Chromium and write PNG, PDF, offline HTML and XLSX per page into a
folder named by the as-of date, with a manifest of every file, its checksum and every failure.

A page that fails (error shown, nothing drawn, timeout, browser crash) is retried once; a page that still fails is
recorded in the manifest and does not stop the other pages.
"""

from __future__ import annotations

import contextlib
import dataclasses
import datetime as dt
import hashlib
import json
import logging
import os
import secrets
import threading
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlencode

from board.config import LOCAL_TZ, Settings
from board.domain.rankings import last_complete
from board.reports.workbooks import ranking_xlsx, tables_xlsx, with_full_grid
from data_access.progress import Progress, silent

log = logging.getLogger("board.snapshot")

FORMATS = ("png", "pdf", "html", "xlsx")
ATTEMPTS = 2


@dataclass(frozen=True)
class PageSpec:
    """A page a snapshot can take: its key, Chinese title and path."""

    key: str
    title: str
    path: str
    expect: str = "figure"  # what proves the page drew: a Plotly figure, or (总览) its KPI cards


PAGES = {
    "home": PageSpec("home", "总览", "/", expect="kpi"),
    "progress": PageSpec("progress", "双链进度", "/progress"),
    "alerts": PageSpec("alerts", "超时预警", "/alerts"),
    "capacity": PageSpec("capacity", "可开放容量", "/capacity"),
    "rankings": PageSpec("rankings", "三通报", "/rankings"),
}


@dataclass(frozen=True)
class SnapshotRequest:
    """What to render: as-of date, pages, formats, output root, viewport, report kind and unit scope."""

    as_of: dt.date
    out: Path
    pages: tuple[str, ...] = tuple(PAGES)
    formats: tuple[str, ...] = FORMATS
    width: int = 1920
    height: int = 1080
    kind: str = "week"  # the 三通报 period type: week, month or quarter
    unit: str | None = None

    @property
    def folder(self) -> Path:
        return self.out / self.as_of.isoformat()


def parse_list(text: str, allowed, what: str) -> tuple[str, ...]:
    """A comma list checked against the allowed names, with a clear error naming the unknown ones."""
    items = tuple(dict.fromkeys(x.strip() for x in (text or "").split(",") if x.strip()))
    unknown = [x for x in items if x not in allowed]
    if unknown or not items:
        raise ValueError(f"未知的{what}：{', '.join(unknown) or '（空）'}；可选：{', '.join(allowed)}")
    return items


def page_url(base: str, spec: PageSpec, req: SnapshotRequest) -> str:
    """The page's URL with the as-of date (and, for 三通报, the last complete period) in its query string."""
    query = {"as_of": req.as_of.isoformat()}
    if req.unit:
        query["unit"] = req.unit
    if spec.key == "rankings":
        query.update(kind=req.kind, label=last_complete(req.kind, req.as_of).label)
    return f"{base}{spec.path}?{urlencode(query)}"


def principal_for(settings: Settings, username: str | None):
    """The principal a snapshot runs as: a named active user, or None (the system) when no name is given."""
    if not username:
        return None
    from board.usecases.auth import user_principal
    from board.usecases.service import BoardService

    found = user_principal(BoardService(settings).engine, username)
    if found is None:
        raise ValueError(f"没有启用的用户 {username}，无法以其权限生成快照")
    return found


def write_atomic(path: Path, data: bytes) -> None:
    """Write to a temporary file next to the target, flush it to disk, then rename over the target."""
    tmp = path.with_name(f".{path.name}.tmp-{os.getpid()}")
    try:
        with open(tmp, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)  # a full disk leaves no half file behind, not even under the temporary name
        raise


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


@contextlib.contextmanager
def serving(settings: Settings, principal=None):
    """Serve the board in this process on a free local port for the length of the block, every request running
    as `principal` (default: the system, all units)."""
    from werkzeug.serving import make_server

    from board.domain.access import SYSTEM
    from board.web.app import create_app

    key = secrets.token_urlsafe(32)
    app = create_app(settings, principal or SYSTEM, snapshot_key=key)
    logging.getLogger("werkzeug").setLevel(logging.WARNING)  # one line per asset request drowns the run's log
    server = make_server("127.0.0.1", 0, app.server, threaded=True)
    thread = threading.Thread(target=server.serve_forever, name="snapshot-server", daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}", app.server.config["BOARD_SERVICE"], key
    finally:
        server.shutdown()
        thread.join(timeout=10)


def run(settings: Settings, req: SnapshotRequest, principal=None, progress: Progress = silent) -> dict:
    """Render every requested page as `principal` (a user's scope and masking; default all units); returns the
    manifest (also written as manifest.json)."""
    from board.domain.access import SYSTEM, acting_as
    from board.reports import browser as browser_mod

    browser_mod.check_prerequisites()
    settings = dataclasses.replace(settings, as_of=req.as_of.isoformat())
    req.folder.mkdir(parents=True, exist_ok=True)
    started = dt.datetime.now(LOCAL_TZ)
    plotly_js = _plotly_js() if "html" in req.formats else ""
    principal = principal or SYSTEM
    manifest = {
        "as_of": req.as_of.isoformat(), "unit": req.unit or "", "kind": req.kind, "user": principal.name,
        "generated_at": started.isoformat(timespec="seconds"), "size": [req.width, req.height],
        "formats": list(req.formats), "pages": [], "files": [], "failures": [],
    }  # fmt: skip
    with serving(settings, principal) as (base, svc, key), acting_as(principal):

        def factory():
            return browser_mod.Browser(req.width, req.height, headers={"X-Snapshot-Key": key})

        svc.audit("snapshot", f"{','.join(req.pages)} {','.join(req.formats)} {req.as_of}", scope=req.unit)
        browser = factory()
        try:
            for i, page in enumerate(req.pages):
                progress("拍摄页面", i, len(req.pages))
                browser = _one_page(PAGES[page], req, base, svc, browser, factory, manifest, plotly_js, started)
            progress("拍摄页面", len(req.pages), len(req.pages))
        finally:
            browser.close()
    manifest["finished_at"] = dt.datetime.now(LOCAL_TZ).isoformat(timespec="seconds")
    manifest["ok"] = not manifest["failures"]
    write_atomic(req.folder / "manifest.json", json.dumps(manifest, ensure_ascii=False, indent=2).encode())
    return manifest


def _one_page(spec, req, base, svc, browser, factory, manifest, plotly_js, started):
    from board.reports.browser import CaptureFailed

    url = page_url(base, spec, req)
    title = f"{spec.title} · 数据截至 {req.as_of} · 业扩报装可视化监管看板"
    errors = []
    for attempt in range(1, ATTEMPTS + 1):
        try:
            capture = browser.capture(url, title, set(req.formats), spec.expect)
            files = _files(spec, req, svc, capture, plotly_js, started)
        except CaptureFailed as exc:
            errors.append(str(exc))
        except Exception as exc:  # noqa: BLE001 - a crashed browser must not end the run: restart it
            errors.append(f"{exc.__class__.__name__}: {str(exc).splitlines()[0] if str(exc) else ''}")
            browser.close()
            browser = factory()
        else:
            for name, data, fmt in files:
                write_atomic(req.folder / name, data)
                manifest["files"].append({"path": name, "page": spec.key, "format": fmt, "bytes": len(data),
                                          "sha256": sha256(data)})  # fmt: skip
            manifest["pages"].append({"page": spec.key, "title": spec.title, "status": "ok", "attempts": attempt,
                                      "path": spec.path, "query": url.split("?", 1)[1]})  # fmt: skip
            log.info("snapshot %s ok (%d files, attempt %d)", spec.key, len(files), attempt)
            return browser
        log.warning("snapshot %s attempt %d failed: %s", spec.key, attempt, errors[-1])
    manifest["pages"].append({"page": spec.key, "title": spec.title, "status": "failed", "attempts": ATTEMPTS,
                              "path": spec.path})  # fmt: skip
    manifest["failures"].append({"page": spec.key, "title": spec.title, "errors": errors})
    return browser


def _files(spec: PageSpec, req: SnapshotRequest, svc, capture, plotly_js: str, started) -> list[tuple]:
    from board.reports.snapshot_html import page_html

    out = []
    if "png" in req.formats:
        out.append((f"{spec.key}.png", capture.png, "png"))
    if "pdf" in req.formats:
        out.append((f"{spec.key}.pdf", capture.pdf, "pdf"))
    if "html" in req.formats:
        text = page_html(spec.title, req.as_of.isoformat(), started.strftime("%Y-%m-%d %H:%M"), capture.content,
                         plotly_js)  # fmt: skip
        out.append((f"{spec.key}.html", text.encode(), "html"))
    if "xlsx" in req.formats:
        content = with_full_grid(svc, req, capture.content) if spec.key == "progress" else capture.content
        data = ranking_xlsx(svc, req) if spec.key == "rankings" else tables_xlsx(spec.title, req, content)
        out.append((f"{spec.key}.xlsx", data, "xlsx"))
    return out


def _plotly_js() -> str:
    from plotly.offline import get_plotlyjs

    return get_plotlyjs()
