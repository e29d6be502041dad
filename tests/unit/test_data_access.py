"""Queries on SQLite and PostgreSQL (the `any_svc` fixture runs each test on both) with hand-computed results."""

import datetime as dt

import pytest

from board.usecases.service import format_stage_report
from data_access.engine import session_scope
from data_access.queries import UnknownUnit, finished_summary, resolve_scope

AS_OF = dt.date(2026, 3, 5)


def test_scope_is_a_unit_and_its_subtree(small_svc):
    assert small_svc.scope("A").codes == ("A", "A1", "A2")
    assert small_svc.scope(None).root == "R"
    with pytest.raises(UnknownUnit):
        small_svc.scope("' OR 1=1--")


def test_stage_report_matches_hand_counts(small_svc):
    report = format_stage_report(small_svc.stage_table(AS_OF))
    rows = {(r.case_id, r.stage_code): (r.elapsed, r.state, r.status) for r in report.itertuples()}
    assert rows[("H1", "G1")] == (1, "finished", "on_time")
    assert rows[("H1", "G2")] == (5, "finished", "overdue")  # Feb 4 (worked Sunday), 5, 6, 7, 8
    assert rows[("H1", "G3")] == (3, "finished", "on_time")  # Feb 9, 18, 19 across the Spring Festival
    assert rows[("H1", "G4")][1:] == ("open", "overdue")
    assert rows[("L1C", "L1")] == (1, "finished", "on_time")  # Sep 28 was worked
    assert rows[("L1C", "L2")] == (6, "finished", "on_time")  # Sep 29, 30, Oct 9, 10, 11, 13
    assert rows[("B1C", "L2")] == (2, "open", "warning")  # limit 3, remaining 1
    assert list(report.columns) == [
        "case_id",
        "unit_code",
        "chain",
        "stage_code",
        "started_on",
        "finished_on",
        "party",
        "limit",
        "limit_unit",
        "elapsed",
        "state",
        "status",
    ]


def test_past_as_of_reproduces_the_past(small_svc):
    report = format_stage_report(small_svc.stage_table(dt.date(2024, 2, 20)))
    rows = {(r.case_id, r.stage_code): (r.elapsed, r.state, r.status) for r in report.itertuples()}
    assert set(report["case_id"]) == {"H1"}  # the other cases were not applied yet
    assert rows[("H1", "G4")] == (1, "open", "warning")
    assert rows[("H1", "C1")] == (1, "open", "normal")


def test_scope_restricts_stage_report(small_svc):
    report = small_svc.stage_table(AS_OF, "A2")
    assert set(report["case_id"]) == {"L1C"}


def test_finished_summary_aggregates_in_sql(small_svc):
    with session_scope(small_svc.engine) as s:
        scope = resolve_scope(s, None)
        frame = finished_summary(s, start=dt.date(2024, 1, 1), end=AS_OF, scope=scope)
    totals = frame.set_index("unit_code")
    assert totals.loc["A1", "finished"] == 3 and totals.loc["A1", "on_time"] == 2
    assert totals.loc["A2", "finished"] == 2 and totals.loc["A2", "on_time"] == 2
    assert totals.loc["B", "finished"] == 1


def test_kpis_by_hand(small_svc):
    kpis = {k.name: k.value for k in small_svc.kpis(AS_OF, None, 30)}
    assert kpis["on_time_rate"] == 1.0  # only B1C L1 finished in the 30 days
    assert kpis["overdue_open"] == 2  # H1 G4 and C1
    assert kpis["warning_open"] == 1  # B1C L2
    assert kpis["open_cases"] == 2
    assert kpis["customer_visible_rate"] == 1.0
    assert kpis["warning_success_rate"] == 1.0  # B1C L1 reached its 1-day limit, finished on time
    assert kpis["aged_300_plus"] == 1


