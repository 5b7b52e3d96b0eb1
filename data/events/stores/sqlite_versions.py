"""How a process follows the versions of a SQLite event file: a cheap probe, the fingerprint,
and where the rollup of a version comes from (data/events/analysis/analytics.py asks)."""

from __future__ import annotations

import os
import sqlite3
import sys
import threading
from pathlib import Path

from data.events.rollup.files import rollup_root
from data.events.rollup.model import Rollup
from data.events.rollup.sqlite_source import CHUNK_ROWS, publish_committed, read_rollup
from data.events.stores.date_bounds import DEFAULT_BOUNDS, DateBounds
from data.events.stores.event_stores import one_line
from data.events.stores.sqlite_store import EventStoreUnreadable, connect, data_fingerprint, is_demo


class SqliteVersions:
    """The versions of the events in the SQLite file at db_path, read within bounds."""

    def __init__(
        self,
        db_path: str | os.PathLike,
        chunk_rows: int = CHUNK_ROWS,
        bounds: DateBounds = DEFAULT_BOUNDS,
    ):
        self.db_path = Path(db_path)
        self.bounds = bounds
        self.root = rollup_root(self.db_path)
        self.label = str(self.db_path)
        self._chunk_rows = chunk_rows
        self._probe_lock = threading.Lock()
        self._probe: sqlite3.Connection | None = None  # used only under _probe_lock
        self._probe_file: tuple | None = None  # (device, inode, change time) it was opened on

    def probe(self) -> tuple | None:
        """(file identity, PRAGMA data_version) of the committed database; None without a file.

        data_version changes only when another connection commits, so an import's open
        transaction or a checkpoint is no reason to look again. It is per connection, so one
        read-only connection is kept. The file itself is never opened outside SQLite: closing
        any other descriptor of it would drop this process's POSIX locks and let an importer
        delete the WAL under our feet ("How To Corrupt An SQLite Database File", 2.2).
        """
        try:
            stat = os.stat(self.db_path)
            # The inode alone would miss a file deleted and made anew (inode numbers are
            # reused); its change time moves with any write to the main file.
            identity = (stat.st_dev, stat.st_ino, stat.st_ctime_ns)
        except FileNotFoundError:
            identity = None
        with self._probe_lock:
            if self._probe is not None and identity != self._probe_file:
                self._probe.close()  # the file was replaced, removed or rewritten: look again
                self._probe = None
            if identity is None:
                return None
            try:
                if self._probe is None:
                    self._probe = sqlite3.connect(
                        f"{self.db_path.resolve().as_uri()}?mode=ro",
                        uri=True,
                        timeout=30,
                        check_same_thread=False,  # threads take turns under _probe_lock
                    )
                    self._probe_file = identity
                return identity, self._probe.execute("PRAGMA data_version").fetchone()[0]
            except sqlite3.Error:
                return None  # not (yet) a readable database: always look again

    def close(self) -> None:
        """Close the kept probe connection (a later probe opens a new one)."""
        with self._probe_lock:
            if self._probe is not None:
                self._probe.close()
                self._probe = None

    def fingerprint(self) -> tuple | None:
        """The committed data's fingerprint (store.data_fingerprint); None without a file."""
        if not self.db_path.exists():
            return None
        conn = connect(self.db_path, readonly=True)
        try:
            return data_fingerprint(conn, self.bounds.key)
        finally:
            conn.close()

    def publish_committed(self) -> tuple | None:
        """Build and publish the committed version under the build lock; its fingerprint."""
        return publish_committed(self.db_path, self._chunk_rows, self.bounds)

    def read_committed(self) -> tuple[tuple, Rollup]:
        """(fingerprint, rollup) of the committed version from one snapshot, in memory."""
        conn = connect(self.db_path, readonly=True)
        try:
            conn.execute("BEGIN")  # one snapshot for the fingerprint and the rows
            return (
                data_fingerprint(conn, self.bounds.key),
                read_rollup(conn, self._chunk_rows, self.bounds),
            )
        finally:
            conn.close()

    def builder(self) -> tuple[list[str], dict | None]:
        """(argv, extra environment) of the process that publishes the committed version."""
        argv = [sys.executable, "-m", "data.events.rollup.sqlite_source", str(self.db_path)]
        return [*argv, *self.bounds.args()], None

    def is_demo(self) -> bool:
        return is_demo(self.db_path)

    def say(self, error: Exception) -> str:
        """An error in one line for the log."""
        return one_line(error)

    def store_error(self, error: Exception) -> EventStoreUnreadable | None:
        """The 503 error for an exception of this store (None: not one of its errors)."""
        if isinstance(error, sqlite3.DatabaseError):
            # Not SQLite, a movies table without the tutorial's columns, locked too long.
            return EventStoreUnreadable(f"the event database cannot be read: {error}")
        return None
