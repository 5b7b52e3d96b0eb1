"""The change log on PostgreSQL: per-day touches counted by triggers, whoever writes."""

from __future__ import annotations

import os

import psycopg
import pytest

from data.events.ingest.csv_import import import_csv
from data.events.stores import pg_change_log
from data.events.stores import pg_store as pg_tables
from tests.unit.test_change_log import COLUMN_LIST, STAMPS, row, write_csv


def pg_counts(conn) -> dict[str, int] | None:
    """{day: touches} of the PostgreSQL log (without the stamps)."""
    found = pg_change_log.read_touches(conn)
    return None if found is None else {day: pair[0] for day, pair in found.items()}


@pytest.fixture
def pg(pg_url):
    """An autocommit connection to a fresh schema holding Reelboard's movies table."""
    conn = pg_tables.connect(pg_url, autocommit=True)
    pg_tables.ensure_schema(conn)
    yield conn
    conn.close()


def pg_copy(conn, rows: list[tuple]) -> None:
    with conn.cursor() as cursor, cursor.copy(f"COPY movies ({COLUMN_LIST}) FROM STDIN") as copy:
        for values in rows:
            copy.write_row(values)


def test_pg_import_copy_insert_update_delete_truncate(pg_store, tmp_path):
    import_csv(pg_store, write_csv(tmp_path / "a.csv", STAMPS))  # Reelboard's COPY
    conn = psycopg.connect(pg_store.url, autocommit=True)
    assert pg_change_log.is_installed(conn)
    assert pg_counts(conn) == {
        "*": 1,
        "2017-01-01": 2,
        "2017-01-02": 1,
        "2017-01-03": 2,
    }

    pg_copy(conn, [row(f"2017-01-0{1 + i % 2} 10:00:00") for i in range(1000)] + [row(None)])
    conn.execute("INSERT INTO movies (event_date) VALUES ('2017-01-04T05:00:00'), (NULL)")
    conn.execute("UPDATE movies SET event_date = '2017-02-01' WHERE userid = 'u3'")  # moves
    conn.execute("UPDATE movies SET totalminuteswatched = 1 WHERE userid = 'u2'")  # in place
    conn.execute("UPDATE movies SET userid = 'x' WHERE false")  # no rows: nothing touched
    conn.execute("DELETE FROM movies WHERE event_date IS NULL")
    assert pg_counts(conn) == {
        "*": 1,
        "2017-01-01": 2 + 500,
        "2017-01-02": 1 + 500 + 1,  # import, COPY, one update in place (once, not twice)
        "2017-01-03": 2 + 1,  # import, the move away
        "2017-01-04": 1,
        "2017-02-01": 1,
        "": 2 + 2,
    }
    total = pg_change_log.total_touches(conn)
    assert total == 1014  # with the '*' of the install
    with conn.transaction():
        assert pg_tables.data_fingerprint(conn).touches == total
    conn.execute("TRUNCATE movies")
    assert pg_counts(conn)["*"] == 2
    assert pg_change_log.total_touches(conn) == total + 1
    conn.close()


def test_pg_install_is_idempotent_and_follows_the_column_type(pg):
    assert pg_change_log.install(pg) and pg_change_log.install(pg)
    triggers = pg.execute(
        "SELECT tgname FROM pg_trigger WHERE tgrelid = 'movies'::regclass AND NOT tgisinternal"
    ).fetchall()
    assert sorted(name for (name,) in triggers) == sorted(pg_change_log.TRIGGERS)
    # A table made by another system with a timestamptz column: days are UTC days, whatever
    # the writing session's time zone.
    pg.execute("DROP TABLE movies")
    pg.execute("CREATE TABLE movies (event_date timestamptz, userid text)")
    assert not pg_change_log.is_installed(pg)
    assert pg_change_log.install(pg)
    pg.execute("SET TIME ZONE 'Asia/Tokyo'")
    pg.execute("INSERT INTO movies VALUES ('2024-01-05 23:30:00+00', 'a')")
    pg.execute("ALTER TABLE movies ALTER event_date TYPE text USING event_date::text")
    assert pg_change_log.install(pg)  # the day expression follows the new type
    pg.execute("INSERT INTO movies VALUES ('2024-01-07T01:00:00', 'b')")
    # Each (re)install counts '*': the table made by ensure_schema, the two made here.
    assert pg_counts(pg) == {"*": 3, "2024-01-05": 1, "2024-01-07": 1}
    # A column of no date type: no triggers that would make other programs' writes fail.
    pg.execute("DROP TABLE movies")
    pg.execute("CREATE TABLE movies (event_date integer)")
    assert not pg_change_log.install(pg)
    pg.execute("INSERT INTO movies VALUES (1)")
    pg.execute("DROP TABLE movies")
    pg.execute(f"CREATE VIEW movies AS SELECT * FROM {pg_change_log.TOUCHES_TABLE}")
    assert not pg_change_log.install(pg)
    assert pg_counts(pg) is None


