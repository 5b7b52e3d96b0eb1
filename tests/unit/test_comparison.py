"""The previous range a date range is compared with, hand-computed for each rule."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from data.events.analysis.comparison import (
    PreviousRange,
    compared_days,
    period_bounds,
    previous_filters,
    previous_range,
    whole_months,
)
from data.events.params import Filters, InvalidParameter
from data.events.periods import RESOLUTIONS

D = dt.date
LAST = D(2025, 11, 17)  # the data's last day in the examples (a Monday)
OCT31, DEC14 = D(2025, 10, 31), D(2025, 12, 14)  # a month's last day; a Sunday


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
        # Whole months are never to date (issue 20: "Month to date" on a complete October was
        # compared with July by the quarter-to-date rule); on a daily page, the days before.
        (D(2025, 10, 1), D(2025, 10, 31), D(2025, 10, 31), (D(2025, 8, 31), D(2025, 9, 30))),
        (D(2025, 1, 1), D(2025, 3, 31), D(2025, 3, 31), (D(2024, 10, 3), D(2024, 12, 31))),
    ],
)
def test_days_just_before(start, end, last, expected):
    assert previous_range(start, end, last) == PreviousRange(*expected, False, None)


@pytest.mark.parametrize(
    ("resolution", "start", "end", "last", "expected"),
    [
        # A monthly page: whole months against as many whole months just before.
        ("monthly", D(2025, 3, 1), D(2025, 3, 31), LAST, (D(2025, 2, 1), D(2025, 2, 28), 1)),
        ("monthly", D(2024, 3, 1), D(2024, 3, 31), LAST, (D(2024, 2, 1), D(2024, 2, 29), 1)),
        ("monthly", D(2025, 1, 1), D(2025, 3, 31), LAST, (D(2024, 10, 1), D(2024, 12, 31), 3)),
        ("monthly", D(2025, 1, 1), D(2025, 12, 31), LAST, (D(2024, 1, 1), D(2024, 12, 31), 12)),
        # "Month to date" when the month is complete (the data ends on its last day).
        ("monthly", D(2025, 10, 1), OCT31, OCT31, (D(2025, 9, 1), D(2025, 9, 30), 1)),
        ("monthly", D(2025, 12, 1), D(2025, 12, 31), LAST, (D(2025, 11, 1), D(2025, 11, 30), 1)),
        # A weekly page: whole weeks (Monday to Sunday) against as many weeks just before,
        # even when they start a month and end on the data's last day (not month to date).
        ("weekly", D(2025, 11, 10), D(2025, 11, 16), LAST, (D(2025, 11, 3), D(2025, 11, 9), 1)),
        ("weekly", D(2025, 6, 2), D(2025, 6, 29), LAST, (D(2025, 5, 5), D(2025, 6, 1), 4)),
        ("weekly", D(2025, 12, 1), DEC14, DEC14, (D(2025, 11, 17), D(2025, 11, 30), 2)),
    ],
)  # fmt: skip
def test_whole_periods_of_the_page_s_resolution(resolution, start, end, last, expected):
    unit = "month" if resolution == "monthly" else "week"
    first, final, periods = expected
    assert previous_range(start, end, last, resolution) == PreviousRange(
        first, final, False, unit, periods
    )


@pytest.mark.parametrize(
    ("start", "end", "last", "daily", "weekly", "monthly"),
    [
        # Month to date, unfinished: the same days of the previous month on every page.
        (D(2025, 11, 1), LAST, LAST, *[(D(2025, 10, 1), D(2025, 10, 17), True, "month")] * 3),
        # Two whole weeks that start a month, at the data's end: month to date, except on a
        # weekly page, where they are two weeks.
        (
            D(2025, 12, 1),
            D(2025, 12, 14),
            D(2025, 12, 14),
            (D(2025, 11, 1), D(2025, 11, 14), True, "month"),
            (D(2025, 11, 17), D(2025, 11, 30), False, "week", 2),
            (D(2025, 11, 1), D(2025, 11, 14), True, "month"),
        ),
        # A whole month at the data's end: the days before, except on a monthly page.
        (
            D(2025, 10, 1),
            D(2025, 10, 31),
            D(2025, 10, 31),
            (D(2025, 8, 31), D(2025, 9, 30)),
            (D(2025, 8, 31), D(2025, 9, 30)),
            (D(2025, 9, 1), D(2025, 9, 30), False, "month", 1),
        ),
        # Neither whole periods nor to date: the days just before on every page.
        (D(2025, 3, 5), D(2025, 4, 20), LAST, *[(D(2025, 1, 17), D(2025, 3, 4))] * 3),
    ],
)
def test_the_same_range_on_each_page(start, end, last, daily, weekly, monthly):
    for resolution, expected in (("daily", daily), ("weekly", weekly), ("monthly", monthly)):
        assert previous_range(start, end, last, resolution) == PreviousRange(*expected)


def test_the_days_a_period_is_compared_with():
    months = previous_range(D(2025, 1, 1), D(2025, 3, 31), LAST, "monthly")
    # A month with its month: February with November (30 days), not 92 days moved back.
    assert compared_days(months, D(2025, 1, 1), D(2025, 1, 1), D(2025, 1, 31)) == (
        D(2024, 10, 1),
        D(2024, 10, 31),
    )
    assert compared_days(months, D(2025, 1, 1), D(2025, 2, 1), D(2025, 2, 28)) == (
        D(2024, 11, 1),
        D(2024, 11, 30),
    )
    assert compared_days(months, D(2025, 1, 1), D(2025, 3, 1), D(2025, 3, 31)) == (
        D(2024, 12, 1),
        D(2024, 12, 31),
    )
    # Otherwise the same days moved back to the previous range's start, never past its end.
    to_date = previous_range(D(2025, 3, 1), D(2025, 3, 30), D(2025, 3, 30))
    assert to_date == PreviousRange(D(2025, 2, 1), D(2025, 2, 28), True, "month")
    assert compared_days(to_date, D(2025, 3, 1), D(2025, 3, 1), D(2025, 3, 2)) == (
        D(2025, 2, 1),
        D(2025, 2, 2),
    )
    assert compared_days(to_date, D(2025, 3, 1), D(2025, 3, 24), D(2025, 3, 30)) == (
        D(2025, 2, 24),
        D(2025, 2, 28),
    )
    assert compared_days(to_date, D(2025, 3, 1), D(2025, 3, 29), D(2025, 3, 30)) is None


def test_a_range_with_nothing_before_it_in_the_calendar_is_refused():
    with pytest.raises(InvalidParameter, match="no previous range"):
        previous_range(D(1, 1, 1), D(1, 1, 1), None)
    with pytest.raises(InvalidParameter, match="no previous range"):
        previous_range(D(1, 1, 5), D(1, 1, 10), None)
    assert previous_range(D(1, 1, 2), D(1, 1, 2), None) == PreviousRange(D(1, 1, 1), D(1, 1, 1))
    # 0001-01-01 is a Monday and the 1st: a week or a month from it has none either.
    for resolution, end in (("weekly", D(1, 1, 7)), ("monthly", D(1, 1, 31))):
        with pytest.raises(InvalidParameter, match="no previous range"):
            previous_range(D(1, 1, 1), end, None, resolution)
    assert previous_range(D(1, 2, 1), D(1, 2, 28), None, "monthly") == PreviousRange(
        D(1, 1, 1), D(1, 1, 31), False, "month", 1
    )
    with pytest.raises(InvalidParameter, match="must not be after"):
        previous_range(D(2025, 1, 2), D(2025, 1, 1), None)


def test_the_calendar_s_last_periods_end_on_its_last_day():
    assert period_bounds(D(9999, 10, 1), "quarter") == (D(9999, 10, 1), D(9999, 12, 31))
    assert period_bounds(D(9999, 12, 27), "week") == (D(9999, 12, 27), D(9999, 12, 31))
    late = previous_range(D(9999, 10, 1), D(9999, 11, 1), LAST)
    assert late == PreviousRange(D(9999, 7, 1), D(9999, 8, 1), True, "quarter")
    last_month = previous_range(D(9999, 12, 1), D(9999, 12, 31), LAST, "monthly")
    assert last_month == PreviousRange(D(9999, 11, 1), D(9999, 11, 30), False, "month", 1)


days = st.dates(min_value=D(1990, 1, 1), max_value=D(2040, 12, 31))


@given(days, st.integers(0, 800), st.integers(-5, 5), st.sampled_from(RESOLUTIONS))
def test_the_previous_range_comes_before_by_one_of_the_three_rules(
    start, length, offset, resolution
):
    end = start + dt.timedelta(days=length)
    last = end + dt.timedelta(days=offset)
    span = previous_range(start, end, last, resolution)
    n = length + 1
    assert span.start <= span.end < start
    weeks = resolution == "weekly" and start.weekday() == 0 and end.weekday() == 6
    months = resolution == "monthly" and whole_months(start, end)
    if weeks:  # rule 1, weekly: n / 7 weeks just before
        assert span == PreviousRange(start - dt.timedelta(days=n), start - dt.timedelta(days=1),
                                     False, "week", n // 7)  # fmt: skip
    elif months:  # rule 1, monthly: as many whole months just before
        count = (end.year - start.year) * 12 + end.month - start.month + 1
        assert span.end == start - dt.timedelta(days=1) and span.start.day == 1
        assert (start.year - span.start.year) * 12 + start.month - span.start.month == count
        assert span[2:] == (False, "month", count)
    elif span.period_to_date:  # rule 2
        assert end >= last and span.unit in ("week", "month", "quarter", "year")
        assert not whole_months(start, end)
        first, period_last = period_bounds(start, span.unit)
        assert first == start and end < period_last
        assert period_bounds(span.start, span.unit) is not None  # the previous period's start
        assert (span.end - span.start).days + 1 <= n
    else:  # rule 3
        assert span == PreviousRange(start - dt.timedelta(days=n), start - dt.timedelta(days=1))


@given(days, st.integers(1, 40), st.integers(-40, 40))
def test_whole_months_on_a_monthly_page_against_the_months_before(day, count, offset):
    # Random ranges are seldom whole months: draw them as such (the 1st, count months).
    start = day.replace(day=1)
    index = start.year * 12 + start.month - 1 + count
    end = D(index // 12, index % 12 + 1, 1) - dt.timedelta(days=1)
    span = previous_range(start, end, end + dt.timedelta(days=offset), "monthly")
    assert span[2:] == (False, "month", count)
    assert span.end == start - dt.timedelta(days=1) and span.start.day == 1
    assert (start.year - span.start.year) * 12 + start.month - span.start.month == count
    # On the other pages whole months are never a period to date.
    for resolution in ("daily", "weekly"):
        other = previous_range(start, end, end + dt.timedelta(days=offset), resolution)
        assert not other.period_to_date and other.end == start - dt.timedelta(days=1)


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
