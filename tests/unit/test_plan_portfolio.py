"""Tracking plan back-scheduling, time by party and portfolio filters, hand-computed."""

import datetime as dt

import pandas as pd

from board.domain.measures import time_by_party
from board.domain.plan import tracking_plan
from board.domain.portfolio import PortfolioFilter, apply_filter, progress_strips, where_cases_wait

LOW = {"customer_class": "low_nonresident", "capacity_kva": 50, "works_type": "none", "supply": "single",
       "applied_on": dt.date(2025, 9, 26)}  # fmt: skip


def plan_rows(plan):
    return [(r.code, str(r.start), str(r.finish)) for r in plan.rows.itertuples()]


def test_back_schedule_across_national_day(rules, cal):
    plan = tracking_plan({**LOW, "desired_on": dt.date(2025, 10, 10)}, rules, cal)
    # L2 (3 WD) ends Oct 10: Sep 30, Oct 9, Oct 10 -> starts Sep 29; L1 (1 WD) ends Sep 29 -> starts Sun Sep 28 (worked)
    assert plan.feasible and not plan.provisional
    assert plan_rows(plan) == [("L1", "2025-09-28", "2025-09-29"), ("L2", "2025-09-29", "2025-10-10")]


def test_infeasible_desire_gives_earliest_date(rules, cal):
    plan = tracking_plan({**LOW, "desired_on": dt.date(2025, 10, 1)}, rules, cal)
    # backward L1 would start Thu Sep 25, before the application on Fri Sep 26
    assert not plan.feasible
    # forward: L1 Sep 26 + 1 WD = Sun Sep 28 (worked); L2 + 3 WD = Sep 29, 30, Oct 9
    assert plan.earliest_energization == dt.date(2025, 10, 9)
    assert plan_rows(plan) == [("L1", "2025-09-26", "2025-09-28"), ("L2", "2025-09-28", "2025-10-09")]


def test_high_voltage_plan_follows_the_interlocks(rules, cal):
    case = {"customer_class": "high", "capacity_kva": 630, "works_type": None, "supply": "single",
            "applied_on": dt.date(2026, 3, 2), "desired_on": dt.date(2026, 6, 30)}  # fmt: skip
    rows = tracking_plan(case, rules, cal).rows.set_index("code")
    assert rows.loc["G8", "finish"] == dt.date(2026, 6, 30)
    for before, after in rules.interlocks:
        if before in rows.index and after in rows.index:
            assert rows.loc[before, "finish"] <= rows.loc[after, "start"], (before, after)
    assert rows.loc["C3", "finish"] - rows.loc["C3", "start"] == dt.timedelta(days=10)


def test_plan_into_2027_is_provisional(rules, cal):
    plan = tracking_plan({**LOW, "applied_on": dt.date(2026, 12, 28), "desired_on": None}, rules, cal)
    assert plan.provisional and plan.earliest_energization.year == 2027


def test_time_by_party_in_calendar_days():
    stages = pd.DataFrame({"case_id": ["A", "A", "A", "B"], "party": ["utility", "builder", "utility", "utility"],
                           "state": ["finished", "open", "not_started", "finished"],
                           "elapsed_cd": [4, 9, 0, 2]})  # fmt: skip
    out = time_by_party(stages).set_index(["case_id", "party"])["days"].to_dict()
    assert out == {("A", "builder"): 9, ("A", "utility"): 4, ("B", "utility"): 2}


CASES = pd.DataFrame({
    "case_id": ["YK1", "YK2", "YK3"], "customer_name": ["甲电器有限公司", "<img src=x onerror=alert(1)>", "王建国"],
    "voltage_kv": [10, 0.4, 0.22], "customer_class": ["high", "low_nonresident", "low_resident"],
    "key_project": [True, False, False], "holding_party": ["builder", "utility", None],
})  # fmt: skip


def test_filters_and_literal_search():
    assert list(apply_filter(CASES, PortfolioFilter(voltage="mv"))["case_id"]) == ["YK1"]
    assert list(apply_filter(CASES, PortfolioFilter(key_only=True))["case_id"]) == ["YK1"]
    assert list(apply_filter(CASES, PortfolioFilter(party="utility"))["case_id"]) == ["YK2"]
    assert list(apply_filter(CASES, PortfolioFilter(text="<img"))["case_id"]) == ["YK2"]
    assert apply_filter(CASES, PortfolioFilter(text=".*")).empty  # not a regular expression
    assert list(apply_filter(CASES, PortfolioFilter(text="yk3"))["case_id"]) == ["YK3"]


def test_strips_show_every_stage_of_the_class(rules):
    stages = pd.DataFrame({"case_id": ["L", "L"], "stage_code": ["L1", "L2"], "state": ["finished", "open"],
                           "status": ["on_time", "warning"]})  # fmt: skip
    strips = progress_strips(stages, pd.Series({"L": "low_resident", "H": "high"}), rules)
    assert strips["L"] == "L1:o L2:w|"
    assert strips["H"].startswith("G1:ns G2:ns") and "|C1:ns" in strips["H"]


def test_strips_map_every_chip_and_ignore_stray_rows(rules):
    stages = pd.DataFrame({
        "case_id": ["H", "H", "H", "H", "H", "X", "L"],
        "stage_code": ["G1", "G2", "C1", "C2", "L1", "G1", "G1"],  # L1 is not a high stage; X is not asked for
        "state": ["finished", "open", "open", "not_started", "open", "open", "open"],
        "status": ["overdue", "overdue", "normal", "normal", "warning", "overdue", "overdue"],
    })  # fmt: skip
    strips = progress_strips(stages, pd.Series({"H": "high", "L": "low_resident"}), rules)
    grid, customer = strips["H"].split("|")
    assert grid.startswith("G1:l G2:x G3:ns") and customer.startswith("C1:n C2:ns C3:ns")
    assert "L1" not in strips["H"] and strips["L"] == "L1:ns L2:ns|"  # no customer chain; its stray G1 row is not shown
    assert set(strips.index) == {"H", "L"}


def test_where_cases_wait_counts_open_stages(rules):
    stages = pd.DataFrame(
        {
            "stage_code": ["C3", "C3", "C3", "G2"],
            "state": ["open", "open", "finished", "open"],
            "status": ["overdue", "normal", "on_time", "warning"],
            "elapsed": [16, 4, 9, 2],
        }
    )
    wait = where_cases_wait(stages, rules).set_index("stage_code")
    assert wait.loc["C3", "open_cases"] == 2 and wait.loc["C3", "overdue"] == 1
    assert wait.loc["C3", "median_elapsed"] == 10 and wait.loc["C3", "max_elapsed"] == 16
    assert wait.loc["G6", "open_cases"] == 0
