"""The /data JSON routes through the Flask test client of the real app."""

from __future__ import annotations

import datetime as dt
import logging
import sqlite3
import time
from urllib.parse import quote

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from testkit import reference_analytics as ref
from tests.unit.reference_checks import typed
from tests.unit.route_reference import CHECKED_ROUTES, RouteReference, filter_cases
from web import services

METRICS = ("unique_users", "minutes_watched")
RESOLUTIONS = ("daily", "weekly", "monthly")


def analytics_of(app):
    return services.analytics(app.server)


def assert_json_error(response, status: int, *fragments: str) -> str:
    assert response.status_code == status, response.data
    assert response.mimetype == "application/json"
    body = response.get_json()
    assert set(body) == {"error"}
    for fragment in fragments:
        assert fragment in body["error"]
    assert "Traceback" not in body["error"]
    return body["error"]


@pytest.mark.parametrize("metric", METRICS)
@pytest.mark.parametrize("resolution", RESOLUTIONS)
def test_timeseries_routes(client, demo_raw, metric, resolution):
    response = client.get(f"/data/{metric}/?resolution={resolution}")
    assert response.status_code == 200
    assert response.mimetype == "application/json"
    rows = response.get_json()
    assert typed(rows) == typed(ref.timeseries(demo_raw, metric, resolution))
    assert all(set(row) == {"date", "values"} for row in rows)
    dates = [dt.date.fromisoformat(row["date"]) for row in rows]
    assert dates == sorted(dates) and len(set(dates)) == len(dates)
    step = {"daily": 1, "weekly": 7}.get(resolution)
    if step:  # zero-filled: no gaps
        assert all((b - a).days == step for a, b in zip(dates, dates[1:], strict=False))
    else:
        assert all(d.day == 1 for d in dates) and len(dates) == 12
    if resolution == "weekly":
        assert all(d.weekday() == 0 for d in dates)


def test_default_resolution_is_daily_and_default_num_is_ten(client, demo_raw):
    daily = ref.timeseries(demo_raw, "unique_users", "daily")
    assert len(daily) > 300 and sum(row["values"] for row in daily) > 0
    for query in ("", "?resolution=", "?resolution=daily", "?resolution=DAILY"):
        assert client.get(f"/data/unique_users/{query}").get_json() == daily, query
    top = ref.toplist(demo_raw, 10)
    assert len(top) == 10
    for query in ("", "?num=", "?num=10"):
        assert client.get(f"/data/toplist/{query}").get_json() == top, query


@pytest.mark.parametrize(
    "path", ["/data/unique_users", "/data/minutes_watched?resolution=weekly", "/data/toplist?num=3"]
)
def test_routes_without_trailing_slash_answer_directly(client, path):
    response = client.get(path)
    assert response.status_code == 200
    with_slash = path.replace("?", "/?") if "?" in path else path + "/"
    assert response.get_json() == client.get(with_slash).get_json()


def test_toplist_route(client, demo_raw):
    top = client.get("/data/toplist/?num=25").get_json()
    assert top == ref.toplist(demo_raw, 25)  # the counts, not only their order
    assert len(top) == 25 and all(set(row) == {"title", "values"} for row in top)
    assert client.get("/data/toplist/?num=1").get_json() == top[:1]
    everything = client.get("/data/toplist/?num=1000").get_json()
    titles = demo_raw["title"].dropna().nunique()
    assert 25 < titles < 1000 and len(everything) == titles  # every title, once
    assert everything == ref.toplist(demo_raw, 1000)


# /data/changes/ against its reference on demo data: test_changes.py (its reference asks every
# title of each of 7 days, too slow to repeat under every filter here).
@pytest.mark.parametrize("route", [r for r in CHECKED_ROUTES if r != "changes"])
def test_filters_apply_to_every_route(client, demo_raw, route):
    """Each route under each dimension's filter ((none) too), against the reference; every
    filter and spelling on hand-made data: test_routes_reference.py."""
    RouteReference(client, demo_raw).routes([route], filter_cases(demo_raw, brief=True))


def test_range_without_events_is_zero_filled(client):
    rows = client.get("/data/unique_users/?start=2030-01-01&end=2030-03-31&resolution=monthly")
    assert rows.get_json() == [
        {"date": "2030-01-01", "values": 0},
        {"date": "2030-02-01", "values": 0},
        {"date": "2030-03-01", "values": 0},
    ]
    assert client.get("/data/toplist/?start=2030-01-01").get_json() == []
    assert client.get("/data/unique_users/?start=2030-01-01").get_json() == []


def test_empty_database(make_app, db_path):
    client = make_app(DATABASE_URL=f"sqlite:///{db_path}").server.test_client()
    assert client.get("/data/unique_users/").get_json() == []
    assert client.get("/data/minutes_watched/?resolution=monthly").get_json() == []
    assert client.get("/data/toplist/?num=5").get_json() == []
    two_weeks = client.get("/data/unique_users/?resolution=weekly&start=2025-01-06&end=2025-01-13")
    assert two_weeks.get_json() == [
        {"date": "2025-01-06", "values": 0},
        {"date": "2025-01-13", "values": 0},
    ]


