"""The board's plotly.js bundle: served at dcc.Graph's address, holding every trace type the layouts draw, and
left out when it was built for another plotly.js than the installed plotly.py's."""

import ast
from pathlib import Path

import plotly.graph_objects as go
from plotly.basedatatypes import BaseTraceType
from plotly.offline import get_plotlyjs_version

from board.web import plotly_bundle
from board.web.app import create_app

ROOT = Path(__file__).resolve().parents[2]
URL = "/" + plotly_bundle.DCC_PLOTLY_PATH


def _trace_types_drawn() -> set[str]:
    """Every `go.<Trace>(...)` written in layouts/ and callbacks/, as plotly.js type names."""
    found = set()
    for path in [*ROOT.glob("layouts/**/*.py"), *ROOT.glob("callbacks/**/*.py")]:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and node.value.id == "go":
                cls = getattr(go, node.attr, None)
                if isinstance(cls, type) and issubclass(cls, BaseTraceType):
                    found.add(cls().type)
    return found


def test_the_bundle_holds_every_trace_type_the_board_draws():
    drawn = _trace_types_drawn()
    assert {"bar", "heatmap", "scattermap"} <= drawn  # the scan finds them at all
    assert drawn <= set(plotly_bundle.manifest()["traces"])


def test_the_bundle_matches_the_installed_plotly():
    assert plotly_bundle.manifest()["plotly.js"] == get_plotlyjs_version()
    assert plotly_bundle.usable()


def test_dcc_graph_gets_the_bundle_and_revalidates_it(demo_settings):
    client = create_app(demo_settings).server.test_client()
    first = client.get(URL)
    assert first.status_code == 200
    assert first.data == plotly_bundle.BUNDLE.read_bytes()
    assert "no-cache" in first.headers["Cache-Control"]
    again = client.get(URL, headers={"If-None-Match": first.headers["ETag"]})
    assert again.status_code == 304


def test_a_bundle_for_another_plotly_js_is_not_served(demo_settings, monkeypatch):
    monkeypatch.setattr(plotly_bundle, "manifest", lambda: {"plotly.js": "0.0.1", "traces": ["scatter"]})
    client = create_app(demo_settings).server.test_client()
    response = client.get(URL)
    assert response.status_code == 200
    assert len(response.data) != plotly_bundle.BUNDLE.stat().st_size  # plotly's own file, as before


def test_no_page_carries_the_bundle_as_a_script(demo_settings):
    html = create_app(demo_settings).server.test_client().get("/").data.decode()
    assert "/assets/board.css" in html  # the assets are there
    assert "vendor/" not in html  # the bundle only where dcc.Graph asks for it
