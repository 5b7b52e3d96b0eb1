"""The weekly Top 10 on hand-written events: a season across two weeks, ties, errors."""

from __future__ import annotations

import pytest

from tests.unit.test_title_insights import M, S, event, get

# -- the weekly Top 10 -----------------------------------------------------------------------

WEEKS = [
    # Week of 2025-03-03. Season 1 of "Saga": episodes of 50 and 70 minutes (runtime 2 h).
    event("2025-03-03", "a", "Saga, E1", S, minutes=60, runtime=50, season=1, episode=1),
    event("2025-03-03", "b", "Saga, E1", S, minutes=60, runtime=55, season=1, episode=1),
    event("2025-03-04", "b", "Saga, E1", S, minutes=60, runtime=50, season=1, episode=1),
    # The season runs into the next week: its hours are counted per week.
    event("2025-03-10", "a", "Saga, E2", S, minutes=120, runtime=70, season=1, episode=2),
    # An episode without a runtime: the season sums the episodes it knows.
    event("2025-03-10", "a", "Saga, E3", S, minutes=60, runtime=None, season=1, episode=3),
    # Movies: Tie A and Tie B have equal views (1.0); Tie A has more hours. Tie C equals Tie B.
    event("2025-03-05", "a", "Tie B", M, minutes=60, runtime=60),
    event("2025-03-05", "a", "Tie C", M, minutes=60, runtime=60),
    event("2025-03-05", "a", "Tie A", M, minutes=120, runtime=120),
    event("2025-03-06", "a", "No runtime", M, minutes=500, runtime=None),
    event("2025-03-11", "c", "Tie B", M, minutes=90, runtime=60),
    event("2025-03-16", "c", "Late", M, minutes=30, runtime=100),  # Sunday: the week is complete
    event("2025-03-17", "c", "Late", M, minutes=30, runtime=100),  # the last week is not
]


def test_top10_movies_and_ties(serve):
    client = serve(WEEKS)
    first = get(client, "/data/top10/?week=2025-03-03&sessiontype=MOVIE")
    assert first == [
        {
            "rank": 1,
            "title": "Tie A",
            "hours_viewed": 2.0,
            "runtime_hours": 2.0,
            "views": 1.0,
            "rank_last_week": None,
            "weeks_in_top10": 1,
        },
        {
            "rank": 2,
            "title": "Tie B",
            "hours_viewed": 1.0,
            "runtime_hours": 1.0,
            "views": 1.0,
            "rank_last_week": None,
            "weeks_in_top10": 1,
        },
        {
            "rank": 3,
            "title": "Tie C",
            "hours_viewed": 1.0,
            "runtime_hours": 1.0,
            "views": 1.0,
            "rank_last_week": None,
            "weeks_in_top10": 1,
        },
    ]  # "No runtime" is left out
    # The default week is the last complete one: 2025-03-10..16.
    default = get(client, "/data/top10/?sessiontype=movie")
    assert default == get(client, "/data/top10/?week=2025-03-10&sessiontype=MOVIE")
    assert [(e["title"], e["rank"], e["rank_last_week"], e["weeks_in_top10"]) for e in default] == [
        ("Tie B", 1, 2, 2),
        ("Late", 2, None, 1),
    ]
    assert default[0]["views"] == 1.5 and default[1]["views"] == 0.3


def test_top10_series_season_across_two_weeks(serve):
    client = serve(WEEKS)
    runtime = (50 + 70) / 60  # E1's most frequent runtime is 50; E3 has none
    assert get(client, "/data/top10/?week=2025-03-03&sessiontype=SERIES") == [
        {
            "rank": 1,
            "title": "Saga: Season 1",
            "hours_viewed": 3.0,
            "runtime_hours": round(runtime, 2),
            "views": round(3.0 / runtime, 2),
            "rank_last_week": None,
            "weeks_in_top10": 1,
        }
    ]
    (second,) = get(client, "/data/top10/?week=2025-03-10&sessiontype=SERIES")
    assert second["hours_viewed"] == 3.0 and second["rank_last_week"] == 1
    assert second["weeks_in_top10"] == 2
    # Both lists together when no type is given, and an empty week is an empty list.
    both = get(client, "/data/top10/?week=2025-03-03")
    assert [e["title"] for e in both] == ["Saga: Season 1", "Tie A", "Tie B", "Tie C"]
    assert get(client, "/data/top10/?week=2024-03-04") == []


@pytest.mark.parametrize(
    ("query", "fragment"),
    [
        ("?week=2025-03-04", "must be a Monday"),
        ("?week=2025-13-01", "real calendar date"),
        ("?week=soon", "YYYY-MM-DD"),
        ("?sessiontype=SHORT", "sessiontype"),
        ("?start=2025-03-03", "per week"),
        ("?start=&start=2025-03-03", "per week"),
        ("?sessiontype=MOVIE&sessiontype=SERIES", "one content type"),
    ],
)
def test_top10_errors(serve, query, fragment):
    response = serve(WEEKS).get("/data/top10/" + query)
    assert response.status_code == 400
    assert fragment in response.get_json()["error"]


def test_top10_empty_dates_are_not_given_and_one_type_may_repeat(serve):
    client = serve(WEEKS)
    movies = get(client, "/data/top10/?week=2025-03-03&sessiontype=MOVIE")
    for query in ("&start=&end=", "&end=", "&sessiontype=MOVIE", "&sessiontype="):
        assert get(client, "/data/top10/?week=2025-03-03&sessiontype=MOVIE" + query) == movies
    assert get(client, "/data/top10/?week=2025-03-03&sessiontype=&sessiontype=MOVIE") == movies
