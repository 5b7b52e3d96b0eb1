"""What each question answers: the JSON schemas of the answers, from the catalog."""

from __future__ import annotations

from data.events.analysis.cohorts import LIFECYCLE_STATES
from data.events.analysis.top10 import TOP10_SIZE
from data.events.catalog import (
    DIMENSION_NAMES,
    DISTINCT_USERS,
    METRICS,
    PER_USER,
    RATIO,
    SHARE,
)
from data.events.questions.json_types import COUNT, DATE, RATE
from data.events.questions.viewing_answers import BINGE_NUMBERS, FUNNEL, NEXT

# The measures that count events; the others (minutes) are sums of numbers with decimals.
_COUNTED = ("views", "completed", "rated")


def value_schema(metric) -> dict:
    """The schema of one value of a metric."""
    if metric.kind in (RATIO, PER_USER):
        # null without a divisor; a share (completion_rate) stays within 0..1, others may not.
        return RATE if metric.shown_as == SHARE else {"type": ["number", "null"], "minimum": 0}
    if metric.kind == DISTINCT_USERS or metric.measure in _COUNTED:
        return COUNT
    return {"type": "number", "minimum": 0}


def points(metric) -> dict:
    """A metric per period, and per group of a breakdown (the dimension's name as a key)."""
    point = {
        "type": "object",
        "required": ["date", "values"],
        "properties": {
            "date": DATE,
            **{name: {"type": "string"} for name in DIMENSION_NAMES},
            "values": value_schema(metric),
        },
    }
    return {"type": "array", "items": point}


TOPLIST = {
    "type": "array",
    "items": {
        "type": "object",
        "required": ["title", "values"],
        "properties": {"title": {"type": "string"}, "values": {"type": "integer", "minimum": 1}},
    },
}


def _kpi_numbers() -> dict:
    # Every catalog metric over the whole range, and the completed views the rates count.
    properties = {
        m.name: {**value_schema(m), "description": f"{m.label} ({m.unit})."} for m in METRICS
    }
    properties["completed_views"] = {
        **COUNT,
        "description": "Views with viewpercentage >= 90 (over 100 counts).",
    }
    return {"type": "object", "required": list(properties), "properties": properties}


def kpis() -> dict:
    """The headline numbers, and with compare=previous those of the previous range."""
    numbers = _kpi_numbers()
    previous_range = {
        "type": ["object", "null"],
        "description": (
            "With compare=previous: the range compared with (inclusive); null when start or "
            "end is left out and the data leaves no range (no events, or the given side lies "
            "beyond the data); previous is then zeros."
        ),
        "required": ["start", "end"],
        "properties": {"start": DATE, "end": DATE},
    }
    previous = {**numbers, "description": "With compare=previous: the previous range's numbers."}
    properties = {**numbers["properties"], "previous": previous, "previous_range": previous_range}
    return {**numbers, "properties": properties}


