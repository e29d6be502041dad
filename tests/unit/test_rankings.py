"""三通报 on a hand-built set of 4 sibling units; every number below is computed by hand."""

import datetime as dt

import pandas as pd
import pytest
from click.testing import CliRunner

from board.cli import main
from board.domain.rankings import bands, last_complete, parse_period, rank, summary, unit_measures, with_change
from tests.fixtures import CASES, STAGES, write_small

UNITS = pd.DataFrame({"unit_code": ["R", "U1", "U2", "U3", "U4"], "unit_name": ["市", "一所", "二所", "三所", "四所"],
                      "parent_code": [None, "R", "R", "R", "R"],
                      "path": ["/R/", "/R/U1/", "/R/U2/", "/R/U3/", "/R/U4/"]})  # fmt: skip
WEIGHTS = {"records": 0.4, "on_time": 0.3, "satisfaction": 0.3}
NO_CASES = pd.DataFrame(columns=["unit_code", "energized", "avg_connect_days", "avg_grid_wd", "surveyed", "satisfied",
                                 "records_ok"])  # fmt: skip


def fin(rows):
    return pd.DataFrame(rows, columns=["unit_code", "stage_code", "finished", "on_time", "first_pass"])


WEEK = fin([("U1", "G1", 10, 9, 10), ("U2", "G2", 8, 6, 8), ("U3", "G3", 10, 9, 10)])


def weekly(overdue):
    return rank(unit_measures("week", UNITS, "R", WEEK, NO_CASES, pd.Series(overdue), WEIGHTS), "week")


def test_weekly_tie_shares_the_rank_and_skips_the_next():
    r = weekly({"U1": 2, "U3": 2}).set_index("unit_code")
    assert r.loc["U1", "on_time_rate"] == 0.9 and r.loc["U2", "on_time_rate"] == 0.75
    assert (r.loc["U1", "rank"], r.loc["U3", "rank"], r.loc["U2", "rank"]) == (1, 1, 3)
    assert pd.isna(r.loc["U4", "rank"])  # 无数据: not first, not last
    assert list(weekly({"U1": 2, "U3": 2})["unit_code"]) == ["U1", "U3", "U2", "U4"]


def test_weekly_tie_broken_by_fewer_overdue_and_change_vs_previous_week():
    current = weekly({"U1": 2, "U3": 1})
    previous = pd.DataFrame({"unit_code": ["U2", "U3", "U1"], "rank": [1.0, 2.0, 3.0]})
    r = with_change(current, previous).set_index("unit_code")
    assert (r.loc["U3", "rank"], r.loc["U1", "rank"], r.loc["U2", "rank"]) == (1, 2, 3)
    assert (r.loc["U1", "change"], r.loc["U2", "change"], r.loc["U3", "change"]) == (1, -2, 1)


MONTH = fin([("U1", "G1", 10, 9, 10), ("U1", "G7", 4, 3, 3), ("U2", "G2", 8, 6, 8), ("U2", "G7", 2, 2, 2),
             ("U3", "G3", 10, 9, 10)])  # fmt: skip
MONTH_CASES = pd.DataFrame({"unit_code": ["U1", "U2"], "energized": [4, 2], "avg_connect_days": [20.0, 30.0],
                            "avg_grid_wd": [10.0, 14.0], "surveyed": [4, 2], "satisfied": [3, 2],
                            "records_ok": [4, 1]})  # fmt: skip


def test_monthly_measures_and_weighted_score():
    r = rank(unit_measures("month", UNITS, "R", MONTH, MONTH_CASES, None, WEIGHTS), "month").set_index("unit_code")
    assert r.loc["U1", "on_time_rate"] == pytest.approx(12 / 14)
    assert r.loc["U1", "first_pass_rate"] == 0.75 and r.loc["U1", "records_rate"] == 1.0
    assert r.loc["U1", "satisfaction_rate"] == 0.75 and r.loc["U1", "avg_connect_days"] == 20
    assert r.loc["U1", "score"] == pytest.approx(100 * (0.4 * 1.0 + 0.3 * 12 / 14 + 0.3 * 0.75))  # 88.21
    assert r.loc["U2", "score"] == pytest.approx(100 * (0.4 * 0.5 + 0.3 * 0.8 + 0.3 * 1.0))  # 74.0
    assert (r.loc["U1", "rank"], r.loc["U2", "rank"]) == (1, 2)
    assert pd.isna(r.loc["U3", "rank"]) and r.loc["U3", "on_time_rate"] == 0.9  # no energized case: no score
    assert pd.isna(r.loc["U4", "rank"])


