"""One EventsAnalytics followed across random appends, moves and deletes answers as a full build.

The engine under test is kept alive across a whole sequence of changes, so that its rollup
folder (`<db>.rollups/`, or the instance folder's for PostgreSQL) carries the state from one
version to the next; after every step the reference is a fresh EventsAnalytics that builds the
same rows from nothing (a SQLite backup at a new path, or a new rollup folder for PostgreSQL).
Only public paths are used: Reelboard's import, another program's SQL, EventsAnalytics' answers.
"""

from __future__ import annotations

import datetime as dt
import os
import sqlite3
import tempfile
import time
from pathlib import Path

import psycopg
import pytest
from hypothesis import HealthCheck, example, given, settings

from data.events.analysis.analytics import EventsAnalytics
from data.events.stores.event_stores import PostgresStore
from data.events.stores.pg_versions import PostgresVersions
from testkit import postgres
from tests.unit.incremental_support import (
    ROW_SQL,
    Event,
    Import,
    Write,
    answers,
    differences,
    filters_of,
    first_steps,
    import_events,
    pg_date,
    pick,
    ranges,
    sql_date,
    steps,
    values,
)

# Each published rollup syncs its files: on a RAM disk that costs nothing, so the examples'
# time goes to the answers (same files, same code paths; the default temporary folder without).
FAST_DISK = "/dev/shm" if os.path.isdir("/dev/shm") and os.access("/dev/shm", os.W_OK) else None
FAST = settings(
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)


def _event(day: str, user, item: int, device="iPad", market="NO", minutes=30, **more) -> Event:
    when = dt.datetime.fromisoformat(day)
    more = {"percent": 95.0, "runtime_known": True, "date_kind": "plain", **more}
    return Event(when, user, item, device, market, minutes, **more)


# Every case the properties are about, in one sequence that runs every time: rows in September
# and October, users seen before and new ones, a late month, both sides of month boundaries, the
# week Mon 2013-09-30 .. Sun 10-06, episodes of two seasons, a row moved to another day in the
# middle of the table, deletes, NULL users and odd dates from another program.
SCRIPTED = (
    Import(
        [
            _event(f"2013-09-{d:02d} 2{k}:00:00", f"u{(d + k) % 5}", (d + k) % 8, minutes=d + k)
            for d in range(1, 31)
            for k in range(2)
        ]
        + [_event("2013-10-03 10:00:00", "u1", 2), _event("2013-10-06 23:59:59", "u2", 3)]
        + [_event("2013-10-15 12:00:00", "u3", 5, device="Roku", market="SE")]
    ),
    [
        Import([_event("2013-07-14 09:00:00", "u1", 0), _event("2013-07-31 23:59:59", None, 4)]),
        Write(
            [_event("2013-09-30 23:59:59", "new1", 2), _event("2013-10-01 00:00:00", "u2", 6)]
            + [_event("2013-10-01 08:00:00", None, 8, minutes=12.5, market=None, device="")]
            + [_event("2013-11-01 00:00:00", "u3", 7, date_kind="T")]
            + [_event("2013-12-31 23:00:00", "new2", 1, date_kind="null")]
            + [_event("2013-12-31 23:00:00", "new3", 1, date_kind="far")],
            [(500, dt.datetime(2013, 10, 31, 23, 59, 59), "Tizen")],  # a middle row, moved
            [300, 999],
        ),
        Import([_event("2014-01-01 00:00:00", "new1", 3), _event("2013-08-31 12:00:00", "u4", 5)]),
        Write([], [(400, dt.datetime(2013, 7, 1), "Roku")], [0, 600]),
    ],
    [
        (dt.date(2013, 9, 29), dt.date(2013, 10, 1), {}),
        (dt.date(2013, 7, 20), dt.date(2013, 11, 3), {"market": {"NO"}}),
    ],
)


def _questions(spans: list, number: int, every: bool):
    """ask(engine) -> the answers compared after step `number` (every combination, or a share
    by turns: see answers)."""
    step = None if every else number
    filters = filters_of(spans, step)
    return lambda engine: answers(engine, filters, step)


def _check(step_number: int, step, engine, ask, expected: dict) -> None:
    """The incremental engine's answers equal the full build's, or a report of how not."""
    diff = differences(ask(engine), expected)
    assert not diff, f"after step {step_number} ({step!r:.300}):\n" + "\n".join(diff)


# -- SQLite ----------------------------------------------------------------------------------


def _write_sqlite(db: Path, step: Write) -> None:
    """Another program's commit through plain sqlite3 (no Reelboard code)."""
    conn = sqlite3.connect(db, timeout=30)
    try:
        keys = [rowid for (rowid,) in conn.execute("SELECT rowid FROM movies ORDER BY rowid")]
        for position, when, device in step.moves:
            rowid = pick(keys, position)
            if rowid is not None:
                moved = when.strftime("%Y-%m-%d %H:%M:%S")
                conn.execute(
                    "UPDATE movies SET event_date = ?, device = ? WHERE rowid = ?",
                    (moved, device, rowid),
                )
        # Appended before the deletes, so that no new row takes a deleted one's rowid.
        conn.executemany(ROW_SQL, [values(e, sql_date(e)) for e in step.events])
        for position in step.deletes:
            rowid = pick(keys, position)
            if rowid is not None:
                conn.execute("DELETE FROM movies WHERE rowid = ?", (rowid,))
        conn.commit()
    finally:
        conn.close()


def _table(db: Path) -> list:
    conn = sqlite3.connect(db)
    try:
        return conn.execute("SELECT rowid, * FROM movies ORDER BY rowid").fetchall()
    finally:
        conn.close()


