"""/data/binge/ and a show's "binge" and "funnel" on /data/title/: planted binges counted by
hand, the route equal to the independent reference (testkit/reference_binges.py) on
tutorial-format data and demo data on both stores, and 400s for bad parameters."""

from __future__ import annotations

import datetime as dt

import pytest

from testkit import reference_binges, reference_titles
from tests.unit.csv_support import imported_tutorial_rows
from tests.unit.route_reference import RouteReference, filter_cases
from tests.unit.test_postgres_store import read_raw_pg

NOW = dt.datetime(2015, 6, 1, 9, 0)  # the tutorial's data and the planted rows are before it


def _row(day: str, user, title: str, season="", episode="", contentid="", market="NO"):
    """A tutorial-format row (text, '' for blanks) of a SERIES view."""
    return [f"2015-{day} 20:15:00", user, contentid, "iPad", market, "40", "45", "100", ""]\
        + ["SERIES", title, season, episode]  # fmt: skip


def planted_rows() -> list[list]:
    """Binges of "Planted" and "Other" (see test_planted_binges_are_counted_as_defined)."""
    e1, e2, e3 = (
        ("Planted, Pilot", "1", "1"),
        ("Planted, Two", "1", "2"),
        ("Planted, Three", "1", "3"),
    )
    e4 = ("Planted, Homecoming", "1", "4")
    return [
        # A binge: 3 distinct episodes on one day.
        *(_row("03-02", "u_binge", *e) for e in (e1, e2, e3)),
        # Not a binge: 2 episodes, the second under two spellings (two items of one episode).
        *(_row("03-02", "u_two", *e) for e in (e1, e2, ("Planted, Ep. 2", "1", "2"))),
        # A binge: one title text in two seasons is two episodes, and a contentid is one.
        _row("03-03", "u_seasons", "Planted, Homecoming", "1", "4"),
        _row("03-03", "u_seasons", "Planted, Homecoming", "2", "4"),
        _row("03-03", "u_seasons", "Planted, Special", contentid="sp1"),
        _row("03-03", "u_seasons", "Planted, Special", contentid="sp1"),
        # Two binges of one user, of 4 episodes each (the second in another market).
        *(_row("03-04", "u_four", *e) for e in (e1, e2, e3, e4)),
        *(_row("03-10", "u_four", *e, market="SE") for e in (e1, e2, e3, e4)),
        # Episodes 2, 3 and 4 on days 3, 18 and 60 after episode 1: no binge.
        _row("03-02", "u_spread", *e1),
        _row("03-05", "u_spread", *e2),
        _row("03-20", "u_spread", *e3),
        _row("05-01", "u_spread", *e4),
        # Episode 2 before episode 1 does not count as reached.
        _row("03-01", "u_late", *e2),
        _row("03-06", "u_late", *e1),
        # Season 2: its episode 4 seven days after its episode 1 (not within 7 days).
        _row("04-01", "u_s2", "Planted, Homecoming", "2", "1"),
        _row("04-08", "u_s2", "Planted, Homecoming", "2", "4"),
        *(_row("03-07", "u_other", f"Other, Part {n}", "1", str(n)) for n in (1, 2, 3)),
    ]


PLANTED = {
    "series": "Planted",
    "viewers": 7,
    "binge_viewers": 3,
    "share": 0.4286,
    "median_episodes": 3.5,  # of 3, 3, 4 and 4
}
OTHER = {"series": "Other", "viewers": 1, "binge_viewers": 1, "share": 1.0, "median_episodes": 3.0}
FUNNEL = [
    {
        "season": 1,
        "starters": 5,
        "episodes": [
            {"episode": 1, "reached_7": 1.0, "reached_28": 1.0, "reached_90": 1.0},
            {"episode": 2, "reached_7": 0.8, "reached_28": 0.8, "reached_90": 0.8},
            {"episode": 3, "reached_7": 0.4, "reached_28": 0.6, "reached_90": 0.6},
            {"episode": 4, "reached_7": 0.2, "reached_28": 0.2, "reached_90": 0.4},
        ],
    },
    {
        "season": 2,
        "starters": 1,
        "episodes": [
            {"episode": 1, "reached_7": 1.0, "reached_28": 1.0, "reached_90": 1.0},
            {"episode": 4, "reached_7": 0.0, "reached_28": 1.0, "reached_90": 1.0},
        ],
    },
]
CASES = [
    ({}, {}),
    ({"market": "NO"}, {"market": {"NO"}}),
    ({"start": "2015-03-03", "end": "2015-04-05"}, {}),
    ({"device": "iPad", "limit": "1"}, {"device": {"iPad"}}),
    ({"sessiontype": "MOVIE"}, {"sessiontype": {"MOVIE"}}),
]


