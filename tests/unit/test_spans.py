"""Open bands: a span's band by hand, and `open_during` finds every row open on some day of a range (SQL)."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest
from sqlalchemy import Column, Date, Integer, MetaData, String, Table, create_engine, select

from data_access import spans

D = dt.date(2026, 3, 31)


def test_a_span_of_at_most_2_to_the_k_days_is_in_band_k():
    starts = [D, D, D, D, D, D, D, D, None, D]
    ends = [D, D + dt.timedelta(1), D + dt.timedelta(2), D + dt.timedelta(3), D + dt.timedelta(4),
            D + dt.timedelta(5), D + dt.timedelta(1024), D + dt.timedelta(1025), None, None]  # fmt: skip
    got = spans.bands(pd.Series(starts, dtype="datetime64[ns]"), pd.Series(ends, dtype="datetime64[ns]"))
    # 0 and 1 day: band 0; 2: 1; 3 and 4: 2; 5: 3; 1024: 10; 1025: LONG; no start: missing; no end: OPEN
    assert got.tolist() == [0, 0, 1, 2, 2, 3, 10, spans.LONG, pd.NA, spans.OPEN]


@pytest.fixture
def table():
    engine = create_engine("sqlite://")
    meta = MetaData()
    rows = Table("rows", meta, Column("id", Integer, primary_key=True), Column("start", Date), Column("end", Date),
                 Column("band", Integer), Column("unit", String))  # fmt: skip
    meta.create_all(engine)
    rng = np.random.default_rng(7)
    n = 3000
    start = pd.Series(pd.Timestamp("2025-01-01") + pd.to_timedelta(rng.integers(0, 700, n), unit="D"))
    length = rng.choice([0, 1, 2, 3, 7, 9, 30, 100, 400, 1500], size=n) + rng.integers(0, 3, n)
    end = start + pd.to_timedelta(length, unit="D")
    end[rng.random(n) < 0.1] = pd.NaT  # not finished
    start[rng.random(n) < 0.02] = pd.NaT  # not started
    frame = pd.DataFrame({"id": range(n), "start": start, "end": end})
    frame["band"] = spans.bands(frame["start"], frame["end"])
    frame["unit"] = rng.choice(["A1", "A2", "B"], n)
    with engine.begin() as conn:
        conn.execute(rows.insert(), [
            {"id": r.id, "start": None if pd.isna(r.start) else r.start.date(),
             "end": None if pd.isna(r.end) else r.end.date(), "band": None if pd.isna(r.band) else int(r.band),
             "unit": r.unit}
            for r in frame.itertuples()
        ])  # fmt: skip
    yield engine, rows, frame
    engine.dispose()


@pytest.mark.parametrize("first,last", [("2025-01-01", "2025-01-01"), ("2025-06-30", "2025-06-30"),
                                        ("2026-03-01", "2026-05-24"), ("2027-01-01", "2027-01-01")])  # fmt: skip
def test_open_during_finds_every_row_open_on_a_day_of_the_range(table, first, last):
    engine, rows, frame = table
    first, last = dt.date.fromisoformat(first), dt.date.fromisoformat(last)
    lo, hi = pd.Timestamp(first), pd.Timestamp(last)
    mine = frame["unit"].isin(["A1", "B"])
    expected = set(frame.loc[mine & (frame["start"] <= hi) & (frame["end"].isna() | (frame["end"] > lo)), "id"])
    during = spans.open_during(rows.c.band, rows.c.unit, ["A1", "B"], rows.c.start, first, last)
    with engine.connect() as conn:
        found = set(conn.scalars(select(rows.c.id).where(during)))
    assert expected <= found
    assert len(found) <= 2 * len(expected) + 10  # a short range per band, not every row started before the day


def test_the_upgrade_and_a_recompute_give_the_bands_the_import_gives(any_svc):
    """Migration 0006 fills the bands of existing rows in SQL, `board recompute` rewrites them with the outcomes:
    both as the import computes them (a demo company: cancelled cases, stages open, late and on time)."""
    import importlib

    from sqlalchemy import text, update

    from board.demo.load import build_demo
    from board.ingest.calendar_load import recompute_outcomes
    from data_access.models import Case, Stage

    build_demo(any_svc, n_cases=400, seed=5, as_of=dt.date(2026, 11, 20))

    def stored():
        with any_svc.engine.connect() as conn:
            cases = dict(conn.execute(select(Case.case_id, Case.open_band)).all())
            stages = dict(conn.execute(select(Stage.id, Stage.open_band)).all())
        return cases, stages

    imported = stored()
    with any_svc.engine.connect() as conn:
        rows = pd.read_sql(select(Stage.id, Stage.started_on, Stage.finished_on, Stage.on_time), conn)
        cases = pd.read_sql(select(Case.case_id, Case.applied_on, Case.energized_on, Case.status), conn)
    want = spans.bands(rows["started_on"], rows["finished_on"], rows["on_time"])
    assert dict(zip(rows["id"], want.astype(object).where(want.notna(), None))) == imported[1]
    assert {spans.OPEN, 3, spans.ON_TIME + 2} <= set(imported[1].values())  # open, late and on-time stages
    assert {spans.OPEN, 5, 6} <= set(imported[0].values())
    cancelled = cases.loc[cases["status"] == "open", "case_id"].iloc[0]  # a case cancelled since: never open
    imported[0][cancelled] = None

    migration = importlib.import_module("data_access.migrations.versions.0006_open_bands")
    with any_svc.engine.begin() as conn:
        conn.execute(update(Case).where(Case.case_id == cancelled).values(status="cancelled"))
        conn.execute(update(Case).values(open_band=None))
        conn.execute(update(Stage).values(open_band=None))
        for statement in migration.backfill(conn.dialect.name == "sqlite"):
            conn.execute(text(statement))
    assert stored() == imported

    with any_svc.engine.begin() as conn:
        conn.execute(update(Stage).values(open_band=None))
    recompute_outcomes(any_svc)
    assert stored()[1] == imported[1]


def test_only_postgresql_with_a_whole_company_scope_goes_without_bands(small_svc):
    from data_access import queries
    from data_access.engine import session_scope

    with session_scope(small_svc.engine) as session:
        whole, county = queries.resolve_scope(session, None), queries.resolve_scope(session, "A")
    assert whole.whole and not county.whole
    assert spans.worth_it("sqlite", True) and spans.worth_it("sqlite", False) and spans.worth_it("postgresql", False)
    assert not spans.worth_it("postgresql", True)


def test_unbanded_open_conditions_leave_the_bands_out():
    from data_access.queries import Scope
    from data_access.queries.cases import open_cases_on, open_stages_on

    scope = Scope("R", ("R", "A"))
    for build in (open_cases_on, open_stages_on):
        assert "open_band" in str(build(D, D, scope))
        assert "open_band" not in str(build(D, D, scope, banded=False))
