"""axe-core (the accessibility engine browsers' audit tools use) on every desk page, drawn with data: no serious or
critical violation. `make test` installs axe-core from npm into .venv/axe; without it these tests skip."""

import json
from pathlib import Path

import pytest
from selenium.webdriver.support.ui import WebDriverWait

from board.web.app import create_app

AXE = Path(__file__).resolve().parents[2] / ".venv" / "axe" / "node_modules" / "axe-core" / "axe.min.js"
pytestmark = pytest.mark.skipif(not AXE.exists(), reason="axe-core not installed (make test installs it with npm)")

# the page is ready when its figures and grids are drawn and no loading spinner is left
READY = """
const sel = arguments[0];
return !!document.querySelector(sel)
  && !document.querySelector('._dash-loading, .dash-spinner, .ag-overlay-loading-center')
  && [...document.querySelectorAll('.js-plotly-plot')].every(g => g.querySelector('.main-svg'));
"""
RUN_AXE = """
const done = arguments[arguments.length - 1], skip = arguments[0];
const theirs = (v, n) => skip[v.id] && n.element && n.element.matches(skip[v.id]);
axe.run(document, {resultTypes: ['violations'], elementRef: true}).then(r => done(r.violations
  .map(v => ({id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.filter(n => !theirs(v, n))}))
  .filter(v => v.nodes.length)
  .map(v => ({...v, nodes: v.nodes.slice(0, 3).map(n => n.target.join(' '))}))));
"""
CASE_LINK = "const a = document.querySelector('#progress-grid .ag-row a'); return a && a.getAttribute('href');"
# defects in the markup of Dash 4's own components, not in the board's: the dropdown's keyboard proxy (a focusable
# input marked aria-hidden), the date picker's wrapper (aria-expanded on a div without a role) and its clear link
# (an <a> without href carrying aria-label). Skipped by rule and component class, so the board's own markup is
# still checked by the same rules; remove when Dash fixes them.
DASH_OWN = {
    "aria-hidden-focus": ".dash-dropdown-focus-target",
    "aria-allowed-attr": ".dash-datepicker-input-wrapper",
    "aria-prohibited-attr": ".dash-datepicker-clear",
}
PAGES = [
    ("/", "#kpi-on_time_rate"),
    ("/progress", "#progress-grid .ag-row a"),
    (None, "#case-swimlanes .main-svg"),
    ("/alerts", "#alerts-heatmap .main-svg"),
    ("/capacity", "#capacity-map .main-svg"),
    ("/rankings", "#rankings-bars .main-svg"),
]


def test_a11y001_desk_pages_have_no_serious_violation(dash_duo, demo_settings):
    dash_duo.start_server(create_app(demo_settings), navigate=False)
    dash_duo.driver.set_window_size(1440, 1000)
    source = AXE.read_text(encoding="utf-8")
    found = {}
    for path, ready in PAGES:
        if path is None:  # the case page of the first case the progress grid lists
            path = dash_duo.driver.execute_script(CASE_LINK)
        dash_duo.driver.get(f"{dash_duo.server.url}{path}")
        WebDriverWait(dash_duo.driver, 40, poll_frequency=0.3).until(lambda d: d.execute_script(READY, ready))
        dash_duo.driver.execute_script(source)
        dash_duo.driver.set_script_timeout(60)
        violations = dash_duo.driver.execute_async_script(RUN_AXE, DASH_OWN)
        bad = [v for v in violations if v["impact"] in ("serious", "critical")]
        if bad:
            found[path] = bad
    assert found == {}, json.dumps(found, ensure_ascii=False, indent=1)
