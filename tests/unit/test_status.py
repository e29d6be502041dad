"""Stage state and status at an as-of date (SPEC §3), hand-computed."""

import datetime as dt

import pandas as pd
import pytest

from board.domain.status import stage_status


def one(rules, cal, start, finish, limit, unit, as_of):
    frame = pd.DataFrame(
        {
            "started_on": pd.to_datetime([start]),
            "finished_on": pd.to_datetime([finish]),
            "limit_days": [float(limit)],
            "limit_unit": [unit],
        }
    )
    row = stage_status(frame, dt.date.fromisoformat(as_of), cal, rules).iloc[0]
    return str(row["state"]), int(row["elapsed"]), str(row["status"])


@pytest.mark.parametrize(
    "as_of,expected",
    [
        ("2026-03-02", ("open", 0, "normal")),  # remaining 2 > threshold 1
        ("2026-03-03", ("open", 1, "warning")),  # remaining 1 <= 1
        ("2026-03-04", ("open", 2, "warning")),  # remaining 0, not yet over
        ("2026-03-05", ("open", 3, "overdue")),  # 3 > 2
    ],
)
def test_open_wd_stage_moves_from_normal_to_warning_to_overdue(rules, cal, as_of, expected):
    assert one(rules, cal, "2026-03-02", None, 2, "WD", as_of) == expected


def test_calendar_day_stage_warning_boundary(rules, cal):
    # limit 10 CD, threshold ceil(2.0) = 2
    assert one(rules, cal, "2026-03-01", None, 10, "CD", "2026-03-08") == ("open", 7, "normal")
    assert one(rules, cal, "2026-03-01", None, 10, "CD", "2026-03-09") == ("open", 8, "warning")
    assert one(rules, cal, "2026-03-01", None, 10, "CD", "2026-03-12") == ("open", 11, "overdue")


def test_finished_stage_is_on_time_or_overdue(rules, cal):
    assert one(rules, cal, "2024-02-08", "2024-02-19", 5, "WD", "2024-03-01") == ("finished", 3, "on_time")
    assert one(rules, cal, "2024-02-02", "2024-02-08", 3, "WD", "2024-03-01") == ("finished", 5, "overdue")


def test_past_view_sees_later_finish_as_open_and_later_start_as_not_started(rules, cal):
    assert one(rules, cal, "2024-02-08", "2024-02-19", 5, "WD", "2024-02-09") == ("open", 1, "normal")
    assert one(rules, cal, "2024-02-08", "2024-02-19", 5, "WD", "2024-02-07") == ("not_started", 0, "normal")


def test_stage_without_limit_is_never_late(rules, cal):
    assert one(rules, cal, "2026-01-05", None, float("nan"), "WD", "2026-06-30")[2] == "normal"
