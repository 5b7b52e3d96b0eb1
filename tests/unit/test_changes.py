"""/data/changes/: equal to an independent pandas computation on demo data (both stores), quiet
on ordinary weekly seasonality, loud on a planted drop, nulls without a baseline, 400s."""

from __future__ import annotations

import datetime as dt
import math

import pandas as pd
import pytest

from data.events.analysis import changes as engine_changes
from data.events.analysis.analytics import EventsAnalytics
from data.events.params import Filters
from data.events.stores.date_bounds import DateBounds
from data.events.stores.sqlite_versions import SqliteVersions
from testkit import reference_analytics, reference_changes
from tests.unit.analysis_support import rollup_of
from tests.unit.csv_support import imported_tutorial_rows
from tests.unit.reference_checks import read_raw
from tests.unit.test_postgres_store import read_raw_pg

# The demo data ends on Wednesday 2025-12-31; the clock is fixed the morning after.
NOW = dt.datetime(2026, 1, 1, 9, 0)

CASES = [
    ({}, {}),
    ({"resolution": "weekly"}, {}),
    ({"metric": "minutes_watched", "limit": "7"}, {}),
    ({"market": "SE"}, {"market": {"SE"}}),
    ({"resolution": "weekly", "device": "iPad", "metric": "views"}, {"device": {"iPad"}}),
    ({"day": "2025-11-12", "metric": "completion_rate"}, {}),
    (
        {"day": "2025-10-15", "resolution": "weekly", "sessiontype": "SERIES"},
        {"sessiontype": {"SERIES"}},
    ),
]


def same(got, want, where: str = "$") -> None:
    """Equal JSON, floats to 1e-9 (medians and bands are computed two ways)."""
    if isinstance(want, dict):
        assert isinstance(got, dict) and set(got) == set(want), where
        for key in want:
            same(got[key], want[key], f"{where}.{key}")
    elif isinstance(want, list):
        assert isinstance(got, list) and len(got) == len(want), (where, got, want)
        for i, (g, w) in enumerate(zip(got, want, strict=True)):
            same(g, w, f"{where}[{i}]")
    elif isinstance(want, float) and not isinstance(got, str):
        assert got is not None and math.isclose(got, want, rel_tol=1e-9, abs_tol=1e-9), where
    else:
        assert got == want, (where, got, want)


def _reference(raw, query: dict, where: dict) -> dict:
    day = query.get("day")
    return reference_changes.changes(
        raw,
        NOW.date(),
        dt.date.fromisoformat(day) if day else None,
        query.get("resolution", "daily"),
        query.get("metric", "unique_users"),
        int(query.get("limit", 5)),
        where,
    )


@pytest.fixture
def client_now(make_app):
    return make_app(EVENTS_NOW=NOW.isoformat()).server.test_client()


@pytest.mark.parametrize(("query", "where"), CASES)
def test_equals_the_reference_on_demo_data(client_now, demo_db, query, where):
    response = client_now.get("/data/changes/", query_string=query)
    assert response.status_code == 200, response.get_json()
    same(response.get_json(), _reference(read_raw(demo_db), query, where))


def test_postgres_equals_the_reference(make_app, pg_demo):
    client = make_app(DATABASE_URL=pg_demo.url, EVENTS_NOW=NOW.isoformat()).server.test_client()
    raw = read_raw_pg(pg_demo.url)
    for query, where in CASES[:5]:
        response = client.get("/data/changes/", query_string=query)
        assert response.status_code == 200, response.get_json()
        same(response.get_json(), _reference(raw, query, where), repr(query))


def test_kpis_are_those_of_data_kpis_for_the_day(client_now):
    answer = client_now.get("/data/changes/?market=SE").get_json()
    assert answer["day"] == "2025-12-31"
    kpis = client_now.get("/data/kpis/?start=2025-12-31&end=2025-12-31&market=SE").get_json()
    assert {m: k["value"] for m, k in answer["kpis"].items()} == {
        m: kpis[m] for m in answer["kpis"]
    }
    week = client_now.get("/data/changes/?resolution=weekly&day=2025-12-24").get_json()
    assert week["day"] == "2025-12-22"
    assert week["baseline_days"][0] == "2025-12-15" and len(week["baseline_days"]) == 6
    kpis = client_now.get("/data/kpis/?start=2025-12-22&end=2025-12-28").get_json()
    assert {m: k["value"] for m, k in week["kpis"].items()} == {m: kpis[m] for m in week["kpis"]}


