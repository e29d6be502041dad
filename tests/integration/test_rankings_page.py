"""Browser test of 三通报: switch 周 → 月 and read the first-ranked unit."""

from board.domain.rankings import parse_period
from board.usecases.service import BoardService
from board.web.app import create_app


def test_rnk001_switch_week_to_month_reads_first_ranked(dash_duo, demo_settings):
    expected = BoardService(demo_settings).ranking(parse_period("month", "2026-10"), None)
    first = expected.iloc[0]["unit_name"]
    dash_duo.start_server(create_app(demo_settings))
    dash_duo.driver.get(f"{dash_duo.server_url}/rankings")
    dash_duo.wait_for_contains_text("#rankings-title", "业扩时限通报", timeout=20)
    month = dash_duo.find_element("#rankings-kind input[value='month']")
    dash_duo.driver.execute_script("arguments[0].click();", month)
    dash_duo.wait_for_contains_text("#rankings-title", "营销工作质量通报 · 2026-10", timeout=15)
    cell = dash_duo.find_element(".ranking-table tbody tr:first-child td:nth-child(3)")
    assert cell.text == first
    assert dash_duo.get_logs() == []
