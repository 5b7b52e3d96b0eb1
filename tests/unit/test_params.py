"""Parsing of the /data and dashboard parameters: defaults, accepted forms, clear refusals."""

from __future__ import annotations

import datetime as dt

import pytest
from werkzeug.datastructures import MultiDict

from data.events.params import (
    Filters,
    InvalidParameter,
    parse_cohort_resolution,
    parse_compare,
    parse_date,
    parse_filters,
    parse_limit,
    parse_num,
    parse_periods,
    parse_resolution,
    parse_sessiontype,
)


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        (None, "daily"),
        ("", "daily"),
        ("daily", "daily"),
        ("weekly", "weekly"),
        ("MONTHLY", "monthly"),
    ],
)
def test_resolution_accepted(given, expected):
    assert parse_resolution(given) == expected


@pytest.mark.parametrize("given", ["hourly", "day", " weekly", "weekly ", "dailyx", 7, "\u00e9"])
def test_resolution_refused_names_allowed_values(given):
    with pytest.raises(InvalidParameter) as err:
        parse_resolution(given)
    assert "daily, weekly, monthly" in str(err.value)


def test_resolution_default_may_be_given():
    assert (
        parse_resolution("", "weekly") == "weekly"
        and parse_resolution("Daily", "weekly") == "daily"
    )
    with pytest.raises(InvalidParameter, match=r"\(default weekly\)"):
        parse_resolution("x", "weekly")


@pytest.mark.parametrize(
    ("given", "expected"), [(None, "weekly"), ("", "weekly"), ("Monthly", "monthly")]
)
def test_cohort_resolution(given, expected):
    assert parse_cohort_resolution(given) == expected


@pytest.mark.parametrize("given", ["daily", "yearly", 1])
def test_cohort_resolution_refused(given):
    with pytest.raises(InvalidParameter, match="weekly, monthly"):
        parse_cohort_resolution(given)


@pytest.mark.parametrize(
    ("given", "expected"), [(None, 8), ("", 8), ("1", 1), ("52", 52), (12, 12)]
)
def test_periods_accepted(given, expected):
    assert parse_periods(given) == expected


@pytest.mark.parametrize("given", ["0", "53", "x", "-1", "+5", "1.0", 0, True, "\uff15"])
def test_periods_refused(given):
    with pytest.raises(InvalidParameter, match="integer from 1 to 52"):
        parse_periods(given)


@pytest.mark.parametrize(
    ("given", "expected"), [(None, 10), ("", 10), ("1", 1), ("1000", 1000), ("007", 7), (25, 25)]
)
def test_num_accepted(given, expected):
    assert parse_num(given) == expected


@pytest.mark.parametrize(
    "given",
    [
        "0",
        "1001",
        "-1",
        "+5",
        " 5",
        "5 ",
        "1.0",
        "1e3",
        "1_0",
        "abc",
        "\u0665",
        "9" * 5000,
        True,
        0,
    ],
)
def test_num_refused(given):
    with pytest.raises(InvalidParameter) as err:
        parse_num(given)
    message = str(err.value)
    assert "integer from 1 to 1000" in message
    assert len(message) < 200  # a huge value is not echoed back in full


def test_date_accepts_exact_iso_dates_and_date_objects():
    assert parse_date("2024-02-29") == dt.date(2024, 2, 29)
    assert parse_date(dt.date(2025, 1, 2)) == dt.date(2025, 1, 2)
    assert parse_date(dt.datetime(2025, 1, 2, 13, 5)) == dt.date(2025, 1, 2)


@pytest.mark.parametrize(
    "given",
    ["2023-02-29", "2024-13-01", "2024-00-10", "2024-01-32", "0000-01-01"],
)
def test_date_refuses_impossible_calendar_dates(given):
    with pytest.raises(InvalidParameter, match="real calendar date as YYYY-MM-DD"):
        parse_date(given, "start")


@pytest.mark.parametrize(
    "given",
    ["2024-1-5", "20240105", "2024-01-05T00:00", "2024-01-05 ", "05/01/2024", "2024-W01-1", "", 5],
)
def test_date_refuses_other_formats(given):
    with pytest.raises(InvalidParameter, match="start must be a date as YYYY-MM-DD"):
        parse_date(given, "start")


@pytest.mark.parametrize(
    ("given", "expected"),
    [(None, None), ("", None), ("MOVIE", "MOVIE"), ("series", "SERIES"), ("Movie", "MOVIE")],
)
def test_sessiontype_accepted(given, expected):
    assert parse_sessiontype(given) == expected


@pytest.mark.parametrize("given", ["EPISODE", "all", "MOVIES", " MOVIE", "\x00"])
def test_sessiontype_refused(given):
    with pytest.raises(InvalidParameter, match="MOVIE, SERIES"):
        parse_sessiontype(given)


def test_filters_default_to_everything():
    assert parse_filters({}) == Filters()
    assert parse_filters({"start": "", "end": "", "sessiontype": ""}) == Filters()


def test_filters_parse_all_fields():
    parsed = parse_filters({"start": "2025-01-01", "end": "2025-01-31", "sessiontype": "series"})
    assert parsed == Filters.of(dt.date(2025, 1, 1), dt.date(2025, 1, 31), sessiontype="SERIES")


def test_filters_same_start_and_end_is_one_day():
    parsed = parse_filters({"start": "2025-03-01", "end": "2025-03-01"})
    assert parsed.start == parsed.end == dt.date(2025, 3, 1)


def test_filters_refuse_start_after_end():
    with pytest.raises(InvalidParameter, match=r"start \(2025-02-01\) must not be after end"):
        parse_filters({"start": "2025-02-01", "end": "2025-01-31"})


def test_filters_take_first_of_repeated_values():
    params = MultiDict([("start", "2025-01-01"), ("start", "nonsense"), ("sessiontype", "MOVIE")])
    assert parse_filters(params) == Filters.of(dt.date(2025, 1, 1), None, sessiontype="MOVIE")


def test_filters_are_hashable_and_frozen():
    filters = Filters(dt.date(2025, 1, 1))
    assert hash(filters) == hash(Filters(dt.date(2025, 1, 1)))
    with pytest.raises(AttributeError):
        filters.start = None  # type: ignore[misc]


def test_invalid_parameter_is_a_value_error():
    assert issubclass(InvalidParameter, ValueError)


@pytest.mark.parametrize(
    ("given", "expected"),
    [(None, None), ("", None), ("previous", "previous"), ("Previous", "previous")],
)
def test_compare_accepted(given, expected):
    assert parse_compare(given) == expected


@pytest.mark.parametrize("given", ["next", " previous", "prev", "PREVİOUS", 1, True, ["previous"]])
def test_compare_refused_names_the_allowed_value(given):
    with pytest.raises(InvalidParameter, match="compare must be previous") as err:
        parse_compare(given)
    assert "got" in str(err.value)


def test_breakdown_limit_takes_text_or_an_int_as_num_does():
    assert [parse_limit(v) for v in (None, "", "7", 7, 1, 50)] == [5, 5, 7, 7, 1, 50]
    for bad in (0, 51, True, 2.0, "5.0", "-1", -1):
        with pytest.raises(InvalidParameter, match="limit must be an integer from 1 to 50"):
            parse_limit(bad)
