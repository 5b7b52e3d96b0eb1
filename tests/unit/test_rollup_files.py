"""Shared rollups on real files: written once per version, atomically, under a lock; a crashed
build is never used; another program's change is rebuilt once while the old version is served."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import threading
import time

import pytest

from config import PROJECT_ROOT
from data.events.analysis.analytics import EventsAnalytics
from data.events.catalog import DIMENSION_NAMES
from data.events.ingest.demo_data import generate_demo
from data.events.params import Filters
from data.events.rollup.files import open_rollup, rollup_root, version_name
from data.events.rollup.sqlite_source import publish_committed
from data.events.stores.sqlite_store import COLUMN_NAMES, connect, data_fingerprint

ALL = Filters()


def fingerprint(path):
    conn = connect(path, readonly=True)
    try:
        return data_fingerprint(conn)
    finally:
        conn.close()


def versions(path) -> list[str]:
    root = rollup_root(path)
    if not root.exists():
        return []
    return sorted(p.name for p in root.iterdir() if p.is_dir() and p.name.startswith("v-"))


def append_outside_reelboard(path, count: int, day: str = "2020-01-01") -> None:
    """Rows inserted as another program would: plain SQL, no Reelboard write token."""
    row = dict.fromkeys(COLUMN_NAMES, "") | {"event_date": f"{day} 10:00:00", "title": "Outside"}
    conn = sqlite3.connect(path)
    conn.executemany(
        f"INSERT INTO movies ({', '.join(COLUMN_NAMES)}) VALUES ({', '.join('?' * 13)})",
        [tuple(row[c] if c != "userid" else f"x{i}" for c in COLUMN_NAMES) for i in range(count)],
    )
    conn.commit()
    conn.close()


def test_a_writer_publishes_its_version_before_it_commits(tmp_path):
    path = tmp_path / "events.sqlite"
    generate_demo(path, rows=3_000, seed=2)
    assert versions(path) == [version_name(fingerprint(path))]
    mapped = open_rollup(rollup_root(path), fingerprint(path))
    assert mapped.rows == 3_000
    analytics = EventsAnalytics(path)
    assert analytics.kpis()["views"] == 3_000
    assert analytics.loads == 1 and not any(
        p.name.startswith(".") for p in rollup_root(path).iterdir() if p.is_dir()
    )


def test_mapped_rollup_answers_like_a_fresh_build(tmp_path, demo_db):
    from_disk = EventsAnalytics(demo_db)  # the demo's published rollup, memory-mapped
    copy = tmp_path / "copy.sqlite"
    conn, target = sqlite3.connect(demo_db), sqlite3.connect(copy)
    conn.backup(target)
    conn.close(), target.close()
    rebuilt = EventsAnalytics(copy)  # no rollup beside it: built here
    for metric in ("unique_users", "views", "completion_rate"):
        for resolution in ("daily", "weekly", "monthly"):
            assert from_disk.timeseries(metric, resolution) == rebuilt.timeseries(
                metric, resolution
            )
            assert from_disk.breakdown(metric, resolution, ALL, "device", 3) == rebuilt.breakdown(
                metric, resolution, ALL, "device", 3
            )
    assert from_disk.dimensions() == rebuilt.dimensions()
    assert from_disk.toplist(20) == rebuilt.toplist(20)


def test_concurrent_builders_build_once(tmp_path):
    path = tmp_path / "events.sqlite"
    generate_demo(path, rows=20_000, seed=3)
    append_outside_reelboard(path, 5)  # a version nobody has built yet
    command = [sys.executable, "-m", "data.events.rollup.sqlite_source", str(path)]
    runs = [
        subprocess.Popen(command, cwd=PROJECT_ROOT, stderr=subprocess.PIPE, text=True)
        for _ in range(3)
    ]
    logs = [run.communicate(timeout=120)[1] for run in runs]
    assert [run.returncode for run in runs] == [0, 0, 0]
    assert sum("built the rollup" in log for log in logs) == 1, logs
    assert version_name(fingerprint(path)) in versions(path)


def test_a_build_killed_midway_is_never_used_and_is_cleared(tmp_path):
    path = tmp_path / "events.sqlite"
    generate_demo(path, rows=150_000, seed=4)
    append_outside_reelboard(path, 1)
    root = rollup_root(path)
    builder = subprocess.Popen(
        [sys.executable, "-m", "data.events.rollup.sqlite_source", str(path)],
        cwd=PROJECT_ROOT,
        stderr=subprocess.DEVNULL,
    )
    # Kill it as soon as its temporary folder holds a file: mid-write.
    deadline = time.monotonic() + 60
    while not any(p.name.startswith(".building-") and any(p.iterdir()) for p in root.iterdir()):
        assert time.monotonic() < deadline and builder.poll() is None, "no build was seen"
        time.sleep(0.001)
    os.kill(builder.pid, signal.SIGKILL)
    builder.wait()
    assert any(p.name.startswith(".building-") for p in root.iterdir())
    assert open_rollup(root, fingerprint(path)) is None
    analytics = EventsAnalytics(path)
    assert analytics.kpis()["views"] == 150_001  # built again, in full
    assert not any(p.name.startswith(".building-") for p in root.iterdir())


def test_other_programs_changes_are_rebuilt_in_the_background(tmp_path):
    path = tmp_path / "events.sqlite"
    generate_demo(path, rows=60_000, seed=5)
    analytics = EventsAnalytics(path, background_builds=True)
    assert analytics.kpis()["views"] == 60_000
    append_outside_reelboard(path, 7)
    seen = set()
    deadline = time.monotonic() + 60
    while (views := analytics.kpis()["views"]) != 60_007:
        seen.add(views)
        assert time.monotonic() < deadline, "the change was not picked up"
        time.sleep(0.01)
    assert seen <= {60_000}  # the previous version meanwhile, never a mix
    assert analytics.loads == 2
    assert len(versions(path)) == 2  # the new one and the one before it


def test_without_background_builds_the_first_reader_builds(tmp_path):
    path = tmp_path / "events.sqlite"
    generate_demo(path, rows=2_000, seed=6)
    analytics = EventsAnalytics(path)
    assert analytics.kpis()["views"] == 2_000
    append_outside_reelboard(path, 3)
    assert analytics.kpis()["views"] == 2_003


def test_old_versions_are_pruned(tmp_path):
    path = tmp_path / "events.sqlite"
    generate_demo(path, rows=1_000, seed=7)
    for day in ("2020-01-01", "2020-01-02", "2020-01-03"):
        append_outside_reelboard(path, 1, day)
        publish_committed(path)
    assert len(versions(path)) == 2
    assert version_name(fingerprint(path)) in versions(path)


def test_readers_keep_answering_while_a_version_is_built(tmp_path):
    path = tmp_path / "events.sqlite"
    generate_demo(path, rows=100_000, seed=8)
    analytics = EventsAnalytics(path, background_builds=True)
    analytics.kpis()
    append_outside_reelboard(path, 2)
    errors, answers = [], []

    def read():
        try:
            while len(answers) < 200:
                answers.append(analytics.kpis(Filters.of(device="iPad"))["views"])
        except Exception as error:  # any failure is what this test looks for
            errors.append(error)

    threads = [threading.Thread(target=read) for _ in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert not errors
    assert len(set(answers)) == 1  # rows outside Reelboard have no device: iPad views unchanged


@pytest.mark.parametrize("rows", [0])
def test_an_empty_table_needs_no_rollup(tmp_path, rows):
    path = tmp_path / "events.sqlite"
    generate_demo(path, rows=rows)
    analytics = EventsAnalytics(path)
    assert analytics.kpis()["views"] == 0
    assert analytics.timeseries("views", "daily") == []


def test_the_first_run_demo_database_comes_with_its_rollup(tmp_path):
    from data.events.stores.first_run import ensure_database

    path = tmp_path / "instance" / "moviedb.sqlite"
    assert ensure_database(path, rows=1_500)
    assert versions(path) == [version_name(fingerprint(path))]
    leftovers = [p.name for p in path.parent.iterdir() if p.name.startswith(".")]
    assert leftovers == []


@pytest.mark.parametrize("replace", [True, False], ids=["replace", "append"])
def test_an_import_publishes_the_same_rollup_as_reading_the_table_back(tmp_path, replace):
    """A replacing import encodes the rows as it inserts them; the numbers must be those of the
    rows as SQLite stores them."""
    from data.events.ingest.csv_import import import_csv

    fixtures = sorted((PROJECT_ROOT / "tests" / "fixtures").glob("*.csv"))
    path = tmp_path / "events.sqlite"
    generate_demo(path, rows=500, seed=9)
    for csv_file in fixtures:
        import_csv(path, csv_file, replace=replace)
    imported = EventsAnalytics(path)
    copy = tmp_path / "copy.sqlite"
    conn, target = sqlite3.connect(path), sqlite3.connect(copy)
    conn.backup(target)
    conn.close(), target.close()
    read_back = EventsAnalytics(copy)  # no rollup beside it: built from the table
    for metric in ("unique_users", "minutes_watched", "views", "completion_rate"):
        for resolution in ("daily", "monthly"):
            assert imported.timeseries(metric, resolution) == read_back.timeseries(
                metric, resolution
            )
            for dimension in DIMENSION_NAMES:
                assert imported.breakdown(metric, resolution, ALL, dimension, 3) == (
                    read_back.breakdown(metric, resolution, ALL, dimension, 3)
                )
    assert imported.toplist(50) == read_back.toplist(50)
    assert imported.dimensions() == read_back.dimensions()
    assert imported.kpis() == read_back.kpis()


def test_a_damaged_published_rollup_is_rebuilt(tmp_path):
    path = tmp_path / "events.sqlite"
    generate_demo(path, rows=2_000, seed=10)
    folder = rollup_root(path) / version_name(fingerprint(path))
    (folder / "user_rows.daily.user.npy").unlink()  # removed by hand after publishing
    assert open_rollup(rollup_root(path), fingerprint(path)) is None
    analytics = EventsAnalytics(path)
    assert analytics.kpis()["views"] == 2_000
    assert (folder / "user_rows.daily.user.npy").exists()
    assert open_rollup(rollup_root(path), fingerprint(path)) is not None
