"""How people watch: the questions of binges, stickiness, prime time and minutes per viewer.

EventsAnalytics (data/events/analysis/analytics.py) takes these methods from here; each is
memoised per data version by its `_memo`, as every other question.
"""

from __future__ import annotations

import copy

from data.events.analysis import binges, distribution, prime_time, stickiness
from data.events.params import Filters


class ViewingHabits:
    """Answers about how people watch, for a class with `_memo(key, compute)`."""

    def binge(self, filters: Filters, limit: int) -> list:
        """Shows by their binge viewers (data/events/analysis/binges.py), the first `limit`."""
        rows = self._memo(("binge", filters, limit), lambda r: binges.binges(r, filters, limit))
        return copy.deepcopy(rows)

    def stickiness(self, filters: Filters | None = None) -> dict:
        """/data/stickiness/'s answer: dau, mau and their ratio per day, active days per month
        (data/events/analysis/stickiness.py)."""
        filters = filters or Filters()
        key = ("stickiness", filters)
        return copy.deepcopy(self._memo(key, lambda r: stickiness.stickiness(r, filters)))

    def when(self, metric: str, filters: Filters) -> list[dict]:
        """The metric per weekday and hour (data/events/analysis/prime_time.py)."""
        key = ("when", metric, filters)
        return copy.deepcopy(self._memo(key, lambda r: prime_time.when(r, metric, filters)))

    def distribution(self, resolution: str, filters: Filters, per: str = "viewer") -> dict:
        """Minutes per viewer by period (data/events/analysis/distribution.py)."""
        key = ("distribution", resolution, filters, per)
        compute = lambda r: distribution.distribution(r, filters, resolution, per)  # noqa: E731
        return copy.deepcopy(self._memo(key, compute))
