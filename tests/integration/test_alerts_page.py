"""Browser test of the 超时预警 page: the heatmap renders, a click on a cell lists its cases."""

from selenium.webdriver.common.actions.action_builder import ActionBuilder

from board.web.app import create_app

# the centre of the fullest heatmap cell, in page coordinates, from plotly's own axes
FULLEST_CELL_JS = """
const gd = document.querySelector('#alerts-heatmap .js-plotly-plot');
const z = gd.calcdata[0][0].z; let best = [0, 0, -1];
z.forEach((row, i) => row.forEach((v, j) => { if (v > best[2]) best = [i, j, v]; }));
const xa = gd._fullLayout.xaxis, ya = gd._fullLayout.yaxis, box = gd.getBoundingClientRect();
return [box.left + xa._offset + xa.l2p(best[1]), box.top + ya._offset + ya.l2p(best[0]), best[2]];
"""


def test_alr001_click_heatmap_cell_lists_its_cases(dash_duo, demo_settings):
    dash_duo.start_server(create_app(demo_settings))
    dash_duo.driver.get(f"{dash_duo.server_url}/alerts")
    dash_duo.wait_for_element("#alerts-heatmap .js-plotly-plot .heatmaplayer", timeout=20)
    dash_duo.wait_for_contains_text("#alerts-warn-counts", "超时", timeout=10)
    dash_duo.driver.execute_script("window.scrollTo(0, 0)")
    x, y, count = dash_duo.driver.execute_script(FULLEST_CELL_JS)
    # real pointer input: plotly needs a hover (throttled) before the click counts
    actions = ActionBuilder(dash_duo.driver)
    actions.pointer_action.move_to_location(int(x), int(y)).pause(0.5).click()
    actions.perform()
    dash_duo.wait_for_contains_text("#alerts-drill-title", f"{int(count)} 条", timeout=10)
    rows = dash_duo.find_elements("#alerts-drill-grid .ag-center-cols-container .ag-row")
    assert len(rows) == min(int(count), 20)
    assert dash_duo.get_logs() == []
