"""The change log on SQLite: per-day touches counted by triggers, whoever writes (Reelboard's
import, the sqlite3 command line), and the fingerprint."""

from __future__ import annotations

import shutil
import sqlite3
import subprocess
from pathlib import Path

import pytest

from data.events.ingest.csv_import import import_csv
from data.events.stores import change_log, sqlite_store
from data.events.stores.sqlite_store import COLUMN_NAMES, COLUMNS, INSERT_SQL

COLUMN_LIST = ", ".join(COLUMN_NAMES)


def csv_line(stamp: str, user: str = "u1", minutes: int = 30) -> str:
    return f"{stamp},{user},100,iPad,NO,{minutes},90,50.0,,MOVIE,Some Title,,"


def write_csv(path: Path, stamps: list[str]) -> Path:
    path.write_text("".join(csv_line(s, f"u{i}") + "\n" for i, s in enumerate(stamps)))
    return path


def row(stamp: str | None, minutes: int = 30) -> tuple:
    return (stamp, "u", "100", "iPad", "NO", minutes, 90, 50.0, None, "MOVIE", "T", None, None)


def sqlite_cli() -> str:
    cli = shutil.which("sqlite3")
    if cli is None:
        pytest.skip("no sqlite3 command line tool on PATH (apt-get install sqlite3)")
    return cli


def run_cli(db: Path, script: str) -> None:
    subprocess.run([sqlite_cli(), str(db)], input=script, text=True, check=True, timeout=30)


def counts(conn) -> dict[str, int] | None:
    """{day: touches} of the SQLite log (without the stamps)."""
    found = change_log.read_touches(conn)
    return None if found is None else {day: pair[0] for day, pair in found.items()}


def touches(db: Path) -> dict[str, int] | None:
    conn = sqlite_store.connect(db, readonly=True)
    try:
        return counts(conn)
    finally:
        conn.close()


STAMPS = [
    "2017-01-01 00:02:35",
    "2017-01-01 09:41:55",
    "2017-01-02 12:00:00",
    "2017-01-03 23:59:59",
    "2017-01-03 00:00:00",
]


# -- SQLite ------------------------------------------------------------------------------


def test_reelboard_import_installs_the_triggers_and_counts_each_day(tmp_path):
    db = tmp_path / "events.sqlite"
    result = import_csv(db, write_csv(tmp_path / "a.csv", STAMPS))
    assert result.imported == 5
    # '*': the triggers were made (by the import's ensure_schema) and nothing is known before.
    assert touches(db) == {"*": 1, "2017-01-01": 2, "2017-01-02": 1, "2017-01-03": 2}
    # A replace deletes every row (each counted on its day) and inserts the new ones.
    import_csv(db, write_csv(tmp_path / "b.csv", STAMPS[:1]), replace=True)
    assert touches(db) == {"*": 1, "2017-01-01": 5, "2017-01-02": 2, "2017-01-03": 4}
    conn = sqlite_store.connect(db, readonly=True)
    assert change_log.is_installed(conn)
    assert change_log.total_touches(conn) == 12
    assert sqlite_store.data_fingerprint(conn).touches == 12
    conn.close()


def test_writes_by_the_sqlite3_command_line_are_counted(tmp_path):
    """The tutorial's way in: `.import` of a CSV, then plain SQL, by another program."""
    db = tmp_path / "events.sqlite"
    conn = sqlite_store.connect(db)
    sqlite_store.ensure_schema(conn)
    conn.close()
    csv_path = tmp_path / "events.csv"
    # Timestamps as other tools write them: ISO 'T', a space, a date alone.
    csv_path.write_text(
        "\n".join(
            csv_line(stamp)
            for stamp in ("2020-03-01T10:00:00", "2020-03-01 11:00:00", "2020-03-02", "2020-03-03")
        )
        + "\n"
    )
    run_cli(db, f".mode csv\n.import {csv_path} movies\n")
    assert touches(db) == {"*": 1, "2020-03-01": 2, "2020-03-02": 1, "2020-03-03": 1}

    run_cli(
        db,
        # The second row of four (the middle of the table) moves to another day; the third
        # changes in place; a row without a date comes and goes; the last row goes.
        "UPDATE movies SET event_date = '2020-04-01 08:00:00' WHERE rowid = 2;\n"
        "UPDATE movies SET totalminuteswatched = 1 WHERE rowid = 3;\n"
        "INSERT INTO movies (event_date, userid) VALUES (NULL, 'n');\n"
        "UPDATE movies SET userid = 'm' WHERE event_date IS NULL;\n"
        "DELETE FROM movies WHERE event_date IS NULL OR rowid = 4;\n",
    )
    assert touches(db) == {
        "*": 1,
        "2020-03-01": 3,  # two inserts, the move away
        "2020-04-01": 1,  # the move in
        "2020-03-02": 2,  # insert, update in place (once, not twice)
        "2020-03-03": 2,  # insert, delete
        "": 3,  # NULL date: insert, update, delete
    }


