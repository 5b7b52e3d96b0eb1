"""The parameters of the questions about the shape of viewing: prime time and distributions."""

from __future__ import annotations

from data.events.analysis.distribution import DEFAULT_PER, PERS
from data.events.analysis.prime_time import DEFAULT_WHEN_METRIC, WHEN_METRICS
from data.events.params import _choice, _missing
from data.events.questions.parameters import Param, _enum, one

WHEN_METRIC = Param(
    "metric",
    f"what each weekday-and-hour cell counts, {', '.join(WHEN_METRICS)} (default "
    f"{DEFAULT_WHEN_METRIC}); unique_users counts a user once per cell, however many weeks "
    "they were active in it.",
    _enum(WHEN_METRICS, DEFAULT_WHEN_METRIC),
)
PER = Param(
    "per",
    f"whose minutes are spread, {', '.join(PERS)} (default {DEFAULT_PER}, the only one).",
    _enum(PERS, DEFAULT_PER),
)


def parse_when_metric(value: object) -> str:
    """views, unique_users or minutes_watched, case-insensitive; missing: views."""
    if _missing(value):
        return DEFAULT_WHEN_METRIC
    return _choice(value, WHEN_METRICS, "lower", "metric", f"default {DEFAULT_WHEN_METRIC}")


def parse_per(value: object) -> str:
    """viewer, case-insensitive; missing: viewer."""
    if _missing(value):
        return DEFAULT_PER
    return _choice(value, PERS, "lower", "per", f"default {DEFAULT_PER}")


WHEN_METRIC_PART = one(WHEN_METRIC, parse_when_metric)
PER_PART = one(PER, parse_per)
