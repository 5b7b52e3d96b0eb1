"""Evaluating alert rules exactly once per data version or day, however many processes ask:
claim, read, move the state (ok <-> firing) and deliver what is owed, recording each step."""

from __future__ import annotations

import datetime as dt
import logging
import time

from data.alerts import conditions
from data.alerts.conditions import FIRING
from data.alerts.notify import Delivery, deliver
from data.alerts.rules_store import AlertStore, stamp
from data.events.catalog import DIMENSION_BY_NAME, METRIC_BY_NAME

log = logging.getLogger(__name__)
# How long a delivery may take before another process may try it again (a crashed one).
LEASE = dt.timedelta(minutes=10)


def version_key(version: str) -> str:
    """The claim key of an evaluation for a data version."""
    return f"version:{version}"


def day_key(day: dt.date) -> str:
    """The claim key of the daily evaluation."""
    return f"day:{day.isoformat()}"


def _number(value) -> str:
    if value is None:
        return "no value"
    if isinstance(value, float) and not value.is_integer():
        return f"{value:,.3g}" if abs(value) < 10 else f"{value:,.1f}"
    return f"{value:,.0f}"


def _filters_text(rule: dict) -> str:
    parts = [
        f"{DIMENSION_BY_NAME[name].label} {', '.join(values)}"
        for name, values in rule["filters"].items()
    ]
    return f" ({'; '.join(parts)})" if parts else ""


def message_text(rule: dict, state: str, reading: dict) -> str:
    """The notification's text, Slack-readable: what, where, which period, the numbers."""
    label = METRIC_BY_NAME[rule["metric"]].label
    period = "week of" if rule["resolution"] == "weekly" else "on"
    head = "Alert" if state == FIRING else "Recovered"
    text = (
        f"{head}: {rule['name']}: {label}{_filters_text(rule)} {period} {reading['day']} "
        f"was {_number(reading.get('value'))}"
    )
    kind = rule["condition"]["kind"]
    if kind == "band" and reading.get("expected") is not None:
        text += (
            f"; expected {_number(reading['expected'])} "
            f"(range {_number(reading['low'])} to {_number(reading['high'])})"
        )
    elif kind == "change" and reading.get("previous") is not None:
        text += (
            f"; previous {_number(reading['previous'])} ({reading['previous_change'] * 100:+.1f} %)"
        )
    rule_words = conditions.describe(rule)
    if state == FIRING:
        return f"{text}. Rule: {rule_words}."
    return f"{text}. Back within: {rule_words}."


class Evaluator:
    """Evaluates the rules of an AlertStore over an analytics (unscoped: rules see every row),
    delivering through `delivery`; `link` is the page's URL, put in every notification."""

    def __init__(self, alerts: AlertStore, analytics, delivery: Delivery, link: str | None = None):
        self.alerts = alerts
        self.analytics = analytics
        self.delivery = delivery
        self.link = link

    def run(self, key: str | None = None, day: dt.date | None = None) -> list[dict]:
        """Evaluate every rule: with a key, only those this caller claims first (of every
        process); without one (the CLI's `run`), all of them now. What each one did."""
        done = []
        for rule in self.alerts.rules():
            # Between rules, let the process's other work run: under gevent this pass shares
            # a worker with requests, and all rules at once hold it for seconds on a large store.
            time.sleep(0)
            if key is not None and not self.alerts.claim(f"rule:{rule['id']}", key):
                continue
            try:
                done.append(self.evaluate(rule, day))
            except Exception as error:  # a rule's failure never stops the others
                log.warning("alert rule %s could not be evaluated: %s", rule["id"], error)
                done.append({"rule": rule["id"], "error": str(error)[:300]})
        return done

    def evaluate(self, rule: dict, day: dt.date | None = None) -> dict:
        """Read one rule, move its state if the verdict changed, deliver what is owed."""
        reading = conditions.read(self.analytics, rule, day)
        state = conditions.verdict(rule["condition"], reading)
        self.alerts.checked(rule["id"], reading.get("value"))
        outcome = {"rule": rule["id"], "day": reading["day"], "value": reading.get("value")}
        outcome["verdict"] = state
        if state is not None and state != rule["state"]:
            text = message_text(rule, state, reading)
            payload = self._payload(rule, state, reading, text)
            owed = {"payload": payload, "channels": rule["channels"], "lease": self._lease()}
            attempt = self.alerts.transition(rule["id"], rule["state"], state, owed)
            if attempt is not None:  # this caller moved it: it alone notifies
                kind = "fired" if state == FIRING else "recovered"
                self.alerts.record(rule, kind, text, reading["day"], reading.get("value"))
                outcome["delivered"] = self._deliver(rule, attempt, owed)
            return outcome
        delivered = self._retry(rule)
        if delivered is not None:
            outcome["delivered"] = delivered
        return outcome

    def retry_owed(self) -> int:
        """Try again the notifications whose delivery failed; how many were tried here."""
        return sum(self._retry(rule) is not None for rule in self.alerts.rules())

    def _lease(self) -> str:
        return stamp(self.alerts.clock() + LEASE)

    def _retry(self, rule: dict) -> bool | None:
        """Deliver a rule's owed notification again if it is free (it failed, or its last try
        outlived its lease) and this caller takes it; whether it went out, None if not tried."""
        owed = rule.get("pending")
        if not owed or (owed.get("lease") and owed["lease"] > stamp(self.alerts.clock())):
            return None  # nothing owed, or a delivery in progress elsewhere
        taken = {**owed, "lease": self._lease()}
        attempt = self.alerts.take_pending(rule["id"], rule["attempt"], taken)
        return None if attempt is None else self._deliver(rule, attempt, taken)

    def _payload(self, rule: dict, state: str, reading: dict, text: str) -> dict:
        shown = {k: rule[k] for k in ("id", "name", "metric", "filters", "resolution")}
        payload = {
            "text": text if self.link is None else f"{text} {self.link}",
            "state": state,
            "rule": {**shown, "condition": rule["condition"]},
            "day": reading["day"],
            "value": reading.get("value"),
            "expected": reading.get("expected"),
            "low": reading.get("low"),
            "high": reading.get("high"),
            "previous": reading.get("previous"),
        }
        if self.link is not None:
            payload["link"] = self.link
        return payload

    def _deliver(self, rule: dict, attempt: int, owed: dict) -> bool:
        """Deliver an owed notification (try `attempt`); what failed stays owed, recorded."""
        payload = owed["payload"]
        subject = payload["text"].split(". ", 1)[0]
        try:
            failed = deliver(self.delivery, owed["channels"], payload, subject)
        except Exception as error:  # never let a delivery take the worker down
            failed = {name: f"{type(error).__name__}: {error}" for name in owed["channels"]}
        if failed:
            left = {name: owed["channels"][name] for name in failed}
            free = {"payload": payload, "channels": left, "lease": None}  # any process retries
            self.alerts.settle(rule["id"], attempt, free)
            for name, error in failed.items():
                text = f"could not deliver to the {name}; it is tried again at the next check"
                self.alerts.record(rule, "failed", text, payload["day"], error=error)
            return False
        self.alerts.settle(rule["id"], attempt, None)
        channels = " and ".join(sorted(owed["channels"]))
        self.alerts.record(rule, "notified", f"sent by {channels}", payload["day"])
        return True
