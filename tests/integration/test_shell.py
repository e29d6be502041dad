"""Browser smoke test of the shell and home page."""

from board.web.app import create_app


def test_shl001_home_shows_kpis_from_the_database(dash_duo, demo_settings):
    app = create_app(demo_settings)
    dash_duo.start_server(app)
    dash_duo.wait_for_contains_text("#kpi-on_time_rate", "时限达标率", timeout=15)
    dash_duo.wait_for_contains_text(".unit-table", "青溪县供电公司", timeout=10)
    value = dash_duo.find_element("#kpi-on_time_rate .tile-value").text
    assert value.endswith("%")
    assert dash_duo.get_logs() == []


def test_shl002_unknown_unit_in_url_shows_notice(dash_duo, demo_settings):
    app = create_app(demo_settings)
    dash_duo.start_server(app)
    dash_duo.server_url = dash_duo.server_url  # same server, new URL below
    dash_duo.driver.get(f"{dash_duo.server_url}/?unit=NOPE")
    dash_duo.wait_for_contains_text("body", "未知的供电单位代码：NOPE", timeout=15)
    dash_duo.wait_for_contains_text(".unit-table", "东岚县供电公司", timeout=10)