def test_quarter_bands_by_thirds():
    frame = pd.DataFrame({"rank": [1.0, 2, 3, 4, 5, None]})
    assert list(bands(frame)) == ["A", "A", "B", "B", "C", ""]


def test_summary_names_best_worst_movers_and_missing():
    r = with_change(weekly({"U1": 2, "U3": 1}), pd.DataFrame({"unit_code": ["U2", "U3", "U1"], "rank": [1.0, 2, 3]}))
    text = summary(r, "week", parse_period("week", "2026-W20"))
    assert "三所排名第一" in text and "二所排名末位" in text and "退步最大：二所（下降 2 位）" in text
    assert "无数据：四所" in text


def test_periods():
    assert parse_period("week", "2026-W20").start == dt.date(2026, 5, 11)
    assert parse_period("week", "2026-W20").end == dt.date(2026, 5, 17)
    assert parse_period("month", "2026-02").end == dt.date(2026, 2, 28)
    assert parse_period("quarter", "2026Q4").end == dt.date(2026, 12, 31)
    assert parse_period("week", "2026-W01").previous().label == "2025-W52"
    assert last_complete("week", dt.date(2026, 11, 22)).label == "2026-W47"  # Sunday ends its own week
    assert last_complete("month", dt.date(2026, 11, 20)).label == "2026-10"
    with pytest.raises(ValueError, match="示例：2026-W20"):
        parse_period("week", "2026-20")


def test_week_boundary_sunday_2359_vs_monday_0000_local(tmp_path):
    cases = CASES + ("W1,A1,周日客户,low_resident,0.22,10,new,none,0,2026-05-15,,,open,周晓东,,,,\n"
                     "W2,A1,周一客户,low_resident,0.22,10,new,none,0,2026-05-15,,,open,周晓东,,,,\n")  # fmt: skip
    stages = STAGES + ("W1,L1,2026-05-15,2026-05-17T15:59:00Z,utility,1,\n"  # Sunday 23:59 in Shanghai
                       "W2,L1,2026-05-15,2026-05-18T00:00:00+08:00,utility,1,\n")  # fmt: skip
    base = ["--data-dir", str(tmp_path / "d")]
    runner = CliRunner()
    assert (
        runner.invoke(main, [*base, "import", str(write_small(tmp_path / "s", cases=cases, stages=stages))]).exit_code
        == 0
    )
    w20 = runner.invoke(main, [*base, "report", "weekly", "--week", "2026-W20"]).output.splitlines()
    w21 = runner.invoke(main, [*base, "report", "weekly", "--week", "2026-W21"]).output.splitlines()
    assert w20[0].startswith("rank,unit_code,unit_name,finished,on_time_rate,overdue_open,avg_grid_wd,")
    row20 = {line.split(",")[1]: line.split(",") for line in w20[1:]}
    row21 = {line.split(",")[1]: line.split(",") for line in w21[1:]}
    assert row20["A"][3] == "1" and row21["A"][3] == "1"  # one stage each side of the boundary
    assert row20["B"][0] == ""  # 乙县 finished nothing that week: 无数据, unranked


def test_monthly_and_quarterly_csv_headers(tmp_path):
    base = ["--data-dir", str(tmp_path / "d")]
    runner = CliRunner()
    runner.invoke(main, [*base, "import", str(write_small(tmp_path / "s"))])
    monthly = runner.invoke(main, [*base, "report", "monthly", "--month", "2025-10"])
    assert monthly.exit_code == 0 and monthly.output.startswith(
        "rank,unit_code,unit_name,on_time_rate,first_pass_rate,records_rate,satisfaction_rate,avg_connect_days,score"
    )
    quarterly = runner.invoke(main, [*base, "report", "quarterly", "--quarter", "2025Q4"])
    assert quarterly.exit_code == 0 and quarterly.output.splitlines()[0].endswith(",band")
