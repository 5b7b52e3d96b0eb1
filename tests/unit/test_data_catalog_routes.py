"""The catalog's routes: views and completion_rate, filters by device and market, breakdowns,
KPIs and dimensions, with their errors, on demo data checked against SQL."""

from __future__ import annotations

import sqlite3

import pytest

from data.events.catalog import DIMENSION_NAMES, METRIC_NAMES
from testkit import reference_analytics as ref
from tests.unit.reference_checks import typed
from tests.unit.test_data_api import assert_json_error


def sql(demo_db, query: str, *args):
    conn = sqlite3.connect(demo_db)
    try:
        return conn.execute(query, args).fetchall()
    finally:
        conn.close()


def test_views_and_completion_rate_per_month_match_sql(client, demo_db):
    expected = sql(
        demo_db,
        "SELECT substr(event_date, 1, 7) || '-01', count(*), sum(viewpercentage >= 90), "
        "count(viewpercentage) FROM movies GROUP BY 1 ORDER BY 1",
    )
    views = client.get("/data/views/?resolution=monthly").get_json()
    rate = client.get("/data/completion_rate/?resolution=monthly").get_json()
    assert views == [{"date": d, "values": n} for d, n, _, _ in expected]
    assert rate == [{"date": d, "values": round(c / r, 4)} for d, _, c, r in expected]


def test_repeated_device_and_market_values_mean_either(client, demo_db):
    ((users, minutes, views),) = sql(
        demo_db,
        "SELECT count(DISTINCT userid), sum(totalminuteswatched), count(*) FROM movies "
        "WHERE device IN ('iPad', 'Computer') AND (market = 'NO' OR market = '' OR market IS NULL) "
        "AND sessiontype = 'SERIES' AND substr(event_date, 1, 10) BETWEEN '2025-02-01' AND "
        "'2025-05-31'",
    )
    query = (
        "device=iPad&device=Computer&market=NO&market=(none)&sessiontype=SERIES"
        "&start=2025-02-01&end=2025-05-31"
    )
    kpis = client.get(f"/data/kpis/?{query}").get_json()
    assert (kpis["unique_users"], kpis["minutes_watched"], kpis["views"]) == (
        users,
        minutes,
        views,
    )
    daily = client.get(f"/data/views/?{query}").get_json()
    assert sum(r["values"] for r in daily) == views
    assert len(daily) == 120  # zero-filled over the requested range


def test_unknown_device_matches_nothing_and_unknown_sessiontype_is_refused(client):
    assert client.get("/data/views/?device=Toaster").get_json() == []
    kpis = client.get("/data/kpis/?market=XX").get_json()
    assert kpis == {
        "unique_users": 0,
        "minutes_watched": 0,
        "views": 0,
        "minutes_per_viewer": None,
        "completed_views": 0,
        "completion_rate": None,
    }
    assert_json_error(client.get("/data/views/?sessiontype=EPISODE"), 400, "sessiontype")


@pytest.mark.parametrize(
    "query, fragment",
    [
        ("device=" + "x" * 101, "at most 100 characters"),
        ("&".join(f"market=m{i}" for i in range(51)), "at most 50 market values"),
        ("breakdown=title", "breakdown must be one of sessiontype, device, market"),
        ("breakdown=device&limit=0", "limit must be an integer from 1 to 50"),
        ("breakdown=device&limit=51", "limit must be an integer from 1 to 50"),
        ("breakdown=device&limit=five", "limit must be an integer from 1 to 50"),
        ("start=2025-02-30", "real calendar date"),
        ("start=2025-03-01&end=2025-02-01", "must not be after"),
    ],
)
def test_bad_parameters_are_400s_saying_what_is_allowed(client, query, fragment):
    for route in ("/data/views/", "/data/completion_rate/", "/data/unique_users/"):
        assert_json_error(client.get(f"{route}?{query}"), 400, fragment)


def test_breakdown_groups_rank_by_users_and_other_is_exact(client, demo_db):
    rows = client.get("/data/unique_users/?resolution=monthly&breakdown=device&limit=3").get_json()
    ranking = sql(
        demo_db,
        "SELECT device, count(DISTINCT userid) AS n FROM movies GROUP BY device "
        "ORDER BY n DESC, device",
    )
    top = [device for device, _ in ranking[:3]]
    groups = list(dict.fromkeys(r["device"] for r in rows))
    assert groups == [*top, "(other)"]
    assert all(set(r) == {"date", "device", "values"} for r in rows)
    months = sorted({r["date"] for r in rows})
    assert [r["date"] for r in rows] == [m for m in months for _ in groups]
    placeholders = ", ".join("?" * len(top))
    other = dict(
        sql(
            demo_db,
            "SELECT substr(event_date, 1, 7) || '-01', count(DISTINCT userid) FROM movies "
            f"WHERE device NOT IN ({placeholders}) GROUP BY 1",
            *top,
        )
    )
    assert {r["date"]: r["values"] for r in rows if r["device"] == "(other)"} == other


