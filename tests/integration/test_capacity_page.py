"""Browser test of 可开放容量: the map loads offline with the board's own plotly.js, a load query highlights
candidate feeders."""

import time

from board.web import plotly_bundle
from board.web.app import create_app

TRACE_NAMES = "return document.querySelector('#capacity-map .js-plotly-plot').data.map(t => t.name);"
# the plotly.js the page runs: its trace types, and whether the map drew its MapLibre canvas
PLOTLY_TRACES = "return Object.keys(window.Plotly.PlotSchema.get().traces).sort();"
MAP_CANVAS = "return !!document.querySelector('#capacity-map canvas.maplibregl-canvas');"


def test_cap001_map_loads_and_query_highlights_candidates(dash_duo, demo_settings):
    dash_duo.start_server(create_app(demo_settings))
    dash_duo.driver.get(f"{dash_duo.server_url}/capacity")
    dash_duo.wait_for_element("#capacity-map .js-plotly-plot", timeout=20)
    dash_duo.wait_for_contains_text("#capacity-grid", "变电站", timeout=15)
    assert "变电站" in dash_duo.driver.execute_script(TRACE_NAMES)
    assert dash_duo.driver.execute_script(PLOTLY_TRACES) == sorted(plotly_bundle.manifest()["traces"])
    assert dash_duo.driver.execute_script(MAP_CANVAS)
    dash_duo.find_element("#capacity-load").send_keys("800")
    dash_duo.find_element("#capacity-query").click()
    dash_duo.wait_for_contains_text("#capacity-message", "条线路可接入 800 kVA", timeout=15)
    dash_duo.wait_for_contains_text(".candidates-table", "变电站", timeout=5)
    for _ in range(50):
        if "可接入线路" in dash_duo.driver.execute_script(TRACE_NAMES):
            break
        time.sleep(0.2)
    assert "可接入线路" in dash_duo.driver.execute_script(TRACE_NAMES)
    dash_duo.find_element("#capacity-load").clear()
    dash_duo.find_element("#capacity-load").send_keys("-3")
    dash_duo.find_element("#capacity-query").click()
    dash_duo.wait_for_contains_text("#capacity-message", "大于 0", timeout=10)
    assert dash_duo.get_logs() == []