def test_a_middle_update_by_another_program_makes_a_new_version(tmp_path):
    db = tmp_path / "events.sqlite"
    stamps = [f"2017-02-{day:02d} 10:00:00" for day in range(1, 28)] * 3
    import_csv(db, write_csv(tmp_path / "a.csv", stamps))
    conn = sqlite_store.connect(db, readonly=True)
    before = sqlite_store.data_fingerprint(conn)
    conn.close()
    middle = len(stamps) // 2  # far from the 16 rows at each end that the digest reads
    with sqlite3.connect(db) as writer:
        writer.execute(
            "UPDATE movies SET totalminuteswatched = 999, event_date = '2017-03-01 10:00:00' "
            "WHERE rowid = ?",
            (middle,),
        )
    writer.close()
    conn = sqlite_store.connect(db, readonly=True)
    after = sqlite_store.data_fingerprint(conn)
    conn.close()
    # Only the change log sees it: same count, highest rowid, edges and token.
    assert after[:5] == before[:5]
    assert after.touches == before.touches + 2
    assert after != before


def test_day_keys_of_odd_dates(tmp_path):
    db = tmp_path / "events.sqlite"
    conn = sqlite_store.connect(db)
    sqlite_store.ensure_schema(conn)
    conn.executemany(
        INSERT_SQL,
        [row("2021-05-06T07:08:09Z"), row("2021-05-06 23:59"), row(None), row(""), row("bad")],
    )
    conn.execute("INSERT INTO movies (event_date) VALUES (CAST('2021-05-06T00:00' AS BLOB))")
    conn.execute("INSERT INTO movies (event_date) VALUES (20210507)")
    conn.commit()
    # A BLOB date counts on the day its text spells; NULL and '' share the key ''.
    assert counts(conn) == {
        "*": 1,
        "2021-05-06": 3,
        "": 2,
        "bad": 1,
        "20210507": 1,
    }
    conn.close()


def test_install_is_idempotent_and_never_raises(tmp_path):
    db = tmp_path / "events.sqlite"
    with sqlite3.connect(db) as conn:
        conn.execute(f"CREATE TABLE movies ({', '.join(f'{n} {t}' for n, t in COLUMNS)})")
        conn.execute(INSERT_SQL, row("2019-01-01 00:00:00"))  # before the log: not counted
    conn.close()

    reader = sqlite_store.connect(db, readonly=True)
    assert not change_log.install(reader)  # read-only: nothing to be done
    assert not change_log.is_installed(reader)
    assert change_log.read_touches(reader) is None
    assert change_log.total_touches(reader) is None
    assert sqlite_store.data_fingerprint(reader).touches is None

    blocker = sqlite3.connect(db, isolation_level=None)
    blocker.execute("BEGIN EXCLUSIVE")
    busy = sqlite3.connect(db, timeout=0.05)
    assert not change_log.install(busy)  # locked past the busy timeout
    blocker.execute("ROLLBACK")

    # A trigger of that name made otherwise (an older definition) is made anew.
    busy.execute("CREATE TRIGGER reelboard_touch_insert AFTER INSERT ON movies BEGIN SELECT 1; END")
    busy.commit()
    assert change_log.install(busy) and change_log.install(busy)
    assert change_log.install(reader)  # already there: True even read-only
    assert change_log.is_installed(reader)
    busy.execute(INSERT_SQL, row("2019-01-01 00:00:00"))
    busy.commit()
    # The row written before is not counted: '*' says that anything may have changed.
    assert counts(reader) == {"*": 1, "2019-01-01": 1}
    names = [r[0] for r in busy.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'")]
    assert sorted(names) == sorted(change_log.TRIGGERS)
    busy.close()
    blocker.close()
    reader.close()


def test_no_triggers_on_a_view_named_movies(tmp_path):
    db = tmp_path / "events.sqlite"
    with sqlite3.connect(db) as conn:
        conn.execute("CREATE TABLE raw (event_date TEXT)")
        conn.execute("CREATE VIEW movies AS SELECT * FROM raw")
    assert not change_log.install(conn)
    assert not change_log.is_installed(conn)
    conn.close()


def test_a_rolled_back_write_leaves_a_stamp_no_later_write_repeats(tmp_path):
    """A builder that saw uncommitted rows records their stamp; after a rollback, another
    write that brings the day to the same count is still a change of that day."""
    db = tmp_path / "events.sqlite"
    conn = sqlite_store.connect(db)
    sqlite_store.ensure_schema(conn)
    conn.execute(INSERT_SQL, row("2022-02-02 10:00:00"))
    conn.commit()
    before = change_log.read_touches(conn)["2022-02-02"]
    conn.execute(INSERT_SQL, row("2022-02-02 11:00:00"))
    seen_uncommitted = change_log.read_touches(conn)["2022-02-02"]
    conn.rollback()
    assert change_log.read_touches(conn)["2022-02-02"] == before
    conn.execute(INSERT_SQL, row("2022-02-02 12:00:00"))
    conn.commit()
    after = change_log.read_touches(conn)["2022-02-02"]
    assert after[0] == seen_uncommitted[0] == 2
    assert after != seen_uncommitted
    conn.close()
