"""How a process follows the versions of the events in PostgreSQL: a probe on a kept
connection, at most once a second, and rollups rebuilt for the days that changed."""

from __future__ import annotations

import hashlib
import json
import logging
import os
import sys
import threading
import time
from pathlib import Path

from data.events.rollup import pg_source as pg_rollup
from data.events.rollup.model import Rollup
from data.events.stores import pg_store
from data.events.stores.date_bounds import DEFAULT_BOUNDS, DateBounds
from data.events.stores.event_stores import one_line
from data.events.stores.pg_store import redact
from data.events.stores.sqlite_store import EventStoreUnreadable

log = logging.getLogger(__name__)
PROBE_SECONDS = 1.0  # a probe's answer is reused this long: rows show up within about 2 s
RETRY_SECONDS = 1.0  # after a failure, requests answer 503 at once for this long
_FINGERPRINTS_KEPT = 32


def _mtime(path: Path) -> float:
    try:
        return path.stat().st_mtime
    except OSError:
        return 0.0


class PostgresVersions:
    """The versions of the movies table at a PostgreSQL URL, read within bounds; rollups under
    root."""

    def __init__(self, url: str, root: Path, bounds: DateBounds = DEFAULT_BOUNDS):
        self.url = url
        self.root = Path(root)
        self.bounds = bounds
        self.label = pg_store.describe(url)
        self._lock = threading.Lock()
        self._conn = None  # the probe's autocommit connection, used only under _lock
        self._answer: tuple[float, tuple | None] | None = None  # (when, probe value)
        self._failed_at: float | None = None
        self._failure: EventStoreUnreadable | None = None

    def close(self) -> None:
        """Close the kept probe connection (a later probe opens a new one)."""
        with self._lock:
            self._close()
            self._answer = None

    def _close(self) -> None:
        if self._conn is not None:
            try:
                self._conn.close()
            except Exception:  # a broken connection may fail to close too
                pass
            self._conn = None

    def _ask(self) -> tuple | None:
        if self._conn is None or self._conn.closed:
            self._conn = pg_store.connect(self.url, autocommit=True)
            self._conn.execute(f"SET statement_timeout = {pg_store.STATEMENT_TIMEOUT_MS}")
        return pg_store.probe(self._conn)

    def probe(self) -> tuple | None:
        """The table's cheap version value (pg_store.probe), asked at most once a second.
        Raises the 503 error while the server cannot be reached."""
        import psycopg

        now = time.monotonic()
        with self._lock:
            if self._answer is not None and now - self._answer[0] < PROBE_SECONDS:
                return self._answer[1]
            if self._failed_at is not None and now - self._failed_at < RETRY_SECONDS:
                raise self._failure
            try:
                try:
                    value = self._ask()
                except psycopg.OperationalError:
                    # A kept connection broken by a restart: one fresh try before giving up.
                    self._close()
                    value = self._ask()
            except psycopg.Error as error:
                self._close()
                self._answer = None
                if self._failed_at is None:
                    log.warning("event database %s: %s", self.label, self.say(error))
                self._failed_at, self._failure = now, pg_store.store_error(error)
                raise self._failure from None
            if self._failed_at is not None:
                log.info("event database %s answers again", self.label)
            self._failed_at = self._failure = None
            self._answer = (now, value)
            return value

    def fingerprint(self) -> tuple | None:
        """The committed data's fingerprint (pg_store.data_fingerprint), which costs a scan of
        the table: the first process to take it for a probe value leaves it in a file, so that
        other workers (a new one, a restarted one) seeing the same value skip the scan. Taken
        after the probe, it is never older than the probe says."""
        answer = self._answer
        probe = answer[1] if answer is not None else None
        known = self._known_fingerprint(probe)
        if known is not None:
            return known
        conn = pg_rollup.snapshot(self.url)
        try:
            fingerprint = pg_store.data_fingerprint(conn, self.bounds.key)
        finally:
            conn.close()
        self._remember_fingerprint(probe, fingerprint)
        return fingerprint

    def _fingerprint_file(self, probe) -> Path:
        digest = hashlib.sha256(json.dumps(list(probe), default=str).encode()).hexdigest()[:24]
        return self.root / "fingerprints" / f"{digest}.json"

    def _known_fingerprint(self, probe) -> pg_store.PgFingerprint | None:
        if probe is None:
            return None
        try:
            text = self._fingerprint_file(probe).read_text(encoding="utf-8")
            known = pg_store.PgFingerprint(*json.loads(text))
        except (OSError, ValueError, TypeError):
            return None  # none yet, or unreadable: take it
        # Taken by a process reading with other bounds (or before there were any): not ours.
        return known if known.rules == self.bounds.key else None

    def _remember_fingerprint(self, probe, fingerprint) -> None:
        if probe is None:
            return
        path = self._fingerprint_file(probe)
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
            tmp.write_text(json.dumps(list(fingerprint)), encoding="utf-8")
            os.replace(tmp, path)  # readers see a whole file or none
            # Only recent probe values are ever asked about again.
            for old in sorted(path.parent.glob("*.json"), key=_mtime)[:-_FINGERPRINTS_KEPT]:
                old.unlink(missing_ok=True)
        except OSError as error:
            log.warning("cannot keep the fingerprint under %s: %s", self.root, error)

    def publish_committed(self) -> tuple:
        """Build and publish the committed version under the build lock; its fingerprint."""
        return pg_rollup.publish_committed(self.url, self.root, self.bounds)

    def read_committed(self) -> tuple[tuple, Rollup]:
        """(fingerprint, rollup) of the committed version from one snapshot, in memory."""
        return pg_rollup.read_committed(self.url, self.bounds)

    def builder(self) -> tuple[list[str], dict | None]:
        """(argv, extra environment): the URL goes by environment, never on a command line."""
        argv = [sys.executable, "-m", "data.events.rollup.pg_source", str(self.root)]
        return [*argv, *self.bounds.args()], {"DATABASE_URL": self.url}

    def is_demo(self) -> bool:
        conn = pg_store.connect(self.url, autocommit=True)
        try:
            return pg_store.read_demo_flag(conn)
        finally:
            conn.close()

    def say(self, error: Exception) -> str:
        """An error in one line for the log, without the password."""
        return redact(one_line(error), self.url)

    def store_error(self, error: Exception) -> EventStoreUnreadable | None:
        """The 503 error for an exception of this store (None: not one of its errors)."""
        import psycopg

        if isinstance(error, psycopg.Error):
            if isinstance(error, psycopg.OperationalError):
                with self._lock:
                    self._close()
                    self._answer = None  # look again at once: the server may be back
            return pg_store.store_error(error)
        return None
