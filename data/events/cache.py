"""EventsAnalytics: the events loaded once per database version, with memoised query results."""

from __future__ import annotations

import contextlib
import gc
import logging
import os
import sqlite3
import threading
import time
from pathlib import Path

from cachetools import LRUCache

from data.events import analysis, prepared
from data.events.object_size import approx_size
from data.events.params import Filters
from data.events.store import TABLE, connect, is_demo, table_exists
from data.events.text_decoding import decode_text

log = logging.getLogger(__name__)
_MISSING = object()

# SQLite cuts event_date to its day, so that pandas parses a few hundred distinct days instead
# of a million timestamps; rows whose 11th character is not ' ' or 'T' keep the full text and
# are then rejected by analysis exactly as the pure code path would.
_LOAD_SQL = f"""
SELECT CASE WHEN length(event_date) > 10 AND substr(event_date, 11, 1) IN (' ', 'T')
            THEN substr(event_date, 1, 10) ELSE event_date END AS event_date,
       userid, totalminuteswatched, viewpercentage, sessiontype, title
FROM {TABLE}
"""
_CACHE_BYTES = 64 * 1024 * 1024
_CHUNK_ROWS = 200_000


class EventsAnalytics:
    """Answers the analysis queries for the database at db_path, reloading when it changes.

    A call costs a stat and a `PRAGMA data_version` on a kept read-only connection to detect
    a new version. The first call after a commit reads the table once under a lock; queries
    then run on the prepared arrays, and their results are memoised in an LRU bounded by bytes
    (one client asking for distinct centuries of days must not take gigabytes per worker).
    """

    def __init__(
        self,
        db_path: str | os.PathLike,
        cache_bytes: int = _CACHE_BYTES,
        chunk_rows: int = _CHUNK_ROWS,
    ):
        self.db_path = Path(db_path)
        self._chunk_rows = chunk_rows
        self._load_lock = threading.Lock()
        self._cache_lock = threading.Lock()
        self._cache = LRUCache(maxsize=max(1, cache_bytes), getsizeof=approx_size)
        # (version, events, demo), replaced whole: a reader never pairs a version with other events.
        self._loaded: tuple = (None, None, False)
        self._probe_lock = threading.Lock()
        self._probe: sqlite3.Connection | None = None  # used only under _probe_lock
        self._probe_inode: int | None = None
        self.loads = 0  # how many times the table was read (tests and benchmarks look at it)
        self.last_load_seconds = 0.0

    # -- loading ----------------------------------------------------------------------------

    def _committed_version(self) -> tuple | None:
        """(inode, PRAGMA data_version) of the committed database; None when there is no file.

        data_version changes only when another connection commits, so an import's open
        transaction or a checkpoint is no reason to read the table again. It is per
        connection, so one read-only connection is kept. The file itself is never opened
        outside SQLite: closing any other descriptor of it would drop this process's POSIX
        locks and let an importer delete the WAL under our feet ("How To Corrupt An SQLite
        Database File", 2.2). A stat is safe.
        """
        try:
            inode = os.stat(self.db_path).st_ino
        except FileNotFoundError:
            inode = None
        with self._probe_lock:
            if self._probe is not None and inode != self._probe_inode:
                self._probe.close()  # the file was replaced or removed: follow the path
                self._probe = None
            if inode is None:
                return None
            try:
                if self._probe is None:
                    self._probe = sqlite3.connect(
                        f"{self.db_path.resolve().as_uri()}?mode=ro",
                        uri=True,
                        timeout=30,
                        check_same_thread=False,  # threads take turns under _probe_lock
                    )
                    self._probe_inode = inode
                return inode, self._probe.execute("PRAGMA data_version").fetchone()[0]
            except sqlite3.Error:
                return None  # not (yet) a readable database: always read again

    def _read_events(self) -> prepared.Events:
        """Read the movies table in chunks and prepare it; empty for a missing file or table."""
        if not self.db_path.exists():
            return prepared.empty_events()
        conn = connect(self.db_path, readonly=True)
        try:
            if not table_exists(conn, TABLE):
                return prepared.empty_events()
            try:
                return _prepare_chunks(conn, self._chunk_rows)
            except sqlite3.OperationalError as error:
                if "decode" not in str(error):
                    raise
                # Text that is not UTF-8 (a tutorial `.import` of Latin-1 bytes); decoding every
                # value in Python is slower, so only such databases pay for it.
                conn.text_factory = decode_text
                return _prepare_chunks(conn, self._chunk_rows)
        finally:
            conn.close()

    def _current(self) -> prepared.Events:
        """The prepared events for the database as it is now, reloading when it changed."""
        version = self._committed_version()
        loaded_version, events, _demo = self._loaded
        if events is not None and version is not None and version == loaded_version:
            return events
        with self._load_lock:
            # Another thread may have reloaded while this one waited.
            version = self._committed_version()
            loaded_version, events, _demo = self._loaded
            if events is not None and version is not None and version == loaded_version:
                return events
            started = time.perf_counter()
            events = self._read_events()
            demo = is_demo(self.db_path)
            with self._cache_lock:
                self._cache.clear()
                self._loaded = (version, events, demo)
            self.loads += 1
            self.last_load_seconds = time.perf_counter() - started
            log.info(
                "loaded %d events from %s in %.2f s",
                events.rows,
                self.db_path,
                self.last_load_seconds,
            )
            return events

    def _memo(self, key: tuple, compute):
        """compute(events), memoised per (database version, key) in the byte-bounded LRU."""
        events = self._current()
        full_key = (id(events), *key)  # id is unique while the cache holds this version alive
        with self._cache_lock:
            result = self._cache.get(full_key, _MISSING)
        if result is not _MISSING:
            return result
        result = compute(events)
        with self._cache_lock:
            if events is self._loaded[1]:
                # A result larger than the whole budget is answered, not kept.
                with contextlib.suppress(ValueError):
                    self._cache[full_key] = result
        return result

    @property
    def cache_bytes(self) -> int:
        """Estimated bytes held by memoised results now."""
        return self._cache.currsize

    # -- queries ------------------------------------------------------------------------------

    def timeseries(self, metric: str, resolution: str, filters: Filters | None = None) -> list:
        """[{"date", "values"}] per period for unique_users or minutes_watched, zero-filled."""
        filters = filters or Filters()
        rows = self._memo(
            ("timeseries", metric, resolution, filters),
            lambda ev: tuple(
                (r["date"], r["values"])
                for r in analysis.timeseries(ev, metric, resolution, filters)
            ),
        )
        return [{"date": date, "values": value} for date, value in rows]

    def toplist(self, num: int, filters: Filters | None = None) -> list:
        """[{"title", "values"}] for the num most viewed titles."""
        filters = filters or Filters()
        rows = self._memo(
            ("toplist", num, filters),
            lambda ev: tuple((r["title"], r["values"]) for r in analysis.toplist(ev, num, filters)),
        )
        return [{"title": title, "values": value} for title, value in rows]

    def kpis(self, filters: Filters | None = None) -> dict:
        """unique_users, hours_watched, views, avg_minutes_per_user, completion_rate."""
        filters = filters or Filters()
        return dict(self._memo(("kpis", filters), lambda ev: analysis.kpis(ev, filters)))

    def date_bounds(self):
        """(first, last) event date, or None when there are no events."""
        return analysis.date_bounds(self._current())

    def is_demo(self) -> bool:
        """True when the database holds the generated demo data."""
        self._current()
        return self._loaded[2]

    def warm_up(self, background: bool = True) -> threading.Thread | None:
        """Load the table now (in a daemon thread by default) so the first request is fast."""

        def load() -> None:
            try:
                self._current()
            except Exception:  # noqa: BLE001 - a request will meet (and report) the error
                log.exception("warming up the analytics of %s failed", self.db_path)

        if not background:
            load()
            return None
        thread = threading.Thread(target=load, name="reelboard-analytics-warm-up", daemon=True)
        thread.start()
        return thread

    def row_count(self) -> int:
        """Events with a readable date."""
        return self._current().rows


def _prepare_chunks(conn: sqlite3.Connection, chunk_rows: int) -> prepared.Events:
    """Encode the rows chunk by chunk (bounded memory at any size), then build the Events."""
    vocabulary = prepared.Vocabulary()
    chunks = []
    cursor = conn.execute(_LOAD_SQL)
    # Millions of short-lived row objects would trigger many full collections for nothing.
    gc_was_enabled = gc.isenabled()
    gc.disable()
    try:
        while rows := cursor.fetchmany(chunk_rows):
            columns = dict(zip(prepared.RAW_COLUMNS, zip(*rows, strict=True), strict=True))
            del rows
            chunks.append(prepared.encode_chunk(columns, vocabulary))
            # A cooperative worker (gevent) serves its other connections between chunks.
            time.sleep(0)
    finally:
        if gc_was_enabled:
            gc.enable()
    if not chunks:
        return prepared.empty_events()
    return prepared.build_events(chunks, vocabulary)
