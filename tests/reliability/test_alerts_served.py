"""Alerts under real gunicorn: two servers of two workers each over one event store notify
exactly once when a rule fires at start and once when new data makes another fire."""

from __future__ import annotations

import time

from data.alerts.conditions import check_rule
from data.alerts.rules_store import AlertStore
from data.events.analysis.analytics import EventsAnalytics
from data.events.params import Filters
from data.events.stores.event_stores import SqliteStore
from testkit.serving import wait_for
from tests.unit.alerts_support import LAST_DAY, Receiver, rows_for, write_events


def add(alerts: AlertStore, name: str, condition: dict, webhook: str, **filters) -> dict:
    given = {
        "name": name,
        "metric": "unique_users" if filters else "views",
        "filters": filters,
        "condition": condition,
        "channels": {"webhook": webhook},
    }
    return alerts.add_rule(check_rule(given, "tester"))


def test_two_servers_notify_once(serve, events_db):
    store = SqliteStore(events_db)
    engine = EventsAnalytics(store.versions())
    day = engine.changes(Filters(), None, "daily", "views", 1)["day"]
    se_then = engine.kpis(Filters.of(start=_date(day), end=_date(day), market="SE"))
    engine.close()
    assert se_then["unique_users"] <= 32  # so that the SE rule starts out ok
    alerts = AlertStore(store)
    with Receiver() as receiver:
        add(alerts, "Any views", {"kind": "above", "value": 0}, receiver.url)
        add(alerts, "SE busy", {"kind": "above", "value": 32}, receiver.url, market=["SE"])
        settings = {"ALERT_CHECK_SECONDS": "1", "WEBHOOK_TIMEOUT_SECONDS": "5"}
        servers = [serve(workers=2, **settings), serve(workers=2, **settings)]
        wait_for(lambda: len(receiver.posts) >= 1, 60, 0.1, "the first alert")
        time.sleep(3)  # every worker has ticked a few times by now
        assert [p["rule"]["name"] for p in receiver.posts] == ["Any views"]
        # New events: SE had 40 viewers on their last day.
        write_events(store, rows_for(40))
        wait_for(lambda: len(receiver.posts) >= 2, 60, 0.1, "the alert on new data")
        time.sleep(3)
        names = [p["rule"]["name"] for p in receiver.posts]
        assert names == ["Any views", "SE busy"], [s.log_tail() for s in servers]
        assert receiver.posts[1]["value"] == 40
        assert receiver.posts[1]["day"] == LAST_DAY.isoformat()
    kinds = [h["kind"] for h in alerts.history()]
    assert kinds.count("fired") == 2 and kinds.count("notified") == 2


def _date(text: str):
    import datetime as dt

    return dt.date.fromisoformat(text)
