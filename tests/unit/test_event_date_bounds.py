"""Rows that another program wrote (sqlite3, psql) with sentinel dates or numbers the engine cannot
count: left out and counted, or read as unknown, alike on both stores, on the page and /healthz.
The clock is fixed (EVENTS_NOW, DateBounds.now): no test depends on the day it runs."""

from __future__ import annotations

import dataclasses
import datetime as dt
import sqlite3
import time

import psycopg
import pytest

from data.events.analysis.analytics import EventsAnalytics
from data.events.params import Filters
from data.events.stores import pg_store
from data.events.stores.date_bounds import DateBounds
from data.events.stores.event_stores import SqliteStore
from data.events.stores.sqlite_store import CREATE_MOVIES
from layouts import ids
from testkit.dash_client import DashCallbacks

NOW = dt.datetime(2026, 3, 10, 15, 30, tzinfo=dt.UTC)
COLUMNS = ("event_date", "userid", "totalminuteswatched", "viewpercentage", "title", "sessiontype")
COLUMNS += ("runningtime",)
KEPT = [
    ("2026-03-02 10:00:00", "a", 30, 95.0, "Heat", "MOVIE", 100),
    ("2026-03-03 10:00:00", "b", 20, 50.0, "Heat", "MOVIE", 100),
]
SENTINELS = [
    ("9999-12-31 00:00:00", "c", 40, 95.0, "Late", "MOVIE", 100),
    ("0001-01-01 00:00:00", "d", 40, 95.0, "Old", "MOVIE", 100),
    ("1969-12-31 23:59:59", "e", 40, 95.0, "Old", "MOVIE", 100),
    ("2026-03-12 15:30:00", "f", 40, 95.0, "Late", "MOVIE", 100),  # two days after now
]
UNKNOWN_NUMBERS = [
    ("2026-03-04 10:00:00", "g", 2**53 + 1, 95.0, "Heat", "MOVIE", 100),
    ("2026-03-04 11:00:00", "h", 2**63 - 1, 95.0, "Heat", "MOVIE", 100),
    ("2026-03-04 12:00:00", "i", -5, 95.0, "Heat", "MOVIE", 100),
    ("2026-03-04 13:00:00", "j", 10, float("inf"), "Heat", "MOVIE", 100),  # 1e309 as stored
    ("2026-03-04 14:00:00", "k", 10, float("nan"), "Heat", "MOVIE", 100),
]
ALL_ROWS = KEPT + SENTINELS + UNKNOWN_NUMBERS
# What every answer counts: 7 views (the 4 sentinels left out); minutes 30 + 20 + 10 + 10, the
# unknown ones adding nothing (not subtracted, not 2**53); 5 measured percentages (a, b, g, h,
# i), of which 4 complete: infinity and NaN are not complete, and not incomplete either.
EXPECTED_KPIS = {
    "unique_users": 7,
    "minutes_watched": 70,
    "views": 7,
    "minutes_per_viewer": 10.0,
    "completed_views": 4,
    "completion_rate": 0.8,
}


def write_as_another_program(store, rows) -> None:
    """Plain INSERTs, as sqlite3 or psql would: no Reelboard write token, no checks."""
    names = ", ".join(COLUMNS)
    if isinstance(store, SqliteStore):
        with sqlite3.connect(store.path) as conn:
            conn.execute(CREATE_MOVIES)
            conn.executemany(f"INSERT INTO movies ({names}) VALUES (?, ?, ?, ?, ?, ?, ?)", rows)
        conn.close()
        return
    with psycopg.connect(store.url) as conn:
        pg_store.ensure_schema(conn)
        with conn.cursor() as cursor:
            cursor.executemany(
                f"INSERT INTO movies ({names}) VALUES (%s, %s, %s, %s, %s, %s, %s)", rows
            )


@pytest.fixture
def bounded(event_store):
    """An empty store of each kind whose clock is NOW."""
    return dataclasses.replace(event_store, bounds=DateBounds(now=NOW))


@pytest.fixture
def engine_of():
    made = []

    def make(versions, **options) -> EventsAnalytics:
        made.append(EventsAnalytics(versions, **options))
        return made[-1]

    yield make
    for engine in made:
        engine.close()


def test_rows_outside_the_bounds_are_left_out_and_counted(bounded, engine_of):
    write_as_another_program(bounded, ALL_ROWS)
    engine = engine_of(bounded.versions())
    assert engine.kpis() == EXPECTED_KPIS
    assert engine.left_out() == (4, ("1970-01-01", "2026-03-11"))
    assert engine.date_bounds() == (dt.date(2026, 3, 2), dt.date(2026, 3, 4))
    assert engine.timeseries("views", "daily") == [
        {"date": "2026-03-02", "values": 1},
        {"date": "2026-03-03", "values": 1},
        {"date": "2026-03-04", "values": 5},
    ]
    assert engine.timeseries("minutes_watched", "daily")[-1] == {"date": "2026-03-04", "values": 20}
    assert engine.toplist(10) == [{"title": "Heat", "values": 7}]
    assert engine.row_count() == 7


