"""The board's own plotly.js: core plus the trace types it draws (assets/vendor, built by tools/plotly-bundle).

dcc.Graph loads plotly.js the first time a page shows a figure, from one fixed address. The full bundle there is
4.8 MB and every such page paid for parsing it and starting its 50 trace types; the board's is 3.4 MB (MapLibre, for
the capacity maps, is most of it). It is served at that same address, so every way to a figure — a first visit, a
page switch inside the app, the wall — gets it. When the installed plotly's plotly.js is not the release the bundle
was built from, plotly's own file is served as before: figures from a newer plotly.py may use attributes an older
plotly.js does not know.
"""

from __future__ import annotations

import json
import logging
from pathlib import Path

from flask import Flask, send_file

VENDOR = Path(__file__).resolve().parents[2] / "assets" / "vendor"
BUNDLE = VENDOR / "plotly-board.min.js"
MANIFEST = VENDOR / "plotly-board.json"
# the address dash-renderer gives dcc.Graph (window._dashPlotlyJSURL) when it serves its files itself
DCC_PLOTLY_PATH = "_dash-component-suites/plotly/package_data/plotly.min.js"

log = logging.getLogger("board.web")


def manifest() -> dict | None:
    """What the bundle holds ({"plotly.js": version, "traces": [...]}), or None without a readable bundle."""
    try:
        data = json.loads(MANIFEST.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return data if BUNDLE.is_file() else None


def usable() -> bool:
    """Whether the bundle was built from the plotly.js release the installed plotly.py writes figures for."""
    from plotly.offline import get_plotlyjs_version

    found = manifest()
    if found is None:
        return False
    if found.get("plotly.js") != get_plotlyjs_version():
        log.warning("看板的 plotly.js 包为 %s 版，已安装的 plotly 需要 %s 版：改用 plotly 自带的完整包",
                    found.get("plotly.js"), get_plotlyjs_version())  # fmt: skip
        return False
    return True


def install(server: Flask, pathname_prefix: str = "/") -> bool:
    """Serve the bundle at dcc.Graph's plotly.js address (a rule without converters, so it wins over Dash's
    component-suite rule); returns whether it did."""
    if not usable():
        return False

    def serve():
        # revalidated on each page load (an upgrade of the board changes it at the same address); unchanged → 304
        return send_file(BUNDLE, mimetype="application/javascript", conditional=True, etag=True, max_age=0)

    server.add_url_rule(f"{pathname_prefix}{DCC_PLOTLY_PATH}", "board_plotly_bundle", serve)
    return True
