"""Headless Chromium for snapshots: find the browser and a Chinese font, open pages at a fixed size, wait until
Dash has drawn them, and capture PNG, PDF, figures and tables.

Uses Debian's `chromium` and `chromium-driver` through Selenium; nothing is downloaded at run time.
"""

from __future__ import annotations

import base64
import html
import shutil
import subprocess
import time
from dataclasses import dataclass, field

INSTALL_HINT = "apt-get install chromium chromium-driver fonts-noto-cjk"

# Reads the page's state in one round trip: is Dash still loading, which figures are drawn, which errors show.
_STATE_JS = """
const graphs = Array.from(document.querySelectorAll('.js-plotly-plot'));
const visible = graphs.filter(g => g.offsetParent !== null);
const drawn = visible.filter(g => g._fullLayout && Array.isArray(g.data) && g.data.length > 0);
const errors = Array.from(document.querySelectorAll('.alert-danger, .dash-fe-error__title, .dash-error-card'))
    .map(e => e.innerText.trim()).filter(Boolean);
return {
  loading: document.querySelectorAll('[data-dash-is-loading="true"], ._dash-loading').length,
  ready: !!document.querySelector('#react-entry-point') && document.readyState === 'complete',
  graphs: visible.length, drawn: drawn.length, errors: errors,
  kpis: document.querySelectorAll('.tile').length,
};
"""

# Figures as Plotly JSON (typed arrays become lists) and tables as header + rows, exactly as the page shows them.
_CONTENT_JS = """
const plain = (k, v) => (ArrayBuffer.isView(v) ? Array.from(v) : v);
let maps = 0;
const figures = Array.from(document.querySelectorAll('.js-plotly-plot'))
  .filter(g => g.offsetParent !== null && g._fullLayout && Array.isArray(g.data) && g.data.length > 0)
  .map(g => {
    // map traces need MapLibre's web worker, which browsers refuse to files opened from disk: keep a picture
    if (g.data.some(t => String(t.type || '').includes('map'))) {
      g.setAttribute('data-snapshot-map', String(maps));
      return {map: maps++};
    }
    return JSON.parse(JSON.stringify({data: g.data, layout: g.layout}, plain));
  });
const titleOf = (el) => {
  const card = el.closest('.card, section, .col, .col-lg-6, .col-lg-7, .col-lg-5');
  const h = card && card.querySelector('h3, h4, h5, .card-header');
  return h ? h.innerText.trim() : '';
};
const tables = [];
document.querySelectorAll('div[id]').forEach(div => {
  if (!div.querySelector(':scope > .ag-root-wrapper, :scope > div > .ag-root-wrapper')) return;
  const api = window.dash_ag_grid && window.dash_ag_grid.getApi ? window.dash_ag_grid.getApi(div.id) : null;
  if (!api) return;
  const cols = api.getAllDisplayedColumns().map(c => ({field: c.getColDef().field, name: c.getColDef().headerName
      || c.getColDef().field})).filter(c => c.field);
  const rows = [];
  const push = n => { if (n.data) rows.push(cols.map(c => {
    const v = n.data[c.field];
    return v === null || v === undefined ? null : (typeof v === 'object' ? JSON.stringify(v) : v);
  })); };
  // an infinite grid holds only the blocks it loaded: the server writes its full rows (snapshot.py)
  if (api.getGridOption && api.getGridOption('rowModelType') === 'infinite') api.forEachNode(push);
  else api.forEachNodeAfterFilterAndSort(push);
  tables.push({id: div.id, title: titleOf(div), columns: cols.map(c => c.name), rows: rows});
});
document.querySelectorAll('table').forEach((t, i) => {
  if (t.closest('.ag-root-wrapper')) return;
  const head = Array.from(t.querySelectorAll('thead th')).map(th => th.innerText.trim());
  const rows = Array.from(t.querySelectorAll('tbody tr')).map(tr =>
      Array.from(tr.querySelectorAll('td, th')).map(td => td.innerText.trim()));
  if (rows.length) tables.push({id: t.id || ('table' + (i + 1)), title: titleOf(t), columns: head, rows: rows});
});
const kpis = Array.from(document.querySelectorAll('.tile')).map(c => c.innerText.replace(/\\s+/g, ' ').trim());
const h = document.querySelector('.report-title, .page-title, h2');
return {figures: figures, tables: tables, kpis: kpis, heading: h ? h.innerText.trim() : '',
        text: document.body.innerText.slice(0, 2000)};
"""


class SnapshotSetupError(RuntimeError):
    """The machine lacks something snapshots need; the message names what to install."""


class CaptureFailed(RuntimeError):
    """A page did not render into a usable capture (blank, error shown, or timed out)."""


def check_prerequisites() -> tuple[str, str]:
    """The chromium and chromedriver paths, or a clear error naming the package that is missing."""
    try:
        import selenium  # noqa: F401
    except ImportError as exc:
        raise SnapshotSetupError(
            "缺少 Python 包 selenium：请运行 pip install selenium（或 make test 安装全部依赖）"
        ) from exc
    browser = shutil.which("chromium") or shutil.which("chromium-browser")
    if not browser:
        raise SnapshotSetupError(f"未找到浏览器 chromium：请安装 Debian 包 chromium（{INSTALL_HINT}）")
    driver = shutil.which("chromedriver")
    if not driver:
        raise SnapshotSetupError(f"未找到 chromedriver：请安装 Debian 包 chromium-driver（{INSTALL_HINT}）")
    if not has_chinese_font():
        raise SnapshotSetupError(
            f"未找到中文字体：请安装 Debian 包 fonts-noto-cjk（{INSTALL_HINT}），否则截图中的汉字是方框"
        )
    return browser, driver


