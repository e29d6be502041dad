"""URL query parsing with hostile values: never an exception, always a notice and a safe default."""

import datetime as dt

import pytest

from layouts.urlstate import parse_search, to_search


@pytest.mark.parametrize(
    "search",
    [
        "?unit=' OR 1=1--",
        "?unit=<script>alert(1)</script>",
        "?unit=" + "A" * 500,
        "?unit=NOPE",
    ],
)
def test_hostile_or_unknown_unit_falls_back_with_notice(search):
    state = parse_search(search, known_units={"YL", "YL-QX"})
    assert state.unit is None and len(state.notices) == 1 and "未知的供电单位" in state.notices[0]


@pytest.mark.parametrize("value", ["2026-02-30", "9999-01-01", "yesterday", "2026-1-1"])
def test_bad_or_far_future_dates_fall_back(value):
    state = parse_search(f"?as_of={value}")
    assert state.as_of is None and state.notices


def test_valid_values_pass_and_round_trip():
    state = parse_search("?unit=YL-QX&as_of=2026-06-30&period=90", known_units={"YL-QX"})
    assert (state.unit, state.as_of, state.period, state.notices) == ("YL-QX", dt.date(2026, 6, 30), 90, [])
    assert to_search("YL-QX", "2026-06-30", 90) == "?unit=YL-QX&as_of=2026-06-30&period=90"


def test_bad_period_is_rejected():
    assert parse_search("?period=13").period == 30
