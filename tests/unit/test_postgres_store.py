"""PostgreSQL as the event store: the reference's answers, SQLite's answers for the same events,
aggregation by the database, and the set-up (tables, demo flag)."""

from __future__ import annotations

import datetime as dt
import math
import tempfile
from pathlib import Path

import pandas as pd
import psycopg
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from data.events.analysis.analytics import EventsAnalytics
from data.events.catalog import DIMENSION_NAMES, METRIC_NAMES
from data.events.ingest.demo_data import generate_demo
from data.events.params import Filters
from data.events.stores import pg_store as pg_tables
from data.events.stores.pg_versions import PostgresVersions
from data.events.stores.sqlite_store import COLUMN_NAMES
from tests.unit.reference_checks import check_edges, check_random_combinations

RESOLUTIONS = ("daily", "weekly", "monthly")
D = dt.date


def read_raw_pg(url: str) -> pd.DataFrame:
    """The movies rows as the reference reads them (dates as SQLite's text)."""
    with psycopg.connect(url) as conn:
        cursor = conn.execute(
            f"SELECT event_date::text AS event_date, {', '.join(COLUMN_NAMES[1:])} FROM movies"
        )
        names = [column.name for column in cursor.description]
        return pd.DataFrame(cursor.fetchall(), columns=names, dtype=object)


def answers(engine: EventsAnalytics, filters_list) -> dict:
    """Every kind of answer the engine gives, for each filter."""
    out = {"bounds": engine.date_bounds(), "rows": engine.row_count()}
    for filters in filters_list:
        key = repr(filters)
        for metric in METRIC_NAMES:
            for resolution in RESOLUTIONS:
                out[key, metric, resolution] = engine.timeseries(metric, resolution, filters)
                for dimension in DIMENSION_NAMES:
                    out[key, metric, resolution, dimension] = engine.breakdown(
                        metric, resolution, filters, dimension, 3
                    )
        out[key, "kpis"] = engine.kpis(filters)
        out[key, "toplist"] = engine.toplist(25, filters)
        out[key, "dimensions"] = engine.dimensions(filters.start, filters.end)
        for level in ("season", "series"):
            out[key, "toplist", level] = engine.toplist(25, filters, level)
        shows = engine.toplist(1, Filters.of(sessiontype="SERIES"), "series")
        if shows:
            out[key, "series"] = engine.title(filters, "weekly", series=shows[0]["title"])
        for top in engine.toplist(1):
            out[key, "title"] = engine.title(filters, "monthly", title=top["title"])
        for sessiontype in ("MOVIE", "SERIES", None):
            dimensions = Filters(where=filters.where)
            out[key, "top10", sessiontype] = engine.top10(None, sessiontype, dimensions)
            out[key, "top10", sessiontype, 1] = engine.top10(D(2025, 3, 3), sessiontype, dimensions)
    return out


DEMO_FILTERS = [
    Filters(),
    Filters.of(D(2025, 3, 1), D(2025, 4, 15)),
    Filters.of(None, D(2025, 2, 9), sessiontype={"SERIES"}, device={"iPad", "Android"}),
    Filters.of(D(2025, 6, 30), None, market={"(none)", "SE"}),
    Filters.of(D(2025, 2, 1), None, season={"1", "(none)"}),
]


def test_engine_matches_reference_on_demo_data(pg_demo, engines):
    engine = engines(pg_demo.versions())
    raw = read_raw_pg(pg_demo.url)
    check_random_combinations(None, combos=120, seed=101, engine=engine, raw=raw)
    check_edges(None, engine=engine, raw=raw)


def test_demo_data_answers_exactly_as_on_sqlite(pg_demo, demo_db, engines):
    on_sqlite, on_postgres = engines(demo_db), engines(pg_demo.versions())
    assert answers(on_postgres, DEMO_FILTERS) == answers(on_sqlite, DEMO_FILTERS)
    assert on_postgres.is_demo() and on_sqlite.is_demo()


def test_the_app_creates_the_typed_tutorial_table(pg_store):
    generate_demo(pg_store, rows=10, seed=3)
    with psycopg.connect(pg_store.url) as conn:
        kinds = conn.execute(
            "SELECT column_name, data_type FROM information_schema.columns "
            "WHERE table_name = 'movies' AND table_schema = current_schema() "
            "ORDER BY ordinal_position"
        ).fetchall()
    assert [name for name, _ in kinds] == list(COLUMN_NAMES)
    assert dict(kinds) == {
        **dict.fromkeys(["userid", "contentid", "device", "market", "sessiontype"], "text"),
        "title": "text",
        "event_date": "timestamp without time zone",
        **dict.fromkeys(["totalminuteswatched", "runningtime"], "bigint"),
        **dict.fromkeys(["seasonnumber", "episodenumber"], "bigint"),
        **dict.fromkeys(["viewpercentage", "errorperception"], "double precision"),
    }


EXTERNAL_DDL = """
CREATE TABLE movies (
    event_date timestamptz, userid varchar(64), contentid integer, device varchar(40),
    market char(2), totalminuteswatched integer, runningtime integer, viewpercentage real,
    errorperception real, sessiontype varchar(10), title varchar(300), seasonnumber smallint,
    episodenumber smallint
)"""


