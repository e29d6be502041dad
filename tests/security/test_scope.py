"""A manager of one 供电所 cannot obtain another's cases: not through pages, forged callback posts, case URLs,
downloads or unit pickers; a viewer sees masked names. Checked on the responses' bytes."""

import json

from data_access.masking import mask_name

from .conftest import FOREIGN, OWN, forge, login

AS_OF = "2026-11-20"
GRID_REQUEST, QUERY = "progress-grid.getRowsRequest", "progress-query.data"
BLOCK = {"startRow": 0, "endRow": 500, "sortModel": []}


def text(response) -> str:
    """A response's body with JSON's \\u escapes decoded, so Chinese names can be searched."""
    raw = response.get_data(as_text=True)
    try:
        return json.dumps(json.loads(raw), ensure_ascii=False)
    except ValueError:
        return raw


def leaks(response, cases, unit: str) -> list[str]:
    """Case ids or full customer names of `unit` that appear in a response."""
    text_ = text(response)
    rows = cases[cases["unit_code"] == unit]
    return [v for v in [*rows["case_id"], *rows["customer_name"]] if v and v in text_]


def test_sec010_page_callbacks_with_a_forged_foreign_unit(client, app, cases):
    login(client, "mgr")
    for output, values in [
        ("progress-notice", {"progress-unit.value": FOREIGN, "progress-as-of.date": AS_OF,
                             "progress-states.value": ["open"]}),
        ("alerts-warn-grid", {"alerts-unit.value": FOREIGN, "alerts-as-of.date": AS_OF, "alerts-period.value": 30}),
        ("alerts-heatmap", {"alerts-unit.value": "YL", "alerts-as-of.date": AS_OF, "alerts-period.value": 30}),
        ("home-kpis", {"home-unit.value": FOREIGN, "home-as-of.date": AS_OF, "home-period.value": 30}),
        ("rankings-table", {"rankings-unit.value": "YL-QX", "rankings-period.value": "2026-W46",
                            "rankings-kind.value": "week", "rankings-as-of.date": AS_OF}),
    ]:  # fmt: skip
        response = forge(client, app, output, values)
        assert response.status_code == 200, output
        if output != "alerts-warn-grid":  # the list has no notice of its own: the heatmap beside it says it
            assert "无权查看" in text(response), output
        assert leaks(response, cases, FOREIGN) == [], output
    # the grid's query lives in the browser: a forged one naming a foreign unit gets no row
    forged = forge(client, app, "progress-grid", {GRID_REQUEST: BLOCK, QUERY: {"unit": FOREIGN, "as_of": AS_OF}})
    assert leaks(forged, cases, FOREIGN) == [] and '"rowCount": 0' in text(forged)
    own = forge(client, app, "progress-grid", {GRID_REQUEST: BLOCK, QUERY: {"as_of": AS_OF, "states": ["open"]}})
    assert leaks(own, cases, OWN) and not leaks(own, cases, FOREIGN)


def test_sec011_case_url_and_plan_download_of_a_foreign_case(client, app, cases):
    login(client, "mgr")
    foreign = cases[cases["unit_code"] == FOREIGN].iloc[0]
    body = forge(client, app, "case-body", {"case-id.data": foreign["case_id"], "case-as-of.data": AS_OF})
    assert "无权查看工单" in text(body)
    assert foreign["customer_name"] not in text(body)
    download = forge(client, app, "case-download", {"case-xlsx.n_clicks": 1, "case-id.data": foreign["case_id"],
                                                    "case-as-of.data": AS_OF})  # fmt: skip
    assert download.status_code in (200, 204)
    assert foreign["customer_name"] not in text(download)
    assert '"content"' not in text(download)
    own = cases[cases["unit_code"] == OWN].iloc[0]
    mine = forge(client, app, "case-download", {"case-xlsx.n_clicks": 1, "case-id.data": own["case_id"],
                                                "case-as-of.data": AS_OF})  # fmt: skip
    assert '"content"' in text(mine)  # the manager's own case downloads


