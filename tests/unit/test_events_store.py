"""The SQLite event store: schema, tutorial-database compatibility, demo flag, first-run set-up."""

from __future__ import annotations

import csv
import shutil
import sqlite3
import subprocess
from pathlib import Path

import pytest

from data.events.stores.first_run import ensure_database
from data.events.stores.sqlite_store import (
    COLUMN_NAMES,
    COLUMNS,
    META_TABLE,
    connect,
    count_rows,
    ensure_schema,
    is_demo,
    set_demo_flag,
)

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"


def table_info(path: Path, table: str = "movies") -> list[tuple]:
    with sqlite3.connect(path) as conn:
        return conn.execute(f"PRAGMA table_info({table})").fetchall()


def all_rows(path: Path) -> list[tuple]:
    with sqlite3.connect(path) as conn:
        return conn.execute("SELECT * FROM movies ORDER BY rowid").fetchall()


def make_tutorial_db(path: Path, csv_path: Path, typed: bool = False) -> None:
    """A database made the tutorial's way: CREATE TABLE then sqlite3's `.import` of the CSV."""
    columns = ", ".join(f"{n} {t}" if typed else n for n, t in COLUMNS)
    cli = shutil.which("sqlite3")
    if cli:
        script = f"CREATE TABLE movies ({columns});\n.mode csv\n.import {csv_path} movies\n"
        subprocess.run([cli, str(path)], input=script, text=True, check=True)
        return
    # Same result without the shell: every field stored as text, '' for empty ones.
    with sqlite3.connect(path) as conn, open(csv_path, newline="", encoding="utf-8") as handle:
        conn.execute(f"CREATE TABLE movies ({columns})")
        conn.executemany(f"INSERT INTO movies VALUES ({','.join('?' * 13)})", csv.reader(handle))


def test_ensure_schema_creates_the_tutorial_table_and_is_idempotent(db_path):
    conn = connect(db_path)
    ensure_schema(conn)
    ensure_schema(conn)
    conn.close()
    info = table_info(db_path)
    assert [(row[1], row[2]) for row in info] == list(COLUMNS)
    assert [row[1] for row in table_info(db_path, META_TABLE)] == ["key", "value"]
    with sqlite3.connect(db_path) as conn:
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        indexes = [r[1] for r in conn.execute("PRAGMA index_list(movies)")]
    assert "idx_movies_event_date" in indexes


@pytest.mark.parametrize("typed", [False, True], ids=["untyped", "typed"])
def test_tutorial_database_is_used_untouched(tmp_path, typed):
    path = tmp_path / "moviedb.sqlite"
    make_tutorial_db(path, FIXTURES / "events_headerless.csv", typed=typed)
    before_info, before_rows = table_info(path), all_rows(path)
    assert len(before_rows) == 6
    assert before_rows[3][6] == ""  # `.import` stores empty fields as '' (not NULL)

    conn = connect(path)
    ensure_schema(conn)
    conn.close()

    assert table_info(path) == before_info
    assert all_rows(path) == before_rows
    assert not is_demo(path)
    assert count_rows(path) == 6


def test_ensure_schema_on_a_read_only_database_changes_nothing(tmp_path):
    path = tmp_path / "moviedb.sqlite"
    make_tutorial_db(path, FIXTURES / "events_headerless.csv")
    before = path.read_bytes()
    conn = connect(path, readonly=True)
    ensure_schema(conn)  # must not raise: the nice-to-have parts are skipped
    assert conn.execute("SELECT COUNT(*) FROM movies").fetchone()[0] == 6
    conn.close()
    assert path.read_bytes() == before
    assert not is_demo(path)


def test_is_demo_follows_the_flag(tmp_path, db_path):
    assert not is_demo(tmp_path / "missing.sqlite")
    assert not (tmp_path / "missing.sqlite").exists()  # looking must not create the file
    conn = connect(db_path)
    ensure_schema(conn)
    assert not is_demo(db_path)
    set_demo_flag(conn, True)
    conn.commit()
    assert is_demo(db_path)
    set_demo_flag(conn, False)
    conn.commit()
    conn.close()
    assert not is_demo(db_path)


def test_ensure_database_creates_a_demo_database_once(tmp_path):
    path = tmp_path / "nested" / "instance" / "moviedb.sqlite"
    assert ensure_database(path, rows=1_500) is True
    assert is_demo(path)
    assert count_rows(path) == 1_500
    assert sorted(p.name for p in path.parent.iterdir() if p.name.endswith(".tmp")) == []
    before = all_rows(path)
    assert ensure_database(path, rows=10) is False
    assert all_rows(path) == before


def test_ensure_database_leaves_an_existing_file_alone(tmp_path):
    path = tmp_path / "moviedb.sqlite"
    make_tutorial_db(path, FIXTURES / "events_headerless.csv")
    before = path.read_bytes()
    assert ensure_database(path) is False
    assert path.read_bytes() == before


def test_readers_keep_reading_while_a_write_is_open(db_path):
    writer = connect(db_path)
    ensure_schema(writer)
    writer.execute("BEGIN IMMEDIATE")
    writer.execute(
        f"INSERT INTO movies ({', '.join(COLUMN_NAMES)}) VALUES ({', '.join('?' * 13)})",
        ("2025-01-01 00:00:00", "u", "c", "iPad", "NO", 1, 2, 50.0, None, "MOVIE", "T", None, None),
    )
    reader = connect(db_path, readonly=True)
    reader.execute("PRAGMA busy_timeout = 100")  # WAL: no waiting for the writer at all
    assert reader.execute("SELECT COUNT(*) FROM movies").fetchone()[0] == 0
    writer.commit()
    assert reader.execute("SELECT COUNT(*) FROM movies").fetchone()[0] == 1
    reader.close()
    writer.close()


def test_ensure_database_fills_an_empty_file(tmp_path):
    path = tmp_path / "moviedb.sqlite"
    path.touch()
    assert ensure_database(path, rows=300) is True
    assert count_rows(path) == 300 and is_demo(path)
