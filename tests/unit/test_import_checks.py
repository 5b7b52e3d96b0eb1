"""An import refuses sentinel dates and numbers the engine cannot count, each with its line and
reason, on both stores; the bounds are settings. The clock is fixed: no test depends on the day."""

from __future__ import annotations

import dataclasses
import datetime as dt
import sqlite3

import psycopg
import pytest

from config import ConfigError, load_config
from data.events.analysis.analytics import EventsAnalytics
from data.events.ingest.csv_import import Rejected, import_csv
from data.events.stores.date_bounds import DateBounds
from data.events.stores.event_stores import SqliteStore

NOW = dt.datetime(2026, 3, 10, 15, 30, tzinfo=dt.UTC)
USER = "1b5f6f1e0d3f4f4b9c7d2a3e4f5a6b7c"


def line(date="2026-03-01 10:00:00", minutes="45", percent="45.92", user=USER) -> str:
    return f'{date},{user},10045,Computer,NO,{minutes},98,{percent},,MOVIE,"Love, Actually",,'


def stored_rows(store) -> list[tuple]:
    """(event_date as text, totalminuteswatched, viewpercentage) of every row, in date order."""
    sql = "SELECT event_date::text, totalminuteswatched, viewpercentage FROM movies ORDER BY 1"
    if isinstance(store, SqliteStore):
        with sqlite3.connect(store.path) as conn:
            return conn.execute(sql.replace("::text", "")).fetchall()
    with psycopg.connect(store.url) as conn:
        return conn.execute(sql).fetchall()


def kpis(store) -> dict:
    engine = EventsAnalytics(store.versions())
    try:
        return engine.kpis()
    finally:
        engine.close()


AFTER = "the latest date allowed at this import's time (EVENTS_FUTURE_TOLERANCE_DAYS after today)"
BEFORE = "the earliest date allowed (EVENTS_EARLIEST_DATE)"
TOO_MANY = "is more than 9,007,199,254,740,991 (2^53 - 1), the most minutes counted exactly"


def late(date: str) -> tuple:
    return {"date": date}, f"event_date '{date}' is after 2026-03-11, {AFTER}"


def early(date: str) -> tuple:
    return {"date": date}, f"event_date '{date}' is before 1970-01-01, {BEFORE}"


REFUSED = [
    late("9999-12-31 00:00:00"),
    early("0001-01-01 00:00:00"),
    early("1969-12-31 23:59:59"),
    late("2026-03-12 15:30:00"),  # two days after now (15:30 on the 10th)
    ({"minutes": str(2**53 + 1)}, f"totalminuteswatched '9007199254740993' {TOO_MANY}"),
    ({"minutes": str(2**63 - 1)}, f"totalminuteswatched '9223372036854775807' {TOO_MANY}"),
    ({"minutes": "-5"}, "totalminuteswatched '-5' is negative; minutes watched are 0 or more"),
    ({"percent": "1e309"}, "viewpercentage '1e309' is not a finite number"),
    ({"percent": "inf"}, "viewpercentage 'inf' is not a finite number"),
    ({"percent": "nan"}, "viewpercentage 'nan' is not a finite number"),
]


@pytest.mark.parametrize(("change", "reason"), REFUSED, ids=[r[1][:40] for r in REFUSED])
def test_each_unfit_row_is_refused_with_its_line_and_reason(event_store, tmp_path, change, reason):
    store = dataclasses.replace(event_store, bounds=DateBounds(now=NOW))
    path = tmp_path / "events.csv"
    path.write_text(f"{line()}\n{line(**change)}\n{line(minutes='30')}\n", encoding="utf-8")
    result = import_csv(store, path)
    assert (result.imported, result.rejected) == (2, 1)
    assert result.first_rejected == [Rejected(2, reason)]
    assert f"  line 2: {reason}" in result.summary_lines()
    assert [row[1] for row in stored_rows(store)] == [45, 30]
    assert kpis(store)["minutes_watched"] == 75


