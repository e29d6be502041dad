"""One data version per response: a view computed while an import commits reads the state before it (or, later,
the state after), never some of each, and is cached under the version it read. On SQLite and PostgreSQL."""

from __future__ import annotations

import dataclasses
import threading

import pandas as pd
from sqlalchemy import func, select

from board.ingest.importer import export_data, import_path
from board.usecases.service import BoardService
from board.web.app import create_app
from data_access import engine as engine_module
from data_access.engine import read_snapshot, session_scope
from data_access.models import Case, Meta, Stage
from tests.security.conftest import forge


def _files(demo_settings, tmp_path):
    """The demo company's files, and a daily file that adds 40 new cases (copies of others under new ids)."""
    export_data(BoardService(demo_settings).engine, tmp_path / "all")
    cases = pd.read_csv(tmp_path / "all" / "cases.csv", dtype=str, keep_default_na=False).head(40).copy()
    stages = pd.read_csv(tmp_path / "all" / "stages.csv", dtype=str, keep_default_na=False)
    stages = stages[stages["case_id"].isin(set(cases["case_id"]))].copy()
    for frame in (cases, stages):
        frame["case_id"] = "NEW-" + frame["case_id"]
    (tmp_path / "day").mkdir()
    cases.to_csv(tmp_path / "day" / "cases.csv", index=False)
    stages.to_csv(tmp_path / "day" / "stages.csv", index=False)
    return tmp_path / "all", tmp_path / "day"


def _counts(engine) -> tuple[int, int, str]:
    with session_scope(engine) as s:
        return (s.scalar(select(func.count()).select_from(Case)), s.scalar(select(func.count()).select_from(Stage)),
                s.scalar(select(Meta.value).where(Meta.key == "data_version")))  # fmt: skip


def test_a_view_reads_one_state_while_an_import_commits(demo_settings, any_svc, tmp_path):
    base, day = _files(demo_settings, tmp_path)
    import_path(any_svc.engine, base, any_svc.rules)
    old = _counts(any_svc.engine)

    def compute():
        cases_first = _counts(any_svc.engine)[0]
        # another connection (a thread has a context of its own) imports and commits in the middle of the view
        writer = threading.Thread(target=import_path, args=(any_svc.engine, day, any_svc.rules))
        writer.start()
        writer.join(timeout=120)
        return cases_first, *_counts(any_svc.engine)

    first, cases, stages, version = any_svc.cached(("snapshot-test",), compute, scoped=False)
    assert (first, cases, stages, version) == (old[0], *old)  # every read saw the state before the import
    new = _counts(any_svc.engine)
    assert new[0] == old[0] + 40 and new[2] != old[2]  # and the import did land
    assert any_svc.cached(("snapshot-test",), lambda: "recomputed", scoped=False) == "recomputed"  # new version


def test_a_write_inside_a_snapshot_fails_loudly_instead_of_vanishing(any_svc):
    import pytest

    any_svc.init_db()
    with read_snapshot(any_svc.engine), pytest.raises(Exception):
        with session_scope(any_svc.engine) as s:
            s.add(Meta(key="stray", value="x"))
    with session_scope(any_svc.engine, write=True) as s:  # the way a request writes (audit log, sign-in)
        s.add(Meta(key="meant", value="y"))
    with session_scope(any_svc.engine) as s:
        assert s.get(Meta, "meant").value == "y" and s.get(Meta, "stray") is None


def test_every_callback_request_runs_in_one_snapshot(demo_settings, monkeypatch):
    app = create_app(dataclasses.replace(demo_settings, auth=False))
    svc = app.server.config["BOARD_SERVICE"]
    seen = []
    original = svc.tiles

    def tiles(*args, **kwargs):
        seen.append(engine_module._SNAPSHOT.get())
        return original(*args, **kwargs)

    monkeypatch.setattr(svc, "tiles", tiles)
    response = forge(app.server.test_client(), app, "home-kpis",
                     {"home-as-of.date": "2026-11-20", "home-period.value": 30})  # fmt: skip
    assert response.status_code == 200
    assert seen and seen[0] is not None and seen[0][0] is svc.engine
    assert engine_module._SNAPSHOT.get() is None  # closed with the request
