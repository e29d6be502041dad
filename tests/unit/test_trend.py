"""KPI tiles: week ends, weekly buckets, the series and the tile's target/change wording, by hand."""

import datetime as dt
import math

import pandas as pd

from board.domain.kpi import Kpi
from board.domain.trend import bucket, tiles, week_ends, week_label, weekly_series

THU = dt.date(2026, 11, 19)  # a Thursday of ISO week 47


def test_week_ends_are_sundays_then_the_running_day():
    assert week_ends(THU, 3) == [dt.date(2026, 11, 1), dt.date(2026, 11, 8), dt.date(2026, 11, 15), THU]
    sunday = dt.date(2026, 11, 15)
    assert week_ends(sunday, 2) == [dt.date(2026, 11, 8), sunday]  # a Sunday as-of ends a complete week
    assert week_label(THU, THU) == "截至今日"
    assert week_label(dt.date(2026, 11, 15), THU) == "2026-W46"


def test_bucket_puts_days_in_their_week_and_drops_older_days():
    ends = week_ends(THU, 2)  # Nov 8, Nov 15, Nov 19
    days = pd.Series(pd.to_datetime(["2026-11-01", "2026-11-02", "2026-11-08", "2026-11-09", "2026-11-19"]))
    assert bucket(days, ends).tolist() == [None, ends[0], ends[0], ends[1], THU]


def test_weekly_series_by_hand():
    ends = week_ends(THU, 2)
    finished = pd.DataFrame({
        "finished_on": [dt.date(2026, 11, 3), dt.date(2026, 11, 5), dt.date(2026, 11, 10), dt.date(2026, 11, 18)],
        "finished": [4, 6, 5, 2], "on_time": [4, 4, 5, 1], "warned": [2, 0, 0, 1], "warned_ok": [1, 0, 0, 1],
    })  # fmt: skip
    energized = pd.DataFrame({
        "energized_on": [dt.date(2026, 11, 4), dt.date(2026, 11, 4), dt.date(2026, 11, 12)],
        "customer_class": ["high", "low_resident", "high"], "cases": [2, 3, 1], "connect_days": [100, 15, 40],
    })  # fmt: skip
    out = weekly_series(ends, finished, energized, pd.Series({ends[0]: 10, ends[1]: 12, THU: 11}),
                        pd.Series({ends[0]: 3, THU: 1}))  # fmt: skip
    assert out["on_time_rate"].tolist() == [0.8, 1.0, 0.5]  # 8/10, 5/5, 1/2
    assert out["warning_success_rate"].iloc[0] == 0.5 and math.isnan(out["warning_success_rate"].iloc[1])
    assert out["energized_cases"].tolist() == [5, 1, 0]
    assert out["avg_connect_days_high"].iloc[:2].tolist() == [50.0, 40.0]
    assert out["avg_connect_days_low"].iloc[0] == 5.0
    assert out["open_cases"].tolist() == [10, 12, 11]
    assert out["overdue_open"].iloc[0] == 3 and math.isnan(out["overdue_open"].iloc[1])


def test_tiles_compare_flows_with_the_window_before_and_stocks_with_last_sunday():
    ends = week_ends(THU, 2)
    series = pd.DataFrame({"on_time_rate": [0.8, 0.9, 0.95], "overdue_open": [3.0, 5.0, 4.0]}, index=ends)
    kpis = [
        Kpi("on_time_rate", "时限达标率", 0.93, "%"), Kpi("overdue_open", "超时在途", 4.0, "个"),
        Kpi("open_cases", "在途工单", 20.0, "件"), Kpi("avg_connect_days_high", "平均接电时长(高压)", 50.0, "天"),
    ]  # fmt: skip
    targets = {"on_time_rate": {"min": 0.95}, "avg_connect_days_high": {"max": 52}}
    rate, overdue, open_, days = tiles(kpis, series, {"on_time_rate": 0.9, "avg_connect_days_high": 55.0}, targets, THU)
    assert rate.change_text() == "▲3.0 个百分点 较上期" and rate.tone() == "good"
    assert rate.target_text() == "目标 ≥ 95%" and rate.meets_target() is False
    assert rate.spark == (0.8, 0.9, 0.95) and rate.spark_labels == ("2026-W45", "2026-W46", "截至今日")
    assert overdue.change_text() == "▼1 较上周末" and overdue.tone() == "good"  # 5 last Sunday, 4 now
    assert open_.change_text() == "" and open_.spark == ()  # no series, nothing to compare
    assert days.change_text() == "▼5.0 天 较上期" and days.tone() == "good" and days.meets_target() is True
    assert days.target_text() == "目标 ≤ 52 天"


def test_attention_names_the_worst_stages_and_where_they_sit():
    from board.domain.overview import attention

    units = pd.DataFrame({
        "unit_code": ["R", "A", "A1", "B"], "unit_name": ["市公司", "甲县", "甲一所", "乙县"],
        "parent_code": [None, "R", "A", "R"], "path": ["/R/", "/R/A/", "/R/A/A1/", "/R/B/"],
    })  # fmt: skip
    stages = pd.DataFrame({
        "unit_code": ["A1", "A1", "B", "A", "B", "B"], "stage_code": ["C3", "C3", "C3", "G2", "G2", "L2"],
        "state": ["open"] * 5 + ["finished"],
        "status": ["overdue", "overdue", "overdue", "overdue", "warning", "overdue"],
    })  # fmt: skip
    got = attention(units, "R", stages, {"C3": "基础施工", "G2": "现场勘查"})
    assert [g["text"] for g in got] == [
        "C3 基础施工 超时 3 件，集中在甲县（2 件）",
        "G2 现场勘查 超时 1 件，全部在甲县",
    ]
    assert got[0]["unit_code"] == "A"