def test_a_new_import_is_served_without_restart(app, client, demo_db):
    before = client.get("/data/toplist/?num=1").get_json()[0]
    conn = sqlite3.connect(demo_db)
    columns = [row[1] for row in conn.execute("PRAGMA table_info(movies)")]
    row = {c: "" for c in columns} | {
        "event_date": "2025-06-01 12:00:00",
        "userid": "f" * 32,
        "totalminuteswatched": 1,
        "title": before["title"],
    }
    conn.executemany(
        f"INSERT INTO movies ({', '.join(columns)}) VALUES ({', '.join('?' * len(columns))})",
        [tuple(row[c] for c in columns)] * 3,
    )
    conn.commit()
    conn.close()
    # Rows written by another program: a builder process rebuilds the rollup while the previous
    # version is served (never an error, never a mix).
    expected = {"title": before["title"], "values": before["values"] + 3}
    deadline = time.monotonic() + 20
    while True:
        answer = client.get("/data/toplist/?num=1")
        assert answer.status_code == 200
        after = answer.get_json()[0]
        assert after in (before, expected)
        if after == expected or time.monotonic() > deadline:
            break
        time.sleep(0.1)
    assert after == expected


@pytest.mark.parametrize("path", ["/data/hours/", "/data/toplists", "/data/%E2%82%AC/", "/data/"])
def test_unknown_routes_are_json_404(client, path):
    assert_json_error(client.get(path), 404, "unique_users")


@pytest.mark.parametrize(
    ("query", "fragments"),
    [
        ("resolution=hourly", ["daily, weekly, monthly"]),
        ("resolution=%E2%82%AC", ["daily, weekly, monthly"]),
        ("start=2025-02-30", ["start", "YYYY-MM-DD"]),
        ("end=yesterday", ["end", "YYYY-MM-DD"]),
        ("start=2025-1-1", ["YYYY-MM-DD"]),
        ("start=2025-03-02&end=2025-03-01", ["must not be after end"]),
        ("sessiontype=EPISODE", ["MOVIE, SERIES"]),
        ("sessiontype=%00", ["MOVIE, SERIES"]),
        ("start=0001-01-01&end=9999-12-31", ["narrow start..end"]),
    ],
)
def test_bad_timeseries_parameters_are_400(client, query, fragments):
    assert_json_error(client.get(f"/data/unique_users/?{query}"), 400, *fragments)


@pytest.mark.parametrize(
    "num", ["0", "1001", "-3", "abc", "2.5", "1e2", "9" * 5000, "%EF%BC%95", "+7", "%20"]
)
def test_bad_num_is_400(client, num):
    assert_json_error(client.get(f"/data/toplist/?num={num}"), 400, "integer from 1 to 1000")


def test_toplist_filters_are_validated_too(client):
    assert_json_error(client.get("/data/toplist/?sessiontype=x"), 400, "MOVIE, SERIES")
    assert_json_error(client.get("/data/toplist/?end=2025-13-01"), 400, "end")


def test_repeated_parameters_use_the_first(client):
    first = client.get("/data/unique_users/?resolution=monthly").get_json()
    assert client.get("/data/unique_users/?resolution=monthly&resolution=x").get_json() == first
    assert_json_error(client.get("/data/unique_users/?resolution=x&resolution=monthly"), 400)


@pytest.mark.parametrize("method", ["POST", "PUT", "PATCH", "DELETE"])
def test_other_methods_are_json_405(client, method):
    response = client.open("/data/toplist/", method=method)
    assert_json_error(response, 405, method, "GET")
    assert "GET" in response.headers["Allow"]


def test_head_and_options(client):
    assert client.head("/data/unique_users/").status_code == 200
    response = client.options("/data/toplist/")
    assert response.status_code == 204
    assert response.headers["Allow"] == "GET, HEAD, OPTIONS"


def test_an_unreadable_database_is_a_json_503_logged_in_one_line(make_app, tmp_path, caplog):
    broken = tmp_path / "broken.sqlite"
    broken.write_bytes(b"this is not a database file at all" * 100)
    client = make_app(DATABASE_URL=f"sqlite:///{broken}").server.test_client()
    with caplog.at_level(logging.WARNING):
        response = client.get("/data/unique_users/")
    error = assert_json_error(response, 503)
    assert error == "the event database cannot be read: file is not a database"
    assert caplog.records and not any(record.exc_info for record in caplog.records)


_text = st.text(
    alphabet=st.characters(codec="utf-8", exclude_categories=["Cs"]), max_size=30
) | st.sampled_from(
    ["", "daily", "weekly", "2025-03-01", "2025-02-29", "MOVIE", "10", "0", "9" * 40]
)


@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    path=st.sampled_from(["unique_users/", "minutes_watched", "toplist/", "toplist"]),
    params=st.lists(
        st.tuples(
            st.sampled_from(["resolution", "num", "start", "end", "sessiontype", "x"]), _text
        ),
        max_size=6,
    ),
)
def test_any_query_string_gets_json_and_never_a_500(client, path, params):
    query = "&".join(f"{quote(k)}={quote(v)}" for k, v in params)
    response = client.get(f"/data/{path}?{query}")
    assert response.status_code in (200, 400), (query, response.data)
    assert response.mimetype == "application/json"
    body = response.get_json()
    assert isinstance(body, list) if response.status_code == 200 else "error" in body