_VALUES = {
    "type": "array",
    "items": {
        "type": "object",
        "required": ["value", "views"],
        "properties": {"value": {"type": "string"}, "views": COUNT},
    },
}
DIMENSIONS = {"type": "object", "properties": dict.fromkeys(DIMENSION_NAMES, _VALUES)}
_EPISODE = {
    "type": "object",
    "properties": {
        "season": {"type": ["integer", "null"]},
        "episode": {"type": ["integer", "null"]},
        "title": {"type": "string"},
        "views": COUNT,
        "unique_viewers": COUNT,
        "completion_rate": RATE,
        "next_viewers": {
            "type": ["integer", "null"],
            "description": "Viewers of the next episode (in show order) who watched this one.",
        },
        "continued": {
            **RATE,
            "description": (
                "next_viewers over this episode's viewers (4 decimals): the share who went on "
                "to the next episode; null for the last episode or one without viewers."
            ),
        },
        "drop_off": {
            **RATE,
            "description": (
                "1 - continued (4 decimals): the share of this episode's viewers who did not "
                "watch the next one; null where continued is."
            ),
        },
    },
}
_TITLE_NUMBERS = {
    "views": COUNT,
    "unique_viewers": COUNT,
    "minutes_watched": {"type": "number"},
    "completed_views": COUNT,
    "completion_rate": RATE,
}
TITLE = {
    "type": "object",
    "properties": {
        "title": {"type": "string"},
        "series": {"type": "string"},
        "resolution": {"type": "string"},
        "kpis": {"type": "object", "properties": _TITLE_NUMBERS},
        "timeseries": {
            "type": "array",
            "items": {
                "type": "object",
                "properties": {
                    "date": DATE,
                    "views": COUNT,
                    "unique_viewers": COUNT,
                    "minutes_watched": {"type": "number"},
                },
            },
        },
        "completion": {
            "type": "object",
            "description": (
                "Views per 10-point viewpercentage bin (100 and more in the last, 90-100); "
                "completion_rate is bin 90-100 over views with a known viewpercentage."
            ),
        },
        "devices": _VALUES,
        "markets": _VALUES,
        "next": NEXT,
        "binge": {
            "type": "object",
            "description": "With series: the show's binge numbers, as /data/binge/ counts them.",
            "properties": BINGE_NUMBERS,
        },
        "funnel": FUNNEL,
        "seasons": {
            "type": "array",
            "description": (
                "With series: seasons in order, each with its episodes ordered by season, "
                "episode number and title."
            ),
            "items": {
                "type": "object",
                "properties": {
                    "season": {"type": ["integer", "null"]},
                    "name": {"type": "string"},
                    "views": COUNT,
                    "unique_viewers": COUNT,
                    "completion_rate": RATE,
                    "episodes": {"type": "array", "items": _EPISODE},
                },
            },
        },
    },
}
TOP10 = {
    "type": "array",
    "maxItems": TOP10_SIZE,
    "items": {
        "type": "object",
        "properties": {
            "rank": {"type": "integer", "minimum": 1},
            "title": {"type": "string"},
            "hours_viewed": {"type": "number"},
            "runtime_hours": {"type": "number"},
            "views": {"type": "number"},
            "rank_last_week": {"type": ["integer", "null"]},
            "weeks_in_top10": {"type": "integer", "minimum": 1},
        },
    },
}
RETENTION = {
    "type": "array",
    "items": {
        "type": "object",
        "required": ["cohort", "size", "retained"],
        "properties": {
            "cohort": {
                **DATE,
                "description": "The first day of the period the cohort's users were first seen "
                "in (ever, or in the range: see cohort).",
            },
            "size": {**COUNT, "description": "The cohort's users (retained[0])."},
            "retained": {
                "type": "array",
                "items": COUNT,
                "description": (
                    "retained[k]: the cohort's users with a matching event in period cohort + "
                    "k; min(periods, last period - cohort + 1) entries."
                ),
            },
        },
    },
}
LIFECYCLE = {
    "type": "array",
    "items": {
        "type": "object",
        "required": ["date", *LIFECYCLE_STATES],
        "properties": {"date": DATE, **dict.fromkeys(LIFECYCLE_STATES, COUNT)},
    },
}
_NUMBER = {"type": ["number", "null"]}
_FLAG = {"type": ["string", "null"], "enum": ["above", "below", None]}


def changes() -> dict:
    """A day's (or week's) KPIs against their expected range, and the movers behind them."""
    judged = {
        "type": "object",
        "required": ["value", "expected", "low", "high", "change", "flag"],
        "properties": {
            "value": _NUMBER,
            "expected": {**_NUMBER, "description": "Median of the baseline days' values."},
            "low": _NUMBER,
            "high": _NUMBER,
            "change": {**_NUMBER, "description": "(value - expected) / expected."},
            "flag": _FLAG,
        },
    }
    mover = {
        "type": "object",
        "required": ["value", "value_today", "expected", "impact", "flag"],
        "properties": {
            "value": {"type": "string"},
            "value_today": _NUMBER,
            "expected": _NUMBER,
            "impact": {**_NUMBER, "description": "value_today - expected."},
            "flag": _FLAG,
        },
    }
    groups = (*DIMENSION_NAMES, "title")
    return {
        "type": "object",
        "required": ["day", "baseline_days", "kpis", "movers"],
        "properties": {
            "day": {"type": ["string", "null"], "format": "date"},
            "baseline_days": {"type": "array", "maxItems": 6, "items": DATE},
            "kpis": {
                "type": "object",
                "required": [m.name for m in METRICS],
                "properties": {m.name: judged for m in METRICS},
            },
            "movers": {
                "type": "object",
                "required": list(groups),
                "properties": dict.fromkeys(groups, {"type": "array", "items": mover}),
            },
        },
    }


WHEN = {
    "type": "array",
    "minItems": 168,
    "maxItems": 168,
    "items": {
        "type": "object",
        "required": ["weekday", "hour", "value"],
        "properties": {
            "weekday": {"type": "integer", "minimum": 0, "maximum": 6},
            "hour": {"type": "integer", "minimum": 0, "maximum": 23},
            "value": {"type": "number", "minimum": 0},
        },
    },
}
_MINUTES = {"type": ["number", "null"], "minimum": 0}
DISTRIBUTION = {
    "type": "object",
    "required": ["bins", "periods"],
    "properties": {
        "bins": {"type": "array", "items": {"type": "number", "minimum": 0}},
        "periods": {
            "type": "array",
            "items": {
                "type": "object",
                "required": ["date", "viewers", "p50", "p90", "p99", "mean", "histogram"],
                "properties": {
                    "date": DATE,
                    "viewers": COUNT,
                    **dict.fromkeys(("p50", "p90", "p99", "mean"), _MINUTES),
                    "histogram": {"type": "array", "items": COUNT},
                },
            },
        },
    },
}