def has_chinese_font() -> bool:
    """True when fontconfig knows a font covering Chinese."""
    if not shutil.which("fc-list"):
        return False
    out = subprocess.run(["fc-list", ":lang=zh", "family"], capture_output=True, text=True, check=False).stdout
    return bool(out.strip())


@dataclass
class Capture:
    """What one page produced."""

    png: bytes = b""
    pdf: bytes = b""
    content: dict = field(default_factory=dict)


class Browser:
    """One headless Chromium session reused for every page of a snapshot run (a start costs seconds)."""

    def __init__(self, width: int, height: int, timeout: float = 90.0, headers: dict | None = None):
        from selenium import webdriver
        from selenium.webdriver.chrome.options import Options
        from selenium.webdriver.chrome.service import Service

        browser, driver = check_prerequisites()
        self.width, self.height, self.timeout = width, height, timeout
        options = Options()
        options.binary_location = browser
        for arg in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                    "--disable-background-networking", "--hide-scrollbars", "--lang=zh-CN",
                    f"--window-size={width},{height}"):  # fmt: skip
            options.add_argument(arg)
        options.set_capability("goog:loggingPrefs", {"browser": "SEVERE"})
        self.driver = webdriver.Chrome(service=Service(driver), options=options)
        self.driver.set_page_load_timeout(timeout)
        self._viewport()
        if headers:
            self.driver.execute_cdp_cmd("Network.enable", {})
            self.driver.execute_cdp_cmd("Network.setExtraHTTPHeaders", {"headers": headers})

    def _viewport(self) -> None:
        self.driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride",
                                    {"width": self.width, "height": self.height, "deviceScaleFactor": 1,
                                     "mobile": False})  # fmt: skip

    def close(self) -> None:
        try:
            self.driver.quit()
        except Exception:  # noqa: BLE001 - the browser may already be gone; nothing to keep
            pass

    def __enter__(self) -> "Browser":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def capture(self, url: str, title: str, formats: set[str], expect: str = "figure") -> Capture:
        """Open a page, wait until every callback settled, refuse blank or error captures, then capture."""
        self.driver.get_log("browser")  # drop messages of the previous page
        self.driver.get(url)
        self._wait_settled()
        state = self.driver.execute_script(_STATE_JS)
        if state["errors"]:
            raise CaptureFailed("页面显示错误：" + "；".join(state["errors"])[:300])
        if expect == "figure" and state["drawn"] == 0:
            raise CaptureFailed("页面没有绘出任何图表（空白截图不算成功）")
        if expect == "kpi" and state["kpis"] == 0:
            raise CaptureFailed("页面没有显示任何指标卡（空白截图不算成功）")
        # A report shows figures, not the figure toolbars a mouse user hovers
        self.driver.execute_script(
            "const s = document.createElement('style');"
            "s.textContent = '.modebar-container, .dash-debug-menu {display: none !important}';"
            "document.head.appendChild(s);"
        )
        out = Capture(content=self.driver.execute_script(_CONTENT_JS))
        for fig in out.content.get("figures", []):
            if "map" in fig:
                element = self.driver.find_element("css selector", f'[data-snapshot-map="{fig["map"]}"]')
                fig["image"] = base64.b64encode(element.screenshot_as_png).decode()
        if "png" in formats:
            shot = self.driver.execute_cdp_cmd("Page.captureScreenshot", {"format": "png"})
            out.png = base64.b64decode(shot["data"])
        if "pdf" in formats:
            out.pdf = self._pdf(title)
        return out

    def _wait_settled(self) -> None:
        deadline = time.monotonic() + self.timeout
        calm = 0
        while time.monotonic() < deadline:
            self._raise_on_callback_error()
            state = self.driver.execute_script(_STATE_JS)
            busy = not state["ready"] or state["loading"] or state["drawn"] < state["graphs"]
            calm = 0 if busy else calm + 1
            if calm >= 3:  # three quiet polls in a row: chained callbacks have had their turn
                time.sleep(0.5)  # plotly transitions and AG Grid's first paint
                self._raise_on_callback_error()
                return
            time.sleep(0.4)
        raise CaptureFailed(f"页面在 {self.timeout:.0f} 秒内未完成加载")

    def _raise_on_callback_error(self) -> None:
        # A callback that raised leaves its outputs loading for ever; the 500 in the console says so at once
        for entry in self.driver.get_log("browser"):
            message = entry.get("message", "")
            if "500" in message or "Callback error" in message:
                raise CaptureFailed("页面回调出错（服务器返回 500，详见看板日志）：" + message[:200])

    def _pdf(self, title: str) -> bytes:
        # A4 landscape; the page keeps its screen layout, scaled to the paper width, so the PDF matches the PNG.
        printable_px = (11.69 - 0.8) * 96
        scale = max(0.1, min(1.0, printable_px / self.width))
        header = (f'<div style="font-size:9px;width:100%;padding:0 0.4in;font-family:\'Noto Sans CJK SC\',sans-serif">'
                  f"{html.escape(title)}</div>")  # fmt: skip
        footer = ('<div style="font-size:8px;width:100%;text-align:center;font-family:sans-serif">'
                  '第 <span class="pageNumber"></span> / <span class="totalPages"></span> 页</div>')  # fmt: skip
        result = self.driver.execute_cdp_cmd("Page.printToPDF", {
            "landscape": True, "printBackground": True, "paperWidth": 11.69, "paperHeight": 8.27,
            "marginTop": 0.5, "marginBottom": 0.5, "marginLeft": 0.4, "marginRight": 0.4, "scale": scale,
            "displayHeaderFooter": True, "headerTemplate": header, "footerTemplate": footer,
        })  # fmt: skip
        return base64.b64decode(result["data"])