def test_pg_a_role_that_may_only_write_movies_still_gets_counted(pg):
    role = f"reelboard_test_writer_{os.urandom(4).hex()}"
    try:
        pg.execute(f"CREATE ROLE {role} NOLOGIN")
    except psycopg.errors.InsufficientPrivilege:
        pytest.skip("the test server's user may not create roles")
    try:
        schema = pg.execute("SELECT current_schema()").fetchone()[0]
        pg.execute(f'GRANT USAGE ON SCHEMA "{schema}" TO {role}')
        pg.execute(f"GRANT INSERT ON movies TO {role}")
        pg.execute(f"SET ROLE {role}")
        pg.execute("INSERT INTO movies (event_date) VALUES ('2024-03-03 03:03:03')")
        assert pg_counts(pg) is None  # it may not read them: not installed
        pg.execute("RESET ROLE")
        assert pg_counts(pg) == {"*": 1, "2024-03-03": 1}
    finally:
        pg.execute("RESET ROLE")
        pg.execute(f"DROP OWNED BY {role}")
        pg.execute(f"DROP ROLE {role}")


def test_pg_a_refused_install_leaves_the_callers_transaction_usable(pg_url):
    """install runs in a savepoint: refused, it rolls back to it and the caller goes on."""
    conn = pg_tables.connect(pg_url)
    conn.execute("CREATE TABLE movies (event_date timestamp)")
    conn.commit()
    conn.execute("SET TRANSACTION READ ONLY")  # as a read replica would refuse
    assert not pg_change_log.install(conn)
    assert conn.execute("SELECT count(*) FROM movies").fetchone()[0] == 0
    conn.rollback()
    assert pg_change_log.install(conn)  # a transaction of its own, committed
    assert conn.info.transaction_status == psycopg.pq.TransactionStatus.IDLE
    conn.close()


def test_pg_a_rolled_back_write_leaves_a_stamp_no_later_write_repeats(pg_url):
    """As on SQLite: each statement draws new stamps for the days it touches."""
    conn = pg_tables.connect(pg_url)
    pg_tables.ensure_schema(conn)
    conn.execute("INSERT INTO movies (event_date) VALUES ('2022-02-02 10:00:00')")
    conn.commit()
    before = pg_change_log.read_touches(conn)["2022-02-02"]
    conn.execute("INSERT INTO movies (event_date) VALUES ('2022-02-02 11:00:00')")
    seen_uncommitted = pg_change_log.read_touches(conn)["2022-02-02"]
    conn.rollback()
    assert pg_change_log.read_touches(conn)["2022-02-02"] == before
    conn.execute("INSERT INTO movies (event_date) VALUES ('2022-02-02 12:00:00')")
    conn.commit()
    after = pg_change_log.read_touches(conn)["2022-02-02"]
    assert after[0] == seen_uncommitted[0] == 2
    assert after != seen_uncommitted
    conn.close()


def test_pg_a_log_made_before_stamps_is_made_anew(pg):
    """A touches table without stamps (an older Reelboard) reads as no log, and the next
    install makes it anew, counting '*' (what changed meanwhile is unknown)."""
    table = pg_change_log.TOUCHES_TABLE
    pg.execute(f"DROP TABLE {table}")
    pg.execute(f"CREATE TABLE {table} (day text PRIMARY KEY, touches bigint NOT NULL)")
    pg.execute(f"INSERT INTO {table} VALUES ('*', 5), ('2020-01-01', 7)")
    assert pg_change_log.read_touches(pg) is None
    assert pg_change_log.total_touches(pg) == 12  # the fingerprint still counts
    assert pg_change_log.install(pg)
    pg.execute("INSERT INTO movies (event_date) VALUES ('2020-01-02 00:00:00')")
    assert pg_counts(pg) == {"*": 1, "2020-01-02": 1}
