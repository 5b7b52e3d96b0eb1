"""The previous range a date range is compared with, hand-computed for each rule."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from data.events.comparison import PreviousRange, period_bounds, previous_filters, previous_range
from data.events.params import Filters, InvalidParameter

D = dt.date
LAST = D(2025, 11, 17)  # the data's last day in the examples (a Monday)


@pytest.mark.parametrize(
    ("start", "end", "expected"),
    [
        # The examples: the range ends on the data's last day, inside a period.
        (D(2025, 11, 1), LAST, PreviousRange(D(2025, 10, 1), D(2025, 10, 17), True, "month")),
        (D(2025, 10, 1), LAST, PreviousRange(D(2025, 7, 1), D(2025, 8, 17), True, "quarter")),
        (D(2025, 1, 1), LAST, PreviousRange(D(2024, 1, 1), D(2024, 11, 16), True, "year")),
        (LAST, LAST, PreviousRange(D(2025, 11, 10), D(2025, 11, 10), True, "week")),
        # An end past the data's last day is unfinished too.
        (
            D(2025, 11, 1),
            D(2025, 11, 20),
            PreviousRange(D(2025, 10, 1), D(2025, 10, 20), True, "month"),
        ),
        # A Monday that is also the 1st: the week, the smallest period, wins...
        (
            D(2025, 12, 1),
            D(2025, 12, 3),
            PreviousRange(D(2025, 11, 24), D(2025, 11, 26), True, "week"),
        ),
        # ...until the range leaves the week: then the month.
        (
            D(2025, 12, 1),
            D(2025, 12, 10),
            PreviousRange(D(2025, 11, 1), D(2025, 11, 10), True, "month"),
        ),
        # A whole month that starts a quarter, on the data's last day: quarter to date.
        (
            D(2025, 10, 1),
            D(2025, 10, 31),
            PreviousRange(D(2025, 7, 1), D(2025, 7, 31), True, "quarter"),
        ),
        # Never past the previous period's last day: March to date after a short February.
        (
            D(2025, 3, 1),
            D(2025, 3, 30),
            PreviousRange(D(2025, 2, 1), D(2025, 2, 28), True, "month"),
        ),
        (
            D(2024, 3, 1),
            D(2024, 3, 30),
            PreviousRange(D(2024, 2, 1), D(2024, 2, 29), True, "month"),
        ),
        # A leap year to date: 365 days from 2023-01-01 end on its last day.
        (
            D(2024, 1, 1),
            D(2024, 12, 30),
            PreviousRange(D(2023, 1, 1), D(2023, 12, 31), True, "year"),
        ),
    ],
)
def test_period_to_date(start, end, expected):
    assert previous_range(start, end, min(end, LAST)) == expected


@pytest.mark.parametrize(
    ("start", "end", "last", "expected"),
    [
        # In the middle of the data the days just before apply, whatever the start.
        (D(2025, 11, 1), D(2025, 11, 17), D(2025, 12, 31), (D(2025, 10, 15), D(2025, 10, 31))),
        (D(2025, 11, 17), D(2025, 11, 17), D(2025, 11, 18), (D(2025, 11, 16), D(2025, 11, 16))),
        # A whole period ending on the data's last day is finished: the days just before.
        (D(2025, 11, 1), D(2025, 11, 30), D(2025, 11, 30), (D(2025, 10, 2), D(2025, 10, 31))),
        (D(2025, 11, 10), D(2025, 11, 16), D(2025, 11, 16), (D(2025, 11, 3), D(2025, 11, 9))),
        # Not starting on a period's first day: the days just before.
        (D(2025, 11, 2), LAST, LAST, (D(2025, 10, 17), D(2025, 11, 1))),
        # The 1st of a month that does not start a quarter, ending past that month.
        (D(2025, 11, 1), D(2025, 12, 15), D(2025, 12, 15), (D(2025, 9, 17), D(2025, 10, 31))),
        # No data: nothing is unfinished.
        (D(2025, 11, 1), LAST, None, (D(2025, 10, 15), D(2025, 10, 31))),
    ],
)
def test_days_just_before(start, end, last, expected):
    assert previous_range(start, end, last) == PreviousRange(*expected, False, None)


def test_a_range_with_nothing_before_it_in_the_calendar_is_refused():
    with pytest.raises(InvalidParameter, match="no previous range"):
        previous_range(D(1, 1, 1), D(1, 1, 1), None)
    with pytest.raises(InvalidParameter, match="no previous range"):
        previous_range(D(1, 1, 5), D(1, 1, 10), None)
    assert previous_range(D(1, 1, 2), D(1, 1, 2), None) == PreviousRange(D(1, 1, 1), D(1, 1, 1))
    with pytest.raises(InvalidParameter, match="must not be after"):
        previous_range(D(2025, 1, 2), D(2025, 1, 1), None)


def test_the_calendar_s_last_periods_end_on_its_last_day():
    assert period_bounds(D(9999, 10, 1), "quarter") == (D(9999, 10, 1), D(9999, 12, 31))
    assert period_bounds(D(9999, 12, 27), "week") == (D(9999, 12, 27), D(9999, 12, 31))
    late = previous_range(D(9999, 10, 1), D(9999, 11, 1), LAST)
    assert late == PreviousRange(D(9999, 7, 1), D(9999, 8, 1), True, "quarter")


days = st.dates(min_value=D(1990, 1, 1), max_value=D(2040, 12, 31))


@given(days, st.integers(0, 800), st.integers(-5, 5))
def test_the_previous_range_comes_before_and_is_never_longer(start, length, offset):
    end = start + dt.timedelta(days=length)
    last = end + dt.timedelta(days=offset)
    span = previous_range(start, end, last)
    n = length + 1
    assert span.start <= span.end < start
    if span.period_to_date:
        assert end >= last and span.unit in ("week", "month", "quarter", "year")
        first, period_last = period_bounds(start, span.unit)
        assert first == start and end < period_last
        assert period_bounds(span.start, span.unit) is not None  # the previous period's start
        assert (span.end - span.start).days + 1 <= n
    else:
        assert span == PreviousRange(start - dt.timedelta(days=n), start - dt.timedelta(days=1))


def test_previous_filters_fill_missing_sides_from_the_data_and_keep_the_dimensions():
    bounds = (D(2025, 1, 1), D(2025, 11, 17))
    filters = Filters.of(start=D(2025, 11, 1), sessiontype="MOVIE", device=["iPad", "Computer"])
    previous, span = previous_filters(filters, bounds)
    assert span == PreviousRange(D(2025, 10, 1), D(2025, 10, 17), True, "month")
    assert previous == Filters.of(
        start=D(2025, 10, 1), end=D(2025, 10, 17), sessiontype="MOVIE", device=["iPad", "Computer"]
    )
    # The whole data: a year to date from 2025-01-01.
    previous, span = previous_filters(Filters(), bounds)
    assert span == PreviousRange(D(2024, 1, 1), D(2024, 11, 16), True, "year")
    assert previous == Filters(start=D(2024, 1, 1), end=D(2024, 11, 16))
    _, span = previous_filters(Filters.of(end=D(2025, 1, 31)), bounds)
    assert span == PreviousRange(D(2024, 12, 1), D(2024, 12, 31))


def test_previous_filters_without_a_range():
    bounds = (D(2025, 1, 1), D(2025, 11, 17))
    assert previous_filters(Filters(), None) is None
    assert previous_filters(Filters.of(start=D(2025, 1, 1)), None) is None
    assert previous_filters(Filters.of(start=D(2026, 1, 1)), bounds) is None  # after the data
    assert previous_filters(Filters.of(end=D(2024, 1, 1)), bounds) is None  # before the data
    # Both sides given: a range even without events.
    _, span = previous_filters(Filters.of(start=D(2025, 3, 1), end=D(2025, 3, 31)), None)
    assert span == PreviousRange(D(2025, 1, 29), D(2025, 2, 28))