def test_both_stores_read_the_same_rows_alike(bounded, tmp_path, engine_of):
    """The same rows through sqlite3 and through psql: the same answers (the parametrised store
    against a SQLite file of its own)."""
    sqlite = SqliteStore(tmp_path / "twin.sqlite", bounds=DateBounds(now=NOW))
    write_as_another_program(bounded, ALL_ROWS)
    write_as_another_program(sqlite, ALL_ROWS)
    one, other = engine_of(bounded.versions()), engine_of(sqlite.versions())
    for metric in ("unique_users", "minutes_watched", "views", "completion_rate"):
        for resolution in ("daily", "weekly", "monthly"):
            assert one.timeseries(metric, resolution) == other.timeseries(metric, resolution)
    assert one.kpis() == other.kpis() == EXPECTED_KPIS
    assert one.left_out() == other.left_out()
    heat = [engine.title(Filters(), "daily", title="Heat") for engine in (one, other)]
    assert heat[0] == heat[1]
    assert heat[0]["kpis"]["views"] == 7


def test_a_bound_a_day_later_counts_the_rows_of_that_day(bounded, engine_of):
    """The latest day follows the clock: the row two days after NOW counts a day later."""
    write_as_another_program(bounded, ALL_ROWS)
    later = dataclasses.replace(bounded, bounds=DateBounds(now=NOW + dt.timedelta(days=1)))
    engine = engine_of(later.versions())
    assert engine.left_out() == (3, ("1970-01-01", "2026-03-12"))
    assert engine.kpis()["views"] == 8


def test_other_bounds_make_another_version_not_the_rollup_on_disk(bounded, engine_of):
    write_as_another_program(bounded, ALL_ROWS)
    assert engine_of(bounded.versions()).kpis()["views"] == 7  # published on disk
    narrow = dataclasses.replace(bounded, bounds=DateBounds(dt.date(2026, 3, 3), 0, NOW))
    engine = engine_of(narrow.versions())
    assert engine.left_out() == (5, ("2026-03-03", "2026-03-10"))  # a's 2 March too
    assert engine.kpis()["views"] == 6


def test_a_builder_process_reads_with_the_store_s_bounds(bounded, engine_of):
    """A change by another program is rebuilt by a separate process while the old version is
    served: it judges the dates by the same bounds and clock (a row in the real clock's range,
    dated after NOW's tomorrow, stays left out)."""
    write_as_another_program(bounded, KEPT)
    engine = engine_of(bounded.versions(), background_builds=True)
    assert engine.kpis()["views"] == 2
    write_as_another_program(bounded, [("2026-06-01 10:00:00", "x", 5, 95.0, "Heat", "MOVIE", 100)])
    write_as_another_program(bounded, [("2026-03-09 10:00:00", "y", 5, 95.0, "Heat", "MOVIE", 100)])
    deadline = time.monotonic() + 60
    while engine.kpis()["views"] != 3:
        assert time.monotonic() < deadline, "the change was not picked up"
        time.sleep(0.1)
    assert engine.left_out() == (1, ("1970-01-01", "2026-03-11"))


# -- the app: /data without a range, the page's data summary, /healthz -------------------------


@pytest.fixture
def client_of(make_app, tmp_path):
    def make(store):
        url = f"sqlite:///{store.path}" if isinstance(store, SqliteStore) else store.url
        app = make_app(DATABASE_URL=url, EVENTS_NOW=NOW.isoformat(), INSTANCE_PATH=tmp_path / "i")
        return app.server.test_client()

    return make


def test_the_default_view_is_the_data_s_real_span(bounded, client_of):
    write_as_another_program(bounded, ALL_ROWS)
    client = client_of(bounded)
    views = client.get("/data/views/")
    assert views.status_code == 200
    assert views.get_json() == [
        {"date": "2026-03-02", "values": 1},
        {"date": "2026-03-03", "values": 1},
        {"date": "2026-03-04", "values": 5},
    ]
    assert client.get("/data/kpis/").get_json() == EXPECTED_KPIS
    assert client.get("/data/minutes_watched/?resolution=weekly").get_json() == [
        {"date": "2026-03-02", "values": 70}
    ]
    top10 = client.get("/data/top10/?sessiontype=MOVIE&week=2026-03-02")
    assert top10.status_code == 200
    (heat,) = top10.get_json()
    # 70 minutes of a 100-minute film: the sentinels' 160 minutes are not among them.
    assert (heat["title"], heat["hours_viewed"], heat["views"]) == ("Heat", 1.17, 0.7)
    retention = client.get("/data/retention/?resolution=weekly")
    assert retention.status_code == 200
    assert retention.get_json() == [{"cohort": "2026-03-02", "size": 7, "retained": [7]}]
    lifecycle = client.get("/data/lifecycle/")
    assert lifecycle.status_code == 200
    assert [row["date"] for row in lifecycle.get_json()] == ["2026-03-02"]
    dash_api = DashCallbacks.for_flask(client)
    weeks = dash_api.response(ids.TOP10_WEEK, "options", {})[ids.TOP10_WEEK]["options"]
    assert [week["value"] for week in weeks] == ["latest", "2026-03-02"]


