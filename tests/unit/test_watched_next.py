"""The title page's "next" (what its finishers watched next within 24 hours): planted cases
counted by hand, and the route equal to the independent reference (testkit/reference_next.py) on
tutorial-format data with them, on both stores."""

from __future__ import annotations

import datetime as dt

import pytest

from testkit import reference_titles
from tests.unit.csv_support import imported_tutorial_rows
from tests.unit.reference_checks import read_raw

NOW = dt.datetime(2015, 6, 1, 9, 0)  # the tutorial's data and the planted rows are before it
MOVIE, SHOW = "Finale Film", "Nextshow"


def _row(when: str, user, title: str, percent="95", kind="MOVIE", season="", episode="",
         market="NO"):  # fmt: skip
    """A tutorial-format row (text, '' for blanks)."""
    return [f"2015-{when}", user, "", "iPad", market, "40", "45", percent, ""]\
        + [kind, title, season, episode]  # fmt: skip


def _episode(when: str, user, title: str, number: str, percent="95"):
    return _row(when, user, title, percent, "SERIES", "1", number)


def planted_rows() -> list[list]:
    """What the finishers of "Finale Film" and of "Nextshow" watched next (see the tests)."""
    return [
        # Another title exactly 24 hours later: it counts.
        _row("03-02 20:00:00", "n_24h", MOVIE),
        _row("03-03 20:00:00", "n_24h", "Alpha Doc", "10"),
        # 24 hours and a second later: nothing within 24 hours.
        _row("03-02 20:00:00", "n_late", MOVIE),
        _row("03-03 20:00:01", "n_late", "Alpha Doc", "10"),
        # Two finishing views: counted once, from the first (Beta Doc, or with market=NO,
        # where Beta Doc's SE view is filtered out, Alpha Doc).
        _row("03-05 10:00:00", "n_twice", MOVIE),
        _row("03-05 11:00:00", "n_twice", "Beta Doc", "10", market="SE"),
        _row("03-05 22:00:00", "n_twice", MOVIE),
        _row("03-05 23:00:00", "n_twice", "Alpha Doc", "10"),
        # Not a finisher (50 %).
        _row("03-06 10:00:00", "n_partial", MOVIE, "50"),
        _row("03-06 11:00:00", "n_partial", "Alpha Doc"),
        # The same title again is skipped over.
        _row("03-07 10:00:00", "n_same", MOVIE),
        _row("03-07 10:30:00", "n_same", MOVIE, "20"),
        _row("03-07 12:00:00", "n_same", "Beta Doc", "10"),
        # What came before the finishing view is not next.
        _row("03-08 09:00:00", "n_before", "Alpha Doc", "10"),
        _row("03-08 10:00:00", "n_before", MOVIE),
        # A show: its own next episode is skipped over, another show is named as a show.
        _episode("03-10 20:00:00", "s_skip", "Nextshow, One", "1"),
        _episode("03-10 20:45:00", "s_skip", "Nextshow, Two", "2"),
        _row("03-10 21:30:00", "s_skip", "Othershow, Pilot", "10", "SERIES", "1", "1"),
        # A movie after a show's episode is named by its title.
        _episode("03-11 20:00:00", "s_movie", "Nextshow, Two", "2"),
        _row("03-11 23:00:00", "s_movie", MOVIE, "50"),
        # Only the same show's episodes within 24 hours.
        _episode("03-12 20:00:00", "s_none", "Nextshow, One", "1"),
        _episode("03-12 21:00:00", "s_none", "Nextshow, Two", "2", "30"),
    ]


@pytest.fixture
def next_client(event_store, make_app, tmp_path):
    """(a client over tutorial-format rows and the planted ones in either store, its rows)."""
    url, raw = imported_tutorial_rows(event_store, tmp_path, 2000, 7, more_rows=planted_rows())
    app = make_app(DATABASE_URL=url, EVENTS_NOW=NOW.isoformat())
    return app.server.test_client(), reference_titles.prepare(raw)


