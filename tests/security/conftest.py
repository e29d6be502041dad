"""Fixtures of the security suite: the demo company behind sign-in, with users of each role, and a way to post
hand-built requests to Dash's callback endpoint."""

from __future__ import annotations

import dataclasses
import re

import pandas as pd
import pytest

from board.usecases import auth
from board.usecases.service import BoardService
from board.web.app import create_app

PASSWORD = "correct-horse-battery"
# two 供电所 of 南屿县, each with open cases in the 800-case demo (seed 3)
OWN, FOREIGN = "YL-NY-02", "YL-NY-03"


@pytest.fixture
def secure_settings(demo_settings):
    return dataclasses.replace(demo_settings, auth=True, secret_key="s" * 48)


@pytest.fixture
def svc(secure_settings):
    service = BoardService(secure_settings)
    service.init_db()
    auth.add_user(service.engine, "root", "admin", None, PASSWORD)
    auth.add_user(service.engine, "mgr", "manager", OWN, PASSWORD)
    auth.add_user(service.engine, "viewer", "viewer", OWN, PASSWORD)
    return service


@pytest.fixture
def app(secure_settings, svc):
    return create_app(secure_settings)


@pytest.fixture
def client(app):
    return app.server.test_client()


@pytest.fixture
def cases(svc):
    """All demo cases (id, unit, name) read straight from the database."""
    return pd.read_sql("SELECT case_id, unit_code, customer_name FROM cases", svc.engine)


def login(client, username: str, password: str = PASSWORD):
    client.get("/login")
    with client.session_transaction() as s:
        csrf = s["csrf"]
    return client.post("/login", data={"username": username, "password": password, "csrf": csrf, "next": "/"})


def _outputs(spec: str):
    if spec.startswith(".."):
        parts = spec.strip(".").split("...")
        return [dict(zip(("id", "property"), p.rsplit(".", 1))) for p in parts]
    return dict(zip(("id", "property"), spec.rsplit(".", 1)))


def given(values: dict, key: str):
    """The value a test gives for an input; a date picker's store takes the date given for the picker."""
    if key not in values and key.endswith("-as-of-value.data"):
        return values.get(key.replace("-as-of-value.data", "-as-of.date"))
    return values.get(key)


def forge(client, app, output_id: str, values: dict, triggered: str | None = None):
    """POST a hand-built callback request for the callback whose outputs include `output_id`; `values` maps
    "id.property" to the value to send (anything not given is None)."""
    dep = next(d for d in app._callback_list if re.search(rf"(^|\.){re.escape(output_id)}\.", d["output"]))

    def fill(items):
        return [{**i, "value": given(values, f"{i['id']}.{i['property']}")} for i in items]

    inputs = fill(dep["inputs"])
    body = {"output": dep["output"], "outputs": _outputs(dep["output"]), "inputs": inputs,
            "state": fill(dep["state"]),
            "changedPropIds": [triggered or f"{inputs[0]['id']}.{inputs[0]['property']}"]}  # fmt: skip
    return client.post("/_dash-update-component", json=body)
