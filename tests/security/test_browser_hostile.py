"""In headless Chromium: a hostile customer name renders as inert text, sign-in works in a browser, a manager's
snapshot holds only the manager's unit, and a wall token keeps a wall running until it is revoked."""

import io

import openpyxl
from selenium.common.exceptions import NoAlertPresentException
from selenium.webdriver.support.ui import WebDriverWait

from board.demo.geo import demo_units
from board.domain.access import acting_as, for_user
from board.reports import snapshot
from board.usecases import auth
from board.web.app import create_app
from callbacks.case_page import plan_workbook

from .conftest import FOREIGN, OWN, PASSWORD

HOSTILE = "<img src=x onerror=alert(1)>"


def _plant(svc, cases) -> str:
    with svc.engine.begin() as conn:
        case_id = conn.exec_driver_sql(
            "SELECT case_id FROM cases WHERE unit_code = ? AND energized_on IS NULL AND status != 'cancelled' "
            "ORDER BY case_id LIMIT 1", (OWN,)).scalar()  # fmt: skip
        conn.exec_driver_sql("UPDATE cases SET customer_name = ? WHERE case_id = ?", (HOSTILE, case_id))
        conn.exec_driver_sql("UPDATE meta SET value = 'hostile' WHERE key = 'data_version'")
    return case_id


def _sign_in(dash_duo, username):
    dash_duo.driver.get(f"{dash_duo.server.url}/login")
    dash_duo.wait_for_element("#username", timeout=10).send_keys(username)
    dash_duo.find_element("#password").send_keys(PASSWORD)
    dash_duo.find_element("#login-submit").click()


def _no_alert(driver):
    try:
        driver.switch_to.alert
    except NoAlertPresentException:
        return True
    return False


def test_sec030_hostile_name_is_text_in_grid_case_page_and_xlsx(dash_duo, app, svc, cases):
    case_id = _plant(svc, cases)
    dash_duo.start_server(app, navigate=False)  # the root redirects to the sign-in page
    _sign_in(dash_duo, "mgr")
    dash_duo.wait_for_contains_text("body", "mgr", timeout=15)
    dash_duo.driver.get(f"{dash_duo.server.url}/progress?q={case_id}")
    dash_duo.wait_for_contains_text("#progress-grid", HOSTILE, timeout=20)
    assert dash_duo.driver.execute_script("return document.querySelectorAll('img[src=\"x\"]').length") == 0
    assert _no_alert(dash_duo.driver)
    dash_duo.driver.get(f"{dash_duo.server.url}/progress/case/{case_id}")
    dash_duo.wait_for_contains_text("h2", HOSTILE, timeout=20)
    dash_duo.wait_for_element("#case-swimlanes .js-plotly-plot", timeout=10)
    assert dash_duo.driver.execute_script("return document.querySelectorAll('img[src=\"x\"]').length") == 0
    assert _no_alert(dash_duo.driver)
    # the page itself, with another 供电所 in the URL: a notice, and only the manager's own cases
    dash_duo.driver.get(f"{dash_duo.server.url}/progress?unit={FOREIGN}")
    dash_duo.wait_for_contains_text("#progress-notice", "无权查看", timeout=20)
    script = ("return [...document.querySelectorAll(\"#progress-grid .ag-row [col-id='unit_name']\")]"
              ".map(e => e.textContent);")  # fmt: skip
    # the grid loads its rows in blocks: wait until every row shown holds data, not a loading placeholder
    WebDriverWait(dash_duo.driver, 15).until(lambda d: (u := d.execute_script(script)) and all(u))
    units = set(dash_duo.driver.execute_script(script))
    unit_names = dict(demo_units()[["unit_code", "unit_name"]].values)
    assert units == {unit_names[OWN]}
    with acting_as(for_user("mgr", "manager", OWN)):
        detail = svc.case_detail(case_id, svc.as_of("2026-11-20"))
    sheet = openpyxl.load_workbook(io.BytesIO(plan_workbook(detail))).active
    assert HOSTILE in sheet["A1"].value


def test_sec031_manager_snapshot_holds_only_the_managers_unit(svc, secure_settings, cases, tmp_path):
    req = snapshot.SnapshotRequest(as_of=__import__("datetime").date(2026, 11, 20), out=tmp_path,
                                   pages=("progress",), formats=("xlsx",), width=1280, height=800)  # fmt: skip
    manifest = snapshot.run(secure_settings, req, principal=snapshot.principal_for(secure_settings, "mgr"))
    assert manifest["ok"] and manifest["user"] == "mgr"
    book = openpyxl.load_workbook(tmp_path / "2026-11-20" / "progress.xlsx")
    values = {str(c.value) for ws in book for row in ws.iter_rows() for c in row if c.value is not None}
    foreign = set(cases[cases["unit_code"] == FOREIGN]["case_id"])
    own = set(cases[cases["unit_code"] == OWN]["case_id"])
    assert values & own and not values & foreign
    refused = snapshot.run(secure_settings, snapshot.SnapshotRequest(
        as_of=req.as_of, out=tmp_path / "b", pages=("progress",), formats=("xlsx",), unit=FOREIGN),
        principal=snapshot.principal_for(secure_settings, "mgr"))  # fmt: skip
    values = {str(c.value) for ws in openpyxl.load_workbook(tmp_path / "b" / "2026-11-20" / "progress.xlsx")
              for row in ws.iter_rows() for c in row if c.value is not None}  # fmt: skip
    assert refused["ok"] and not values & foreign  # the unit in the URL fell back to the manager's own scope


def test_sec032_wall_token_runs_the_wall_until_revoked(dash_duo, secure_settings, svc):
    token_id, token = auth.add_token(svc.engine, "调度大厅", OWN)
    dash_duo.start_server(create_app(secure_settings), navigate=False)
    dash_duo.driver.get(f"{dash_duo.server.url}/wall?token={token}&refresh=2&seconds=30")
    dash_duo.wait_for_contains_text("#wall-stamp", "数据截至", timeout=20)
    assert dash_duo.driver.execute_script("return document.querySelectorAll('#shell-nav a').length") == 0
    dash_duo.wait_for_element("#wall-heatmap .js-plotly-plot", timeout=10)
    assert dash_duo.get_logs() == []  # no request of the wall was refused
    auth.revoke_token(svc.engine, token_id)
    dash_duo.wait_for_contains_text("#wall-banner", "大屏令牌已吊销", timeout=90)  # at the next refresh
    dash_duo.driver.get(f"{dash_duo.server.url}/wall?token={token}")
    dash_duo.wait_for_contains_text("body", "大屏令牌无效或已吊销", timeout=10)