def test_default_day_follows_the_clock(make_app):
    # The last day with events is "today": the day before is judged, and its week is not done.
    client = make_app(EVENTS_NOW="2025-12-31T18:00:00").server.test_client()
    assert client.get("/data/changes/").get_json()["day"] == "2025-12-30"
    assert client.get("/data/changes/?resolution=weekly").get_json()["day"] == "2025-12-22"
    later = make_app(EVENTS_NOW="2026-02-01T08:00:00").server.test_client()
    assert later.get("/data/changes/").get_json()["day"] == "2025-12-31"
    # The data stops on a Wednesday: its week is not complete, the one before is judged.
    assert later.get("/data/changes/?resolution=weekly").get_json()["day"] == "2025-12-22"


@pytest.mark.parametrize(
    "query",
    [
        "resolution=monthly",
        "resolution=hourly",
        "day=2025-02-30",
        "day=yesterday",
        "day=0001-01-05",
        "metric=nope",
        "limit=0",
        "limit=51",
        "start=2025-01-01",
        "end=2025-01-01",
        "sessiontype=FILM",
    ],
)
def test_bad_parameters_are_400_json(client_now, query):
    response = client_now.get(f"/data/changes/?{query}")
    assert response.status_code == 400
    assert response.is_json and response.get_json()["error"]


# -- fixtures with a known shape -------------------------------------------------------------

START = dt.date(2024, 1, 2)  # a Tuesday; the last day is the Tuesday 9 weeks later
LAST = START + dt.timedelta(days=63)
MARKETS = {"SE": 2, "NO": 1, "DK": 1, "FI": 1}  # each market's multiple of the weekday level
LEVEL = (60, 54, 48, 66, 84, 96, 90)  # per weekday, Monday first: ordinary weekly seasonality
NOISE = (1, -1, 2, -2, 1, -1)
TITLES = ("Alpha", "Beta", "Gamma")


