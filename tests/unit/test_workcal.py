"""Working days across PRC holidays and 调休, counted by hand from the State Council notices."""

import datetime as dt

import numpy as np
import pytest

from board.domain.workcal import CalendarUnknownError, WorkCalendar


def wd(cal, start, end):
    return int(cal.elapsed_workdays([start], [end])[0])


def test_spring_festival_2024_counts_working_sundays_feb_4_and_feb_18(cal):
    # Fri Feb 2 -> Mon Feb 5: Sat 3 off, Sun 4 worked, Mon 5 -> 2
    assert wd(cal, "2024-02-02", "2024-02-05") == 2
    # Thu Feb 8 -> Mon Feb 19: Fri 9 worked, 10-17 holiday, Sun 18 worked, Mon 19 -> 3
    assert wd(cal, "2024-02-08", "2024-02-19") == 3
    # the holiday itself holds no working day
    assert wd(cal, "2024-02-09", "2024-02-17") == 0


def test_national_day_2025_counts_sep_28_and_oct_11(cal):
    # Fri Sep 26 -> Mon Oct 13: Sep 28, 29, 30, Oct 9, 10, 11, 13 -> 7
    assert wd(cal, "2025-09-26", "2025-10-13") == 7
    assert not cal.is_workday(dt.date(2025, 10, 8))
    assert cal.is_workday(dt.date(2025, 10, 11))


def test_elapsed_excludes_start_and_includes_end(cal):
    assert wd(cal, "2026-03-02", "2026-03-02") == 0
    assert wd(cal, "2026-03-02", "2026-03-03") == 1
    assert wd(cal, "2026-03-06", "2026-03-09") == 1  # Fri -> Mon


def test_working_weekend_days_of_2026_match_the_notice(cal):
    day, found = dt.date(2026, 1, 1), []
    while day.year == 2026:
        if day.weekday() >= 5 and cal.is_workday(day):
            found.append(day.isoformat())
        day += dt.timedelta(days=1)
    assert found == ["2026-01-04", "2026-02-14", "2026-02-28", "2026-05-09", "2026-09-20", "2026-10-10"]


def test_add_workdays_skips_national_day(cal):
    days, provisional = cal.add_workdays(["2025-09-30"], [1])
    assert str(days[0]) == "2025-10-09" and not provisional[0]


def test_sub_workdays_gives_latest_start(cal):
    days, _ = cal.sub_workdays(["2024-02-19"], [2])
    # start Feb 17 (holiday Saturday) + 2 WD -> Sun Feb 18, Mon Feb 19
    assert str(days[0]) == "2024-02-17"


def test_elapsed_into_unknown_year_names_the_year_and_the_remedy(cal):
    with pytest.raises(CalendarUnknownError) as err:
        cal.elapsed_workdays(["2026-12-30"], ["2027-01-05"])
    assert "2027" in str(err.value) and "board calendar load" in str(err.value)


def test_planning_into_unknown_year_is_monday_to_friday_and_provisional(cal):
    days, provisional = cal.add_workdays(["2026-12-30"], [3])
    # Dec 31 (Thu), Jan 1 2027 (Fri, guessed working), Jan 4 (Mon)
    assert str(days[0]) == "2027-01-04" and provisional[0]


def test_a_year_loaded_from_the_database_is_known_and_exact():
    cal = WorkCalendar.build(overrides=[(dt.date(2027, 1, 1), False)], extra_years=[2027])
    # Thu Dec 31 2026 -> Mon Jan 4 2027: Jan 1 holiday, 2-3 weekend -> 1
    assert wd(cal, "2026-12-31", "2027-01-04") == 1
    days, provisional = cal.add_workdays(["2026-12-31"], [1])
    assert str(days[0]) == "2027-01-04" and not provisional[0]


def test_vectorised_over_many_rows(cal):
    starts = np.array(["2024-02-02"] * 100_000, dtype="datetime64[D]")
    ends = np.array(["2024-02-05"] * 100_000, dtype="datetime64[D]")
    assert (cal.elapsed_workdays(starts, ends) == 2).all()
