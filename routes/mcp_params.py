"""The MCP tools' parameters and their descriptions, derived from the catalog and from
data/events/params.py's declarations (the /data routes and OpenAPI read the same ones)."""

from __future__ import annotations

import inspect
from typing import Any, Literal

from data.events.analysis.shows import DEFAULT_LEVEL, LEVELS
from data.events.catalog import (
    BREAKDOWN_LIMIT_MAX,
    BREAKDOWN_LIMIT_MIN,
    DEFAULT_BREAKDOWN_LIMIT,
    DIMENSION_NAMES,
    DIMENSIONS,
    MAX_FILTER_VALUES,
    MAX_VALUE_CHARS,
    METRIC_NAMES,
    METRICS,
    NONE,
    OTHER,
    SESSIONTYPES,
)
from data.events.params import (
    COHORT_DEFINITIONS,
    COHORT_RESOLUTIONS,
    COMPARES,
    DEFAULT_COHORT,
    DEFAULT_COHORT_RESOLUTION,
    DEFAULT_LIFECYCLE_RESOLUTION,
    DEFAULT_NUM,
    DEFAULT_PERIODS,
    NUM_MAX,
    NUM_MIN,
    PERIODS_MAX,
    PERIODS_MIN,
)
from data.events.periods import DEFAULT_RESOLUTION, RESOLUTIONS

Param = inspect.Parameter


def optional(name: str, annotation: Any) -> Param:
    """A keyword the tool may be given (None when it is not)."""
    return Param(name, Param.KEYWORD_ONLY, default=None, annotation=annotation | None)


def required(name: str, annotation: Any) -> Param:
    """A keyword the tool must be given."""
    return Param(name, Param.KEYWORD_ONLY, annotation=annotation)


# The parameters, derived from the catalog; Dash turns their annotations into the JSON schema.
METRIC = required("metric", Literal[METRIC_NAMES])
RESOLUTION = optional("resolution", Literal[RESOLUTIONS])
BREAKDOWN = required("breakdown", Literal[DIMENSION_NAMES])
LIMIT = optional("limit", int)
NUM = optional("num", int)
COMPARE = optional("compare", Literal[COMPARES])
LEVEL = optional("level", Literal[LEVELS])
TITLE = [optional("title", str), optional("series", str)]
WEEK = optional("week", str)
SESSIONTYPE = optional("sessiontype", Literal[SESSIONTYPES])
COHORT_RESOLUTION = optional("resolution", Literal[COHORT_RESOLUTIONS])
PERIODS = optional("periods", int)
COHORT = optional("cohort", Literal[tuple(COHORT_DEFINITIONS)])
DATES = [optional("start", str), optional("end", str)]
FILTERS = [
    *DATES,
    *(
        optional(d.name, list[Literal[(*d.choices, NONE)]] if d.choices else list[str])
        for d in DIMENSIONS
    ),
]


def _dimension_doc(dimension) -> str:
    if dimension.choices:
        values = f"{', '.join(dimension.choices)} or {NONE} (no {dimension.name})"
    else:
        values = f"values as the dimensions tool lists them; {NONE} is an empty {dimension.name}"
    return f"- {dimension.name}: {dimension.label}, a list of {values}; any of them matches."


_DATES_DOC = "- start, end: event dates as YYYY-MM-DD, both inclusive; leave out for all."
# Dash shows a tool's docstring as its description, and nothing per parameter for optional
# ones ("Input is optional."), so each docstring describes every parameter it takes.
DOCS = {
    "metric": "- metric (required): "
    + "; ".join(f"{m.name} ({m.label}, in {m.unit})" for m in METRICS)
    + ".",
    "resolution": f"- resolution: {', '.join(RESOLUTIONS)} (default {DEFAULT_RESOLUTION}); "
    "weeks start on Monday and are labelled by that Monday, months by their 1st.",
    "breakdown": "- breakdown (required): the dimension to split by, "
    f"{', '.join(DIMENSION_NAMES)}.",
    "limit": f"- limit: groups shown before {OTHER}, {BREAKDOWN_LIMIT_MIN} to "
    f"{BREAKDOWN_LIMIT_MAX} (default {DEFAULT_BREAKDOWN_LIMIT}).",
    "compare": f"- compare: {' or '.join(COMPARES)} adds the previous range's numbers: whole weeks "
    "or months of the resolution against as many just before, a range ending inside an "
    "unfinished period (week to year) against that period to date, else the days just before "
    "(as GET /data/kpis/?compare=previous).",
    "num": f"- num: how many titles, {NUM_MIN} to {NUM_MAX} (default {DEFAULT_NUM}).",
    "level": f"- level: {', '.join(LEVELS)} (default {DEFAULT_LEVEL}): SERIES rows roll up to "
    '"Show: Season N" or "Show" (the title before its first ", "); movies stay titles.',
    "title": "- title, series: exactly one of them, a title as the toplist names it or a "
    "show's name (its SERIES events).",
    "week": "- week: the week's Monday as YYYY-MM-DD (default: the data's last complete week).",
    "sessiontype": "- sessiontype: MOVIE or SERIES (both ranked together when left out).",
    "cohort_resolution": f"- resolution: {', '.join(COHORT_RESOLUTIONS)} "
    f"(default {DEFAULT_COHORT_RESOLUTION}).",
    "lifecycle_resolution": f"- resolution: {', '.join(RESOLUTIONS)} "
    f"(default {DEFAULT_LIFECYCLE_RESOLUTION}).",
    "periods": f"- periods: periods followed per cohort, {PERIODS_MIN} to {PERIODS_MAX} "
    f"(default {DEFAULT_PERIODS}).",
    "cohort": "- cohort: what a user's cohort is: "
    + "; ".join(
        f"{name}{' (default)' if name == DEFAULT_COHORT else ''}, {meaning}"
        for name, meaning in COHORT_DEFINITIONS.items()
    )
    + ".",
    "devices": "\n".join(_dimension_doc(d) for d in DIMENSIONS if d.name != "sessiontype"),
    "other": OTHER,
    "dates": _DATES_DOC,
    "filters": "\n".join(
        [
            _DATES_DOC,
            *(_dimension_doc(d) for d in DIMENSIONS),
            f"Filters on different dimensions combine with AND; at most {MAX_FILTER_VALUES} "
            f"values per dimension, {MAX_VALUE_CHARS} characters each. Leave a filter out for all.",
        ]
    ),
}

# The Top 10 takes the device and market filters only (it is per week, of every type).
DEVICES = [p for p in FILTERS if p.name not in ("start", "end", "sessiontype")]
