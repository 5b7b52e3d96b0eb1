"""An import remembers each file it loaded (a digest of its bytes, in the store) and refuses the
same file again, saying when it was loaded, unless --again or --replace; on both stores."""

from __future__ import annotations

import dataclasses
import datetime as dt
import os
import shutil
import sqlite3
import threading

import psycopg
import pytest

from data.events.analysis.analytics import EventsAnalytics
from data.events.ingest.csv_import import AlreadyImported, import_csv
from data.events.ingest.demo_data import generate_demo
from data.events.stores.date_bounds import DateBounds
from data.events.stores.event_stores import SqliteStore

NOW = dt.datetime(2026, 3, 10, 15, 30, 5, tzinfo=dt.UTC)
WHEN = "2026-03-10 15:30:05 UTC"


def write_events(path, count: int, first_user: int = 0) -> None:
    """count rows of 10 minutes each, one user per row, in the week before NOW."""
    lines = [
        f"2026-03-0{1 + i % 7} 10:00:00,u{first_user + i},1,iPad,NO,10,100,95,,MOVIE,Heat,,"
        for i in range(count)
    ]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def table_rows(store) -> int:
    if isinstance(store, SqliteStore):
        with sqlite3.connect(store.path) as conn:
            return conn.execute("SELECT count(*) FROM movies").fetchone()[0]
    with psycopg.connect(store.url) as conn:
        return conn.execute("SELECT count(*) FROM movies").fetchone()[0]


def served(store) -> dict:
    engine = EventsAnalytics(store.versions())
    try:
        return engine.kpis()
    finally:
        engine.close()


@pytest.fixture
def bounded(event_store):
    return dataclasses.replace(event_store, bounds=DateBounds(now=NOW))


@pytest.fixture
def events_csv(tmp_path):
    path = tmp_path / "events.csv"
    write_events(path, 2_000)
    return path


def test_the_same_file_twice_is_refused_and_changes_nothing(bounded, events_csv):
    assert import_csv(bounded, events_csv).imported == 2_000
    with pytest.raises(AlreadyImported) as refused:
        import_csv(bounded, events_csv)
    assert str(refused.value) == (
        f"'events.csv' was already imported on {WHEN} (2,000 rows); importing it again would "
        "count its rows twice. Use --again to import it anyway, or --replace to replace every "
        "event with it."
    )
    assert table_rows(bounded) == 2_000
    assert served(bounded)["views"] == 2_000


def test_again_adds_the_rows_a_second_time(bounded, events_csv):
    import_csv(bounded, events_csv)
    assert import_csv(bounded, events_csv, again=True).imported == 2_000
    assert table_rows(bounded) == 4_000
    kpis = served(bounded)
    assert (kpis["views"], kpis["minutes_watched"], kpis["unique_users"]) == (4_000, 40_000, 2_000)
    with pytest.raises(AlreadyImported, match=r"imported 2 times, last on .* \(2,000 rows\)"):
        import_csv(bounded, events_csv)


def test_replace_takes_the_file_again_and_starts_the_history_anew(bounded, events_csv, tmp_path):
    other = tmp_path / "other.csv"
    write_events(other, 300, first_user=5_000)
    import_csv(bounded, events_csv)
    import_csv(bounded, other)
    assert import_csv(bounded, events_csv, replace=True).imported == 2_000
    assert served(bounded)["views"] == 2_000
    # The other file's rows went with --replace: it may be imported again, this one not.
    assert import_csv(bounded, other).imported == 300
    with pytest.raises(AlreadyImported, match=r"already imported on .* \(2,000 rows\)"):
        import_csv(bounded, events_csv)
    assert served(bounded)["views"] == 2_300


def test_a_copy_under_another_name_is_the_same_file(bounded, events_csv, tmp_path):
    import_csv(bounded, events_csv)
    copy = tmp_path / "copy of events.csv"
    shutil.copy(events_csv, copy)
    with pytest.raises(AlreadyImported) as refused:
        import_csv(bounded, copy)
    assert str(refused.value).startswith(
        f"'copy of events.csv' was already imported on {WHEN} (2,000 rows, as 'events.csv')"
    )
    changed = tmp_path / "changed.csv"
    changed.write_bytes(events_csv.read_bytes() + b"\n")  # one byte more: another file
    assert import_csv(bounded, changed).imported == 2_000


def test_demo_data_starts_the_history_anew(bounded, events_csv):
    import_csv(bounded, events_csv)
    generate_demo(bounded, rows=100, seed=1)
    assert import_csv(bounded, events_csv).imported == 2_000
    assert served(bounded)["views"] == 2_100


def test_a_file_with_nothing_to_import_is_not_remembered(bounded, tmp_path, events_csv):
    useless = tmp_path / "useless.csv"
    useless.write_text("not,a,row\n", encoding="utf-8")
    assert import_csv(bounded, useless).imported == 0
    assert import_csv(bounded, useless).imported == 0  # no refusal: nothing was loaded


def test_a_pipe_is_recognised_once_read(bounded, events_csv, tmp_path):
    """A pipe can be read only once: its digest is known at its end, and the import is then
    rolled back."""
    import_csv(bounded, events_csv)
    fifo = tmp_path / "events.fifo"
    os.mkfifo(fifo)

    def feed() -> None:
        with open(fifo, "wb") as pipe:
            pipe.write(events_csv.read_bytes())

    feeder = threading.Thread(target=feed, daemon=True)
    feeder.start()
    with pytest.raises(
        AlreadyImported,
        match=r"'events.fifo' was already imported on .* \(2,000 rows, as 'events.csv'\)",
    ):
        import_csv(bounded, fifo)
    feeder.join(10)
    assert table_rows(bounded) == 2_000


def test_two_imports_of_one_file_at_once_add_it_once(tmp_path, events_csv):
    store = SqliteStore(tmp_path / "events.sqlite", bounds=DateBounds(now=NOW))
    outcomes: list[object] = []

    def run() -> None:
        try:
            outcomes.append(import_csv(store, events_csv).imported)
        except AlreadyImported as refused:
            outcomes.append(type(refused))

    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert sorted(outcomes, key=str) == sorted([2_000, AlreadyImported], key=str)
    assert table_rows(store) == 2_000


# -- the command ---------------------------------------------------------------------------------


@pytest.fixture
def command(make_app, bounded, tmp_path):
    url = f"sqlite:///{bounded.path}" if isinstance(bounded, SqliteStore) else bounded.url
    app = make_app(DATABASE_URL=url, EVENTS_NOW=NOW.isoformat(), INSTANCE_PATH=tmp_path / "i")
    runner = app.server.test_cli_runner()
    return lambda *args: runner.invoke(args=["import-events", *map(str, args)])


def test_the_command_refuses_a_second_load_and_takes_it_with_again(command, bounded, events_csv):
    first = command(events_csv)
    assert first.exit_code == 0, first.output
    assert "imported 2000 rows, rejected 0" in first.output
    second = command(events_csv)
    assert second.exit_code == 1
    assert f"'events.csv' was already imported on {WHEN} (2,000 rows)" in second.output
    assert "Use --again to import it anyway, or --replace" in second.output
    assert "Traceback" not in second.output
    assert table_rows(bounded) == 2_000
    again = command("--again", events_csv)
    assert again.exit_code == 0, again.output
    assert "imported 2000 rows, rejected 0" in again.output
    assert table_rows(bounded) == 4_000
    replaced = command("--replace", events_csv)
    assert replaced.exit_code == 0, replaced.output
    assert table_rows(bounded) == 2_000
