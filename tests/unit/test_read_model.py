"""The read model answers what the per-request computation answers: for today, for a past day, after an import."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from board.domain.portfolio import PortfolioFilter
from board.domain.status import stage_status
from board.usecases.refresh import refresh, week_overdue
from board.usecases.service import BoardService, PortfolioQuery
from data_access import queries
from data_access.engine import session_scope
from tests.fixtures import write_small

DAY = dt.date(2026, 11, 20)
STAGE_COLS = ["unit_code", "chain", "party", "limit_days", "status", "elapsed", "elapsed_cd", "remaining", "overrun"]


@pytest.fixture
def built(demo_settings):
    svc = BoardService(demo_settings)
    refresh(svc, DAY)
    return svc


def _computed_open_stages(svc, day, scope, where=queries.NO_FILTER):
    with session_scope(svc.engine) as session:
        stages = queries.fetch_open_stages(session, as_of=day, scope=scope, where=where)
    return stage_status(stages, day, svc.calendar, svc.rules)


def _by_stage(frame: pd.DataFrame) -> pd.DataFrame:
    out = frame.sort_values(["case_id", "stage_code"]).set_index(["case_id", "stage_code"])[STAGE_COLS].copy()
    out["status"] = out["status"].astype(str)
    return out.astype({"elapsed": float, "elapsed_cd": float, "remaining": float, "overrun": float})


@pytest.mark.parametrize("where", [queries.NO_FILTER, queries.CaseFilter(voltage="mv", customer_class="high")])
def test_open_stages_are_the_computed_ones(built, where):
    scope = built.scope(None)
    assert built.read_day(DAY) == DAY.toordinal()
    stored = built.open_stages(DAY, scope, where)
    computed = _computed_open_stages(built, DAY, scope, where)
    assert len(stored) == len(computed) > 0
    pd.testing.assert_frame_equal(_by_stage(stored), _by_stage(computed), check_dtype=False)


@pytest.mark.parametrize(
    "states", [{"open"}, {"energized"}, {"cancelled"}, {"open", "energized", "cancelled"}], ids=lambda s: "+".join(s)
)
def test_portfolio_rows_and_summary_match_the_computed_portfolio(built, states):
    # the whole company: 800 demo cases over six 县公司 leave one county with hardly any cancelled case
    q = PortfolioQuery(DAY, "YL", frozenset(states))
    rows = built.portfolio_rows(q, 0, 100_000, [])
    summary = built.portfolio_summary(q)
    computed = built.portfolio(DAY, "YL", frozenset(states))
    assert summary.count == len(rows) == len(computed.cases) > 0
    expect = computed.cases.set_index("case_id").loc[rows["case_id"]]
    for col in ("supervision_level", "strip", "state_as_of", "unit_code"):
        assert rows[col].tolist() == expect[col].tolist(), col
    for col in ("holding_party", "current_stages", "risk"):
        assert rows[col].fillna("").tolist() == expect[col].fillna("").tolist(), col
    for col in ("grid_wd", "customer_cd", "connect_cd"):
        assert rows[col].astype(float).fillna(-1).tolist() == expect[col].astype(float).fillna(-1).tolist(), col
    fc = pd.to_datetime(expect["forecast_on"])
    assert pd.to_datetime(rows["forecast_on"]).fillna(pd.Timestamp(0)).tolist() == fc.fillna(pd.Timestamp(0)).tolist()
    # the figures of the page: where cases wait and 责任边界
    ids = set(computed.cases["case_id"])
    from board.domain.portfolio import party_split, where_cases_wait

    wait = where_cases_wait(computed.open_stages[computed.open_stages["case_id"].isin(ids)], built.rules)
    pd.testing.assert_frame_equal(summary.wait.reset_index(drop=True), wait.reset_index(drop=True), check_dtype=False)
    split = party_split(computed.party_days[computed.party_days["case_id"].isin(ids)], computed.units, "YL")
    key = ["child", "party"]
    # a party with a case held 0 days draws no bar: the read model may leave that row out
    got = summary.split[summary.split["days"] > 0].sort_values(key).reset_index(drop=True)[[*key, "days"]]
    want = split[split["days"] > 0].sort_values(key).reset_index(drop=True)[[*key, "days"]]
    pd.testing.assert_frame_equal(got, want, check_dtype=False)


def test_grid_pages_sort_and_filter_in_sql(built):
    q = PortfolioQuery(DAY, None, frozenset({"open"}), flt=PortfolioFilter(customer_class="high"))
    total = built.portfolio_summary(q).count
    pages = [built.portfolio_rows(q, s, s + 7, [("capacity_kva", True)]) for s in range(0, total, 7)]
    every = pd.concat(pages)
    assert len(every) == total and every["case_id"].is_unique  # every case reachable, none twice
    assert every["capacity_kva"].is_monotonic_decreasing and set(every["customer_class"]) == {"high"}
    hostile = PortfolioQuery(DAY, None, frozenset({"open"}), flt=PortfolioFilter(text="%' OR 1=1--"))
    assert built.portfolio_summary(hostile).count == 0 and built.portfolio_rows(hostile, 0, 10, []).empty


def test_weekly_overdue_counts_match(built):
    week_end = dt.date(2026, 11, 15)
    with session_scope(built.engine) as session:
        from board.usecases.refresh import version_key

        counts = week_overdue(built, session, week_end, version_key(built))
        again = queries.week_overdue(session, week_end, version_key(built))
    computed = _computed_open_stages(built, week_end, built.scope(None))
    late = computed[computed["status"].astype(str) == "overdue"]["unit_code"].value_counts()
    assert counts.sort_index().to_dict() == late.sort_index().to_dict()
    assert again.drop("*").sort_index().to_dict() == late.sort_index().to_dict()  # stored for the other workers


def test_many_week_ends_counted_in_one_pass_as_each_alone(built):
    """Twelve week ends of a day months back, none stored: one pass over the stage rows gives each week end the
    counts of its own open stages with their status on that day."""
    from board.domain.trend import week_ends
    from board.usecases.refresh import version_key, weeks_overdue

    ends = [d for d in week_ends(DAY - dt.timedelta(days=120), 12) if d < DAY - dt.timedelta(days=100)]
    with session_scope(built.engine) as session:
        assert all(queries.week_overdue(session, d, version_key(built)) is None for d in ends)
        counts = weeks_overdue(built, session, ends, version_key(built))
    assert sorted(counts) == sorted(ends) and len(ends) >= 10
    nonzero = 0
    for d in ends:
        computed = _computed_open_stages(built, d, built.scope(None))
        late = computed[computed["status"].astype(str) == "overdue"]["unit_code"].value_counts()
        assert counts[d].sort_index().to_dict() == late.sort_index().to_dict(), d
        nonzero += int(late.sum() > 0)
    assert nonzero >= len(ends) // 2  # the comparison is about real counts, not empty ones


def test_a_past_day_is_computed_on_demand(built):
    past = DAY - dt.timedelta(days=40)
    assert built.read_day(past) is None
    scope = built.scope(None)
    stages = built.open_stages(past, scope)
    pd.testing.assert_frame_equal(_by_stage(stages), _by_stage(_computed_open_stages(built, past, scope)))
    q = PortfolioQuery(past, None, frozenset({"open"}))
    assert built.portfolio_summary(q).count == len(built.portfolio(past, None, frozenset({"open"})).cases)


def test_duration_model_is_stored_and_read_back(built):
    from board.domain.duration import fit

    stored = built.duration_model(DAY)
    fitted = fit(built.duration_points(DAY))
    assert stored.train_size == fitted.train_size and stored.mae_days == pytest.approx(fitted.mae_days)
    assert stored.predict(800, 10) == fitted.predict(800, 10)


def test_a_past_days_model_learns_only_from_cases_energized_by_then(built):
    from board.domain.duration import fit

    past = DAY - dt.timedelta(days=120)
    with session_scope(built.engine) as session:
        direct = queries.customer_chain_totals(session, as_of=past)
    points = built.duration_points(past)  # filtered from the points read once up to today
    assert 0 < len(points) == len(direct) < len(built.duration_points(DAY))
    assert set(points["case_id"]) == set(direct["case_id"])
    model, expected = built.duration_model(past), fit(direct)
    assert (model.train_size, model.test_size) == (expected.train_size, expected.test_size)
    assert model.mae_days == pytest.approx(expected.mae_days)
    assert model.predict(800, 10) == expected.predict(800, 10)


def test_an_import_that_changes_a_case_is_never_served_stale(small_svc, tmp_path):
    svc, day = small_svc, dt.date(2026, 3, 5)
    refresh(svc, day)
    assert svc.read_day(day) == day.toordinal()
    scope = svc.scope(None)
    assert "B1C" in set(svc.open_stages(day, scope)["case_id"])
    # B1C's last stage finishes on 03-04: the case is energized before the read model's day
    folder = write_small(tmp_path / "again")
    stages = (folder / "stages.csv").read_text(encoding="utf-8")
    (folder / "stages.csv").write_text(stages.replace("B1C,L2,2026-03-03,,", "B1C,L2,2026-03-03,2026-03-04,"),
                                       encoding="utf-8")  # fmt: skip
    from board.ingest.importer import import_path

    import_path(svc.engine, folder, svc.rules)
    assert svc.read_day(day) is None  # the read model is of the old data: not used
    assert "B1C" not in set(svc.open_stages(day, scope)["case_id"])
    refresh(svc, day)
    rows = svc.portfolio_rows(PortfolioQuery(day, None, frozenset({"energized"})), 0, 10, [])
    assert "B1C" in set(rows["case_id"])
    assert "B1C" not in set(svc.open_stages(day, scope)["case_id"])


@pytest.mark.parametrize("metric", ["overdue_open", "warning_open", "avg_overrun", "late_rate"])
@pytest.mark.parametrize("where", [queries.NO_FILTER, queries.CaseFilter(voltage="lv")], ids=["all", "lv"])
def test_heatmap_from_the_read_model_matches_the_computed_one(built, metric, where):
    from board.domain.alerts import heatmap_matrix

    stored = built.heatmap(DAY, "YL-QX", 30, where, metric)
    data = built.alerts(DAY, "YL-QX", 30, where)
    computed = _computed_open_stages(built, DAY, data.scope, where)
    expect = heatmap_matrix(metric, data.units, "YL-QX", computed, data.finished, built.rules)
    pd.testing.assert_frame_equal(stored, expect, check_dtype=False)


def test_a_new_day_is_built_in_the_background_by_its_first_request(demo_settings):
    import dataclasses
    import threading

    refresh(BoardService(demo_settings), DAY)
    tomorrow = DAY + dt.timedelta(days=1)
    svc = BoardService(dataclasses.replace(demo_settings, as_of=tomorrow.isoformat()))
    assert svc.read_day(tomorrow) is None  # served on demand meanwhile …
    for thread in [t for t in threading.enumerate() if t.name == "board-refresh"]:
        thread.join(120)
    assert svc.read_day(tomorrow) == tomorrow.toordinal()  # … and built by then, from the same data
    past = DAY - dt.timedelta(days=3)
    assert svc.read_day(past) is None and not [t for t in threading.enumerate() if t.name == "board-refresh"]


@pytest.mark.parametrize("sort", [[], [("capacity_kva", True)], [("days", False)], [("customer_name", False)]])
def test_a_deep_page_is_the_same_rows_as_the_shallow_read(built, monkeypatch, sort):
    """Deep pages find their rows over narrow rows first; they must be exactly the rows the one-query read gives."""
    from data_access.queries import read_model

    q = PortfolioQuery(DAY, "YL", frozenset({"open", "energized"}))
    whole = built.portfolio_rows(q, 0, 100_000, sort)
    monkeypatch.setattr(read_model, "NARROW_FROM", 0)
    for start in (0, 37, len(whole) - 5):
        page = built.portfolio_rows(q, start, start + 40, sort)
        assert page["case_id"].tolist() == whole["case_id"].iloc[start : start + 40].tolist()


@pytest.mark.parametrize("klass", ["low_resident", "low_nonresident", "high"])
def test_a_grid_block_of_one_customer_class_is_served(built, klass):
    """A block of low-voltage cases only has no customer-chain days at all: the column comes back all NULL (None,
    not NaN) and the 客户侧/基准 cell must read empty, not fail the request (a load run found it as HTTP 500s)."""
    from callbacks.progress import portfolio_rows

    stored = {"as_of": DAY.isoformat(), "unit": "YL", "states": ["open"], "class": klass}
    block = portfolio_rows(built, stored, {"startRow": 0, "endRow": 100})
    assert block["rowCount"] > 0 and len(block["rowData"]) == min(100, block["rowCount"])


def test_an_energized_cases_stage_left_open_is_not_open_work_either_way(small_svc, tmp_path):
    """A record that never closed an early stage of a case already energized: the read model holds no open stage
    of an energized case, and a past day computed on demand agrees."""
    from board.ingest.importer import import_path

    svc, day = small_svc, dt.date(2025, 11, 3)
    folder = write_small(tmp_path / "left-open")
    stages = (folder / "stages.csv").read_text(encoding="utf-8")
    (folder / "stages.csv").write_text(stages.replace("L1C,L1,2025-09-26,2025-09-28,", "L1C,L1,2025-09-26,,"),
                                       encoding="utf-8")  # fmt: skip
    import_path(svc.engine, folder, svc.rules)
    scope = svc.scope(None)
    computed = svc.open_stages(day, scope)
    assert svc.read_day(day) is None and "L1C" not in set(computed["case_id"])
    refresh(svc, day)
    assert svc.read_day(day) == day.toordinal()
    assert set(svc.open_stages(day, scope)["case_id"]) == set(computed["case_id"])