def _next(client, **query) -> dict:
    response = client.get("/data/title/", query_string=query)
    assert response.status_code == 200, response.get_data(as_text=True)
    return response.get_json()["next"]


def test_planted_next_titles_are_counted_as_defined(next_client):
    client, _ = next_client
    assert _next(client, title=MOVIE) == {
        "finishers": 5,  # n_24h, n_late, n_twice, n_same, n_before
        "titles": [
            {"title": "Beta Doc", "viewers": 2, "share": 0.4},  # n_twice, n_same
            {"title": "Alpha Doc", "viewers": 1, "share": 0.2},  # n_24h
        ],
        "nothing_within_24h": 0.4,  # n_late, n_before
    }
    # The filters apply to every event considered: n_twice's SE view is not next.
    assert _next(client, title=MOVIE, market="NO")["titles"] == [
        {"title": "Alpha Doc", "viewers": 2, "share": 0.4},
        {"title": "Beta Doc", "viewers": 1, "share": 0.2},
    ]
    # So does the range: n_24h's and n_late's finishing views are before it.
    assert _next(client, title=MOVIE, start="2015-03-04", end="2015-03-31")["finishers"] == 3
    assert _next(client, series=SHOW) == {
        "finishers": 3,  # s_skip, s_movie, s_none
        "titles": [
            {"title": MOVIE, "viewers": 1, "share": 0.3333},
            {"title": "Othershow", "viewers": 1, "share": 0.3333},
        ],
        "nothing_within_24h": 0.3333,
    }
    # Without finishers, shares are null.
    assert _next(client, title=MOVIE, start="2015-03-06", end="2015-03-06") == {
        "finishers": 0,
        "titles": [],
        "nothing_within_24h": None,
    }


CASES = [
    ({}, {}),
    ({"market": "NO"}, {"market": {"NO"}}),
    ({"start": "2015-03-03", "end": "2015-04-05"}, {}),
    ({"device": "iPad"}, {"device": {"iPad"}}),
]


def test_route_equals_the_reference_on_tutorial_data(next_client):
    client, raw = next_client
    shows = {"Game of Thrones", "Mad Men", SHOW}
    titles = [MOVIE, *reference_titles.toplist(raw, 3)]
    named = False
    for query, where in CASES:
        start, end = (dt.date.fromisoformat(query[k]) if k in query else None
                      for k in ("start", "end"))  # fmt: skip
        for show in shows:
            want = reference_titles.title(raw, "daily", start, end, where, show=show)
            got = client.get("/data/title/", query_string=query | {"series": show}).get_json()
            assert got["next"] == want["next"], (query, show)
        for entry in titles:
            name = entry if isinstance(entry, str) else entry["title"]
            want = reference_titles.title(raw, "daily", start, end, where, name=name)
            got = client.get("/data/title/", query_string=query | {"title": name}).get_json()
            assert got["next"] == want["next"], (query, name)
            named |= bool(want["next"]["titles"]) and name != MOVIE
    assert named, "the tutorial data's own finishers go on to other titles"


def test_the_card_shows_names_literally():
    from layouts.next_view import next_card

    answer = {
        "finishers": 2,
        "titles": [{"title": "<b>Bold</b> & co", "viewers": 1, "share": 0.5}],
        "nothing_within_24h": 0.5,
    }
    table = next_card(answer).children[1].children
    first = table.children[1].children[0].children[0]
    assert first.children == "<b>Bold</b> & co"  # a string child: Dash renders it as text
    assert next_card(None) is None


def test_sqlite_demo_equals_the_reference(client, demo_db):
    """(PostgreSQL's demo: tests/unit/test_binges.py checks the whole title answer alike)"""
    from tests.unit.route_reference import RouteReference, filter_cases

    raw = reference_titles.prepare(read_raw(demo_db))
    RouteReference(client, raw).routes(["title"], filter_cases(raw, brief=True))
    show = reference_titles.toplist(raw, 1, "series", where={"sessiontype": {"SERIES"}})[0]
    assert reference_titles.title(raw, show=show["title"])["next"]["titles"], "demo finishers"
