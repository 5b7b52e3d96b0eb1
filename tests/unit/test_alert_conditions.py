"""Alert conditions: what a rule reads (hand-computed, and /data/changes/'s band exactly), when
it fires, and which rules are refused with which message."""

from __future__ import annotations

import datetime as dt

import pytest

from data.alerts import conditions
from data.alerts.conditions import FIRING, OK, RuleError, check_rule, verdict
from data.events.analysis import changes
from data.events.analysis.analytics import EventsAnalytics
from data.events.stores.event_stores import SqliteStore
from tests.unit.alerts_support import LAST_DAY, rows_for, usual, write_events

CHANNELS = {"email": ["ops@example.com"]}


def rule(condition, metric="unique_users", filters=None, resolution="daily"):
    given = {
        "name": "SE viewers",
        "metric": metric,
        "filters": {"market": ["SE"]} if filters is None else filters,
        "resolution": resolution,
        "condition": condition,
        "channels": CHANNELS,
    }
    return check_rule(given, "tester")


@pytest.fixture(scope="module")
def analytics(tmp_path_factory):
    """Hand-made events: SE's viewers on LAST_DAY are 30 (usual Mondays: 10, 11, 12 ...)."""
    store = SqliteStore(tmp_path_factory.mktemp("cond") / "events.sqlite")
    write_events(store, rows_for(30))
    engine = EventsAnalytics(store.versions())
    yield engine
    engine.close()


def test_reading_is_hand_computed(analytics):
    reading = conditions.read(analytics, rule({"kind": "above", "value": 20}))
    assert reading["day"] == LAST_DAY.isoformat()
    assert reading["value"] == 30
    # The day before (a Sunday of the sixth week) had usual() viewers.
    assert reading["previous"] == usual(LAST_DAY - dt.timedelta(days=1)) == 12
    assert reading["previous_change"] == pytest.approx((30 - 12) / 12)
    # Same weekday of the six weeks before: 12, 11, 10, 12, 11, 10 -> median 11, MAD 1.
    assert reading["expected"] == 11
    assert reading["low"] == pytest.approx(11 - 3 * 1.4826)
    assert reading["high"] == pytest.approx(11 + 3 * 1.4826)
    assert reading["flag"] == "above"


def test_band_is_changes_judged_exactly(analytics):
    reading = conditions.read(analytics, rule({"kind": "band"}))
    baseline = [usual(LAST_DAY - dt.timedelta(days=7 * k)) for k in range(1, 7)]
    expected = changes.judged(30, baseline)
    assert {k: reading[k] for k in expected} == expected
    answer = analytics.changes(
        conditions.rule_filters(rule({"kind": "band"})), None, "daily", "views", 5
    )
    assert {k: reading[k] for k in expected} == answer["kpis"]["unique_users"]
    assert verdict({"kind": "band"}, reading) == FIRING


def test_weekly_reads_iso_weeks(analytics):
    weekly = rule({"kind": "change", "percent": 5}, resolution="weekly")
    # By default /data/changes/'s week: the last one complete in the data. The data ends on
    # LAST_DAY, a Monday, so that is the week before it.
    assert (
        conditions.read(analytics, weekly)["day"] == (LAST_DAY - dt.timedelta(days=7)).isoformat()
    )
    # Asked for, the week of LAST_DAY (its Monday's 30 viewers) against the week before it,
    # which had the same 12 each day.
    reading = conditions.read(analytics, weekly, LAST_DAY)
    assert reading["day"] == LAST_DAY.isoformat()
    assert reading["value"] == 30
    assert reading["previous"] == 12
    assert reading["previous_change"] == pytest.approx(1.5)


@pytest.mark.parametrize(
    ("condition", "reading", "expected"),
    [
        ({"kind": "above", "value": 20}, {"value": 30}, FIRING),
        ({"kind": "above", "value": 30}, {"value": 30}, OK),  # strictly above
        ({"kind": "below", "value": 31}, {"value": 30}, FIRING),
        ({"kind": "below", "value": 30}, {"value": 30}, OK),
        ({"kind": "above", "value": 1}, {"value": None}, None),  # a ratio without a divisor
        ({"kind": "change", "percent": 50}, {"value": 30, "previous_change": 1.5}, FIRING),
        ({"kind": "change", "percent": 50}, {"value": 5, "previous_change": -0.6}, FIRING),
        ({"kind": "change", "percent": 50}, {"value": 14, "previous_change": 0.4}, OK),
        ({"kind": "change", "percent": 50}, {"value": 14, "previous_change": None}, None),
        ({"kind": "band"}, {"value": 30, "expected": 11, "flag": "above"}, FIRING),
        ({"kind": "band"}, {"value": 3, "expected": 11, "flag": "below"}, FIRING),
        ({"kind": "band"}, {"value": 11, "expected": 11, "flag": None}, OK),
        ({"kind": "band"}, {"value": 11, "expected": None, "flag": None}, None),
    ],
)
def test_verdicts(condition, reading, expected):
    assert verdict(condition, reading) == expected


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"metric": "nope"}, "metric must be one of"),
        ({"name": ""}, "name must be text"),
        ({"resolution": "hourly"}, "resolution must be one of"),
        ({"condition": {"kind": "between"}}, "condition kind must be one of"),
        ({"condition": {"kind": "above"}}, "condition value must be a number"),
        ({"condition": {"kind": "above", "value": "lots"}}, "must be a number"),
        ({"condition": {"kind": "change", "percent": -3}}, "percent must be above 0"),
        ({"condition": "above 3"}, "condition must be an object"),
        ({"filters": {"planet": ["Mars"]}}, "unknown filter 'planet'"),
        ({"filters": {"market": [3]}}, "filter values must be text"),
        ({"channels": {}}, "needs a webhook URL or at least one e-mail"),
        ({"channels": {"webhook": "ftp://x"}}, "must be an http:// or https:// URL"),
        ({"channels": {"email": ["not-an-address"]}}, "is not an e-mail address"),
    ],
)
def test_bad_rules_are_refused_with_a_message(change, message):
    given = {
        "name": "x",
        "metric": "views",
        "condition": {"kind": "band"},
        "channels": CHANNELS,
        **change,
    }
    with pytest.raises(RuleError, match=message):
        check_rule(given, "tester")


def test_a_good_rule_is_normalised():
    checked = rule({"kind": "change", "percent": "20"}, filters={"market": "SE"})
    assert checked["filters"] == {"market": ["SE"]}
    assert checked["condition"] == {"kind": "change", "percent": 20.0}
    assert conditions.describe(checked).startswith("Unique users changes by more than 20 %")