def _dates(query: dict) -> tuple:
    return tuple(dt.date.fromisoformat(query[k]) if k in query else None for k in ("start", "end"))


@pytest.fixture
def tutorial_client(event_store, make_app, tmp_path):
    """(a client over tutorial-format rows and the planted ones in either store, its rows)."""
    url, raw = imported_tutorial_rows(event_store, tmp_path, 3000, 31, more_rows=planted_rows())
    app = make_app(DATABASE_URL=url, EVENTS_NOW=NOW.isoformat())
    return app.server.test_client(), reference_titles.prepare(raw)


def test_planted_binges_are_counted_as_defined(tutorial_client):
    client, _ = tutorial_client
    answer = client.get("/data/binge/?limit=1000").get_json()
    assert answer[:1] == [PLANTED]
    assert OTHER in answer
    title = client.get("/data/title/", query_string={"series": "Planted"}).get_json()
    assert title["binge"] == {k: v for k, v in PLANTED.items() if k != "series"}
    assert title["funnel"] == FUNNEL
    # Only the first market: u_four's second binge (SE) leaves, the median with it.
    (no,) = [s for s in client.get("/data/binge/?market=NO&limit=1000").get_json()
             if s["series"] == "Planted"]  # fmt: skip
    assert no == {**PLANTED, "median_episodes": 3.0}  # of 3, 3 and 4
    # A range after the first binges: u_seasons's and u_four's remain, of 3, 4 and 4.
    ranged = client.get("/data/binge/?start=2015-03-03&end=2015-03-31").get_json()
    assert ranged[0] == {
        "series": "Planted",
        "viewers": 4,  # u_seasons, u_four, u_spread and u_late
        "binge_viewers": 2,
        "share": 0.5,
        "median_episodes": 4.0,
    }


def test_route_equals_the_reference_on_tutorial_data(tutorial_client):
    client, raw = tutorial_client
    for query, where in CASES:
        start, end = _dates(query)
        expected = reference_binges.binge(raw, int(query.get("limit", 10)), start, end, where)
        assert client.get("/data/binge/", query_string=query).get_json() == expected, query
        for show in ("Planted", "Game of Thrones", "Mad Men"):
            asked = {k: v for k, v in query.items() if k != "limit"} | {"series": show}
            got = client.get("/data/title/", query_string=asked).get_json()
            want = reference_titles.title(raw, "daily", start, end, where, show=show)
            assert {k: got[k] for k in ("binge", "funnel")} == {
                k: want[k] for k in ("binge", "funnel")
            }, asked
            assert got == want, asked


def test_postgres_demo_equals_the_reference(make_app, pg_demo):
    client = make_app(DATABASE_URL=pg_demo.url).server.test_client()
    raw = reference_titles.prepare(read_raw_pg(pg_demo.url))
    RouteReference(client, raw).routes(["binge", "title"], filter_cases(raw, brief=True))
    assert any(s["binge_viewers"] for s in reference_binges.binge(raw)), "demo data binges"


@pytest.mark.parametrize(
    "query",
    ["limit=0", "limit=1001", "limit=-1", "limit=1.5", "limit=ten", "limit=%EF%BC%95",
     "start=2015-02-30", "end=tomorrow", "market=" + "x" * 5000],
)  # fmt: skip
def test_bad_parameters_are_400(client, query):
    response = client.get(f"/data/binge/?{query}")
    assert response.status_code == 400, response.get_json()
    assert response.get_json()["error"]


def test_default_limit_is_ten_and_the_answer_is_ranked(client, demo_raw):
    answer = client.get("/data/binge/").get_json()
    assert answer == reference_binges.binge(demo_raw, 10)
    keys = [(-s["binge_viewers"], -s["viewers"], s["series"]) for s in answer]
    assert keys == sorted(keys) and len(answer) <= 10