def test_the_edges_of_what_is_allowed_are_imported_and_counted(event_store, tmp_path):
    store = dataclasses.replace(event_store, bounds=DateBounds(now=NOW))
    path = tmp_path / "edges.csv"
    edges = [
        line("1970-01-01 00:00:00", minutes="0", percent="0", user="a"),
        line("2026-03-11 23:59:59", minutes=str(2**53 - 1), percent="250", user="b"),
        line("2026-03-10 15:30:00", minutes="1", percent="", user="c"),
    ]
    path.write_text("\n".join(edges) + "\n", encoding="utf-8")
    result = import_csv(store, path)
    assert (result.imported, result.rejected) == (3, 0)
    assert kpis(store) == {
        "unique_users": 3,
        "minutes_watched": 2**53,  # (2**53 - 1) + 0 + 1, each counted exactly
        "views": 3,
        "minutes_per_viewer": 2**53 / 3,
        "completed_views": 1,
        "completion_rate": 0.5,
    }
    engine = EventsAnalytics(store.versions())
    try:
        assert engine.date_bounds() == (dt.date(1970, 1, 1), dt.date(2026, 3, 11))
        assert engine.left_out()[0] == 0
    finally:
        engine.close()


def test_the_bounds_are_settings_named_in_the_command_s_reasons(make_app, db_path, tmp_path):
    app = make_app(
        DATABASE_URL=f"sqlite:///{db_path}",
        EVENTS_EARLIEST_DATE="2000-01-01",
        EVENTS_FUTURE_TOLERANCE_DAYS="0",
        EVENTS_NOW=NOW.isoformat(),
    )
    path = tmp_path / "events.csv"
    dates = ["2000-01-01 00:00:00", "1999-12-31 23:59:59", "2026-03-11 00:00:00"]
    path.write_text("\n".join(line(date) for date in dates) + "\n", encoding="utf-8")
    result = app.server.test_cli_runner().invoke(args=["import-events", str(path)])
    assert result.exit_code == 0, result.output
    assert "imported 1 row, rejected 2" in result.output
    assert f"  line 2: event_date '1999-12-31 23:59:59' is before 2000-01-01, {BEFORE}\n" in (
        result.output
    )
    assert f"  line 3: event_date '2026-03-11 00:00:00' is after 2026-03-10, {AFTER}\n" in (
        result.output
    )
    assert stored_rows(SqliteStore(db_path)) == [("2000-01-01 00:00:00", 45, 45.92)]


@pytest.mark.parametrize(
    ("environ", "message"),
    [
        ({"EVENTS_EARLIEST_DATE": "yesterday"}, "EVENTS_EARLIEST_DATE must be a date like"),
        ({"EVENTS_FUTURE_TOLERANCE_DAYS": "-1"}, "must be 0 or more, got -1"),
        ({"EVENTS_FUTURE_TOLERANCE_DAYS": "one"}, "must be an integer, got 'one'"),
    ],
)
def test_unusable_bounds_stop_the_app_with_a_message(tmp_path, environ, message):
    with pytest.raises(ConfigError, match=message):
        load_config({"INSTANCE_PATH": tmp_path, "SECRET_KEY": "x"}, environ=environ)


def test_the_settings_reach_the_store(tmp_path):
    environ = {"EVENTS_EARLIEST_DATE": "2001-02-03", "EVENTS_FUTURE_TOLERANCE_DAYS": "7"}
    store = load_config({"INSTANCE_PATH": tmp_path, "SECRET_KEY": "x"}, environ=environ)[
        "EVENT_STORE"
    ]
    assert store.bounds == DateBounds(dt.date(2001, 2, 3), 7)
    assert store.bounds.days(NOW) == (dt.date(2001, 2, 3), dt.date(2026, 3, 17))
    # The clock is never a setting of the environment: only a test's config fixes it.
    environ["EVENTS_NOW"] = NOW.isoformat()
    assert (
        load_config({"INSTANCE_PATH": tmp_path, "SECRET_KEY": "x"}, environ=environ)[
            "EVENT_STORE"
        ].bounds.now
        is None
    )
