"""GET /healthz: is the event store readable and does Redis answer? 200 when both, else 503.
The events' check also counts the rows left out of every answer for their date."""

from __future__ import annotations

import contextlib
import os
import sqlite3
import time

from flask import Blueprint, current_app, g, jsonify

from data.events.rollup.encoding import RAW_COLUMNS
from data.events.stores.event_stores import PostgresStore
from data.events.stores.sqlite_store import TABLE, EventStoreUnreadable, connect
from web import services
from web.limits import rate_limited

bp = Blueprint("health", __name__)


def check_event_store(store) -> dict:
    """Can the events table be read, with the columns the analysis needs?"""
    if isinstance(store, PostgresStore):
        return check_postgres(services.analytics())
    path = store.path
    if not os.path.exists(path):
        return {"ok": False, "error": "event database file does not exist"}
    try:
        conn = connect(path, readonly=True)
        try:
            # A health check must answer fast, not queue behind a long import.
            conn.execute("PRAGMA busy_timeout = 1000")
            # The columns the analysis reads: a movies table without them is not usable.
            conn.execute(f"SELECT {', '.join(RAW_COLUMNS)} FROM {TABLE} LIMIT 1").fetchall()
        finally:
            conn.close()
    except sqlite3.Error as exc:
        return {"ok": False, "error": f"event database is not readable: {exc}"}
    return _with_left_out({"ok": True}, services.analytics())


def _with_left_out(status: dict, analytics) -> dict:
    """The status plus `left_out_rows`: events dated outside the bounds (0001-01-01,
    9999-12-31) that no answer counts; just the count, no other figure of the data. Only once
    a version is loaded: a health check never waits on a first build."""
    if not analytics.ready:
        return status
    try:
        status["left_out_rows"] = analytics.left_out()[0]
    except EventStoreUnreadable:
        pass  # the table is readable but not as events: /data says why
    return status


def check_postgres(analytics) -> dict:
    """The server answers the probe, and the last answer the analytics gave did not fail (a
    role that may not read a table, a timeout, a lock): /healthz and /data agree. Never waits
    on a first build, so that a starting worker's own warm-up check stays quick."""
    try:
        analytics.versions.probe()
    except EventStoreUnreadable as exc:
        return {"ok": False, "error": str(exc)}
    if analytics.ready:
        if analytics.last_error is not None:
            # Ask again (cheap once a version is loaded; a newer one is built in the
            # background), so that a recovered server is seen as such.
            with contextlib.suppress(EventStoreUnreadable):
                analytics.date_bounds()
    else:
        # A new app server builds its first rollup (minutes at tens of millions of events): a
        # proxy should send the traffic elsewhere meanwhile. Nothing loading (the server was
        # down at start)? Then this check starts it, in the background.
        analytics.warm_up()
    if analytics.last_error is not None:
        return {"ok": False, "error": str(analytics.last_error)}
    if not analytics.ready:
        return {"ok": False, "error": "the events are being prepared (a first start); not ready"}
    return _with_left_out({"ok": True, "store": "postgresql"}, analytics)


def check_redis(provider) -> dict:
    """PING Redis (starting the embedded server if needed, since the game relies on it)."""
    mode = "embedded" if provider.is_embedded else "external"
    if not provider.ping():
        return {"ok": False, "mode": mode, "error": "Redis does not answer"}
    details = {"ok": True, "mode": mode}
    try:
        with provider.connection() as client:
            info = client.info("server")
        # Lets operators (and the reliability tests) see that every worker shares one server.
        details["process_id"] = info.get("process_id")
        details["run_id"] = info.get("run_id")
    except Exception:  # PING answered; server details are only a bonus
        pass
    return details


@bp.get("/healthz")
@rate_limited("RATELIMIT_HEALTH", "health checks")
def healthz():
    """Report the event store and Redis; 503 when either is down."""
    started = time.perf_counter()
    events = check_event_store(current_app.config["EVENT_STORE"])
    redis_status = check_redis(services.redis_provider())
    healthy = events["ok"] and redis_status["ok"]
    body = {
        "status": "ok" if healthy else "unavailable",
        "checks": {"events": events, "redis": redis_status},
        "worker_pid": os.getpid(),
        "elapsed_ms": round((time.perf_counter() - started) * 1000, 1),
    }
    if g.get("principal") is None:
        # Without a sign-in: the status alone, no figure of the data or the servers.
        body = {"status": body["status"]}
    response = jsonify(body)
    response.status_code = 200 if healthy else 503
    response.headers["Cache-Control"] = "no-store"
    return response
