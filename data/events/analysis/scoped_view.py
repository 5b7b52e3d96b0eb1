"""ScopedAnalytics: an EventsAnalytics that answers from one scope's rows alone."""

from __future__ import annotations

from data.events.analysis.analytics import EventsAnalytics
from data.events.analysis.scope import Scope, ScopeKey, scope_key


class ScopedAnalytics(EventsAnalytics):
    """An EventsAnalytics limited to a scope: every method answers from the rollup of the
    scope's rows alone, so that no answer, total or option list tells of another row. The
    version served, its cache and its loading are the whole analytics' own."""

    def __init__(self, base: EventsAnalytics, key: ScopeKey):
        # No super().__init__(): the view shares the whole analytics' follower and cache.
        self._base = base
        self.scope = key
        self._follower = base._follower
        self.versions = base.versions
        self._cache = base._cache

    def scoped(self, scope: Scope | None) -> EventsAnalytics:
        """A scope within a scope: its rows are those of both (an unknown dimension refused)."""
        inner = dict(scope_key(scope))
        for name, allowed in self.scope:
            inner[name] = inner[name] & allowed if name in inner else allowed
        return self._base.scoped(inner)

    def _rollup(self):
        return self._base.scoped_rollup(self._follower.current(), self.scope)

    def _memo(self, key: tuple, compute):
        # The scope is part of every key: answers of different scopes never meet.
        return self._follower.memo(
            ("scope", self.scope, *key),
            lambda rollup: compute(self._base.scoped_rollup(rollup, self.scope)),
        )
