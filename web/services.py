"""One typed accessor per shared service (as flaskr's get_db): stores, limiter, answer memo."""

from __future__ import annotations

from typing import TYPE_CHECKING

from flask import Flask, current_app

from web.answer_memo import AnswerMemo
from web.scoped_analytics import RequestAnalytics

if TYPE_CHECKING:
    from flask_limiter import Limiter

    from data.events.analysis.analytics import EventsAnalytics
    from data.game.redis_connection import RedisProvider
    from data.game.score_store import ScoreStore

# Where each service lives in app.extensions; only this module reads or writes these keys.
_ANALYTICS = "reelboard.analytics"
_SCORES = "reelboard.scores"
_REDIS = "reelboard.redis"
_LIMITER = "reelboard.limiter"
_ANSWERS = "reelboard.answers"


def install(
    server: Flask, *, analytics: EventsAnalytics, scores: ScoreStore, redis: RedisProvider
) -> None:
    """Attach the app's services to its Flask server (create_app calls this once)."""
    server.extensions[_ANALYTICS] = analytics
    server.extensions[_SCORES] = scores
    server.extensions[_REDIS] = redis


def set_analytics(server: Flask, analytics: EventsAnalytics) -> None:
    """Swap the events service (benchmarks compare stores on one app)."""
    server.extensions[_ANALYTICS] = analytics


def set_limiter(server: Flask, limiter: Limiter | None) -> None:
    """Record the app's rate limiter (None when limits are off)."""
    server.extensions[_LIMITER] = limiter


def analytics(app: Flask | None = None) -> EventsAnalytics:
    """The events analysis shared by /data, the callbacks, MCP and the CLI, limited on each
    use to the current request's scope (web/scoped_analytics.py): the one place a limit is
    applied, since every path asks through it."""
    return RequestAnalytics(app or current_app._get_current_object(), _unscoped)


def _unscoped(server: Flask) -> EventsAnalytics:
    return server.extensions[_ANALYTICS]


def answer_memo(app: Flask | None = None) -> AnswerMemo:
    """The worker's memo of encoded /data answers (created on first use)."""
    server = app or current_app
    memo = server.extensions.get(_ANSWERS)
    if memo is None:
        memo = AnswerMemo(int(server.config.get("ANSWER_CACHE_MB", 16)) * 1024 * 1024)
        server.extensions[_ANSWERS] = memo
    return memo


def scores(app: Flask | None = None) -> ScoreStore:
    """The game's score store."""
    return (app or current_app).extensions[_SCORES]


def redis_provider(app: Flask | None = None) -> RedisProvider | None:
    """The Redis connection (embedded or REDIS_URL); None on a server without the app's set-up."""
    return (app or current_app).extensions.get(_REDIS)


def limiter(app: Flask | None = None) -> Limiter | None:
    """The app's rate limiter, or None when RATELIMIT_ENABLED is off."""
    return (app or current_app).extensions.get(_LIMITER)
