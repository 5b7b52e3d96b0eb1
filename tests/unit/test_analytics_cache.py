"""EventsAnalytics on real SQLite files: load once, memoise, pick up changes, stay consistent."""

from __future__ import annotations

import datetime as dt
import os
import sqlite3
import threading
from pathlib import Path

import pytest

from data.events.analysis.analytics import EventsAnalytics
from data.events.params import Filters
from data.events.stores.sqlite_store import COLUMN_NAMES, connect, ensure_schema

ZERO_KPIS = {
    "unique_users": 0,
    "minutes_watched": 0,
    "views": 0,
    "minutes_per_viewer": None,
    "completed_views": 0,
    "completion_rate": None,
}


def event(date: str, user: str, minutes: int = 10, stype: str = "MOVIE", title: str = "A"):
    """A full 13-column movies row."""
    values = dict.fromkeys(COLUMN_NAMES, "")
    values.update(
        event_date=date,
        userid=user,
        totalminuteswatched=minutes,
        viewpercentage=95.0,
        sessiontype=stype,
        title=title,
    )
    return tuple(values[name] for name in COLUMN_NAMES)


def add_events(path, rows, wal: bool = True) -> None:
    conn = connect(path)
    if wal:
        ensure_schema(conn)
    else:
        conn.execute("PRAGMA journal_mode = DELETE")
        conn.execute(f"CREATE TABLE IF NOT EXISTS movies ({', '.join(COLUMN_NAMES)})")
    conn.executemany(f"INSERT INTO movies VALUES ({', '.join('?' * 13)})", rows)
    conn.commit()
    conn.close()


def test_missing_database_answers_empty_and_creates_nothing(db_path):
    analytics = EventsAnalytics(db_path)
    assert analytics.timeseries("unique_users", "daily", Filters()) == []
    assert analytics.toplist(10, Filters()) == []
    assert analytics.kpis(Filters()) == ZERO_KPIS
    assert analytics.date_bounds() is None
    assert analytics.is_demo() is False
    two_days = Filters(start=dt.date(2025, 1, 1), end=dt.date(2025, 1, 2))
    assert [r["values"] for r in analytics.timeseries("minutes_watched", "daily", two_days)] == [
        0,
        0,
    ]
    assert not db_path.exists()


def test_database_without_movies_table_is_empty(db_path):
    sqlite3.connect(db_path).execute("CREATE TABLE other (x)").connection.close()
    analytics = EventsAnalytics(db_path)
    assert analytics.toplist(5) == []
    assert analytics.kpis() == ZERO_KPIS


def test_empty_movies_table(db_path):
    add_events(db_path, [])
    assert EventsAnalytics(db_path).timeseries("unique_users", "weekly") == []


def test_loads_once_and_memoises(demo_db):
    analytics = EventsAnalytics(demo_db)
    first = analytics.timeseries("unique_users", "weekly", Filters.of(sessiontype="SERIES"))
    for _ in range(5):
        assert (
            analytics.timeseries("unique_users", "weekly", Filters.of(sessiontype="SERIES"))
            == first
        )
        analytics.toplist(10, Filters())
        analytics.kpis(Filters(start=dt.date(2025, 3, 1)))
        analytics.date_bounds()
    assert analytics.loads == 1


def test_reading_in_small_chunks_gives_the_same_answers(demo_db):
    whole, chunked = EventsAnalytics(demo_db), EventsAnalytics(demo_db, chunk_rows=333)
    for f in (
        Filters(),
        Filters.of(dt.date(2025, 2, 10), dt.date(2025, 8, 3), sessiontype="MOVIE"),
    ):
        for resolution in ("daily", "weekly", "monthly"):
            for metric in ("unique_users", "minutes_watched"):
                assert chunked.timeseries(metric, resolution, f) == whole.timeseries(
                    metric, resolution, f
                )
        assert chunked.toplist(1000, f) == whole.toplist(1000, f)
        assert chunked.kpis(f) == whole.kpis(f)


def test_warm_up_loads_ahead_of_the_first_query(demo_db):
    analytics = EventsAnalytics(demo_db)
    analytics.warm_up().join(timeout=60)
    assert analytics.loads == 1
    assert analytics.kpis()["views"] > 0
    assert analytics.loads == 1


