"""First run: create a demo database where none exists yet, safely among concurrent starters."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

from data.events.ingest.demo_data import generate_demo
from data.events.rollup.files import move_rollups, rollup_root
from data.events.stores.event_stores import EventStore, PostgresStore, SqliteStore, as_store
from data.events.stores.sqlite_store import TABLE

DEFAULT_DEMO_ROWS = 100_000  # what `make run` creates on first start


def ensure_database(
    target: EventStore | str | os.PathLike, rows: int = DEFAULT_DEMO_ROWS, seed: int = 0
) -> bool:
    """Create a demo database when the store has none yet (no SQLite file, no movies table in
    PostgreSQL); True if it was created."""
    store = as_store(target)
    if isinstance(store, PostgresStore):
        return _ensure_postgres(store, rows, seed)
    path = store.path
    if path.exists():
        if path.stat().st_size > 0:
            return False
        path.unlink()  # an empty file (e.g. from `touch`) holds no data worth keeping
    path.parent.mkdir(parents=True, exist_ok=True)
    # Build beside the target and link it into place, so a concurrent starter never sees half a
    # database and exactly one of several racing processes wins.
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        # With the store's bounds, so that the rollup it publishes is the one the app reads.
        generate_demo(SqliteStore(tmp, store.bounds), rows=rows, seed=seed)
        try:
            os.link(tmp, path)
        except FileExistsError:
            return False
        except OSError:
            # Filesystems without hard links: a plain rename, racing starters aside.
            if path.exists():
                return False
            os.replace(tmp, path)
        move_rollups(tmp, path)
        return True
    finally:
        for leftover in (tmp, Path(f"{tmp}-wal"), Path(f"{tmp}-shm")):
            leftover.unlink(missing_ok=True)
        shutil.rmtree(rollup_root(tmp), ignore_errors=True)


def _ensure_postgres(store: PostgresStore, rows: int, seed: int) -> bool:
    """Fill a database without a movies table with demo data (the table is made as it goes)."""
    from data.events.stores import pg_store

    conn = pg_store.connect(store.url, autocommit=True)
    try:
        if pg_store.table_exists(conn, TABLE):
            return False
    finally:
        conn.close()
    generate_demo(store, rows=rows, seed=seed)
    return True