def test_a_table_created_by_another_system_is_read_as_it_is(pg_url, instance_dir, engines):
    """Other column types (timestamptz in UTC, varchar, char, real): the same answers."""
    with psycopg.connect(pg_url) as conn:
        conn.execute("SET TIME ZONE 'Europe/Oslo'")  # a writer's zone does not move days
        conn.execute(EXTERNAL_DDL)
        conn.execute(
            "INSERT INTO movies (event_date, userid, device, market, totalminuteswatched, "
            "viewpercentage, sessiontype, title) VALUES "
            "('2024-03-01 23:30:00+00', 'u1', 'iPad', 'NO', 30, 95, 'MOVIE', 'Heat'), "
            "('2024-03-02 00:30:00+01', 'u2', 'iPad', NULL, 20, 'NaN', 'SERIES', 'Show, Pilot'), "
            "('2024-03-02 10:00:00+00', 'u1', '', 'SE', NULL, NULL, NULL, NULL)"
        )
    engine = engines(PostgresVersions(pg_url, instance_dir / "rollups"))
    assert engine.timeseries("views", "daily") == [
        {"date": "2024-03-01", "values": 2},  # 00:30+01 is 23:30 UTC the day before
        {"date": "2024-03-02", "values": 1},
    ]
    assert engine.kpis() == {
        "unique_users": 2,
        "minutes_watched": 50,
        "views": 3,
        "minutes_per_viewer": 25.0,
        "completed_views": 1,
        "completion_rate": 1.0,  # NaN is no measured percentage
    }
    assert engine.dimensions()["market"] == [
        {"value": "(none)", "views": 1},
        {"value": "NO", "views": 1},
        {"value": "SE", "views": 1},
    ]
    assert not engine.is_demo()


# -- the same events in both stores, drawn at random -----------------------------------------

_DAY0 = dt.datetime(2024, 12, 28)
event_rows = st.lists(
    st.tuples(
        st.one_of(st.none(), st.integers(0, 40).map(lambda d: _DAY0 + dt.timedelta(hours=7 * d))),
        st.sampled_from(["a", "b", "c", "", None]),
        st.sampled_from(["iPad", "ipad", "Roku", "", None, "(none)"]),
        st.sampled_from(["NO", "SE", "", None]),
        st.one_of(st.none(), st.integers(-5, 200), st.just(2**60)),
        st.one_of(
            st.none(),
            st.sampled_from([0.0, 89.99, 90.0, 150.0, math.inf, math.nan]),
        ),
        st.sampled_from(["MOVIE", "SERIES", " movie ", "Series", "EPISODE", "", None]),
        st.sampled_from(["Heat", "Up", "Show, Pilot", "N\u00f8kken", 'Say "Hi",\nagain', "", None]),
        st.sampled_from([None, 0, 1, 2, 12, -1, 2**53 - 1, 2**53]),
    ),
    max_size=40,
)


def _full_row(row: tuple) -> tuple:
    when, user, device, market, minutes, percent, kind, title, season = row
    return (when, user, "1", device, market, minutes, None, percent, None, kind, title, season, 3)


def _sqlite_value(value):
    if isinstance(value, dt.datetime):
        return value.strftime("%Y-%m-%d %H:%M:%S")
    return value


@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(rows=event_rows)
def test_random_events_answer_the_same_on_both_stores(pg_url, rows):
    import sqlite3

    from data.events.stores.sqlite_store import CREATE_MOVIES, INSERT_SQL

    full = [_full_row(row) for row in rows]
    with tempfile.TemporaryDirectory() as folder:
        db = Path(folder) / "events.sqlite"
        conn = sqlite3.connect(db)
        conn.execute(CREATE_MOVIES)
        conn.executemany(INSERT_SQL, [tuple(map(_sqlite_value, row)) for row in full])
        conn.commit()
        conn.close()
        with psycopg.connect(pg_url) as pg:
            pg_tables.ensure_schema(pg)
            pg.execute("DELETE FROM movies")
            with pg.cursor().copy(f"COPY movies ({', '.join(COLUMN_NAMES)}) FROM STDIN") as copy:
                for row in full:
                    copy.write_row(row)
        on_postgres = EventsAnalytics(PostgresVersions(pg_url, Path(folder) / "rollups"))
        on_sqlite = EventsAnalytics(db)
        filters = [Filters(), Filters.of(D(2024, 12, 30), D(2025, 1, 5), device={"iPad"})]
        filters.append(Filters.of(season={"1", "(none)"}))
        try:
            assert answers(on_postgres, filters) == answers(on_sqlite, filters)
        finally:
            on_postgres.close()
            on_sqlite.close()


def test_minutes_past_two_to_the_53_read_as_on_sqlite(pg_url, instance_dir, engines, tmp_path):
    import sqlite3

    from data.events.stores.sqlite_store import CREATE_MOVIES

    rows = [("2025-01-01 10:00:00", "a", 2**53 + 1), ("2025-01-01 11:00:00", "b", 2**60)]
    db = tmp_path / "big.sqlite"
    with sqlite3.connect(db) as conn:
        conn.execute(CREATE_MOVIES)
        conn.executemany(
            "INSERT INTO movies (event_date, userid, totalminuteswatched) VALUES (?, ?, ?)", rows
        )
    with psycopg.connect(pg_url) as conn:
        pg_tables.ensure_schema(conn)
        conn.cursor().executemany(
            "INSERT INTO movies (event_date, userid, totalminuteswatched) VALUES (%s, %s, %s)",
            rows,
        )
    on_postgres = engines(PostgresVersions(pg_url, instance_dir / "rollups"))
    assert on_postgres.kpis() == engines(db).kpis()