def test_the_page_and_healthz_name_the_rows_left_out(bounded, client_of):
    write_as_another_program(bounded, ALL_ROWS)
    client = client_of(bounded)
    client.get("/data/views/")  # PostgreSQL's /healthz never waits on a first build
    health = client.get("/healthz").get_json()["checks"]["events"]
    assert health["ok"] is True and health["left_out_rows"] == 4
    dash_api = DashCallbacks.for_flask(client)
    described = dash_api.response(ids.DEMO_NOTICE, "is_open", {})
    assert described[ids.DATE_RANGE]["min_date_allowed"] == "2026-03-02"
    assert described[ids.DATE_RANGE]["max_date_allowed"] == "2026-03-04"
    assert described[ids.DATA_SUMMARY]["children"] == "Events from 2026-03-02 to 2026-03-04"
    assert described[ids.DATA_LEFT_OUT]["hidden"] is False
    count, text = described[ids.DATA_LEFT_OUT]["children"]
    assert count["props"]["children"] == "4"
    assert text == " events left out, dated before 1970-01-01 or after 2026-03-11"


def test_without_such_rows_the_page_and_healthz_name_none(bounded, client_of):
    write_as_another_program(bounded, KEPT)
    client = client_of(bounded)
    client.get("/data/views/")
    assert client.get("/healthz").get_json()["checks"]["events"]["left_out_rows"] == 0
    described = DashCallbacks.for_flask(client).response(ids.DEMO_NOTICE, "is_open", {})
    assert described[ids.DATA_SUMMARY]["children"] == "Events from 2026-03-02 to 2026-03-03"
    assert described[ids.DATA_LEFT_OUT] == {"children": None, "hidden": True}


def test_only_sentinels_leave_an_empty_span_and_say_so(bounded, client_of):
    write_as_another_program(bounded, SENTINELS)
    client = client_of(bounded)
    assert client.get("/data/views/").get_json() == []
    assert client.get("/data/kpis/").get_json()["views"] == 0
    assert client.get("/healthz").get_json()["checks"]["events"]["left_out_rows"] == 4
    described = DashCallbacks.for_flask(client).response(ids.DEMO_NOTICE, "is_open", {})
    assert described[ids.DATA_SUMMARY]["children"] == "No events from 1970-01-01 to 2026-03-11"
    assert described[ids.DATA_LEFT_OUT]["children"][0]["props"]["children"] == "4"


def test_the_first_run_demo_is_published_with_the_store_s_bounds(tmp_path, engine_of):
    """The demo database made on a first start carries the rollup the app reads: its rows
    before the earliest date left out and counted, no second build."""
    from data.events.rollup.files import rollup_root
    from data.events.stores.first_run import ensure_database

    path = tmp_path / "events.sqlite"
    store = SqliteStore(path, bounds=DateBounds(dt.date(2025, 7, 1), 1, NOW))
    assert ensure_database(store, rows=2_000, seed=3)
    with sqlite3.connect(path) as conn:
        before = conn.execute("SELECT count(*) FROM movies WHERE event_date < '2025-07'").fetchone()
    conn.close()
    assert 0 < before[0] < 2_000
    engine = engine_of(store.versions())
    assert engine.left_out() == (before[0], ("2025-07-01", "2026-03-11"))
    assert engine.kpis()["views"] == 2_000 - before[0]
    assert engine.date_bounds()[0] == dt.date(2025, 7, 1)
    assert len([p for p in rollup_root(path).iterdir() if p.name.startswith("v-")]) == 1


@pytest.mark.parametrize("kind", ["text", "timestamptz", "date"])
def test_a_postgres_table_of_another_system_is_bounded_alike(pg_url, instance_dir, kind, engine_of):
    """A movies table that another system made, its event_date text, timestamptz or date: the
    same rows left out, the same numbers (each kind has its own SQL)."""
    from data.events.stores.event_stores import PostgresStore

    columns = ", ".join(
        f"{name} {kind if name == 'event_date' else pg_kind}"
        for name, pg_kind in pg_store.PG_COLUMNS
    )
    with psycopg.connect(pg_url) as conn:
        conn.execute(f"CREATE TABLE movies ({columns})")
    store = PostgresStore(pg_url, instance_dir, DateBounds(now=NOW))
    write_as_another_program(store, ALL_ROWS)
    engine = engine_of(store.versions())
    assert engine.left_out() == (4, ("1970-01-01", "2026-03-11"))
    assert engine.kpis() == EXPECTED_KPIS
    assert engine.date_bounds() == (dt.date(2026, 3, 2), dt.date(2026, 3, 4))
