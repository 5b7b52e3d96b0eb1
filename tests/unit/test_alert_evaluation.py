"""Alert evaluation on both stores, against a real SMTP server and a real HTTP receiver: one
notification however many evaluators race, once until recovery, failures recorded and retried."""

from __future__ import annotations

import datetime as dt
import threading

import pytest

from data.alerts.conditions import check_rule
from data.alerts.evaluate import Evaluator, day_key, version_key
from data.alerts.notify import Delivery
from data.alerts.rules_store import AlertStore
from data.alerts.settings import parse_smtp_url
from data.events.analysis.analytics import EventsAnalytics
from tests.unit.alerts_support import (
    LAST_DAY,
    next_version,
    rows_for,
    servers,
    write_events,
)


@pytest.fixture
def setup(event_store, engines):
    """(store, make_evaluator(smtp_url)) over hand-made events where SE had 30 viewers on
    LAST_DAY against a usual 11: a band rule on it fires."""
    write_events(event_store, rows_for(30))

    def make(smtp_url=None, link=None):
        smtp = parse_smtp_url(smtp_url) if smtp_url else None
        analytics = engines(event_store.versions())
        return Evaluator(
            AlertStore(event_store), analytics, Delivery(smtp, "rb@example.com", 2), link
        )

    return event_store, make


def add_rule(store, channels, condition=None):
    given = {
        "name": "SE viewers",
        "metric": "unique_users",
        "filters": {"market": ["SE"]},
        "condition": condition or {"kind": "band"},
        "channels": channels,
    }
    return AlertStore(store).add_rule(check_rule(given, "tester"))


def test_fires_once_by_webhook_and_email_until_it_recovers(setup):
    store, make = setup
    with servers() as (smtp, receiver):
        rule = add_rule(store, {"webhook": receiver.url, "email": ["ops@example.com"]})
        evaluator = make(smtp.url, link="https://rb.example.com/")
        version = evaluator.analytics.version()
        evaluator.run(version_key(version))
        assert len(receiver.posts) == 1 and len(smtp.messages) == 1
        post = receiver.posts[0]
        assert post["text"].startswith("Alert: SE viewers: Unique users (Market SE) on 2025-04-14")
        assert "https://rb.example.com/" in post["text"]
        assert post["state"] == "firing" and post["value"] == 30 and post["expected"] == 11
        assert post["rule"]["id"] == rule["id"]
        mail = smtp.messages[0]
        assert mail["To"] == "ops@example.com" and mail["From"] == "rb@example.com"
        assert "was 30" in mail.get_body(("plain",)).get_content()
        # Still firing: the same version again, the daily pass, another run: nothing more.
        evaluator.run(version_key(version))
        evaluator.run(day_key(LAST_DAY))
        evaluator.run()
        assert len(receiver.posts) == 1 and len(smtp.messages) == 1
        # New data: back to the usual level, recovered (notified once).
        write_events(store, rows_for(11))
        new_version = next_version(evaluator.analytics, version)
        assert new_version != version
        evaluator.run(version_key(new_version))
        evaluator.run()
        assert [p["state"] for p in receiver.posts] == ["firing", "ok"]
        assert receiver.posts[1]["text"].startswith("Recovered: SE viewers")
        assert len(smtp.messages) == 2
    kinds = [h["kind"] for h in AlertStore(store).history()]
    assert kinds == ["notified", "recovered", "notified", "fired"]
    assert AlertStore(store).rule(rule["id"])["state"] == "ok"


def test_racing_evaluators_notify_once(setup):
    """Four evaluators (each its own engine and connections, as workers on several servers
    are) evaluate at the same moment, two for the version and two for the day."""
    store, make = setup
    with servers() as (_smtp, receiver):
        add_rule(store, {"webhook": receiver.url})
        evaluators = [make() for _ in range(4)]
        version = evaluators[0].analytics.version()
        keys = [version_key(version), version_key(version), day_key(LAST_DAY), day_key(LAST_DAY)]
        start = threading.Barrier(len(evaluators))
        errors = []

        def work(evaluator, key):
            start.wait()
            try:
                evaluator.run(key)
            except Exception as error:  # pragma: no cover - shown by the assert below
                errors.append(error)

        threads = [
            threading.Thread(target=work, args=pair) for pair in zip(evaluators, keys, strict=True)
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(60)
        assert errors == []
        assert len(receiver.posts) == 1
    assert [h["kind"] for h in AlertStore(store).history()] == ["notified", "fired"]


def test_a_failed_delivery_is_recorded_and_retried(setup):
    store, make = setup
    with servers() as (smtp, receiver):
        receiver.status = 500
        rule = add_rule(store, {"webhook": receiver.url, "email": ["ops@example.com"]})
        evaluator = make(smtp.url)
        evaluator.run(version_key(evaluator.analytics.version()))  # never raises
        assert receiver.posts == [] and len(smtp.messages) == 1
        history = AlertStore(store).history()
        assert history[0]["kind"] == "failed"
        assert history[0]["error"] == "the webhook answered HTTP 500"
        assert AlertStore(store).rule(rule["id"])["pending"]["channels"] == {
            "webhook": receiver.url
        }
        # The next check tries the webhook again (the e-mail went out already).
        receiver.status = 200
        assert evaluator.retry_owed() == 1
        assert len(receiver.posts) == 1 and len(smtp.messages) == 1
        assert receiver.posts[0]["state"] == "firing"
        assert AlertStore(store).rule(rule["id"])["pending"] is None
        assert evaluator.retry_owed() == 0


def test_unreachable_servers_are_recorded_not_raised(setup):
    store, make = setup
    rule = add_rule(store, {"webhook": "http://127.0.0.1:9/hook", "email": ["a@example.com"]})
    make("smtp://127.0.0.1:9").run()
    errors = {h["error"] for h in AlertStore(store).history() if h["kind"] == "failed"}
    assert len(errors) == 2 and all(
        "ConnectionRefusedError" in e or "URLError" in e for e in errors
    )
    assert AlertStore(store).rule(rule["id"])["state"] == "firing"


def test_alert_writes_make_no_new_data_version(setup):
    store, make = setup
    evaluator = make()
    before = evaluator.analytics.version()
    add_rule(store, {"webhook": "http://127.0.0.1:9/hook"})
    evaluator.run("version:x")
    assert evaluator.analytics.version() == before
    assert isinstance(evaluator.analytics, EventsAnalytics)


def test_a_delivery_in_progress_is_not_taken_over_until_its_lease_ends(setup):
    """A process that took a notification and is still sending it (or died doing so) holds a
    lease: others leave it alone until the lease ends, then one of them sends it."""
    store, make = setup
    with servers() as (_smtp, receiver):
        rule = add_rule(store, {"webhook": receiver.url})
        evaluator = make()
        now = dt.datetime(2025, 5, 1, 12, 0, tzinfo=dt.UTC)
        evaluator.alerts = AlertStore(store, clock=lambda: now)
        payload = {"text": "Alert: held", "day": "2025-04-14", "state": "firing"}
        lease = "2025-05-01T12:05:00Z"
        owed = {"payload": payload, "channels": {"webhook": receiver.url}, "lease": lease}
        assert evaluator.alerts.transition(rule["id"], "ok", "firing", owed) == 1
        assert evaluator.retry_owed() == 0 and receiver.posts == []
        later = now + dt.timedelta(minutes=6)
        evaluator.alerts = AlertStore(store, clock=lambda: later)
        assert evaluator.retry_owed() == 1
        assert [p["text"] for p in receiver.posts] == ["Alert: held"]
        assert evaluator.retry_owed() == 0
