"""Incremental PostgreSQL rollups: a build reads again only the days that changed (the change
log names them), every row after a rewrite the log cannot see, and the same rollup in memory."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import numpy as np
import psycopg

from data.events.rollup import pg_source as pg_rollup
from data.events.rollup.files import open_rollup
from data.events.rollup.incremental import build_from_pieces
from data.events.rollup.pg_partitions import PgPartitions
from data.events.stores import pg_store as pg_tables
from data.events.stores.date_bounds import DateBounds
from data.events.stores.pg_versions import PostgresVersions
from data.events.stores.sqlite_store import COLUMN_NAMES


def _row(when: dt.datetime, user: str, title: str) -> tuple:
    return (when, user, "1", "iPad", "NO", 10, 60, 95.0, None, "MOVIE", title, None, None)


def _build(url: str, root: Path) -> tuple:
    """(the rollup built from the pieces under root, the rows it read)."""
    conn = pg_rollup.snapshot(url)
    try:
        source = PgPartitions(conn)
        bounds = DateBounds(now=dt.datetime(2025, 2, 1, tzinfo=dt.UTC))
        rollup = build_from_pieces(root, source, pg_rollup.store_days(conn, bounds))
        return rollup, source.rows_read
    finally:
        conn.close()


def test_a_build_reads_again_only_the_days_another_program_changed(pg_store, tmp_path):
    """After a full build, a pipeline's rows for one day make the next build read that day's
    rows (the latest month is made of days), or the month's (an older one), never the table."""
    first = dt.datetime(2024, 12, 20)
    rows = [
        _row(first + dt.timedelta(days=day, minutes=n), f"user{n % 10}", f"Title {n % 3}")
        for day in range(20)  # 12 days of December, 8 of January
        for n in range(250)
    ]
    with psycopg.connect(pg_store.url) as conn:
        pg_tables.ensure_schema(conn)
        with conn.cursor().copy(f"COPY movies ({', '.join(COLUMN_NAMES)}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)

    def build(root: Path) -> tuple[int, int]:
        rollup, read = _build(pg_store.url, root)
        return rollup.rows, read

    root = tmp_path / "rollups"
    assert build(root) == (5_000, 5_000)
    assert build(root) == (5_000, 0)  # nothing changed: nothing read
    with psycopg.connect(pg_store.url) as conn:
        conn.cursor().executemany(
            f"INSERT INTO movies ({', '.join(COLUMN_NAMES)}) VALUES ({', '.join(['%s'] * 13)})",
            [_row(dt.datetime(2025, 1, 8, 23), "new", "Title 0")] * 3,
        )
    assert build(root) == (5_003, 250 + 3)  # the day
    with psycopg.connect(pg_store.url) as conn:
        conn.execute("DELETE FROM movies WHERE event_date = %s", (first + dt.timedelta(days=3),))
    assert build(root) == (5_002, 12 * 250 - 1)  # December
    assert build(tmp_path / "full") == (5_002, 5_002)


def test_a_rewrite_by_alter_table_reads_every_row_anew(pg_store, tmp_path):
    """ALTER TABLE ... TYPE ... USING rewrites rows and fires no trigger: every row is read."""
    with psycopg.connect(pg_store.url) as conn:
        pg_tables.ensure_schema(conn)
        conn.cursor().executemany(
            f"INSERT INTO movies ({', '.join(COLUMN_NAMES)}) VALUES ({', '.join(['%s'] * 13)})",
            [_row(dt.datetime(2025, 1, day), "u", "T") for day in (1, 2, 3)],
        )
    root = tmp_path / "rollups"
    rollup, read = _build(pg_store.url, root)
    assert (float(rollup.minutes.sum()), read) == (30.0, 3)
    with psycopg.connect(pg_store.url) as conn:
        conn.execute(
            "ALTER TABLE movies ALTER totalminuteswatched TYPE bigint USING totalminuteswatched * 2"
        )
    rollup, read = _build(pg_store.url, root)
    assert (float(rollup.minutes.sum()), read) == (60.0, 3)
    assert _build(pg_store.url, root)[1] == 0


def test_a_rollup_built_in_memory_is_the_published_one(pg_demo, tmp_path):
    """Without a writable rollup folder a process builds the version in memory: the same."""
    versions = PostgresVersions(pg_demo.url, tmp_path / "rollups")
    published = open_rollup(versions.root, versions.publish_committed())
    _, in_memory = versions.read_committed()
    assert in_memory.meta() == published.meta()
    expected = published.arrays()
    assert in_memory.arrays().keys() == expected.keys()
    for name, values in in_memory.arrays().items():
        assert np.array_equal(values, expected[name], equal_nan=values.dtype.kind == "f"), name