def _full_sqlite(db: Path, copy: Path, ask) -> dict:
    """The answers of a full build of db's committed rows: a backup (the WAL's content too) at
    a path without a rollup folder."""
    source, target = sqlite3.connect(db), sqlite3.connect(copy)
    try:
        source.backup(target)
    finally:
        source.close()
        target.close()
    full = EventsAnalytics(copy)
    try:
        return ask(full)
    finally:
        full.close()


def run_sqlite(first: Import, later: list, spans: list, every: bool = False) -> None:
    with tempfile.TemporaryDirectory(dir=FAST_DISK) as folder:
        db = Path(folder) / "events.sqlite"
        engine = EventsAnalytics(db)
        try:
            version, rows = engine.version(), []
            for number, step in enumerate([first, *later]):
                if isinstance(step, Import):
                    import_events(db, step.events)
                else:
                    _write_sqlite(db, step)
                ask = _questions(spans, number, every)
                expected = _full_sqlite(db, Path(folder) / f"full{number}.sqlite", ask)
                _check(number, step, engine, ask, expected)
                # A new version exactly when rows changed (every step here is noticed).
                now_rows = _table(db)
                assert (engine.version() != version) == (now_rows != rows), (number, step)
                version, rows = engine.version(), now_rows
        finally:
            engine.close()


@settings(FAST, max_examples=10)
@example(*SCRIPTED)
@given(first=first_steps, later=steps, spans=ranges(1))
def test_sqlite_incremental_answers_equal_a_full_build(first, later, spans):
    run_sqlite(first, later, spans)


@pytest.mark.slow
@pytest.mark.timeout(900)  # several minutes: every combination after every step
@settings(FAST, max_examples=12)
@given(first=first_steps, later=steps, spans=ranges(3))
def test_sqlite_incremental_answers_equal_a_full_build_many_sequences(first, later, spans):
    run_sqlite(first, later, spans, every=True)


# -- PostgreSQL ------------------------------------------------------------------------------


def _write_pg(url: str, step: Write) -> None:
    """Another program's commit through plain psycopg; its statistics flushed at once, so that
    the probe's insert/update/delete counters move now rather than within a second."""
    with psycopg.connect(url) as conn:
        keys = [ctid for (ctid,) in conn.execute("SELECT ctid::text FROM movies ORDER BY ctid")]
        for position, when, device in step.moves:
            ctid = pick(keys, position)
            if ctid is not None:
                conn.execute(
                    "UPDATE movies SET event_date = %s, device = %s WHERE ctid = %s::tid",
                    (when, device, ctid),
                )
        rows = [values(e, pg_date(e)) for e in step.events]
        conn.cursor().executemany(ROW_SQL.replace("?", "%s"), rows)
        for position in step.deletes:
            ctid = pick(keys, position)
            if ctid is not None:
                conn.execute("DELETE FROM movies WHERE ctid = %s::tid", (ctid,))
        conn.commit()
        conn.execute("SELECT pg_stat_force_next_flush()")


def _full_pg(url: str, root: Path, ask) -> dict:
    """The answers of a full build: the same table, a rollup folder of its own."""
    full = EventsAnalytics(PostgresVersions(url, root))
    try:
        return ask(full)
    finally:
        full.close()


def _follow(engine: EventsAnalytics, expected: dict, seconds: float = 10) -> None:
    """Wait until the engine serves the expected answers' version: the counters reach its probe
    after the writer's flush; close() drops the probe's answer of the last second."""
    deadline = time.monotonic() + seconds
    while True:
        engine.close()
        if repr(engine.version()) == expected["version"] or time.monotonic() > deadline:
            return
        time.sleep(0.05)


def _table_pg(url: str) -> list:
    with psycopg.connect(url) as conn:
        return sorted(map(repr, conn.execute("SELECT * FROM movies")))


def run_pg(base_url: str, prefix: str, first, later, spans, every: bool = False) -> None:
    schema = f"{prefix}_{os.urandom(4).hex()}"
    url = postgres.create_schema(base_url, schema)
    try:
        with tempfile.TemporaryDirectory(dir=FAST_DISK) as folder:
            store = PostgresStore(url, Path(folder) / "instance")
            engine = EventsAnalytics(store.versions())
            try:
                version, rows = engine.version(), []
                for number, step in enumerate([first, *later]):
                    if isinstance(step, Import):
                        import_events(store, step.events)
                    else:
                        _write_pg(url, step)
                    ask = _questions(spans, number, every)
                    expected = _full_pg(url, Path(folder) / f"full{number}", ask)
                    _follow(engine, expected)
                    _check(number, step, engine, ask, expected)
                    now_rows = _table_pg(url)
                    assert (engine.version() != version) == (now_rows != rows), (number, step)
                    version, rows = engine.version(), now_rows
            finally:
                engine.close()
    finally:
        postgres.drop_schemas(base_url, schema)


@settings(FAST, max_examples=2)
@example(*SCRIPTED)
@given(first=first_steps, later=steps, spans=ranges(1))
def test_postgresql_incremental_answers_equal_a_full_build(pg_server, first, later, spans):
    run_pg(*pg_server, first, later, spans)


@pytest.mark.slow
@pytest.mark.timeout(900)
@settings(FAST, max_examples=5)
@given(first=first_steps, later=steps, spans=ranges(3))
def test_postgresql_incremental_answers_equal_a_full_build_many_sequences(
    pg_server, first, later, spans
):
    run_pg(*pg_server, first, later, spans, every=True)
