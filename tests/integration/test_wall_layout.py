"""The wall's layout measured in a real browser at the screen sizes operations centres have: 1080p, 4K and a
spliced 3 × 1 wall. Nothing scrolls, overflows, overlaps or is smaller than the 5-metre minimum, every figure fits
its panel and the panels fill the screen. Screenshots go to BOARD_WALL_SHOTS (a folder) when it is set."""

import os
from pathlib import Path

import pytest
from selenium.webdriver.support.ui import WebDriverWait

from board.web.app import create_app
from layouts.ids.wall import VIEWS
from layouts.theme import WALL_MIN_FONT_PX

from .wall_checks import CHECK_JS, set_viewport

DRAWN = """
const plots = [...document.querySelectorAll('#wall-root .js-plotly-plot')]
  .filter(g => g.getBoundingClientRect().width > 0);
return plots.length > 0 && plots.every(g => g.querySelector('.main-svg'))
  && document.querySelector('#wall-stamp').textContent.includes('数据截至');
"""


@pytest.fixture
def wall(dash_duo, demo_settings):
    dash_duo.start_server(create_app(demo_settings), navigate=False)
    return dash_duo


def _measure(duo, width, height, query, name):
    set_viewport(duo.driver, width, height)
    duo.driver.get(f"{duo.server.url}/wall?{query}")
    WebDriverWait(duo.driver, 40, poll_frequency=0.3).until(lambda d: d.execute_script(DRAWN))
    duo.driver.execute_script("window.dispatchEvent(new Event('resize'));")
    WebDriverWait(duo.driver, 5).until(lambda d: d.execute_script(DRAWN))
    duo.driver.execute_script("return new Promise(r => setTimeout(r, 800));")  # plotly's resize is debounced
    found = duo.driver.execute_script(CHECK_JS, WALL_MIN_FONT_PX)
    if folder := os.environ.get("BOARD_WALL_SHOTS"):
        Path(folder).mkdir(parents=True, exist_ok=True)
        duo.driver.save_screenshot(str(Path(folder) / f"wall-{width}x{height}-{name}.png"))
    return found


@pytest.mark.parametrize("width,height", [(1920, 1080), (3840, 2160)])
def test_wal003_every_centre_view_fits_the_screen(wall, width, height):
    for view in VIEWS:
        found = _measure(wall, width, height, f"views={view}", view)
        faults = {k: v for k, v in found.items() if k != "fill" and v}
        assert faults == {}, (view, faults)
        assert found["fill"] >= 0.85, (view, found["fill"])
    assert wall.get_logs() == []


def test_wal004_spliced_wall_shows_every_view_side_by_side(wall):
    found = _measure(wall, 5760, 1080, "", "spliced")
    faults = {k: v for k, v in found.items() if k != "fill" and v}
    assert faults == {}
    assert found["fill"] >= 0.85, found["fill"]
    shown = wall.driver.execute_script(
        "return [...document.querySelectorAll('.wall-centre .wall-view')]"
        ".filter(v => v.getBoundingClientRect().width > 0).length;"
    )
    assert shown == len(VIEWS)
