"""GET /data/stickiness/: a hand-computed case, the tutorial's format on both stores against the
pandas reference (testkit/reference_stickiness.py), and bad parameters."""

from __future__ import annotations

import datetime as dt

import pytest

from data.events.params import Filters
from testkit import reference_stickiness
from tests.unit.csv_support import imported_tutorial_rows
from tests.unit.test_cohorts import events, get  # noqa: F401 (events: a fixture)
from tests.unit.test_data_api import analytics_of, assert_json_error

# u3 on 25 February only (before the range below, inside its first days' 30 days); u1 on 1
# March (twice), 20 March, 14 and 15 April; u2 on 10 March (the only iPad event) and 8 April;
# an event without a userid on 15 March.
EVENTS = [
    ("2025-02-25 10:00:00", "u3", "Computer"),
    ("2025-03-01 10:00:00", "u1", "Computer"),
    ("2025-03-01 22:00:00", "u1", "Smart TV"),
    ("2025-03-10 10:00:00", "u2", "iPad"),
    ("2025-03-15 10:00:00", None, "Computer"),
    ("2025-03-20 10:00:00", "u1", "Computer"),
    ("2025-04-08 10:00:00", "u2", "Computer"),
    ("2025-04-14 10:00:00", "u1", "Computer"),
    ("2025-04-15 10:00:00", "u1", "Computer"),
]


def _day(answer: dict, date: str) -> tuple:
    (row,) = [row for row in answer["days"] if row["date"] == date]
    return row["dau"], row["mau"], row["ratio"]


def test_a_hand_computed_case(events):  # noqa: F811
    client = events(EVENTS)
    answer = get(client, "stickiness", "start=2025-03-10&end=2025-04-15")
    assert [row["date"] for row in answer["days"]][::36] == ["2025-03-10", "2025-04-15"]
    assert len(answer["days"]) == 37
    # 25 February is within the 30 days ending 10 March (and 26 March), not 27 March.
    assert _day(answer, "2025-03-10") == (1, 3, 0.3333)
    assert _day(answer, "2025-03-15") == (0, 3, 0.0)  # no userid: no user
    assert _day(answer, "2025-03-26") == (0, 3, 0.0)
    assert _day(answer, "2025-03-27") == (0, 2, 0.0)
    assert _day(answer, "2025-04-15") == (1, 2, 0.5)
    # Only the range's days of March (10..31) count: u1 on 1 March is not one of them.
    assert answer["active_days"] == [
        {"month": "2025-03", "days": 1, "users": 2},
        {"month": "2025-04", "days": 1, "users": 1},
        {"month": "2025-04", "days": 2, "users": 1},
    ]
    # By default the data's span: its first day's 30 days hold nothing earlier.
    everything = get(client, "stickiness")
    assert everything["days"][0] == {"date": "2025-02-25", "dau": 1, "mau": 1, "ratio": 1.0}
    assert everything["days"][-1]["date"] == "2025-04-15"
    assert {"month": "2025-03", "days": 2, "users": 1} in everything["active_days"]
    # A filter limits the users' days, the window's too; mau 0 makes the ratio null.
    ipad = get(client, "stickiness", "start=2025-03-10&end=2025-04-15&device=iPad")
    assert _day(ipad, "2025-03-10") == (1, 1, 1.0)
    assert _day(ipad, "2025-04-08") == (0, 1, 0.0)
    assert _day(ipad, "2025-04-15") == (0, 0, None)
    assert ipad["active_days"] == [{"month": "2025-03", "days": 1, "users": 1}]


def test_no_matching_event_and_no_dates_answers_nothing(events):  # noqa: F811
    client = events(EVENTS)
    assert get(client, "stickiness", "market=SE") == {"days": [], "active_days": []}
    far = get(client, "stickiness", "start=2030-01-01&end=2030-01-02")
    assert far == {
        "days": [
            {"date": "2030-01-01", "dau": 0, "mau": 0, "ratio": None},
            {"date": "2030-01-02", "dau": 0, "mau": 0, "ratio": None},
        ],
        "active_days": [],
    }


def test_answers_are_memoised_and_handed_out_fresh(app, client):
    analytics = analytics_of(app)
    first = analytics.stickiness(Filters())
    first["days"][0]["dau"] = -1
    first["active_days"].clear()
    again = analytics.stickiness(Filters())
    assert again == client.get("/data/stickiness/").get_json()
    assert again["days"][0]["dau"] > 0 and again["active_days"]


def test_demo_data_equals_the_reference(app, demo_raw):
    client = app.server.test_client()
    for query, where in [
        ({}, {}),
        ({"start": "2025-03-05", "device": "iPad"}, {"device": {"iPad"}}),
    ]:
        dates = {k: dt.date.fromisoformat(v) for k, v in query.items() if k in ("start", "end")}
        expected = reference_stickiness.stickiness(demo_raw, where=where, **dates)
        assert client.get("/data/stickiness/", query_string=query).get_json() == expected
        assert len({row["month"] for row in expected["active_days"]}) >= 10


TUTORIAL_CASES = [
    ({}, {}),
    ({"start": "2015-02-10", "end": "2015-03-20"}, {}),
    ({"start": "2015-01-20", "market": "NO"}, {"market": {"NO"}}),
    ({"end": "2015-02-18", "device": "iPad"}, {"device": {"iPad"}}),
]


def test_tutorial_format_csv_on_both_stores_equals_the_reference(event_store, make_app, tmp_path):
    url, raw = imported_tutorial_rows(event_store, tmp_path, 3000, seed=31)
    client = make_app(DATABASE_URL=url).server.test_client()
    for query, where in TUTORIAL_CASES:
        response = client.get("/data/stickiness/", query_string=query)
        assert response.status_code == 200, response.get_json()
        dates = {k: dt.date.fromisoformat(query[k]) for k in ("start", "end") if k in query}
        expected = reference_stickiness.stickiness(raw, where=where, **dates)
        assert response.get_json() == expected, repr(query)
        assert any(0 < row["dau"] < row["mau"] for row in expected["days"]), "a real window"


@pytest.mark.parametrize(
    ("query", "fragments"),
    [
        ("start=2025-02-30", ["start", "YYYY-MM-DD"]),
        ("end=tomorrow", ["end", "YYYY-MM-DD"]),
        ("start=2025-03-02&end=2025-03-01", ["must not be after end"]),
        ("start=0001-01-01&end=9999-12-31", ["narrow start..end"]),
        ("sessiontype=EPISODE", ["MOVIE, SERIES"]),
        ("device=" + "x" * 101, ["at most 100 characters"]),
    ],
)
def test_bad_parameters_are_400(client, query, fragments):
    assert_json_error(client.get(f"/data/stickiness/?{query}"), 400, *fragments)


def test_post_is_a_json_405(client):
    assert_json_error(client.post("/data/stickiness/"), 405, "POST", "GET")
