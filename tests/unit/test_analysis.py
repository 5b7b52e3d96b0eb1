"""The analysis on hand-computed cases: periods, filters, ranges, odd values, KPIs."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from data.events import periods
from data.events.analysis import queries
from data.events.catalog import METRIC_NAMES
from data.events.params import Filters, InvalidParameter
from data.events.rollup.build import build_rollup
from data.events.rollup.encoding import RAW_COLUMNS, Vocabulary, encode_chunk, keyed_columns
from data.events.rollup.model import empty_rollup
from tests.unit.analysis_support import ALL, FRAME_COLUMNS, D, Rollup, rollup_of, series


def frame(rows: list[tuple]) -> pd.DataFrame:
    """A raw events frame from (event_date, userid, minutes, viewpercentage, sessiontype, title)."""
    raw = pd.DataFrame(rows, columns=FRAME_COLUMNS, dtype=object)
    for name in RAW_COLUMNS:
        if name not in raw:
            raw[name] = None
    return raw


def ev(rows: list[tuple]) -> Rollup:
    return rollup_of(frame(rows))


# --------------------------------------------------------------------------------------------
# Hand-computed cases

YEAR_END = [
    ("2024-12-30 08:00:00", "a", 10, 95.0, "MOVIE", "Alpha"),  # Monday
    ("2024-12-31 23:59:59", "b", 20, 50.0, "SERIES", "Show, Pilot"),
    ("2025-01-02 00:00:00", "a", 30, 100.0, "SERIES", "Show, Pilot"),  # same week, next year
    ("2025-01-05 12:00:00", "c", 5, None, "", "Alpha"),  # Sunday: still the 2024-12-30 week
    ("2025-01-06 00:00:01", "a", 7, 90.0, None, "Beta"),  # Monday: a new week
]


def test_week_across_year_boundary_is_labelled_by_its_monday():
    events = ev(YEAR_END)
    assert series(queries.timeseries(events, "unique_users", "weekly", ALL)) == {
        "2024-12-30": 3,
        "2025-01-06": 1,
    }
    assert series(queries.timeseries(events, "minutes_watched", "weekly", ALL)) == {
        "2024-12-30": 65,
        "2025-01-06": 7,
    }


def test_months_are_labelled_by_the_first_and_count_each_user_once():
    events = ev(YEAR_END)
    assert series(queries.timeseries(events, "unique_users", "monthly", ALL)) == {
        "2024-12-01": 2,
        "2025-01-01": 2,  # a (twice) and c
    }
    assert series(queries.timeseries(events, "minutes_watched", "monthly", ALL)) == {
        "2024-12-01": 30,
        "2025-01-01": 42,
    }


def test_daily_series_is_zero_filled_between_first_and_last_event():
    result = queries.timeseries(ev(YEAR_END), "unique_users", "daily", ALL)
    assert [row["date"] for row in result] == [
        (D(2024, 12, 30) + dt.timedelta(days=i)).isoformat() for i in range(8)
    ]
    assert [row["values"] for row in result] == [1, 1, 0, 1, 0, 0, 1, 1]


def test_month_without_events_is_zero():
    events = ev(
        [
            ("2025-01-31 10:00:00", "a", 10, 0, "MOVIE", "A"),
            ("2025-03-01 10:00:00", "b", 20, 0, "MOVIE", "A"),
            ("2025-03-02 10:00:00", "b", 1, 0, "MOVIE", "A"),
        ]
    )
    assert queries.timeseries(events, "minutes_watched", "monthly", ALL) == [
        {"date": "2025-01-01", "values": 10},
        {"date": "2025-02-01", "values": 0},
        {"date": "2025-03-01", "values": 21},
    ]
    assert [r["values"] for r in queries.timeseries(events, "unique_users", "weekly", ALL)] == [
        1,
        0,
        0,
        0,
        1,
    ]


def test_toplist_ties_are_broken_by_title_and_empty_titles_left_out():
    rows = [("2025-02-01 10:00:00", f"u{i}", 1, 0, "MOVIE", t) for i, t in enumerate("BACCABD")]
    rows += [("2025-02-01 11:00:00", "x", 1, 0, "MOVIE", t) for t in ("", "", "", None, None)]
    rows += [("2025-02-01 11:00:00", "x", 1, 0, "MOVIE", "a")]  # lower case sorts after upper
    events = ev(rows)
    assert queries.toplist(events, 10, ALL) == [
        {"title": "A", "values": 2},
        {"title": "B", "values": 2},
        {"title": "C", "values": 2},
        {"title": "D", "values": 1},
        {"title": "a", "values": 1},
    ]
    assert [r["title"] for r in queries.toplist(events, 2, ALL)] == ["A", "B"]


def test_rows_without_sessiontype_count_only_for_all():
    events = ev(YEAR_END)
    movie, series_ = Filters.of(sessiontype="MOVIE"), Filters.of(sessiontype="SERIES")
    assert series(queries.timeseries(events, "unique_users", "weekly", movie)) == {"2024-12-30": 1}
    assert series(queries.timeseries(events, "unique_users", "daily", series_)) == {
        "2024-12-31": 1,
        "2025-01-01": 0,
        "2025-01-02": 1,
    }
    assert queries.toplist(events, 10, movie) == [{"title": "Alpha", "values": 1}]
    assert queries.kpis(events, ALL)["views"] == 5
    assert queries.kpis(events, movie)["views"] + queries.kpis(events, series_)["views"] == 3


def test_null_and_empty_values():
    events = ev(
        [
            ("2025-05-01 10:00:00", None, 10, None, None, None),  # no user: a view, not a user
            ("2025-05-01 10:00:00", "", "", "", "", ""),  # '' is a userid value (as in SQL)
            ("2025-05-01 11:00:00", "u", None, "91.5", " series ", "T"),
            ("2025-05-01 12:00:00", "u", "12", "abc", "MOVIE", "T"),
        ]
    )
    assert series(queries.timeseries(events, "unique_users", "daily", ALL)) == {"2025-05-01": 2}
    assert series(queries.timeseries(events, "minutes_watched", "daily", ALL)) == {"2025-05-01": 22}
    assert queries.toplist(events, 5, ALL) == [{"title": "T", "values": 2}]
    assert queries.kpis(events, Filters.of(sessiontype="SERIES"))["completion_rate"] == 1.0
    # Only "91.5" is a known viewpercentage: None, '' and 'abc' are left out of the rate.
    assert queries.kpis(events, ALL) == {
        "unique_users": 2,
        "minutes_watched": 22,
        "views": 4,
        "minutes_per_viewer": 11.0,
        "completed_views": 1,
        "completion_rate": 1.0,
    }


def test_unreadable_dates_are_skipped():
    events = ev(
        [
            ("2025-01-01 10:00:00", "a", 1, 0, "MOVIE", "A"),
            ("2025-01-01T11:00:00", "b", 1, 0, "MOVIE", "A"),
            ("2025-01-02", "c", 1, 0, "MOVIE", "A"),
            ("2025-02-30 10:00:00", "x", 100, 0, "MOVIE", "B"),
            ("yesterday", "x", 100, 0, "MOVIE", "B"),
            ("2025-01-0310:00", "x", 100, 0, "MOVIE", "B"),
            ("", "x", 100, 0, "MOVIE", "B"),
            (None, "x", 100, 0, "MOVIE", "B"),
            (20250101, "x", 100, 0, "MOVIE", "B"),
        ]
    )
    assert events.rows == 3
    assert series(queries.timeseries(events, "unique_users", "daily", ALL)) == {
        "2025-01-01": 2,
        "2025-01-02": 1,
    }
    assert queries.toplist(events, 10, ALL) == [{"title": "A", "values": 3}]
    assert queries.date_bounds(events) == (D(2025, 1, 1), D(2025, 1, 2))


def test_numbers_in_a_title_column_read_as_their_text():
    events = ev(
        [
            ("2025-01-01 10:00:00", "a", 1, 0, "MOVIE", 1984),
            ("2025-01-01 10:00:00", "b", 1, 0, "MOVIE", "1984"),
            ("2025-01-01 10:00:00", "c", 1, 0, "MOVIE", "Alien"),
        ]
    )
    assert queries.toplist(events, 5, ALL) == [
        {"title": "1984", "values": 2},
        {"title": "Alien", "values": 1},
    ]


def test_chunks_share_one_vocabulary():
    vocabulary = Vocabulary()
    first = encode_chunk(keyed_columns(frame(YEAR_END[:2])), vocabulary)
    second = frame(YEAR_END[2:])
    second = encode_chunk(keyed_columns({c: list(v) for c, v in second.items()}), vocabulary)
    events = build_rollup([first, second], vocabulary)
    whole = ev(YEAR_END)
    for resolution in periods.RESOLUTIONS:
        for metric in METRIC_NAMES:
            assert queries.timeseries(events, metric, resolution, ALL) == queries.timeseries(
                whole, metric, resolution, ALL
            )
    assert queries.toplist(events, 10, ALL) == queries.toplist(whole, 10, ALL)
    assert queries.kpis(events, ALL) == queries.kpis(whole, ALL)


def test_fractional_and_non_finite_minutes():
    events = ev(
        [
            ("2025-01-01 10:00:00", "a", "1.5", 0, "MOVIE", "A"),
            ("2025-01-01 10:00:00", "a", "inf", 0, "MOVIE", "A"),
            ("2025-01-01 10:00:00", "a", 2, 0, "MOVIE", "A"),
        ]
    )
    assert queries.timeseries(events, "minutes_watched", "daily", ALL) == [
        {"date": "2025-01-01", "values": 3.5}
    ]


def test_start_and_end_are_inclusive_and_cut_periods_are_recounted():
    events = ev(YEAR_END)
    cut = Filters(start=D(2024, 12, 31), end=D(2025, 1, 5))
    # The week of 2024-12-30 holds only 12-31..01-05 here: b, a and c; the 12-30 view is out.
    assert series(queries.timeseries(events, "unique_users", "weekly", cut)) == {"2024-12-30": 3}
    assert series(queries.timeseries(events, "minutes_watched", "weekly", cut)) == {
        "2024-12-30": 55
    }
    one_day = Filters(start=D(2025, 1, 2), end=D(2025, 1, 2))
    assert series(queries.timeseries(events, "unique_users", "monthly", one_day)) == {
        "2025-01-01": 1
    }
    late = Filters(start=D(2025, 1, 3), end=D(2025, 1, 6))
    assert series(queries.timeseries(events, "unique_users", "weekly", late)) == {
        "2024-12-30": 1,
        "2025-01-06": 1,
    }
    assert queries.kpis(events, cut)["views"] == 3
    assert (
        queries.toplist(events, 10, cut)
        == [
            {"title": "Alpha", "values": 1},
            {"title": "Show, Pilot", "values": 2},
        ][::-1]
    )


def test_requested_range_is_zero_filled_beyond_the_data():
    events = ev(YEAR_END)
    wide = Filters(start=D(2024, 11, 15), end=D(2025, 2, 3))
    result = queries.timeseries(events, "unique_users", "monthly", wide)
    assert result == [
        {"date": "2024-11-01", "values": 0},
        {"date": "2024-12-01", "values": 2},
        {"date": "2025-01-01", "values": 2},
        {"date": "2025-02-01", "values": 0},
    ]
    weekly = queries.timeseries(events, "minutes_watched", "weekly", wide)
    assert weekly[0] == {"date": "2024-11-11", "values": 0}
    assert weekly[-1] == {"date": "2025-02-03", "values": 0}
    assert len(weekly) == 13


def test_range_without_events():
    events = ev(YEAR_END)
    empty_range = Filters(start=D(2025, 3, 1), end=D(2025, 3, 3))
    assert queries.timeseries(events, "unique_users", "daily", empty_range) == [
        {"date": "2025-03-01", "values": 0},
        {"date": "2025-03-02", "values": 0},
        {"date": "2025-03-03", "values": 0},
    ]
    # Only one side given and no events there: nothing to span.
    assert queries.timeseries(events, "unique_users", "daily", Filters(start=D(2025, 3, 1))) == []
    assert queries.timeseries(events, "unique_users", "daily", Filters(end=D(2024, 1, 1))) == []
    assert queries.toplist(events, 10, empty_range) == []
    assert queries.kpis(events, empty_range) == {
        "unique_users": 0,
        "minutes_watched": 0,
        "views": 0,
        "minutes_per_viewer": None,
        "completed_views": 0,
        "completion_rate": None,
    }


def test_one_sided_range_takes_the_other_side_from_the_matching_events():
    events = ev(YEAR_END)
    result = queries.timeseries(events, "unique_users", "daily", Filters(start=D(2025, 1, 4)))
    assert series(result) == {"2025-01-04": 0, "2025-01-05": 1, "2025-01-06": 1}
    # The first SERIES view is on 12-31; the requested end is kept even past the last one.
    series_only = Filters.of(sessiontype="SERIES", end=D(2025, 1, 3))
    assert series(queries.timeseries(events, "unique_users", "daily", series_only)) == {
        "2024-12-31": 1,
        "2025-01-01": 0,
        "2025-01-02": 1,
        "2025-01-03": 0,
    }


def test_empty_events():
    events = empty_rollup()
    assert events.rows == 0
    for resolution in periods.RESOLUTIONS:
        assert queries.timeseries(events, "minutes_watched", resolution, ALL) == []
    assert queries.timeseries(
        events, "unique_users", "daily", Filters(start=D(2025, 1, 1), end=D(2025, 1, 2))
    ) == [{"date": "2025-01-01", "values": 0}, {"date": "2025-01-02", "values": 0}]
    assert queries.toplist(events, 10, Filters(start=D(2025, 1, 1))) == []
    assert queries.kpis(events, ALL)["views"] == 0
    assert queries.date_bounds(events) is None


def test_too_many_periods_is_a_parameter_error():
    events = ev(YEAR_END)
    huge = Filters(start=D(1, 1, 1), end=D(9999, 12, 31))
    with pytest.raises(InvalidParameter, match="narrow start..end"):
        queries.timeseries(events, "unique_users", "daily", huge)
    with pytest.raises(InvalidParameter, match="narrow start..end"):
        queries.timeseries(events, "minutes_watched", "weekly", huge)
    assert len(queries.timeseries(events, "minutes_watched", "monthly", huge)) == 9999 * 12
    weekly = queries.timeseries(
        events, "unique_users", "weekly", Filters(start=D(1, 1, 1), end=D(500, 1, 1))
    )
    assert weekly[0]["date"] == "0001-01-01" and sum(r["values"] for r in weekly) == 0


def test_unknown_metric_or_resolution_is_refused():
    with pytest.raises(InvalidParameter):
        queries.timeseries(ev(YEAR_END), "hours", "daily", ALL)
    with pytest.raises(InvalidParameter):
        queries.timeseries(ev(YEAR_END), "unique_users", "hourly", ALL)


def test_kpis_hand_computed():
    assert queries.kpis(ev(YEAR_END), ALL) == {
        "unique_users": 3,
        "minutes_watched": 72,
        "views": 5,
        "minutes_per_viewer": 24.0,
        "completed_views": 3,
        "completion_rate": 0.75,  # 95, 100 and 90 of the four views with a viewpercentage
    }
    assert queries.kpis(ev(YEAR_END), Filters.of(sessiontype="SERIES")) == {
        "unique_users": 2,
        "minutes_watched": 50,
        "views": 2,
        "minutes_per_viewer": 25.0,
        "completed_views": 1,
        "completion_rate": 0.5,
    }
