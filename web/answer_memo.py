"""Encoded JSON answers kept per worker by data version, scope and request: cheap the 2nd time."""

from __future__ import annotations

import threading

from cachetools import LRUCache
from flask import Response, current_app, request

# An answer larger than this share of the memo is never kept: it would push out everything else.
LARGEST_SHARE = 4


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
            repr(sorted((scope or {}).items())),
            request.path,
            # As sent: the order of repeated parameters matters (the first one counts).
            request.query_string,
        )
        with self._lock:
            body = self._cache.get(key)
        if body is not None:
            return current_app.response_class(body, mimetype="application/json")
        response = current_app.json.response(produce())
        body = response.get_data()
        if len(body) * LARGEST_SHARE <= self._max_bytes:
            with self._lock:
                self._cache[key] = body
        return response