def test_sec012_rankings_download_outside_scope(client, app):
    login(client, "mgr")
    refused = forge(client, app, "rankings-download", {"rankings-xlsx.n_clicks": 1, "rankings-kind.value": "week",
                                                       "rankings-period.value": "2026-W46",
                                                       "rankings-unit.value": "YL-DL"})  # fmt: skip
    assert '"content"' not in text(refused)


def test_sec013_unit_pickers_list_only_the_subtree(client, app):
    login(client, "mgr")
    options = json.loads(forge(client, app, "progress-unit", {"progress-url.pathname": "/progress"}).data)
    codes = [o["value"] for o in options["response"]["progress-unit"]["options"]]
    assert codes == [OWN]


def test_sec014_viewer_sees_masked_names_everywhere(client, app, cases):
    login(client, "viewer")
    response = forge(client, app, "progress-grid", {GRID_REQUEST: BLOCK, QUERY: {"as_of": AS_OF, "states": ["open"]}})
    body_text = text(response)
    own = cases[cases["unit_code"] == OWN]
    full = [n for n in own["customer_name"] if len(n) > 1 and n in body_text]
    assert full == []
    assert any(mask_name(n) in body_text for n in own["customer_name"])
    case = own.iloc[0]
    body = forge(client, app, "case-body", {"case-id.data": case["case_id"], "case-as-of.data": AS_OF})
    assert case["customer_name"] not in text(body)
    assert mask_name(case["customer_name"]) in text(body)


def test_sec015_admin_page_refuses_non_admins(client, app):
    login(client, "mgr")
    response = json.loads(forge(client, app, "admin-users", {"admin-url.pathname": "/admin"}).data)["response"]
    assert "无权查看" in json.dumps(response["admin-body"], ensure_ascii=False)
    assert response["admin-users"]["rowData"] == [] and response["admin-audit"]["rowData"] == []
    login(client, "root")
    response = json.loads(forge(client, app, "admin-users", {"admin-url.pathname": "/admin"}).data)["response"]
    assert {r["username"] for r in response["admin-users"]["rowData"]} == {"root", "mgr", "viewer"}
    assert any(r["action"] == "login" and r["actor"] == "mgr" for r in response["admin-audit"]["rowData"])


def test_sec016_scope_is_enforced_in_data_access(svc):
    import pytest

    from data_access.engine import session_scope
    from data_access.queries import OutOfScope, fetch_open_cases, resolve_scope

    with session_scope(svc.engine) as s:
        with pytest.raises(OutOfScope, match="无权查看"):
            resolve_scope(s, FOREIGN, within=OWN)
        with pytest.raises(OutOfScope):
            resolve_scope(s, "YL", within=OWN)  # a parent is outside too
        scope = resolve_scope(s, None, within="YL-NY", masked=True)
        assert scope.root == "YL-NY" and FOREIGN in scope.codes and "YL-DL" not in scope.codes
        frame = fetch_open_cases(s, as_of=__import__("datetime").date(2026, 11, 20), scope=scope)
    assert frame["customer_name"].str.contains(r"\*").all()


def test_sec017_grid_exports_are_audited(client, app, svc):
    import pandas as pd

    login(client, "mgr")
    rows = [{"case_id": "YK1", "customer_name": "=1+1"}]
    values = {"alerts-export-csv.n_clicks": 1, "alerts-drill-grid.rowData": rows}
    response = forge(client, app, "alerts-download", values, triggered="alerts-export-csv.n_clicks")
    assert "'=1+1" in text(response)  # the cell stays text in Excel
    audit = pd.read_sql("SELECT actor, action, detail FROM audit_log WHERE action = 'export'", svc.engine)
    assert audit.values.tolist() == [["mgr", "export", "超时预警明细 csv 1 行"]]
