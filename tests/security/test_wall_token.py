"""The wall token: read-only, bound to its unit scope and the wall view, revocable at the next refresh."""

import json

from board.usecases import auth

from .conftest import FOREIGN, OWN, forge

AS_OF = "2026-11-20"
CONFIG = {"views": ["kpi", "warnings"], "seconds": [30, 30], "refresh": 60, "reload_hours": 6, "unit": None}


def refresh(client, app, config=CONFIG):
    return forge(client, app, "wall-stamp", {"wall-refresh.n_intervals": 1, "wall-screen.data": 1920,
                                             "wall-config.data": config})  # fmt: skip


def test_sec020_token_opens_the_wall_and_nothing_else(client, app, svc, cases):
    token_id, token = auth.add_token(svc.engine, "调度大厅", OWN)
    assert client.get(f"/wall?token={token}").status_code == 200
    response = refresh(client, app)
    assert response.status_code == 200
    body = json.dumps(response.get_json(), ensure_ascii=False)
    own = cases[cases["unit_code"] == OWN]
    assert not [n for n in own["customer_name"] if len(n) > 1 and n in body]  # names always masked on the wall
    assert not [c for c in cases[cases["unit_code"] == FOREIGN]["case_id"] if c in body]
    assert client.get("/progress").status_code == 403
    assert client.get("/login").status_code == 200  # public, but signs nobody in
    forged = forge(client, app, "progress-grid", {"progress-as-of.date": AS_OF, "progress-states.value": ["open"]})
    assert forged.status_code == 403 and b"YK" not in forged.data
    router = forge(client, app, "_pages_content", {"_pages_location.pathname": "/alerts"})
    assert router.status_code == 403
    assert forge(client, app, "_pages_content", {"_pages_location.pathname": "/wall"}).status_code == 200


def test_sec021_foreign_unit_in_the_wall_config_gets_no_data(client, app, svc, cases):
    _id, token = auth.add_token(svc.engine, "供电所大屏", OWN)
    client.get(f"/wall?token={token}")
    response = refresh(client, app, {**CONFIG, "unit": FOREIGN})
    body = json.dumps(response.get_json(), ensure_ascii=False)
    assert not [c for c in cases[cases["unit_code"] == FOREIGN]["case_id"] if c in body]


def test_sec022_revoked_token_stops_at_the_next_refresh(client, app, svc):
    token_id, token = auth.add_token(svc.engine, "调度大厅", None)
    client.get(f"/wall?token={token}")
    assert refresh(client, app).status_code == 200
    auth.revoke_token(svc.engine, token_id)
    stopped = refresh(client, app)  # the next refresh gets the banner and nothing else
    assert stopped.get_json()["response"] == {"wall-banner": {"children": {
        "props": {"children": "大屏令牌已吊销，数据不再更新；请联系管理员发放新令牌", "className": "wall-stale"},
        "type": "Div", "namespace": "dash_html_components"}}}  # fmt: skip
    assert refresh(client, app).status_code == 401  # and the session is gone
    assert client.get(f"/wall?token={token}").status_code == 401
    assert client.get("/wall?token=" + "x" * 43).status_code == 401
    header = app.server.test_client().get("/wall", headers={"X-Board-Token": token})
    assert header.status_code == 401


def test_sec023_token_use_is_audited_and_only_its_hash_is_stored(client, app, svc):
    import pandas as pd

    _id, token = auth.add_token(svc.engine, "调度大厅", OWN)
    client.get(f"/wall?token={token}")
    stored = pd.read_sql("SELECT token_hash FROM wall_tokens", svc.engine)["token_hash"].tolist()
    assert token not in stored and len(stored[0]) == 64
    audit = pd.read_sql("SELECT actor, action, scope FROM audit_log", svc.engine)
    used = audit[audit["action"] == "token_use"]
    assert used[["actor", "scope"]].values.tolist() == [["wall:调度大厅", OWN]]
