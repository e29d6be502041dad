"""Browser test of the wall screen: no scrollbars, stale banner while the database is away, recovery."""

import shutil

from board.config import Settings
from board.usecases.auth import add_token
from board.usecases.service import BoardService
from board.web.app import create_app

NO_SCROLL = "return [document.documentElement.scrollHeight <= window.innerHeight + 1, " \
            "document.documentElement.scrollWidth <= window.innerWidth + 1];"  # fmt: skip


def test_wal001_stale_banner_when_database_moves_away_and_back(dash_duo, demo_settings, tmp_path):
    # as in production: sign-in on, the wall signed in with its token, so the gate too must survive the outage
    copy = tmp_path / "wall"
    shutil.copytree(demo_settings.data_dir, copy)
    settings = Settings(data_dir=str(copy), as_of="2026-11-20", secret_key="w" * 40)
    _id, token = add_token(BoardService(settings).engine, "调度大厅", None)
    dash_duo.start_server(create_app(settings), navigate=False)
    dash_duo.driver.set_window_size(1920, 1080)
    dash_duo.driver.get(f"{dash_duo.server.url}/wall?token={token}&refresh=5&views=kpi,warnings&seconds=5,5")
    dash_duo.wait_for_contains_text("#wall-stamp", "数据截至 2026-11-20", timeout=30)
    dash_duo.wait_for_element("#wall-heatmap .js-plotly-plot", timeout=10)
    assert dash_duo.driver.execute_script(NO_SCROLL) == [True, True]
    (copy / "board.sqlite").rename(copy / "away.sqlite")
    dash_duo.wait_for_contains_text("#wall-banner", "数据可能已过时", timeout=20)
    assert "数据库文件不存在" in dash_duo.find_element("#wall-banner").text
    dash_duo.wait_for_element("#wall-heatmap .js-plotly-plot", timeout=2)  # last good figures still shown
    (copy / "away.sqlite").rename(copy / "board.sqlite")
    dash_duo.wait_for_text_to_equal("#wall-banner", "", timeout=20)
    assert dash_duo.get_logs() == []


def test_wal002_4k_has_no_scrollbars(dash_duo, demo_settings):
    dash_duo.start_server(create_app(demo_settings))
    dash_duo.driver.set_window_size(3840, 2160)
    dash_duo.driver.get(f"{dash_duo.server_url}/wall?views=bottleneck")
    dash_duo.wait_for_contains_text("#wall-stamp", "数据截至", timeout=30)
    assert dash_duo.driver.execute_script(NO_SCROLL) == [True, True]