def test_child_overview_lists_units_without_cases(small_svc):
    frame = small_svc.child_overview(AS_OF, "A", 30).set_index("unit_code")
    assert list(frame.index) == ["A1", "A2"]
    assert frame.loc["A1", "overdue_open"] == 2 and frame.loc["A2", "open_cases"] == 0


def test_rollup_follows_a_partial_reimport(small_svc, tmp_path):
    from board.ingest.importer import import_path
    from tests.fixtures import STAGES, write_small

    fewer = "\n".join(line for line in STAGES.splitlines() if not line.startswith("H1,G1")) + "\n"
    import_path(small_svc.engine, write_small(tmp_path / "again", stages=fewer), small_svc.rules)
    with session_scope(small_svc.engine) as s:
        frame = finished_summary(s, start=dt.date(2024, 1, 1), end=AS_OF, scope=resolve_scope(s, None))
    totals = frame.set_index("unit_code")
    assert totals.loc["A1", "finished"] == 2 and totals.loc["A1", "on_time"] == 1  # G2 late, G3 on time


def test_rollup_filters_match_case_attributes(small_svc):
    from data_access.queries import CaseFilter

    with session_scope(small_svc.engine) as s:
        scope = resolve_scope(s, None)
        lv = finished_summary(s, start=dt.date(2024, 1, 1), end=AS_OF, scope=scope, where=CaseFilter(voltage="lv"))
        key = finished_summary(s, start=dt.date(2024, 1, 1), end=AS_OF, scope=scope, where=CaseFilter(key_only=True))
    assert int(lv["finished"].sum()) == 3  # L1C L1, L2 and B1C L1
    assert int(key["finished"].sum()) == 3  # H1 is the key project


def test_feeder_load_counts_open_cases_and_promised_ones(small_svc):
    from data_access.queries import feeder_load

    with session_scope(small_svc.engine) as s:
        load = feeder_load(s, as_of=AS_OF).set_index("feeder_code")
        before_reply = feeder_load(s, as_of=dt.date(2024, 2, 10)).set_index("feeder_code")
    # H1 (1250 kVA on F1) is open and its 方案答复 G3 finished 2024-02-19; L1C is energized; B1C has no feeder
    assert load.loc["F1", "open_cases"] == 1 and load.loc["F1", "queued_kva"] == 1250
    assert load.loc["F1", "promised_kva"] == 1250
    assert before_reply.loc["F1", "promised_kva"] == 0 and before_reply.loc["F1", "queued_kva"] == 1250


def test_open_case_counts_at_several_dates_by_hand(small_svc):
    from data_access.queries import open_case_counts

    # H1 open from 2024-02-01; L1C from 2025-09-26 until energized 2025-10-13; B1C from 2026-03-02
    days = [dt.date(2024, 1, 31), dt.date(2024, 2, 1), dt.date(2025, 10, 1), dt.date(2025, 10, 13), AS_OF]
    with session_scope(small_svc.engine) as s:
        counts = open_case_counts(s, days=days, scope=resolve_scope(s, None))
        only_b = open_case_counts(s, days=[AS_OF], scope=resolve_scope(s, "B"))
        anchored = open_case_counts(s, days=days, scope=resolve_scope(s, None), open_at_last=2)
    assert counts.tolist() == [0, 1, 2, 1, 2]
    assert anchored.tolist() == counts.tolist()  # walked back from the open count at the last date
    assert only_b.tolist() == [1]


def test_energized_daily_sums_connect_days(small_svc):
    from data_access.queries import energized_daily

    with session_scope(small_svc.engine) as s:
        frame = energized_daily(s, start=dt.date(2025, 10, 1), end=AS_OF, scope=resolve_scope(s, None))
    # L1C: applied 2025-09-26, energized 2025-10-13 = 17 calendar days
    assert frame.to_dict("records") == [
        {"energized_on": dt.date(2025, 10, 13), "customer_class": "low_nonresident", "cases": 1, "connect_days": 17}
    ]
