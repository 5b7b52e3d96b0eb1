"""EventsAnalytics: the analysis queries over an event store's current version, memoised."""

from __future__ import annotations

import copy
import datetime as dt
import os
import threading

from cachetools import LRUCache

from data.events.analysis import (
    bands,
    changes,
    cohorts,
    premieres,
    queries,
    title_insights,
    top10,
)
from data.events.analysis.comparison import PreviousRange
from data.events.analysis.habits import ViewingHabits
from data.events.analysis.scope import Scope, ScopeKey, rollup_bytes, scope_key, scoped_rollup
from data.events.catalog import DEFAULT_BREAKDOWN_LIMIT
from data.events.params import DEFAULT_COHORT, Filters
from data.events.periods import DEFAULT_RESOLUTION, day_number, period_of
from data.events.rollup.following import VersionFollower
from data.events.stores.sqlite_store import EventStoreUnreadable
from data.events.stores.sqlite_versions import SqliteVersions

_CACHE_BYTES = 64 * 1024 * 1024
_CHUNK_ROWS = 200_000
_LIFECYCLE_KEYS = ("date", *cohorts.LIFECYCLE_STATES)
_SCOPED_BYTES = 256 * 1024 * 1024  # scoped rollups kept for the version served, per process


class EventsAnalytics(ViewingHabits):
    """Answers the analysis queries for an event store, following its versions.

    `versions` is the store's side (data/events/stores/sqlite_versions.py, pg_versions.py), or a
    SQLite path. Which version is served, and how a new one is loaded or built (in a background
    process with background_builds), is the VersionFollower's (data/events/rollup/following.py);
    answers are memoised per version in its LRU of cache_bytes.
    """

    def __init__(
        self,
        versions,
        cache_bytes: int = _CACHE_BYTES,
        chunk_rows: int = _CHUNK_ROWS,
        background_builds: bool = False,
        scoped_bytes: int = _SCOPED_BYTES,
    ):
        if isinstance(versions, str | os.PathLike):
            versions = SqliteVersions(versions, chunk_rows)
        self._follower = VersionFollower(versions, cache_bytes, background_builds)
        self.versions = versions
        self._cache = self._follower.cache  # the same LRU, only ever cleared (tests count it)
        # Per (version's rollup, scope), the scope's rows' rollup, apart from the answers' LRU
        # (a large store's would not fit it); by bytes: each is a worker's own memory.
        self._scoped = LRUCache(maxsize=max(1, scoped_bytes), getsizeof=lambda kept: kept[2])
        self._scoped_lock = threading.Lock()

    # -- scopes -------------------------------------------------------------------------------

    def scoped(self, scope: Scope | None) -> EventsAnalytics:
        """This analytics answering as a store holding only the scope's events would (data/
        events/analysis/scope.py); itself when the scope limits nothing."""
        from data.events.analysis.scoped_view import ScopedAnalytics  # it extends this class

        key = scope_key(scope)
        return self if not key else ScopedAnalytics(self, key)

    def scoped_rollup(self, rollup, key: ScopeKey):
        """The rollup of the scope's rows of a version's rollup, made once per version."""
        with self._scoped_lock:
            kept = self._scoped.get(key)
        if kept is not None and kept[0] is rollup:
            return kept[1]
        scoped = scoped_rollup(rollup, key)
        with self._scoped_lock:
            # Rollups of an older version go: they would keep its arrays alive.
            for old in [k for k, (r, _, _) in self._scoped.items() if r is not rollup]:
                del self._scoped[old]
            size = max(1, rollup_bytes(scoped))
            if size <= self._scoped.maxsize:  # one larger than the budget is used, not kept
                self._scoped[key] = (rollup, scoped, size)
        return scoped

    # -- the version served -------------------------------------------------------------------

    @property
    def loads(self) -> int:
        """Versions this process switched to (tests and benchmarks look at it)."""
        return self._follower.loads

    @property
    def last_load_seconds(self) -> float:
        return self._follower.last_load_seconds  # how long the last switch to a version took

    @property
    def last_error(self) -> EventStoreUnreadable | None:
        """The error of the last answer, if it failed (for /healthz)."""
        return self._follower.last_error

    @property
    def cache_bytes(self) -> int:
        """Estimated bytes held by memoised results now."""
        return self._follower.cache_bytes

    @property
    def ready(self) -> bool:
        """True once a version is loaded (a first start may still be building it)."""
        return self._follower.ready

    def version(self) -> str:
        """A name of the data version served now ("empty" without events): the same in every
        process, so that a page polling several workers sees it change only when data does."""
        return self._follower.version()

    def is_demo(self) -> bool:
        """True when the database holds the generated demo data."""
        return self._follower.is_demo()

    def on_new_version(self, listener) -> None:
        """Call listener(version name) whenever this process switches to a new version."""
        self._follower.listeners.append(listener)

    def warm_up(self, background: bool = True) -> threading.Thread | None:
        """Open (or build) the current version now, so that the first request is fast."""
        return self._follower.warm_up(background)

    def close(self) -> None:
        """Let go of the store's kept connection (tests, tools); a later call reopens it."""
        self._follower.close()

    def row_count(self) -> int:
        """Events with a readable date within the store's bounds (the ones answers count)."""
        return self._rollup().rows

    def left_out(self) -> tuple[int, tuple[str, str] | None]:
        """(events no answer counts, dated outside the store's bounds; those bounds, ISO)."""
        rollup = self._rollup()
        return rollup.left_out, rollup.bounds

    def _rollup(self):
        """The rollup answers are computed from (a scoped view's: its rows alone)."""
        return self._follower.current()

    def _memo(self, key: tuple, compute):
        """compute(rollup), memoised per (data version, key)."""
        return self._follower.memo(key, compute)

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
        SERIES rows rolled up to seasons or shows (data/events/analysis/shows.py)."""
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
        compared = span and {"start": span.start.isoformat(), "end": span.end.isoformat()}
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

    def changes(
        self, filters: Filters, day: dt.date | None, resolution: str, metric: str, limit: int
    ) -> dict:
        """/data/changes/'s answer (data/events/analysis/changes.py); a default day is judged
        by the store's clock (EVENTS_NOW fixes it), read here so that the memo knows it."""
        today = (
            None
            if day is not None
            else changes.today_of(self.versions.bounds.clock(), self.versions.bounds.zones)
        )
        answer = self._memo(
            ("changes", filters, day, resolution, metric, limit, today),
            lambda r: changes.changes(r, filters, day, resolution, metric, limit, today),
        )
        return copy.deepcopy(answer)

    def bands(self, metric: str, resolution: str, filters: Filters) -> list:
        """Each period's expected range behind the time series (data/events/analysis/bands.py)."""
        key = ("bands", metric, resolution, filters)
        return copy.deepcopy(self._memo(key, lambda r: bands.bands(r, metric, filters, resolution)))

    def premieres(self) -> list[dict]:
        """The automatic annotations (data/events/analysis/premieres.py), memoised per version."""
        return copy.deepcopy(list(self._memo(("premieres",), premieres.premieres)))

    def date_bounds(self):
        """(first, last) event date, or None when there are no events."""
        return queries.date_bounds(self._rollup())
