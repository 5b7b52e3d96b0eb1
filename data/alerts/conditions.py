"""What an alert rule is (metric, filters, resolution, condition, channels) and when it fires."""

from __future__ import annotations

import datetime as dt

from data.alerts.settings import SettingsError, check_webhook, parse_addresses
from data.events.catalog import DIMENSION_NAMES, METRIC_BY_NAME, METRIC_NAMES
from data.events.params import Filters, InvalidParameter, parse_filters
from data.events.periods import day_number

KINDS = ("above", "below", "change", "band")
RESOLUTIONS = ("daily", "weekly")
MAX_NAME_CHARS = 120
MAX_ADDRESSES = 20
FIRING, OK = "firing", "ok"


class RuleError(ValueError):
    """A rule that cannot be stored as given; the message says what is wrong (a 400)."""


def _number(value, name: str) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        raise RuleError(f"{name} must be a number")
    try:
        number = float(value)
    except ValueError:
        raise RuleError(f"{name} must be a number, got {str(value)[:40]!r}") from None
    if number != number or number in (float("inf"), float("-inf")):
        raise RuleError(f"{name} must be a finite number")
    return number


def check_condition(condition) -> dict:
    """{"kind": "above"|"below", "value": N}, {"kind": "change", "percent": P} or
    {"kind": "band"}; RuleError otherwise."""
    if not isinstance(condition, dict):
        raise RuleError('condition must be an object such as {"kind": "above", "value": 100}')
    kind = condition.get("kind")
    if kind not in KINDS:
        raise RuleError(f"condition kind must be one of {', '.join(KINDS)}")
    if kind in ("above", "below"):
        return {"kind": kind, "value": _number(condition.get("value"), "condition value")}
    if kind == "change":
        percent = _number(condition.get("percent"), "condition percent")
        if percent <= 0:
            raise RuleError("condition percent must be above 0")
        return {"kind": kind, "percent": percent}
    return {"kind": kind}


def check_filters(filters) -> dict:
    """{dimension: [values]} as the /data filters take them (same checks); RuleError else."""
    if filters is None:
        return {}
    if not isinstance(filters, dict):
        raise RuleError('filters must be an object such as {"market": ["SE"]}')
    unknown = [name for name in filters if name not in DIMENSION_NAMES]
    if unknown:
        raise RuleError(
            f"unknown filter {str(unknown[0])[:40]!r}: use {', '.join(DIMENSION_NAMES)}"
        )
    given = {k: v if isinstance(v, list) else [v] for k, v in filters.items()}
    if any(not isinstance(item, str) for values in given.values() for item in values):
        raise RuleError("filter values must be text")
    try:
        parsed = parse_filters(given)
    except InvalidParameter as error:
        raise RuleError(str(error)) from None
    return {name: sorted(values) for name, values in parsed.where}


def check_channels(channels) -> dict:
    """{"webhook": URL, "email": [addresses]}, at least one; RuleError otherwise."""
    if not isinstance(channels, dict):
        raise RuleError('channels must be an object such as {"email": ["ops@example.com"]}')
    out = {}
    try:
        if channels.get("webhook"):
            out["webhook"] = check_webhook("the webhook", channels["webhook"])
        emails = parse_addresses("channels email", channels.get("email") or [])
    except SettingsError as error:
        raise RuleError(str(error)) from None
    if len(emails) > MAX_ADDRESSES:
        raise RuleError(f"at most {MAX_ADDRESSES} e-mail addresses per rule")
    if emails:
        out["email"] = list(emails)
    if not out:
        raise RuleError("a rule needs a webhook URL or at least one e-mail address")
    return out


def check_rule(given, author: str) -> dict:
    """A rule as stored from what a form, the API or the CLI gave; RuleError otherwise."""
    if not isinstance(given, dict):
        raise RuleError("a rule must be a JSON object")
    name = given.get("name")
    if not isinstance(name, str) or not name.strip() or len(name) > MAX_NAME_CHARS:
        raise RuleError(f"name must be text of 1 to {MAX_NAME_CHARS} characters")
    metric = given.get("metric")
    if metric not in METRIC_NAMES:
        raise RuleError(f"metric must be one of {', '.join(METRIC_NAMES)}")
    resolution = given.get("resolution") or "daily"
    if resolution not in RESOLUTIONS:
        raise RuleError(f"resolution must be one of {', '.join(RESOLUTIONS)}")
    return {
        "name": name.strip(),
        "metric": metric,
        "filters": check_filters(given.get("filters")),
        "resolution": resolution,
        "condition": check_condition(given.get("condition")),
        "channels": check_channels(given.get("channels")),
        "author": str(author)[:64],
    }


def rule_filters(rule: dict) -> Filters:
    """The rule's dimension filters as the engine takes them."""
    return parse_filters(rule["filters"])


def previous_span(day: dt.date, resolution: str) -> tuple[dt.date, dt.date]:
    """The period before the one judged: the day before, or the ISO week before."""
    if resolution == "weekly":
        monday = day - dt.timedelta(days=day.weekday())
        return monday - dt.timedelta(days=7), monday - dt.timedelta(days=1)
    return day - dt.timedelta(days=1), day - dt.timedelta(days=1)


def read(analytics, rule: dict, day: dt.date | None = None) -> dict:
    """What a rule looks at: the period judged (its day: the data's last complete one unless
    given), the metric's value there, its band (/data/changes/'s `judged`, exactly), and the
    previous period's value with the change against it."""
    filters = rule_filters(rule)
    # Every KPI is in any answer: one metric for the movers lets rules share the memo.
    answer = analytics.changes(filters, day, rule["resolution"], "unique_users", 1)
    judged = answer["kpis"][rule["metric"]]
    reading = {"day": answer["day"], **judged, "previous": None, "previous_change": None}
    if answer["day"] is None:
        return reading
    first, last = previous_span(dt.date.fromisoformat(answer["day"]), rule["resolution"])
    bounds = analytics.date_bounds()
    if bounds is not None and day_number(first) >= day_number(bounds[0]):
        before = analytics.kpis(Filters(first, last, filters.where))[rule["metric"]]
        reading["previous"] = before
        if before and judged["value"] is not None:
            reading["previous_change"] = (judged["value"] - before) / before
    return reading


def verdict(condition: dict, reading: dict) -> str | None:
    """FIRING or OK for a reading, or None when it cannot say (no value, no expectation, no
    previous period): the rule then keeps its state."""
    value, kind = reading.get("value"), condition["kind"]
    if kind == "band":
        if reading.get("expected") is None or value is None:
            return None
        return FIRING if reading.get("flag") is not None else OK
    if kind == "change":
        change = reading.get("previous_change")
        if change is None:
            return None
        return FIRING if abs(change) * 100 > condition["percent"] else OK
    if value is None:
        return None
    above = value > condition["value"]
    below = value < condition["value"]
    return FIRING if (above if kind == "above" else below) else OK


def describe(rule: dict) -> str:
    """The rule's condition in words: "Unique users above 1,000"."""
    label = METRIC_BY_NAME[rule["metric"]].label
    condition = rule["condition"]
    kind = condition["kind"]
    if kind in ("above", "below"):
        return f"{label} {kind} {condition['value']:,g}"
    if kind == "change":
        period = "week" if rule["resolution"] == "weekly" else "day"
        return f"{label} changes by more than {condition['percent']:g} % from the previous {period}"
    return f"{label} outside its expected range"
