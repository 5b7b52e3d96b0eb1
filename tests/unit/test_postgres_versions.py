"""PostgreSQL as the event store: new versions (probe, views, digest, partitions) and locks."""

from __future__ import annotations

import threading
import time

import psycopg
import pytest

from data.events.params import Filters
from data.events.stores import pg_store as pg_tables
from data.events.stores.pg_versions import PostgresVersions
from data.events.stores.sqlite_store import EventStoreUnavailable
from tests.unit.analysis_support import D


def test_probe_is_cheap_and_sees_a_commit_by_another_connection(pg_demo):
    conn = pg_tables.connect(pg_demo.url, autocommit=True)
    try:
        before = pg_tables.probe(conn)
        with psycopg.connect(pg_demo.url) as writer:
            writer.execute("INSERT INTO movies (event_date, userid) VALUES (now(), 'x')")
            writer.execute("SELECT pg_stat_force_next_flush()")
        assert pg_tables.probe(conn) != before
    finally:
        conn.close()


def test_no_movies_table_is_no_events(pg_url, instance_dir, engines):
    engine = engines(PostgresVersions(pg_url, instance_dir / "rollups"))
    assert engine.timeseries("unique_users", "daily") == []
    assert engine.kpis()["views"] == 0
    assert engine.date_bounds() is None


def test_a_view_without_statistics_is_looked_at_every_few_seconds(
    pg_url, instance_dir, engines, monkeypatch
):
    """movies as a view (no insert counters): new rows still show up, by the time fallback."""
    monkeypatch.setattr(pg_tables, "_NO_STATS_SECONDS", 1)
    with psycopg.connect(pg_url) as conn:
        conn.execute(pg_tables.CREATE_MOVIES.replace("movies", "raw_events"))
        conn.execute("CREATE VIEW movies AS SELECT * FROM raw_events")
        conn.execute("INSERT INTO raw_events (event_date, userid) VALUES ('2025-01-01', 'a')")
    engine = engines(PostgresVersions(pg_url, instance_dir / "rollups"))
    assert engine.kpis()["views"] == 1
    with psycopg.connect(pg_url) as conn:
        conn.execute("INSERT INTO raw_events (event_date, userid) VALUES ('2025-01-02', 'b')")
    deadline = time.monotonic() + 5
    while engine.kpis()["views"] == 1 and time.monotonic() < deadline:
        time.sleep(0.2)
    assert engine.kpis() == {**engine.kpis(), "views": 2, "unique_users": 2}


def _served_views(engine, expected: int, seconds: float = 5) -> int:
    deadline = time.monotonic() + seconds
    while (views := engine.kpis()["views"]) != expected and time.monotonic() < deadline:
        time.sleep(0.2)
    return views


def test_a_value_moved_to_a_neighbouring_empty_column_is_a_new_version(pg_demo, engines):
    """The digest tells NULL from '' and quotes values: ('TV', NULL) is not (NULL, 'TV')."""
    with psycopg.connect(pg_demo.url) as conn:
        conn.execute(
            "INSERT INTO movies (event_date, userid, device, market) "
            "VALUES ('2025-03-04 10:00', 'mover', 'QQ', NULL)"
        )
    engine = engines(pg_demo.versions())
    only_qq = Filters.of(D(2025, 3, 4), D(2025, 3, 4), market={"QQ"})
    assert engine.kpis(only_qq)["views"] == 0
    with psycopg.connect(pg_demo.url) as conn:
        conn.execute("UPDATE movies SET market = device, device = NULL WHERE userid = 'mover'")
        conn.execute("SELECT pg_stat_force_next_flush()")
    deadline = time.monotonic() + 5
    while engine.kpis(only_qq)["views"] == 0 and time.monotonic() < deadline:
        time.sleep(0.2)
    assert engine.kpis(only_qq)["views"] == 1


def test_truncating_a_partition_is_a_new_version(pg_url, instance_dir, engines):
    with psycopg.connect(pg_url) as conn:
        create = pg_tables.CREATE_MOVIES.replace("IF NOT EXISTS ", "")
        conn.execute(create + " PARTITION BY RANGE (event_date)")
        conn.execute(
            "CREATE TABLE movies_2025 PARTITION OF movies "
            "FOR VALUES FROM ('2025-01-01') TO ('2026-01-01')"
        )
        conn.execute("CREATE TABLE movies_rest PARTITION OF movies DEFAULT")
        conn.execute(
            "INSERT INTO movies (event_date, userid) "
            "VALUES ('2025-05-01', 'a'), ('2024-05-01', 'b')"
        )
    engine = engines(PostgresVersions(pg_url, instance_dir / "rollups"))
    assert _served_views(engine, 2) == 2
    with psycopg.connect(pg_url) as conn:
        conn.execute("TRUNCATE movies_rest")
    assert _served_views(engine, 1) == 1
    with psycopg.connect(pg_url) as conn:
        conn.execute("TRUNCATE movies")
    assert _served_views(engine, 0) == 0


def test_a_table_locked_by_maintenance_is_a_503_within_seconds(pg_demo, engines):
    engine = engines(pg_demo.versions())
    assert engine.kpis()["views"] == 5_000
    with psycopg.connect(pg_demo.url) as writer:
        writer.execute("INSERT INTO movies (event_date, userid) VALUES ('2025-06-01', 'x')")
        writer.execute("SELECT pg_stat_force_next_flush()")
        writer.commit()
        writer.execute("LOCK TABLE movies IN ACCESS EXCLUSIVE MODE")  # as VACUUM FULL does
        time.sleep(1.2)  # the probe's answer is reused for a second
        seconds = []

        def ask() -> None:
            started = time.monotonic()
            with pytest.raises(EventStoreUnavailable, match="locked"):
                engine.kpis()
            seconds.append(time.monotonic() - started)

        # Concurrent requests share the one failed try: none waits for the others' turns.
        askers = [threading.Thread(target=ask) for _ in range(4)]
        for asker in askers:
            asker.start()
        for asker in askers:
            asker.join()
        assert len(seconds) == 4 and max(seconds) < 4, seconds
    # The lock gone, the new rows are served (after at most a second of the same 503).
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline:
        try:
            if engine.kpis()["views"] == 5_001:
                break
        except EventStoreUnavailable:
            pass
        time.sleep(0.2)
    assert engine.kpis()["views"] == 5_001
