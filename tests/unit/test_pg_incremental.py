"""Incremental PostgreSQL rollups: a build reads again only the days that changed (the change
log names them), every row after a rewrite the log cannot see, and the same rollup in memory."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import numpy as np
import psycopg
import pytest

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


def _cells(table) -> list[tuple]:
    """A UserCounts as (period, its set's combinations, users) cells: sets are numbered
    differently by a merge of pieces and by one build, and mean the same."""
    sets = [
        tuple(table.set_combos[a:b].tolist())
        for a, b in zip(table.set_offsets[:-1], table.set_offsets[1:], strict=True)
    ]
    return sorted(
        zip(
            table.cell_period.tolist(),
            [sets[s] for s in table.cell_set],
            table.cell_users.tolist(),
            strict=True,
        )
    )


def assert_same(rollup, expected) -> None:
    assert rollup.meta() == expected.meta()
    arrays = expected.arrays()
    assert rollup.arrays().keys() == arrays.keys()
    for name, values in rollup.arrays().items():
        if name.startswith("user_counts.") and not name.endswith(".counts"):
            continue  # compared as cells below
        assert np.array_equal(values, arrays[name], equal_nan=values.dtype.kind == "f"), name
    for resolution, table in rollup.user_counts.items():
        assert _cells(table) == _cells(expected.user_counts[resolution]), resolution


@pytest.mark.parametrize("kind", ["text", "varchar(40)", "timestamptz", "date"])
def test_each_kind_of_date_column_reads_its_day_ranges_alike(pg_url, tmp_path, kind):
    """A table of another system: the rows of a day range, compared in the column's type (text
    byte by byte), are those of its days, up to the last day there is."""
    columns = ", ".join(
        f"{name} {kind if name == 'event_date' else pg_kind}"
        for name, pg_kind in pg_tables.PG_COLUMNS
    )
    stamps = ["2024-11-30 23:59:59", "2024-12-01 00:00:00", "2024-12-31 12:00:00"]
    stamps += [f"2025-01-{day:02d} 0{day % 10}:00:00" for day in range(1, 20)]
    later = ["2024-12-31 23:00:00", "2025-01-10 10:00:00", "2025-01-31 00:00:00"]
    later += ["9999-12-31 00:00:00", "0001-01-01 00:00:00"]
    if kind != "date" and kind != "timestamptz":
        later += ["2025-01-10T11:00:00", "2025-01-10", "2025-01-10x", "2025-01-1", ""]
    with pg_tables.connect(pg_url) as conn:
        conn.execute(f"CREATE TABLE movies ({columns})")
        pg_tables.ensure_schema(conn)  # the change log
        _insert(conn, stamps)
    root = tmp_path / "rollups"
    assert _build(pg_url, root)[1] == len(stamps)
    with pg_tables.connect(pg_url) as conn:
        _insert(conn, later)
    rollup, read = _build(pg_url, root)
    assert read < len(stamps)  # December, two days of January, the first and last day
    assert_same(rollup, _build(pg_url, tmp_path / "full")[0])
    assert rollup.left_out == 2
    # Each event's time is its stamp's, read as UTC (a date's is midnight; a text's own day).
    readable = [t for t in stamps + later if t[:4] not in ("0001", "9999") and len(t) in (10, 19)]
    whole = [t[:10] if kind == "date" else t.replace("T", " ") for t in readable]
    epoch = dt.datetime(1970, 1, 1)
    assert set(rollup.seq_time.tolist()) == {
        int((dt.datetime.fromisoformat(t) - epoch).total_seconds()) for t in whole
    }


def _insert(conn, stamps: list[str]) -> None:
    rows = [_row(stamp, f"u{i % 4}", f"Title {i % 3}") for i, stamp in enumerate(stamps)]
    conn.cursor().executemany(
        f"INSERT INTO movies ({', '.join(COLUMN_NAMES)}) VALUES ({', '.join(['%s'] * 13)})", rows
    )


def test_a_rollup_built_in_memory_is_the_published_one(pg_demo, tmp_path):
    """Without a writable rollup folder a process builds the version in memory: the same."""
    versions = PostgresVersions(pg_demo.url, tmp_path / "rollups")
    published = open_rollup(versions.root, versions.publish_committed())
    assert_same(versions.read_committed()[1], published)
