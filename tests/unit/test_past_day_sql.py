"""A past day's 双链进度 read in SQL (count, order, page, where cases wait, 责任边界) answers what computing the whole
portfolio answers, on SQLite and PostgreSQL."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from board.domain.portfolio import PortfolioFilter, party_split, where_cases_wait
from board.usecases.portfolio import _sorted
from board.usecases.service import PortfolioQuery

DAY = dt.date(2026, 11, 20)
PAST = DAY - dt.timedelta(days=25)


@pytest.fixture
def demo_any(any_svc):
    from sqlalchemy import text

    from board.demo.load import build_demo

    build_demo(any_svc, n_cases=600, seed=5, as_of=DAY)
    # empty values to sort: the demo fills every desired date and manager
    with any_svc.engine.begin() as conn:
        conn.execute(text("UPDATE cases SET desired_on = NULL, manager = NULL WHERE case_id LIKE '%3'"))
    return any_svc


def _computed(svc, q: PortfolioQuery, sort):
    data = svc.portfolio(q.as_of, q.unit, q.states, q.applied_from, q.applied_to)
    return data, _sorted(svc._matching(q, data), sort)


def _assert_rows_equal(rows: pd.DataFrame, want: pd.DataFrame) -> None:
    assert rows["case_id"].tolist() == want["case_id"].tolist()
    for col in ("supervision_level", "strip", "state_as_of", "unit_code", "customer_name"):
        assert rows[col].tolist() == want[col].tolist(), col
    for col in ("holding_party", "current_stages", "risk", "baseline_flag"):
        assert rows[col].fillna("").tolist() == want[col].fillna("").tolist(), col
    for col in ("grid_wd", "customer_cd", "connect_cd", "age_cd"):
        assert rows[col].astype(float).fillna(-1).tolist() == want[col].astype(float).fillna(-1).tolist(), col
    for col in ("forecast_on", "late_on"):
        got, exp = pd.to_datetime(rows[col]), pd.to_datetime(want[col])
        assert got.fillna(pd.Timestamp(0)).tolist() == exp.fillna(pd.Timestamp(0)).tolist(), col


QUERIES = [
    PortfolioQuery(PAST, None, frozenset({"open"})),
    PortfolioQuery(PAST, None, frozenset({"open", "energized", "cancelled"})),
    PortfolioQuery(PAST, "YL-QX", frozenset({"energized"})),
    PortfolioQuery(PAST, None, frozenset({"open"}), flt=PortfolioFilter(voltage="mv", customer_class="high")),
    PortfolioQuery(PAST, None, frozenset({"open", "energized"}), flt=PortfolioFilter(key_only=True)),
    PortfolioQuery(PAST, None, frozenset({"open"}), flt=PortfolioFilter(text="0001")),
    PortfolioQuery(PAST, None, frozenset({"open", "cancelled"}), dt.date(2026, 6, 1), dt.date(2026, 9, 30)),
]


@pytest.mark.parametrize("q", QUERIES, ids=range(len(QUERIES)))
def test_a_past_days_pages_and_figures_are_the_computed_ones(demo_any, q):
    svc = demo_any
    assert svc.read_day(q.as_of) is None and svc._past_query(q, []) is not None
    data, want = _computed(svc, q, [])
    rows = svc.portfolio_rows(q, 0, 100_000, [])
    assert len(want) > 0
    _assert_rows_equal(rows, want)
    summary = svc.portfolio_summary(q)
    assert summary.count == svc.portfolio_count(q) == len(want)
    ids = set(want["case_id"])
    wait = where_cases_wait(data.open_stages[data.open_stages["case_id"].isin(ids)], svc.rules)
    pd.testing.assert_frame_equal(summary.wait.reset_index(drop=True), wait.reset_index(drop=True), check_dtype=False)
    root = data.scope.root
    split = party_split(data.party_days[data.party_days["case_id"].isin(ids)], data.units, root)
    key = ["child", "party"]
    got = summary.split[summary.split["days"] > 0].sort_values(key).reset_index(drop=True)[[*key, "days", "unit_name"]]
    exp = split[split["days"] > 0].sort_values(key).reset_index(drop=True)[[*key, "days", "unit_name"]]
    pd.testing.assert_frame_equal(got, exp, check_dtype=False)
    assert summary.share == pytest.approx(_share(split), nan_ok=True)


def _share(split):
    return split.loc[split["party"] == "utility", "days"].sum() / split["days"].sum()


SORTS = [
    [("capacity_kva", True)], [("days", False)], [("days", True)], [("applied_on", False)], [("desired", True)],
    [("manager", False)], [("unit_name", True), ("capacity_kva", False)], [("state_name", False)],
    [("supervision_level", False)], [("class_name", True)], [("case_id", True)], [("customer_name", False)],
]  # fmt: skip


@pytest.mark.parametrize("sort", SORTS, ids=lambda s: "+".join(f"{c}{'-' if d else ''}" for c, d in s))
def test_a_past_days_grid_sorts_and_pages_as_the_computed_portfolio(demo_any, sort):
    svc = demo_any
    q = PortfolioQuery(PAST, None, frozenset({"open", "energized", "cancelled"}))
    assert svc._past_query(q, sort) is not None
    _data, want = _computed(svc, q, sort)
    whole = svc.portfolio_rows(q, 0, 100_000, sort)
    assert whole["case_id"].tolist() == want["case_id"].tolist()
    for start in (0, 37, len(whole) - 5):  # pages are slices of the same order, every case reachable once
        page = svc.portfolio_rows(q, start, start + 40, sort)
        _assert_rows_equal(page.reset_index(drop=True), want.iloc[start : start + 40].reset_index(drop=True))


@pytest.mark.parametrize(
    "q, sort",
    [
        (PortfolioQuery(PAST, None, frozenset({"open"}), flt=PortfolioFilter(party="utility")), []),
        (PortfolioQuery(PAST, None, frozenset({"open"}), risk="likely_late"), []),
        (PortfolioQuery(PAST, None, frozenset({"open"})), [("forecast", False)]),
        (PortfolioQuery(PAST, None, frozenset({"open"})), [("holder", True)]),
    ],
    ids=["party", "risk", "forecast", "holder"],
)
def test_what_only_the_computed_measures_know_falls_back_to_them(demo_any, q, sort):
    svc = demo_any
    assert svc._past_query(q, sort) is None
    _data, want = _computed(svc, q, sort)
    rows = svc.portfolio_rows(q, 0, 100_000, sort)
    assert rows["case_id"].tolist() == want["case_id"].tolist()
    assert svc.portfolio_count(q) == len(want)


@pytest.mark.parametrize("unit", [None, "YL-QX"])
def test_the_open_stages_other_pages_read_group_as_the_sql_groups(demo_any, unit):
    """双链进度's summary of every open case takes the day's open stage rows (总览's, 超时预警's, the wall's) grouped
    in pandas: the same groups its SQL counts."""
    from sqlalchemy import text

    from data_access import queries
    from data_access.engine import session_scope

    svc = demo_any
    with svc.engine.begin() as conn:  # a stage without a time limit groups under an empty limit
        conn.execute(text("UPDATE stages SET limit_days = NULL WHERE stage_code IN ('C3', 'L2')"))
    past = svc._past_query(PortfolioQuery(PAST, unit, frozenset({"open"})), [])
    assert past.every_open_case
    assert not svc._past_query(PortfolioQuery(PAST, unit, frozenset({"open"}), PAST), []).every_open_case
    with session_scope(svc.engine) as s:
        want = queries.open_stage_groups(s, past)
        rows = queries.fetch_open_stages(s, as_of=PAST, scope=past.scope)
    got = queries.group_open_stages(rows)
    key = queries.past.GROUP_KEYS
    assert len(want) > (10 if unit is None else 1) and got["n"].sum() == want["n"].sum() == len(rows)

    def tidy(f):  # an all-NULL column of the SQL's answer comes back as None, not NaN
        f = f.assign(limit_days=f["limit_days"].astype(float))
        return f.sort_values(key, na_position="first").reset_index(drop=True)[[*key, "n"]]

    pd.testing.assert_frame_equal(tidy(got), tidy(want), check_dtype=False)


@pytest.mark.parametrize("unit", [None, "YL-QX"])
def test_the_held_rollup_adds_up_what_the_open_cases_stages_held(demo_any, unit):
    """`held_party_days` (the held_daily rollup summed up to a day) answers what `finished_party_days` adds up from
    the stage rows of the cases open that day, on days from before the first application to after the last; with
    cases cancelled, energized before their application, and applied a month after their first stages finished.
    The rollup computed from frames (a first load) is the rebuilt one."""
    from sqlalchemy import text

    from data_access import held, queries
    from data_access.engine import session_scope

    svc = demo_any
    with svc.engine.begin() as conn:
        sqlite = conn.dialect.name == "sqlite"
        ids = [r[0] for r in conn.execute(text("SELECT case_id FROM cases ORDER BY case_id"))]
        energized = [r[0] for r in conn.execute(text("SELECT case_id FROM cases WHERE energized_on IS NOT NULL"))]
        month = "date(applied_on, '+30 day')" if sqlite else "applied_on + 30"
        before = "date(applied_on, '-1 day')" if sqlite else "applied_on - 1"
        conn.execute(text(f"UPDATE cases SET applied_on = {month} WHERE case_id LIKE '%7'"))
        conn.execute(text("UPDATE cases SET status = 'cancelled' WHERE case_id = :c"), [{"c": c} for c in ids[:5]])
        conn.execute(text(f"UPDATE cases SET energized_on = {before} WHERE case_id = :c"),
                     [{"c": c} for c in energized[-5:]])  # fmt: skip
        held.rebuild(conn)
        stages = pd.read_sql(text("SELECT * FROM stages"), conn)
        cases = pd.read_sql(text("SELECT * FROM cases"), conn)
        stored = pd.read_sql(text("SELECT * FROM held_daily"), conn)

    def rows(f):
        f = f.assign(day=pd.to_datetime(f["day"]))
        return f.sort_values(held.KEYS).reset_index(drop=True)[held.KEYS + held.SUMS]

    pd.testing.assert_frame_equal(rows(held.from_frames(stages, cases)), rows(stored), check_dtype=False)
    first = dt.date(2024, 12, 1)
    days = [first + dt.timedelta(days=d) for d in range(0, (DAY - first).days + 40, 9)]
    checked = 0
    for day in days:
        past = svc._past_query(PortfolioQuery(day, unit, frozenset({"open"})), [])
        with session_scope(svc.engine) as s:
            want = queries.finished_party_days(s, past)
            got = queries.held_party_days(s, past)

        def tidy(f):
            return f.sort_values(["unit_code", "party"]).reset_index(drop=True)

        pd.testing.assert_frame_equal(tidy(got), tidy(want), check_dtype=False, obj=str(day))
        checked += len(want) > 0
    assert checked > 40