def test_breakdown_without_other_when_nothing_is_left(client):
    rows = client.get("/data/views/?resolution=monthly&breakdown=sessiontype&limit=5").get_json()
    assert list(dict.fromkeys(r["sessiontype"] for r in rows)) == ["SERIES", "MOVIE", "(none)"]
    one = client.get("/data/views/?resolution=monthly&breakdown=market&market=NO").get_json()
    assert {r["market"] for r in one} == {"NO"}


def test_breakdowns_are_zero_filled_like_the_plain_series(client):
    query = "resolution=weekly&start=2024-12-20&end=2025-01-20&device=iPad"
    plain = client.get(f"/data/minutes_watched/?{query}").get_json()
    split = client.get(f"/data/minutes_watched/?{query}&breakdown=market&limit=2").get_json()
    groups = list(dict.fromkeys(r["market"] for r in split))
    assert len(split) == len(plain) * len(groups)
    totals = {}
    for r in split:
        totals[r["date"]] = totals.get(r["date"], 0) + r["values"]
    assert totals == {r["date"]: r["values"] for r in plain}
    assert plain[0]["date"] == "2024-12-16" and plain[0]["values"] == 0


def test_completion_rate_breakdown_is_null_where_no_view_has_a_percentage(client):
    rows = client.get(
        "/data/completion_rate/?resolution=monthly&breakdown=sessiontype&start=2025-01-01"
        "&end=2025-02-28"
    ).get_json()
    by_group = {(r["date"], r["sessiontype"]): r["values"] for r in rows}
    # Rows without a session type are the demo's rows without metadata: no viewpercentage.
    assert by_group[("2025-01-01", "(none)")] is None
    assert 0 < by_group[("2025-01-01", "MOVIE")] < 1


def test_kpis_match_sql(client, demo_db):
    ((users, minutes, views, completed, rated),) = sql(
        demo_db,
        "SELECT count(DISTINCT userid), sum(totalminuteswatched), count(*), "
        "sum(viewpercentage >= 90), count(viewpercentage) FROM movies WHERE device = 'iPhone'",
    )
    assert client.get("/data/kpis/?device=iPhone").get_json() == {
        "unique_users": users,
        "minutes_watched": minutes,
        "views": views,
        "minutes_per_viewer": minutes / users,
        "completed_views": completed,
        "completion_rate": round(completed / rated, 4),
    }


def test_dimensions_list_values_by_views_ignoring_dimension_filters(client, demo_db):
    answer = client.get("/data/dimensions/?start=2025-03-01&end=2025-03-31&device=iPad").get_json()
    assert set(answer) == set(DIMENSION_NAMES)
    expected = sql(
        demo_db,
        "SELECT CASE WHEN market IS NULL OR market = '' THEN '(none)' ELSE market END AS m, "
        "count(*) AS n FROM movies WHERE substr(event_date, 1, 10) BETWEEN '2025-03-01' AND "
        "'2025-03-31' GROUP BY m ORDER BY n DESC, m",
    )
    assert answer["market"] == [{"value": m, "views": n} for m, n in expected]
    assert {e["value"] for e in answer["sessiontype"]} == {"MOVIE", "SERIES", "(none)"}
    assert len(answer["device"]) == 7
    assert_json_error(client.get("/data/dimensions/?start=nope"), 400, "start")


def test_toplist_takes_the_new_filters(client, demo_db):
    expected = sql(
        demo_db,
        "SELECT title, count(*) AS n FROM movies WHERE title != '' AND device = 'Chromecast' "
        "AND market = 'SE' GROUP BY title ORDER BY n DESC, title LIMIT 5",
    )
    answer = client.get("/data/toplist/?num=5&device=Chromecast&market=SE").get_json()
    assert answer == [{"title": t, "values": n} for t, n in expected]


def test_every_metric_route_exists(client, demo_raw):
    for metric in METRIC_NAMES:
        expected = ref.timeseries(demo_raw, metric, "monthly")
        assert len(expected) == 12 and all(row["values"] for row in expected)
        answer = client.get(f"/data/{metric}/?resolution=monthly").get_json()
        assert typed(answer) == typed(expected), metric
