"""EventsAnalytics: the shared rollup of the event store's current version, memoised answers."""

from __future__ import annotations

import contextlib
import copy
import datetime as dt
import logging
import os
import subprocess
import threading
import time
from typing import NamedTuple

from cachetools import LRUCache

from data.events.analysis import cohorts, queries, title_insights, top10
from data.events.analysis.comparison import PreviousRange
from data.events.catalog import DEFAULT_BREAKDOWN_LIMIT
from data.events.object_size import approx_size
from data.events.params import DEFAULT_COHORT, Filters
from data.events.periods import DEFAULT_RESOLUTION, day_number, period_of
from data.events.rollup.files import open_rollup, version_name
from data.events.rollup.model import Rollup, empty_rollup
from data.events.stores.sqlite_store import EventStoreUnreadable
from data.events.stores.sqlite_versions import SqliteVersions

log = logging.getLogger(__name__)
_MISSING = object()
_CACHE_BYTES = 64 * 1024 * 1024
_CHUNK_ROWS = 200_000
_LIFECYCLE_KEYS = ("date", *cohorts.LIFECYCLE_STATES)
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


class EventsAnalytics:
    """Answers the analysis queries for an event store, following its versions.

    `versions` is the store's side (data/events/stores/sqlite_versions.py, pg_versions.py), or a
    SQLite path. A call costs the store's cheap probe (a stat and `PRAGMA data_version`; a
    PostgreSQL statistics read at most once a second). When something committed, the data's
    fingerprint names its version, and the rollup of that version (usually published by the
    writer) is mapped from disk. A version changed by another program has no rollup yet: with
    background_builds a builder process is started and the previous version is served until it
    is published; without (tests, or a first start) this process builds it under the lock.
    Answers are memoised in an LRU bounded by bytes.
    """

    def __init__(
        self,
        versions,
        cache_bytes: int = _CACHE_BYTES,
        chunk_rows: int = _CHUNK_ROWS,
        background_builds: bool = False,
    ):
        if isinstance(versions, str | os.PathLike):
            versions = SqliteVersions(versions, chunk_rows)
        self.versions = versions
        self._root = versions.root
        self._background = background_builds
        self._load_lock = threading.Lock()
        self._cache_lock = threading.Lock()
        self._cache = LRUCache(maxsize=max(1, cache_bytes), getsizeof=approx_size)
        self._loaded = _Loaded(None, None, None, False)
        self._pending: _Pending | None = None
        self.loads = 0  # versions this process switched to (tests and benchmarks look at it)
        self.last_load_seconds = 0.0
        self.last_error: EventStoreUnreadable | None = None  # of the last answer, if it failed
        self._warming: threading.Thread | None = None
        self._failed: tuple | None = None  # (probe, error, monotonic time) of a failed switch

    # -- versions -----------------------------------------------------------------------------

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
        if self._pending is not None and self._pending.fingerprint == fingerprint:
            self._pending = self._pending._replace(probe=probe)
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
            self._cache.clear()
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
        return rollup

    def _current(self) -> Rollup:
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
            # The builder ended without publishing: build here rather than serve old data.
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

    def _memo(self, key: tuple, compute):
        """compute(rollup), memoised per (data version, key) in the byte-bounded LRU."""
        rollup = self._current()
        full_key = (id(rollup), *key)  # id is unique while the cache holds this version alive
        with self._cache_lock:
            result = self._cache.get(full_key, _MISSING)
        if result is not _MISSING:
            return result
        result = compute(rollup)
        with self._cache_lock:
            if rollup is self._loaded.rollup:
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
        """[{"date", "values"}] per period of a catalog metric, zero-filled."""
        filters = filters or Filters()
        rows = self._memo(
            ("timeseries", metric, resolution, filters),
            lambda r: tuple(
                (row["date"], row["values"])
                for row in queries.timeseries(r, metric, resolution, filters)
            ),
        )
        return [{"date": date, "values": value} for date, value in rows]

    def breakdown(
        self,
        metric: str,
        resolution: str,
        filters: Filters,
        dimension: str,
        limit: int = DEFAULT_BREAKDOWN_LIMIT,
    ) -> list:
        """[{"date", <dimension>, "values"}] per period and group (top `limit`, then other)."""
        rows = self._memo(
            ("breakdown", metric, resolution, filters, dimension, limit),
            lambda r: tuple(
                (row["date"], row[dimension], row["values"])
                for row in queries.breakdown(r, metric, resolution, filters, dimension, limit)
            ),
        )
        return [{"date": d, dimension: g, "values": v} for d, g, v in rows]

    def toplist(self, num: int, filters: Filters | None = None, level: str = "title") -> list:
        """[{"title", "values"}] for the num most viewed entries of a level: titles, or with
        SERIES rows rolled up to seasons or shows (data/events/analysis/series.py)."""
        filters = filters or Filters()
        rows = self._memo(
            ("toplist", num, filters, level),
            lambda r: tuple(
                (row["title"], row["values"])
                for row in title_insights.toplist(r, num, filters, level)
            ),
        )
        return [{"title": title, "values": value} for title, value in rows]

    def toplist_details(self, num: int, filters: Filters, level: str) -> list:
        """For each entry of toplist(num, filters, level), in order: {"unique_viewers",
        "hours", "series": the show of a rolled-up entry, else None} (the page's bars)."""
        rows = self._memo(
            ("toplist_details", num, filters, level),
            lambda r: tuple(
                (row["unique_viewers"], row["hours"], row["series"])
                for row in title_insights.toplist_details(r, num, filters, level)
            ),
        )
        return [{"unique_viewers": u, "hours": h, "series": s} for u, h, s in rows]

    def title(
        self,
        filters: Filters,
        resolution: str,
        title: str | None = None,
        series: str | None = None,
    ) -> dict:
        """A title's (or a series') own numbers; raises TitleNotFound for an unknown name."""
        answer = self._memo(
            ("title", filters, resolution, title, series),
            lambda r: title_insights.title_insight(r, filters, resolution, title, series),
        )
        return copy.deepcopy(answer)

    def search_titles(self, text: str) -> list:
        """Titles and shows whose name contains text, most viewed first (the title picker)."""
        found = self._memo(
            ("search_titles", text),
            lambda r: tuple(
                (f["kind"], f["name"], f["views"]) for f in title_insights.search(r, text)
            ),
        )
        return [{"kind": k, "name": n, "views": v} for k, n, v in found]

    def top10(
        self, week: dt.date | None, sessiontype: str | None, filters: Filters | None = None
    ) -> list:
        """The weekly Top 10 (week by its Monday; None: the last complete week)."""
        filters = filters or Filters()
        # Every week's list at once, kept: the page steps through weeks, and each week's
        # answer needs the weeks before it (rank_last_week, weeks_in_top10).
        weeks = self._memo(
            ("top10_weeks", sessiontype, filters),
            lambda r: top10.top10_weeks(r, sessiontype, filters),
        )
        number = weeks.default_week if week is None else int(period_of(day_number(week), "weekly"))
        return top10.top10(weeks, number)

    def top10_week_choices(self) -> tuple[list[dt.date], dt.date | None, set[dt.date]]:
        """(the Mondays of the weeks with a Top 10, oldest first; the default week's Monday;
        the Mondays of the weeks the data covers only in part)."""
        return self._memo(("top10_week_choices",), top10.week_choices)

    def kpis(self, filters: Filters | None = None) -> dict:
        """unique_users, minutes_watched, views, completed_views, completion_rate."""
        filters = filters or Filters()
        return dict(self._memo(("kpis", filters), lambda r: queries.kpis(r, filters)))

    def kpis_with_previous(
        self, filters: Filters | None = None, resolution: str = DEFAULT_RESOLUTION
    ) -> tuple[dict, dict, PreviousRange | None]:
        """(kpis, the previous range's on a `resolution` page, that range or None): one version."""
        filters = filters or Filters()
        now, before, span = self._memo(
            ("kpis_with_previous", filters, resolution),
            lambda r: queries.kpis_with_previous(r, filters, resolution),
        )
        return dict(now), dict(before), span

    def kpis_answer(self, filters: Filters | None, compare: str | None, resolution: str) -> dict:
        """/data/kpis/'s answer: the KPIs, and with compare="previous" also "previous" (the
        previous range's, same dimension filters) and "previous_range" ({start, end} or None)."""
        if compare is None:
            return self.kpis(filters)
        now, before, span = self.kpis_with_previous(filters, resolution)
        compared = (
            None if span is None else {"start": span.start.isoformat(), "end": span.end.isoformat()}
        )
        return {**now, "previous": before, "previous_range": compared}

    def untitled_views(self, filters: Filters | None = None) -> int:
        """Views of the filtered events without a title: what the toplist leaves out."""
        filters = filters or Filters()
        return self._memo(("untitled_views", filters), lambda r: queries.untitled_views(r, filters))

    def dimensions(self, start=None, end=None) -> dict:
        """Each dimension's values with their views over start..end, most viewed first."""
        result = self._memo(("dimensions", start, end), lambda r: queries.dimensions(r, start, end))
        return {name: [dict(entry) for entry in entries] for name, entries in result.items()}

    def retention(self, resolution: str, periods: int, filters=None, cohort=DEFAULT_COHORT):
        """[{"cohort", "size", "retained"}] per cohort of users by their first period."""
        filters = filters or Filters()
        rows = self._memo(
            ("retention", resolution, periods, filters, cohort),
            lambda r: tuple(
                (row["cohort"], row["size"], tuple(row["retained"]))
                for row in cohorts.retention(r, resolution, periods, filters, cohort)
            ),
        )
        return [{"cohort": c, "size": n, "retained": list(kept)} for c, n, kept in rows]

    def lifecycle(self, resolution: str, filters: Filters | None = None) -> list:
        """[{"date", "new", "returning", "resurrecting", "dormant"}] per period, zero-filled."""
        filters = filters or Filters()
        rows = self._memo(
            ("lifecycle", resolution, filters),
            lambda r: tuple(
                tuple(row[key] for key in _LIFECYCLE_KEYS)
                for row in cohorts.lifecycle(r, resolution, filters)
            ),
        )
        return [dict(zip(_LIFECYCLE_KEYS, row, strict=True)) for row in rows]

    def version(self) -> str:
        """A name of the data version served now ("empty" without events): the same in every
        process, so that a page polling several workers sees it change only when data does."""
        self._current()
        fingerprint = self._loaded.fingerprint
        return "empty" if fingerprint is None else version_name(fingerprint)

    def date_bounds(self):
        """(first, last) event date, or None when there are no events."""
        return queries.date_bounds(self._current())

    def is_demo(self) -> bool:
        """True when the database holds the generated demo data."""
        self._current()
        return self._loaded.demo

    def warm_up(self, background: bool = True) -> threading.Thread | None:
        """Open (or build) the current version now, so that the first request is fast."""

        def load() -> None:
            try:
                self._current()
            except EventStoreUnreadable:
                pass  # said in one line already; requests answer 503 until it is fixed
            except Exception:  # noqa: BLE001 - a request will meet (and report) the error
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
        return self._current().rows

    def left_out(self) -> tuple[int, tuple[str, str] | None]:
        """(events no answer counts, dated outside the store's bounds; those bounds, ISO)."""
        rollup = self._current()
        return rollup.left_out, rollup.bounds
