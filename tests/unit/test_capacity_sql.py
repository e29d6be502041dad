"""可开放容量's SQL (found by the open bands, read from the covering band index) answers what a plain computation
over every case and reply stage answers, for today and past days, for the whole company and a 县公司, on SQLite and
PostgreSQL (whose whole company goes without bands)."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest
from sqlalchemy import select

from data_access.engine import session_scope
from data_access.models import Case, Stage
from data_access.queries import feeder_load, fetch_open_points, queued_by_unit, resolve_scope

DAY = dt.date(2026, 11, 20)
DAYS = [DAY, DAY - dt.timedelta(days=3), DAY - dt.timedelta(days=40), DAY - dt.timedelta(days=250)]


@pytest.fixture
def demo_any(any_svc):
    from board.demo.load import build_demo

    build_demo(any_svc, n_cases=500, seed=11, as_of=DAY)
    return any_svc


def _by_hand(svc, day: dt.date, codes: tuple[str, ...]):
    with session_scope(svc.engine) as s:
        cols = [Case.case_id, Case.unit_code, Case.feeder_code, Case.capacity_kva, Case.applied_on, Case.energized_on,
                Case.status, Case.lat]  # fmt: skip
        cases = pd.DataFrame(s.execute(select(*cols)).all())
        reply = pd.DataFrame(s.execute(select(Stage.case_id, Stage.finished_on).where(
            Stage.stage_code.in_(("G3", "L1")))).all())  # fmt: skip
    open_ = cases[(cases["applied_on"] <= day) & (cases["status"] != "cancelled")
                  & (cases["energized_on"].isna() | (cases["energized_on"] > day))]  # fmt: skip
    answered = set(reply.loc[reply["finished_on"].notna() & (reply["finished_on"] <= day), "case_id"])
    fed = open_[open_["feeder_code"].notna()].assign(promised=lambda f: f["case_id"].isin(answered) * f["capacity_kva"])
    load = fed.groupby("feeder_code").agg(open_cases=("case_id", "size"), queued_kva=("capacity_kva", "sum"),
                                          promised_kva=("promised", "sum"))  # fmt: skip
    mine = open_[open_["unit_code"].isin(codes)]
    queued = mine.groupby("unit_code").agg(open_cases=("case_id", "size"), queued_kva=("capacity_kva", "sum"))
    return load, queued, set(mine.loc[mine["lat"].notna(), "case_id"])


@pytest.mark.parametrize("unit", [None, "YL-QX"])
def test_capacity_queries_match_a_computation_over_every_case(demo_any, unit):
    for day in DAYS:
        with session_scope(demo_any.engine) as s:
            scope = resolve_scope(s, unit)
            load = feeder_load(s, as_of=day).set_index("feeder_code").sort_index()
            queued = queued_by_unit(s, as_of=day, scope=scope).set_index("unit_code").sort_index()
            points = fetch_open_points(s, as_of=day, scope=scope, limit=100_000)
        want_load, want_queued, want_points = _by_hand(demo_any, day, scope.codes)
        assert len(want_load) > 3 and len(want_queued) >= 1, day  # the day has open cases to compare
        assert load["open_cases"].tolist() == want_load["open_cases"].tolist(), day
        assert load.index.tolist() == want_load.index.tolist(), day
        for col in ("queued_kva", "promised_kva"):
            assert load[col].astype(float).round(3).tolist() == want_load[col].astype(float).round(3).tolist(), (
                day,
                col,
            )
        assert queued["open_cases"].tolist() == want_queued["open_cases"].tolist(), day
        assert queued["queued_kva"].astype(float).round(3).tolist() == want_queued["queued_kva"].round(3).tolist()
        assert set(points["case_id"]) == want_points, day


def test_the_upgrade_fills_the_reply_day_the_import_derives(demo_any):
    """Migration 0008 fills `replied_on` of existing cases in SQL: the day the import derives from the stage rows
    (high voltage G3, low voltage L1; none before the reply)."""
    import importlib

    from sqlalchemy import text, update

    def stored():
        with demo_any.engine.connect() as conn:
            return dict(conn.execute(select(Case.case_id, Case.replied_on)).all())

    imported = stored()
    assert sum(v is None for v in imported.values()) > 10 and sum(v is not None for v in imported.values()) > 100
    migration = importlib.import_module("data_access.migrations.versions.0008_replied_on")
    with demo_any.engine.begin() as conn:
        conn.execute(update(Case).values(replied_on=None))
        conn.execute(text(migration.backfill()))
    assert stored() == imported
