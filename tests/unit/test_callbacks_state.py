"""The dashboard's view state: URL parsing (lenient), control checks (strict), query strings."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from callbacks.state import ViewState, from_controls, from_query, from_store
from data.events.params import Filters, InvalidParameter


def test_defaults_make_an_empty_query():
    assert ViewState().query() == ""
    assert from_query("") == (ViewState(), [])
    assert from_query("?") == (ViewState(), [])
    assert from_query(None) == (ViewState(), [])


def test_query_uses_the_data_routes_names_and_leaves_defaults_out():
    state = ViewState(resolution="weekly", num=10, start="2025-03-01", sessiontype="SERIES")
    assert state.query() == "?resolution=weekly&start=2025-03-01&sessiontype=SERIES"
    assert from_query(state.query()) == (state, [])


def test_filters_mean_what_the_data_routes_mean():
    state = ViewState(start="2025-03-01", end="2025-03-31", sessiontype="MOVIE")
    assert state.filters() == Filters.of(
        dt.date(2025, 3, 1), dt.date(2025, 3, 31), sessiontype="MOVIE"
    )
    assert ViewState().filters() == Filters()


def test_url_values_are_read_like_the_data_routes():
    state, notices = from_query("?resolution=MONTHLY&num=50&sessiontype=series&end=2025-06-30")
    assert notices == []
    assert state == ViewState(resolution="monthly", num=50, end="2025-06-30", sessiontype="SERIES")
    assert from_query("?sessiontype=all")[0] == ViewState()


@pytest.mark.parametrize(
    ("search", "word"),
    [
        ("?resolution=hourly", "resolution"),
        ("?num=0", "num"),
        ("?num=51", "num"),  # valid for /data, more than the dashboard's slider shows
        ("?num=1e3", "num"),
        ("?start=2025-02-30", "start"),
        ("?end=tomorrow", "end"),
        ("?sessiontype=TV", "sessiontype"),
        ("?cohort=first", "cohort"),
    ],
)
def test_each_bad_url_value_falls_back_to_its_default_with_a_notice(search, word):
    state, notices = from_query(
        search + "&resolution=weekly" if "resolution" not in search else search
    )
    assert len(notices) == 1 and word in notices[0] and "default" in notices[0]
    if word != "resolution":
        assert state.resolution == "weekly"  # the good parts of the link are kept


def test_the_cohort_definition_is_kept_in_the_url_and_checked_strictly():
    state = ViewState(start="2025-12-02", cohort="in_range")
    assert state.query() == "?start=2025-12-02&cohort=in_range"
    assert from_query(state.query()) == (state, [])
    assert from_query("?cohort=IN_RANGE")[0].cohort == "in_range"
    assert ViewState().cohort == "first_ever" and "cohort" not in ViewState(num=5).query()
    assert from_store(state.to_store()) == state
    assert from_controls(**state.control_values()) == state
    with pytest.raises(InvalidParameter, match="cohort must be one of first_ever, in_range"):
        from_store({**state.to_store(), "cohort": "everyone"})


def test_start_after_end_in_a_url_shows_all_dates():
    state, notices = from_query("?start=2025-05-01&end=2025-04-01&num=3")
    assert (state.start, state.end, state.num) == (None, None, 3)
    assert "after" in notices[0]


def test_a_huge_query_string_is_not_parsed():
    state, notices = from_query("?num=" + "9" * 5000)
    assert state == ViewState() and notices


def test_controls_are_checked_strictly():
    assert from_controls("weekly", 7, "2025-01-01", None, "MOVIE") == ViewState(
        resolution="weekly", num=7, start="2025-01-01", sessiontype="MOVIE"
    )
    assert from_controls("daily", 12.0, None, None, "all").num == 12
    for bad in [
        ("DAILY", 10, None, None, "all"),
        ("daily", 51, None, None, "all"),
        ("daily", 2.5, None, None, "all"),
        ("daily", True, None, None, "all"),
        ("daily", 10, "2025-04-01", "2025-03-01", "all"),
        ("daily", 10, "01/03/2025", None, "all"),
        ("daily", 10, None, None, "movie"),
        ("daily", 10, None, None, None),
        (None, 10, None, None, "all"),
    ]:
        with pytest.raises(InvalidParameter):
            from_controls(*bad)


def test_store_round_trip_and_forged_stores():
    state = ViewState(resolution="monthly", num=3, end="2025-02-01", sessiontype="SERIES")
    assert from_store(state.to_store()) == state
    for forged in [None, [], "x", {"resolution": "daily", "evil": 1}, {"num": -1}]:
        with pytest.raises(InvalidParameter):
            from_store(forged)


@given(st.text(max_size=300))
def test_any_query_string_gives_a_valid_state(search):
    state, notices = from_query(search)
    assert isinstance(notices, list)
    # Whatever came in, what goes out is a state the controls accept.
    assert from_controls(**state.control_values()) == state
    assert from_query(state.query()) == (state, [])
