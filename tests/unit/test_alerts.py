"""Heatmap, drill-down, weekly trend and warning list on a hand-built dataset."""

import datetime as dt

import numpy as np
import pandas as pd

from board.domain.alerts import cell_stages, heatmap_matrix, level_counts, warning_list, weekly_late_rate

UNITS = pd.DataFrame({
    "unit_code": ["R", "A", "A1", "B", "C"],
    "unit_name": ["市", "甲县", "甲一所", "乙县", "丙县（无工单）"],
    "parent_code": [None, "R", "A", "R", "R"],
    "path": ["/R/", "/R/A/", "/R/A/A1/", "/R/B/", "/R/C/"],
})  # fmt: skip


def open_stages():
    rows = [  # case, unit, stage, status, elapsed, limit, voltage, capacity, key, class
        ("c1", "A1", "G2", "overdue", 5, 3, 10, 500, False, "high"),
        ("c2", "A1", "G2", "overdue", 7, 3, 35, 8000, False, "high"),
        ("c3", "A", "G3", "warning", 2, 2, 10, 1200, False, "high"),
        ("c4", "B", "C3", "overdue", 16, 10, 10, 800, True, "high"),
        ("c5", "B", "L2", "normal", 1, 3, 0.4, 50, False, "low_nonresident"),
    ]
    f = pd.DataFrame(rows, columns=["case_id", "unit_code", "stage_code", "status", "elapsed", "limit_days",
                                    "voltage_kv", "capacity_kva", "key_project", "customer_class"])  # fmt: skip
    f["state"] = "open"
    f["overrun"] = np.where(f["status"] == "overdue", f["elapsed"] - f["limit_days"], 0)
    f["remaining"] = f["limit_days"] - f["elapsed"]
    return f


FINISHED = pd.DataFrame({"unit_code": ["A1", "B"], "stage_code": ["G1", "G1"], "finished": [4, 2],
                         "on_time": [3, 2], "warned": [1, 0], "warned_ok": [1, 0]})  # fmt: skip


def test_overdue_counts_per_child_unit_and_stage(rules):
    m = heatmap_matrix("overdue_open", UNITS, "R", open_stages(), FINISHED, rules)
    assert list(m.index) == ["A", "B", "C"]
    assert m.loc["A", "G2"] == 2 and m.loc["B", "C3"] == 1
    assert m.loc["C"].sum() == 0  # a unit with no cases is a row of zeros
    assert m["L1"].sum() == 0  # a stage with no cases is a column of zeros
    assert list(m.columns[:5]) == ["G1", "G2", "G3", "G4", "C1"]


def test_warning_counts(rules):
    m = heatmap_matrix("warning_open", UNITS, "R", open_stages(), FINISHED, rules)
    assert m.loc["A", "G3"] == 1 and m.to_numpy().sum() == 1


def test_average_overrun_is_empty_where_nothing_is_overdue(rules):
    m = heatmap_matrix("avg_overrun", UNITS, "R", open_stages(), FINISHED, rules)
    assert m.loc["A", "G2"] == 3.0  # (2 + 4) / 2
    assert m.loc["B", "C3"] == 6.0
    assert np.isnan(m.loc["C", "G2"]) and np.isnan(m.loc["A", "G1"])


def test_late_rate_of_finished_stages(rules):
    m = heatmap_matrix("late_rate", UNITS, "R", open_stages(), FINISHED, rules)
    assert m.loc["A", "G1"] == 0.25 and m.loc["B", "G1"] == 0.0
    assert np.isnan(m.loc["C", "G1"])  # nothing finished: unknown, not 0 %


def test_drilling_into_a_county_shows_its_stations(rules):
    m = heatmap_matrix("overdue_open", UNITS, "A", open_stages(), FINISHED, rules)
    assert list(m.index) == ["A1"] and m.loc["A1", "G2"] == 2


def test_cell_drill_down_returns_exactly_the_cell(rules):
    rows = cell_stages("overdue_open", UNITS, "R", "A", "G2", open_stages())
    assert sorted(rows["case_id"]) == ["c1", "c2"]
    assert cell_stages("overdue_open", UNITS, "R", "C", "G2", open_stages()).empty


def test_weekly_late_rate_uses_monday_weeks():
    daily = pd.DataFrame({
        "unit_code": ["A1", "A1", "B"],
        "finished_on": pd.to_datetime(["2026-11-16", "2026-11-22", "2026-11-23"]),  # Mon, Sun, next Mon
        "finished": [2, 2, 1], "on_time": [1, 2, 0],
    })  # fmt: skip
    w = weekly_late_rate(daily, UNITS, "R", 2, dt.date(2026, 11, 23)).set_index(["unit_code", "week"])
    assert w.loc[("A", dt.date(2026, 11, 16)), "late_rate"] == 0.25  # 4 finished, 3 on time
    assert w.loc[("B", dt.date(2026, 11, 23)), "late_rate"] == 1.0
    assert np.isnan(w.loc[("C", dt.date(2026, 11, 16)), "late_rate"])


def test_warning_list_puts_overdue_first_then_overrun_then_level(rules):
    wl = warning_list(open_stages(), rules)
    assert list(wl["case_id"]) == ["c4", "c2", "c1", "c3"]  # overrun 6, 4, 2; then the 预警
    assert level_counts(wl) == {("overdue", 4): 2, ("overdue", 2): 1, ("warning", 3): 1}
