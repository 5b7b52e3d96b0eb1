"""VersionFollower: the rollup of an event store's current version, answers memoised per version."""

from __future__ import annotations

import contextlib
import logging
import os
import subprocess
import threading
import time
from typing import NamedTuple

from cachetools import LRUCache

from data.events.object_size import approx_size
from data.events.rollup.files import open_rollup, version_name
from data.events.rollup.model import Rollup, empty_rollup
from data.events.stores.sqlite_store import EventStoreUnreadable

log = logging.getLogger(__name__)
_MISSING = object()
_RETRY_SECONDS = 1.0  # a failed switch is answered again, not retried, for this long


class _Loaded(NamedTuple):
    """What a process serves, replaced whole: a reader never pairs one version with another's
    rollup."""

    probe: tuple | None  # this process's probe value (the store's) when checked
    fingerprint: tuple | None  # the data version (None: no database file)
    rollup: Rollup | None
    demo: bool


class _Pending(NamedTuple):
    """A newer version whose rollup another process is building, while the old one is served."""

    probe: tuple
    fingerprint: tuple
    builder: subprocess.Popen | None


class VersionFollower:
    """Follows an event store's versions and serves the rollup of the current one.

    `versions` is the store's side (data/events/stores/sqlite_versions.py, pg_versions.py). A
    call costs the store's cheap probe (a stat and `PRAGMA data_version`; a PostgreSQL
    statistics read at most once a second). When something committed, the data's fingerprint
    names its version, and the rollup of that version (usually published by the writer) is
    mapped from disk. A version changed by another program has no rollup yet: with
    background_builds a builder process is started and the previous version is served until it
    is published; without (tests, or a first start) this process builds it under the lock.
    Answers computed from a version are memoised in an LRU bounded by bytes, emptied on a switch.
    """

    def __init__(self, versions, cache_bytes: int, background_builds: bool = False):
        self.versions = versions
        self._root = versions.root
        self._background = background_builds
        self._load_lock = threading.Lock()
        self._cache_lock = threading.Lock()
        self.cache = LRUCache(maxsize=max(1, cache_bytes), getsizeof=approx_size)
        self._loaded = _Loaded(None, None, None, False)
        self._pending: _Pending | None = None
        self.loads = 0  # versions this process switched to (tests and benchmarks look at it)
        self.last_load_seconds = 0.0
        self.last_error: EventStoreUnreadable | None = None  # of the last answer, if it failed
        self._warming: threading.Thread | None = None
        self._failed: tuple | None = None  # (probe, error, monotonic time) of a failed switch
        # Called with the version's name after each switch (alerts wake on it); quick or threaded.
        self.listeners: list = []

    def _build_here(self, fingerprint: tuple) -> tuple[tuple, Rollup]:
        """Build and publish the committed version in this process (under the build lock), or,
        when the rollup folder cannot be written, keep a private rollup in memory. Returns the
        version built (newer than `fingerprint` if another commit came in between) and it."""
        try:
            published = self.versions.publish_committed() or fingerprint
            rollup = open_rollup(self._root, published)
            if rollup is not None:
                return published, rollup
        except OSError as error:
            log.warning("cannot write rollups under %s (%s): building in memory", self._root, error)
        return self.versions.read_committed()

    def _start_builder(self, probe: tuple, fingerprint: tuple) -> None:
        """Have a separate process build the version, once; this one serves the old meanwhile."""
        pending = self._pending
        if pending is not None and (
            pending.fingerprint == fingerprint
            or (pending.builder is not None and pending.builder.poll() is None)
        ):
            # One builder per process at a time: it builds what is committed when it gets the
            # build lock, so a newer version is often already in it, and otherwise the next
            # one starts when it ends (builders queueing for stale versions helped nobody).
            self._pending = pending._replace(probe=probe, fingerprint=fingerprint)
            return
        argv, extra_env = self.versions.builder()
        builder = subprocess.Popen(
            argv,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            env=None if extra_env is None else {**os.environ, **extra_env},
        )
        log.info("data of %s changed outside Reelboard: rebuilding its rollup", self.versions.label)
        self._pending = _Pending(probe, fingerprint, builder)

    def _switch(self, probe, fingerprint, rollup: Rollup, started: float) -> Rollup:
        demo = self.versions.is_demo() if fingerprint is not None else False
        with self._cache_lock:
            self.cache.clear()
            self._loaded = _Loaded(probe, fingerprint, rollup, demo)
        self._pending = None
        self.loads += 1
        self.last_load_seconds = time.perf_counter() - started
        log.info(
            "serving %d events of %s (%s) after %.2f s",
            rollup.rows,
            self.versions.label,
            version_name(fingerprint) if fingerprint else "no database",
            self.last_load_seconds,
        )
        for listener in list(self.listeners):
            try:
                listener(version_name(fingerprint) if fingerprint else "empty")
            except Exception:  # a listener's failure never fails the request that switched
                log.exception("a new-version listener failed")
        return rollup

    def current(self) -> Rollup:
        """The rollup of the database's current version (or, while a newer one is being built
        elsewhere, of the previous one). Remembers the last failure for /healthz."""
        try:
            rollup = self._current_or_raise()
        except EventStoreUnreadable as error:
            self.last_error = error
            raise
        self.last_error = None
        return rollup

    def _current_or_raise(self) -> Rollup:
        probe = self.versions.probe()  # raises the 503 error while a server is down
        loaded = self._loaded
        if loaded.rollup is not None and probe is not None and probe == loaded.probe:
            return loaded.rollup
        self._raise_recent_failure(probe)
        with self._load_lock:
            # Requests that queued behind a failing one get its answer, not a try of their own
            # (each try may wait seconds, on a lock or a timeout).
            self._raise_recent_failure(probe)
            try:
                return self._switch_if_new(probe)
            except EventStoreUnreadable as error:
                log.warning("cannot read the events of %s: %s", self.versions.label, error)
                self._failed = (probe, error, time.monotonic())
                raise
            except Exception as error:
                unreadable = self.versions.store_error(error)
                if unreadable is None:
                    raise
                # The operator's problem, said in one line; requests get a 503 saying it.
                log.warning(
                    "cannot read the events of %s: %s",
                    self.versions.label,
                    self.versions.say(error),
                )
                self._failed = (probe, unreadable, time.monotonic())
                raise unreadable from None

    def _raise_recent_failure(self, probe) -> None:
        """Raise the error of a failed switch to this same probe value within the last
        _RETRY_SECONDS: nothing changed, so trying again at once would only fail again."""
        failed = self._failed
        if failed is not None and failed[0] == probe:
            if time.monotonic() - failed[2] < _RETRY_SECONDS:
                raise failed[1]

    def _switch_if_new(self, probe) -> Rollup:
        """Under the load lock: the rollup to serve for what this process's probe saw."""
        loaded = self._loaded
        if loaded.rollup is not None and probe is not None and probe == loaded.probe:
            return loaded.rollup
        pending = self._pending
        if pending is not None and probe == pending.probe:
            # Nothing new committed since the build started: is it published yet?
            rollup = open_rollup(self._root, pending.fingerprint)
            if rollup is not None:
                return self._switch(probe, pending.fingerprint, rollup, time.perf_counter())
            if pending.builder is None or pending.builder.poll() is None:
                return loaded.rollup
            if pending.builder.returncode == 0:
                # It published an older version than this one: another builder, for this one.
                self._pending = None
                self._start_builder(probe, pending.fingerprint)
                return loaded.rollup
            # The builder failed: build here rather than serve old data.
            started = time.perf_counter()
            return self._switch(probe, *self._build_here(pending.fingerprint), started)
        started = time.perf_counter()
        fingerprint = self.versions.fingerprint()
        if fingerprint == loaded.fingerprint and loaded.rollup is not None:
            self._loaded = loaded._replace(probe=probe)  # a commit that changed no rows
            return loaded.rollup
        if fingerprint is None or fingerprint.count == 0:
            return self._switch(probe, fingerprint, empty_rollup(), started)
        rollup = open_rollup(self._root, fingerprint)
        if rollup is not None:
            return self._switch(probe, fingerprint, rollup, started)
        if self._background and loaded.rollup is not None:
            self._start_builder(probe, fingerprint)
            return loaded.rollup
        return self._switch(probe, *self._build_here(fingerprint), started)

    def memo(self, key: tuple, compute):
        """compute(rollup), memoised per (data version, key) in the byte-bounded LRU."""
        rollup = self.current()
        full_key = (id(rollup), *key)  # id is unique while the cache holds this version alive
        with self._cache_lock:
            result = self.cache.get(full_key, _MISSING)
        if result is not _MISSING:
            return result
        result = compute(rollup)
        with self._cache_lock:
            if rollup is self._loaded.rollup:
                # A result larger than the whole budget is answered, not kept.
                with contextlib.suppress(ValueError):
                    self.cache[full_key] = result
        return result

    @property
    def cache_bytes(self) -> int:
        """Estimated bytes held by memoised results now."""
        return self.cache.currsize

    def version(self) -> str:
        """A name of the data version served now ("empty" without events): the same in every
        process, so that a page polling several workers sees it change only when data does."""
        self.current()
        fingerprint = self._loaded.fingerprint
        return "empty" if fingerprint is None else version_name(fingerprint)

    def is_demo(self) -> bool:
        """True when the database holds the generated demo data."""
        self.current()
        return self._loaded.demo

    def warm_up(self, background: bool = True) -> threading.Thread | None:
        """Open (or build) the current version now, so that the first request is fast."""

        def load() -> None:
            try:
                self.current()
            except EventStoreUnreadable:
                pass  # said in one line already; requests answer 503 until it is fixed
            except Exception:  # a request will meet (and report) the error
                log.exception("warming up the analytics of %s failed", self.versions.label)

        if not background:
            load()
            return None
        warming = self._warming
        if warming is not None and warming.is_alive():
            return warming  # one warm-up at a time (health checks ask for one too)
        self._warming = threading.Thread(
            target=load, name="reelboard-analytics-warm-up", daemon=True
        )
        self._warming.start()
        return self._warming

    @property
    def ready(self) -> bool:
        """True once a version is loaded (a first start may still be building it)."""
        return self._loaded.rollup is not None

    def close(self) -> None:
        """Let go of the store's kept connection (tests, tools); a later call reopens it."""
        self.versions.close()

    def row_count(self) -> int:
        """Events with a readable date within the store's bounds (the ones answers count)."""
        return self.current().rows

    def left_out(self) -> tuple[int, tuple[str, str] | None]:
        """(events no answer counts, dated outside the store's bounds; those bounds, ISO)."""
        rollup = self.current()
        return rollup.left_out, rollup.bounds