def test_returned_results_are_private_copies(demo_db):
    analytics = EventsAnalytics(demo_db)
    result = analytics.toplist(3)
    result[0]["values"] = -1
    result.append({"title": "x", "values": 0})
    kpis = analytics.kpis()
    kpis["views"] = -1
    assert len(analytics.toplist(3)) == 3 and analytics.toplist(3)[0]["values"] > 0
    assert analytics.kpis()["views"] > 0


def test_memo_is_bounded_by_bytes(demo_db):
    budget = 200_000
    analytics = EventsAnalytics(demo_db, cache_bytes=budget)
    analytics.timeseries("minutes_watched", "daily")
    one_range = analytics.cache_bytes
    assert 0 < one_range < budget
    # Distinct ranges of a century of days each: far more than the budget if all were kept.
    for offset in range(40):
        start = dt.date(1900, 1, 1) + dt.timedelta(days=offset)
        filters = Filters(start=start, end=dt.date(2000, 3, 1))
        rows = analytics.timeseries("minutes_watched", "daily", filters)
        assert len(rows) > 36_000
        assert analytics.cache_bytes <= budget
    assert len(analytics._cache) < 40
    # The newest entry is kept and answered from the memo.
    assert analytics.timeseries("minutes_watched", "daily", filters) == rows


def test_result_larger_than_the_budget_is_answered_not_kept(demo_db):
    analytics = EventsAnalytics(demo_db, cache_bytes=1_000)
    filters = Filters(start=dt.date(1990, 1, 1), end=dt.date(2000, 1, 1))
    assert len(analytics.timeseries("unique_users", "daily", filters)) > 3_000
    assert analytics.cache_bytes == 0


@pytest.mark.parametrize("wal", [True, False], ids=["wal", "rollback-journal"])
def test_new_rows_are_picked_up_without_restart(db_path, wal):
    add_events(db_path, [event("2025-01-01 10:00:00", "a")], wal=wal)
    analytics = EventsAnalytics(db_path)
    assert analytics.kpis()["views"] == 1
    add_events(db_path, [event("2025-01-03 10:00:00", "b", title="B")] * 2, wal=wal)
    assert analytics.kpis()["views"] == 3
    assert analytics.timeseries("unique_users", "daily") == [
        {"date": "2025-01-01", "values": 1},
        {"date": "2025-01-02", "values": 0},
        {"date": "2025-01-03", "values": 1},
    ]
    assert analytics.toplist(1) == [{"title": "B", "values": 2}]
    assert analytics.date_bounds() == (dt.date(2025, 1, 1), dt.date(2025, 1, 3))
    assert analytics.loads == 2


def test_uncommitted_writes_and_checkpoints_do_not_reload(db_path):
    add_events(db_path, [event("2025-01-01 10:00:00", "a")])
    analytics = EventsAnalytics(db_path)
    assert analytics.kpis()["views"] == 1
    writer = connect(db_path)
    writer.execute("PRAGMA cache_size = 5")  # pages: the transaction spills into the WAL
    writer.execute("BEGIN")
    many = [event("2025-01-02 10:00:00", f"u{i}") for i in range(5000)]
    writer.executemany(f"INSERT INTO movies VALUES ({', '.join('?' * 13)})", many)
    # An import's open transaction: the WAL grows, nothing is committed, nothing is re-read.
    assert Path(f"{db_path}-wal").stat().st_size > 0
    assert analytics.kpis()["views"] == 1
    assert analytics.loads == 1
    writer.commit()
    assert analytics.kpis()["views"] == 5001
    assert analytics.loads == 2
    writer.execute("PRAGMA wal_checkpoint(PASSIVE)")  # copies the WAL into the file
    writer.close()
    assert analytics.kpis()["views"] == 5001
    assert analytics.loads == 2


def test_replaced_and_deleted_database_files(tmp_path):
    path = tmp_path / "events.sqlite"
    add_events(path, [event("2025-01-01 10:00:00", "a")], wal=False)
    analytics = EventsAnalytics(path)
    assert analytics.kpis()["views"] == 1
    other = tmp_path / "new.sqlite"
    add_events(other, [event("2025-02-01 10:00:00", u) for u in "xyz"], wal=False)
    os.replace(other, path)  # an import that builds a new file and swaps it in
    assert analytics.kpis()["unique_users"] == 3
    path.unlink()
    assert analytics.kpis() == ZERO_KPIS
    assert analytics.timeseries("unique_users", "daily") == []


