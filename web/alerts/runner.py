"""The server process's alert timer: evaluates rules on each new data version and once a day,
and sends the daily digest, in a background thread so that no request waits. Every process may
run one: the claims in the event store (data/alerts/rules_store.py) let exactly one act."""

from __future__ import annotations

import datetime as dt
import logging
import threading
import zoneinfo

from flask import Flask

from data.alerts.evaluate import Evaluator, day_key, version_key
from data.alerts.notify import Delivery
from data.alerts.rules_store import AlertStore
from data.events.stores.sqlite_store import EventStoreUnreadable
from web import services

log = logging.getLogger(__name__)
_RUNNER = "reelboard.alerts_runner"
CLAIMS_KEPT_DAYS = 90


def _utc_now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def page_link(config, query: str = "") -> str | None:
    """The dashboard's URL (PUBLIC_URL) with a view's query string, or None without it."""
    base = config.get("PUBLIC_URL")
    return None if not base else f"{base}/{query}"


def zone_of(config) -> dt.tzinfo:
    """The zone the digest's time of day is read in: REPORT_TIMEZONE when set, else UTC."""
    name = config.get("REPORT_TIMEZONE") or "UTC"
    try:
        return zoneinfo.ZoneInfo(str(name))
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        log.warning("unknown REPORT_TIMEZONE %r: the digest uses UTC", name)
        return dt.UTC


def alert_store(server: Flask, clock=_utc_now) -> AlertStore:
    """The alert tables of the configured event store."""
    return AlertStore(server.config["EVENT_STORE"], clock)


def delivery(config) -> Delivery:
    """How notifications leave: SMTP_URL, ALERT_FROM, the webhook timeout."""
    return Delivery(
        config.get("SMTP"),
        config.get("ALERT_FROM", "reelboard@localhost"),
        float(config.get("WEBHOOK_TIMEOUT_SECONDS", 5)),
    )


def evaluator(server: Flask, clock=_utc_now) -> Evaluator:
    """An Evaluator over the server's whole data (rules are not limited to a reader's scope)."""
    analytics = services.analytics(server).unscoped
    return Evaluator(
        alert_store(server, clock), analytics, delivery(server.config), page_link(server.config)
    )


class AlertRunner:
    """One per process: tick() does what is due; start() runs it every ALERT_CHECK_SECONDS
    and at once when this process sees a new data version."""

    def __init__(self, server: Flask, clock=_utc_now):
        self.server = server
        self.clock = clock
        self.config = server.config
        self.wake = threading.Event()
        self.stopping = threading.Event()
        self.thread: threading.Thread | None = None
        self.last_version: str | None = None
        self.daily_done: dt.date | None = None
        self.digest_done: dt.date | None = None
        self.lock = threading.Lock()

    def tick(self) -> dict:
        """Evaluate for a new version, the day's pass and the digest when due; what it did."""
        with self.lock:
            done: dict = {}
            work = evaluator(self.server, self.clock)
            try:
                version = work.analytics.version()
            except EventStoreUnreadable as error:
                return {"error": str(error)}
            if version != self.last_version:
                done["version"] = work.run(version_key(version))
                self.last_version = version
            local = self.clock().astimezone(zone_of(self.config))
            if self.daily_done != local.date() and local.time() >= self.config["ALERT_DAILY_TIME"]:
                done["daily"] = work.run(day_key(local.date()))
                self.daily_done = local.date()
                work.alerts.forget_claims(self.clock() - dt.timedelta(days=CLAIMS_KEPT_DAYS))
            done["retried"] = work.retry_owed()
            digest_time = self.config.get("DIGEST_TIME")
            if digest_time and self.digest_done != local.date() and local.time() >= digest_time:
                self.digest_done = local.date()
                if work.alerts.claim("digest", local.date().isoformat()):
                    from web.alerts.digest import send_digest

                    done["digest"] = send_digest(self.server)
            return done

    def _loop(self) -> None:
        seconds = float(self.config["ALERT_CHECK_SECONDS"])
        while not self.stopping.is_set():
            try:
                with self.server.app_context():
                    self.tick()
            except Exception:  # the timer outlives any failure; the next tick tries again
                log.exception("the alert check failed")
            self.wake.wait(seconds)
            self.wake.clear()

    def start(self) -> None:
        """Run in a daemon thread (a greenlet under gevent); wake on each new version."""
        if self.thread is not None:
            return
        services.analytics(self.server).unscoped.on_new_version(lambda _name: self.wake.set())
        self.thread = threading.Thread(target=self._loop, name="reelboard-alerts", daemon=True)
        self.thread.start()

    def stop(self) -> None:
        self.stopping.set()
        self.wake.set()


def start_alerts(server: Flask) -> AlertRunner:
    """Start this process's alert timer (once; python dashboard_app.py and each gunicorn
    worker call it)."""
    runner = server.extensions.get(_RUNNER)
    if runner is None:
        runner = AlertRunner(server)
        server.extensions[_RUNNER] = runner
        runner.start()
    return runner