def seasonal_rows(drop: float = 0.0) -> pd.DataFrame:
    """Events with a level per weekday and market, small noise, none on the last day (then
    SE drops by `drop`); every event its own viewer, 30 minutes, every other one completed."""
    rows = []
    for offset in range(64):
        day = START + dt.timedelta(days=offset)
        for m, (market, times) in enumerate(MARKETS.items()):
            noise = 0 if day == LAST else 6 * NOISE[(offset // 7 + m) % len(NOISE)]
            count = LEVEL[day.weekday()] * times + noise
            if day == LAST and market == "SE":
                count = round(count * (1 - drop))
            rows += [
                {
                    "event_date": f"{day.isoformat()} 12:00:00",
                    "userid": f"{market}-{day.isoformat()}-{i}",
                    "market": market,
                    "device": "TV",
                    "totalminuteswatched": 30,
                    "viewpercentage": 95 if i % 2 else 40,
                    "sessiontype": "MOVIE",
                    "title": TITLES[i % 3],
                }
                for i in range(count)
            ]
    return pd.DataFrame(rows, dtype=object)


ALL = Filters()


def _changes(rollup, day=LAST, resolution="daily", metric="unique_users"):
    return engine_changes.changes(rollup, ALL, day, resolution, metric, 5, LAST)


def test_ordinary_weekly_seasonality_flags_nothing():
    answer = _changes(rollup_of(seasonal_rows()))
    assert answer["day"] == LAST.isoformat()
    assert all(k["flag"] is None and k["expected"] is not None for k in answer["kpis"].values())
    for group, movers in answer["movers"].items():
        assert movers and all(m["flag"] is None for m in movers), group


def test_a_market_dropping_40_percent_on_a_tuesday_is_flagged_first():
    raw = seasonal_rows(drop=0.4)
    answer = _changes(rollup_of(raw))
    first = answer["movers"]["market"][0]
    assert first["value"] == "SE" and first["flag"] == "below"
    assert first["value_today"] == round(LEVEL[1] * 2 * 0.6)
    assert first["impact"] == first["value_today"] - LEVEL[1] * 2
    assert all(m["flag"] is None for m in answer["movers"]["market"][1:])
    # And as the reference computes it, for two metrics.
    for metric in ("unique_users", "views"):
        got = _changes(rollup_of(raw), metric=metric)
        same(got, reference_changes.changes(raw, LAST, LAST, "daily", metric, 5))


def test_fewer_than_4_baseline_days_inside_the_data_give_no_expectation():
    rollup = rollup_of(seasonal_rows())
    early = _changes(rollup, day=START + dt.timedelta(days=21))  # 3 baseline days inside
    assert all(
        k["expected"] is k["low"] is k["high"] is k["change"] is None
        for k in early["kpis"].values()
    )
    assert all(k["flag"] is None for k in early["kpis"].values())
    assert all(m["impact"] is None for movers in early["movers"].values() for m in movers)
    enough = _changes(rollup, day=START + dt.timedelta(days=28))  # 4
    assert all(k["expected"] is not None for k in enough["kpis"].values())


def test_a_day_without_events():
    answer = _changes(rollup_of(seasonal_rows()), day=LAST + dt.timedelta(days=7))
    kpis = answer["kpis"]
    assert kpis["views"]["value"] == 0 and kpis["views"]["flag"] == "below"
    assert kpis["views"]["change"] == -1.0
    assert kpis["completion_rate"]["value"] is None
    assert kpis["completion_rate"]["change"] is kpis["completion_rate"]["flag"] is None
    # Candidates are values seen on a baseline day: every market, each at 0 today.
    assert {m["value"] for m in answer["movers"]["market"]} == set(MARKETS)
    assert all(m["value_today"] == 0 for m in answer["movers"]["market"])


def test_weekly_against_the_six_weeks_before():
    raw = seasonal_rows()
    rollup = rollup_of(raw)
    answer = _changes(rollup, day=LAST - dt.timedelta(days=3), resolution="weekly")
    assert answer["day"] == "2024-02-26"
    same(answer, reference_changes.changes(raw, LAST, LAST - dt.timedelta(days=3), "weekly"))


def test_a_scoped_analytics_answers_as_a_store_of_its_rows_alone(demo_db):
    versions = SqliteVersions(demo_db, bounds=DateBounds(now=NOW))
    scoped = EventsAnalytics(versions).scoped({"device": {"iPad", "Smart TV"}})
    ev = reference_analytics.prepare(read_raw(demo_db))
    ev = ev[ev["device"].isin(["iPad", "Smart TV"])]
    for resolution, metric in (("daily", "views"), ("weekly", "unique_users")):
        got = scoped.changes(Filters(), None, resolution, metric, 5)
        same(got, reference_changes.changes(ev, NOW.date(), None, resolution, metric, 5))


TUTORIAL_NOW = dt.datetime(2015, 5, 4, 9, 0)
TUTORIAL_CASES = [
    ({"day": "2015-02-20"}, {}),
    ({"day": "2015-02-18", "metric": "views", "market": "NO"}, {"market": {"NO"}}),
    ({"day": "2015-02-18", "resolution": "weekly"}, {}),
    ({"day": "2015-01-14", "device": "iPad", "limit": "8"}, {"device": {"iPad"}}),
]


def test_tutorial_format_csv_on_both_stores_equals_the_reference(event_store, make_app, tmp_path):
    url, raw = imported_tutorial_rows(event_store, tmp_path, 3000, seed=31)
    client = make_app(DATABASE_URL=url, EVENTS_NOW=TUTORIAL_NOW.isoformat()).server.test_client()
    for query, where in TUTORIAL_CASES:
        response = client.get("/data/changes/", query_string=query)
        assert response.status_code == 200, response.get_json()
        day = dt.date.fromisoformat(query["day"])
        expected = reference_changes.changes(
            raw,
            TUTORIAL_NOW.date(),
            day,
            query.get("resolution", "daily"),
            query.get("metric", "unique_users"),
            int(query.get("limit", 5)),
            where,
        )
        same(response.get_json(), expected, repr(query))
        assert expected["kpis"]["views"]["expected"] is not None, "a baseline to compare with"