def test_is_demo_and_date_bounds_of_demo_data(demo_db):
    analytics = EventsAnalytics(demo_db)
    assert analytics.is_demo() is True
    first, last = analytics.date_bounds()
    conn = sqlite3.connect(demo_db)
    lo, hi = conn.execute("SELECT min(event_date), max(event_date) FROM movies").fetchone()
    assert (first.isoformat(), last.isoformat()) == (lo[:10], hi[:10])


def test_real_data_is_not_demo(db_path):
    add_events(db_path, [event("2025-01-01 10:00:00", "a")])
    assert EventsAnalytics(db_path).is_demo() is False


def test_numbers_agree_with_sql(demo_db):
    """The same questions asked of SQLite directly."""
    analytics = EventsAnalytics(demo_db)
    conn = sqlite3.connect(demo_db)
    daily = dict(
        conn.execute(
            "SELECT substr(event_date, 1, 10), count(DISTINCT userid) FROM movies "
            "WHERE sessiontype = 'SERIES' GROUP BY 1"
        ).fetchall()
    )
    got = analytics.timeseries("unique_users", "daily", Filters.of(sessiontype="SERIES"))
    assert {r["date"]: r["values"] for r in got if r["values"]} == daily
    start, end = "2025-03-10", "2025-04-20"
    views, minutes, users, completed, rated = conn.execute(
        "SELECT count(*), sum(totalminuteswatched), count(DISTINCT userid), "
        "sum(viewpercentage >= 90), count(viewpercentage) FROM movies "
        "WHERE substr(event_date, 1, 10) BETWEEN ? AND ?",
        (start, end),
    ).fetchone()
    kpis = analytics.kpis(Filters(start=dt.date(2025, 3, 10), end=dt.date(2025, 4, 20)))
    assert kpis == {
        "unique_users": users,
        "minutes_watched": minutes,
        "views": views,
        "minutes_per_viewer": minutes / users,
        "completed_views": completed,
        "completion_rate": round(completed / rated, 4),
    }
    top = conn.execute(
        "SELECT title, count(*) AS n FROM movies WHERE title != '' AND sessiontype = 'MOVIE' "
        "GROUP BY title ORDER BY n DESC, title LIMIT 7"
    ).fetchall()
    assert analytics.toplist(7, Filters.of(sessiontype="MOVIE")) == [
        {"title": t, "values": n} for t, n in top
    ]


def test_dashboard_numbers_match_route_numbers(demo_db):
    """KPI totals and the series sum up to the same minutes: one code path for both."""
    analytics = EventsAnalytics(demo_db)
    f = Filters.of(start=dt.date(2025, 2, 3), end=dt.date(2025, 5, 4), sessiontype="MOVIE")
    minutes = sum(r["values"] for r in analytics.timeseries("minutes_watched", "weekly", f))
    assert analytics.kpis(f)["minutes_watched"] == minutes


def test_concurrent_readers_during_imports(db_path):
    add_events(db_path, [event("2025-01-01 10:00:00", "a")])
    analytics = EventsAnalytics(db_path)
    errors: list[BaseException] = []
    stop = threading.Event()

    def reader():
        try:
            while not stop.is_set():
                kpis = analytics.kpis()
                series = analytics.timeseries("unique_users", "monthly")
                # Each answer comes from one consistent version of the data.
                assert kpis["views"] >= 1 and len(series) >= 1
        except BaseException as error:  # reported below
            errors.append(error)

    threads = [threading.Thread(target=reader) for _ in range(6)]
    for thread in threads:
        thread.start()
    for i in range(20):
        add_events(db_path, [event(f"2025-{1 + i % 12:02d}-02 10:00:00", f"u{i}")])
    stop.set()
    for thread in threads:
        thread.join(timeout=30)
    assert not errors
    assert analytics.kpis()["views"] == 21
    assert analytics.kpis()["unique_users"] == 21
