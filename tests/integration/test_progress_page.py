"""Browser test of 双链进度: filter to one unit, open a case, find both swimlanes."""

from dash.testing.wait import until

from board.web.app import create_app


def test_prg001_filter_unit_open_case_see_both_swimlanes(dash_duo, demo_settings):
    dash_duo.start_server(create_app(demo_settings))
    dash_duo.driver.get(f"{dash_duo.server_url}/progress?unit=YL-QX&class=high")
    dash_duo.wait_for_contains_text("#progress-count", "共", timeout=20)
    # a block being read shows loading rows (blank cells): wait until every shown row names its unit
    names = (
        "return [...document.querySelectorAll(\"#progress-grid .ag-row [col-id='unit_name']\")]"
        ".map(e => e.textContent);"
    )
    until(lambda: all(dash_duo.driver.execute_script(names) or [""]), timeout=10)
    units = set(dash_duo.driver.execute_script(names))
    assert units and all(u in {"城关供电所", "溪口供电所", "白沙供电所", "桐林供电所", "梅岭供电所"} for u in units)
    # read and click in one script: the grid may re-render between two WebDriver calls (stale element)
    case_id = dash_duo.driver.execute_script(
        "const a = document.querySelector('#progress-grid .ag-row a'); const t = a.textContent; a.click(); return t;"
    )
    dash_duo.wait_for_contains_text("h2", case_id, timeout=15)
    dash_duo.wait_for_element("#case-swimlanes .js-plotly-plot", timeout=10)
    text = dash_duo.find_element("#case-swimlanes").text
    assert "电网侧 实际" in text and "客户侧 计划" in text
    dash_duo.wait_for_contains_text("body", "阳光全程跟踪计划书", timeout=5)
    assert dash_duo.get_logs() == []
