"""Encoded JSON answers kept per worker by data version, scope and request: cheap the 2nd time."""

from __future__ import annotations

import datetime as dt
import threading
import time

from cachetools import LRUCache
from flask import Response, current_app, request

# An answer larger than this share of the memo is never kept: it would push out everything else
# (at 16 MB, answers up to 8 MB are kept: every legal /data answer).
LARGEST_SHARE = 2
# A long list is encoded this many items at a time, letting other requests run in between.
SLICE_ITEMS = 4000


def _today() -> dt.date:
    """Today in REPORT_TIMEZONE, by the store's clock (EVENTS_NOW fixes it): the bounds of the
    versions the app's analytics follows (an app may be the /data blueprint alone)."""
    from web import services  # services imports the routes that use this memo

    bounds = services.analytics(current_app).unscoped.versions.bounds
    return bounds.zones.today(bounds.clock())


class AnswerMemo:
    """The bytes of recent answers, bounded by their total size (each worker has its own).

    The analytics memoises its numbers already; turning a long series into JSON costs as much
    again (a 175,000-row breakdown: 0.5 s), so the encoded answer is kept too, and a client
    asking the same again is charged (web/admission) only for copying it out.
    """

    def __init__(self, max_bytes: int) -> None:
        self._max_bytes = max_bytes
        self._cache: LRUCache = LRUCache(maxsize=max(1, max_bytes), getsizeof=len)
        self._lock = threading.Lock()

    def answer(self, version: str, scope, produce) -> Response:
        """The JSON answer of this request (path and query) for the data version and scope:
        kept bytes when there are, else produce() encoded, kept and sent."""
        key = (
            version,
            # Some answers follow the calendar (/data/changes/'s default day): none outlives
            # the report zone's day.
            _today(),
            repr(sorted((scope or {}).items())),
            request.path,
            # As sent: the order of repeated parameters matters (the first one counts).
            request.query_string,
        )
        with self._lock:
            body = self._cache.get(key)
        if body is not None:
            return current_app.response_class(body, mimetype="application/json")
        body = _encoded(produce())
        if len(body) * LARGEST_SHARE <= self._max_bytes:
            with self._lock:
                self._cache[key] = body
        return current_app.response_class(body, mimetype="application/json")


def _encoded(value) -> bytes:
    """The bytes Flask's JSON answer of value has; a long list in slices, with a pause for other
    requests between them. Under gevent a worker serves every request in one thread, and the
    encoding of a long series (0.3 s for 120,000 days) would hold up the small answers of every
    other client meanwhile (time.sleep(0) is gevent's yield there, a no-op elsewhere)."""
    provider = current_app.json
    compact = provider.compact is None and not current_app.debug
    if not compact or not isinstance(value, list) or len(value) <= SLICE_ITEMS:
        return provider.response(value).get_data()
    pieces = []
    for start in range(0, len(value), SLICE_ITEMS):
        piece = provider.dumps(value[start : start + SLICE_ITEMS], separators=(",", ":"))
        pieces.append(piece[1:-1])  # the items, without the slice's brackets
        time.sleep(0)
    return f"[{','.join(pieces)}]\n".encode()
