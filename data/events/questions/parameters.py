"""The questions' parameters, each declared once: its meaning, its JSON schema and its parsing."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

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
    InvalidParameter,
    _all_values,
    _bounded_int,
    _missing,
    parse_breakdown,
    parse_cohort,
    parse_cohort_resolution,
    parse_compare,
    parse_date,
    parse_dates,
    parse_filters,
    parse_limit,
    parse_num,
    parse_periods,
    parse_resolution,
    shown,
)
from data.events.periods import DEFAULT_RESOLUTION, RESOLUTIONS
from data.events.title_params import (
    MAX_TITLE_CHARS,
    _items,
    parse_level,
    parse_title_or_series,
    parse_top10,
)


@dataclass(frozen=True)
class Param:
    """One named input of a question: a /data query parameter and an MCP tool argument."""

    name: str
    meaning: str  # what it asks for, its values and its default: MCP and OpenAPI show this text
    schema: dict  # the JSON schema of its value (a filter: the array of its values)
    in_path: bool = False  # /data takes it from the path (/data/<metric>/), not the query

    @property
    def repeated(self) -> bool:
        """A filter: ?name= may repeat, the MCP argument is a list."""
        return self.schema.get("type") == "array"


@dataclass(frozen=True)
class Part:
    """Parameters parsed together into the computation's keywords (e.g. title or series)."""

    keys: tuple[str, ...]  # the keywords it gives the computation
    read: Callable[[Mapping], Any]  # the arguments' mapping -> one value, or a tuple of len(keys)
    params: tuple[Param, ...]
    required: str | None = None  # the message when the question needs it and it reads None

    def parse(self, args: Mapping, required: bool = True) -> dict[str, Any]:
        """The keywords this part gives, read from args (InvalidParameter when bad)."""
        value = self.read(args)
        if required and self.required and value is None:
            raise InvalidParameter(self.required)
        return dict(zip(self.keys, value if len(self.keys) > 1 else (value,), strict=True))


def one(param: Param, parse: Callable[[object], Any], required: str | None = None) -> Part:
    """The part of a single parameter parsed from its value alone."""
    return Part((param.name,), lambda args: parse(args.get(param.name)), (param,), required)


def parse_metric(value: object) -> str:
    """A catalog metric name (the /data/<metric>/ route answers 404 for any other)."""
    if isinstance(value, str) and value in METRIC_NAMES:
        return value
    raise InvalidParameter(f"metric must be one of {', '.join(METRIC_NAMES)}, got {shown(value)}")


def _enum(values, default: str | None = None) -> dict:
    schema = {"type": "string", "enum": list(values)}
    return schema if default is None else {**schema, "default": default}


def _integer(low: int, high: int, default: int) -> dict:
    return {"type": "integer", "minimum": low, "maximum": high, "default": default}


_DATE = {"type": "string", "format": "date"}

METRIC = Param(
    "metric",
    "; ".join(f"{m.name} ({m.label}, in {m.unit})" for m in METRICS) + ".",
    _enum(METRIC_NAMES),
    in_path=True,
)


def resolution(choices: tuple[str, ...] = RESOLUTIONS, default: str = DEFAULT_RESOLUTION):
    """The period length parameter with these choices and this default."""
    return Param(
        "resolution",
        f"period length, {', '.join(choices)} (default {default}): weeks start on Monday and "
        "are labelled by that Monday, months by their 1st.",
        _enum(choices, default),
    )


RESOLUTION = resolution()
_RANKED = "; ".join(f"{m.name} ranks by {m.rank_by}" for m in METRICS if m.rank_by)
BREAKDOWN = Param(
    "breakdown",
    f"the dimension to split by, {', '.join(DIMENSION_NAMES)}: one series per value, the "
    f"`limit` values with the most of the metric over the range ({_RANKED}), then `{OTHER}` "
    "for the rest, counted exactly; each entry then carries the dimension's name as a key.",
    _enum(DIMENSION_NAMES),
)
LIMIT = Param(
    "limit",
    f"groups shown before {OTHER}, {BREAKDOWN_LIMIT_MIN} to {BREAKDOWN_LIMIT_MAX} "
    f"(default {DEFAULT_BREAKDOWN_LIMIT}).",
    _integer(BREAKDOWN_LIMIT_MIN, BREAKDOWN_LIMIT_MAX, DEFAULT_BREAKDOWN_LIMIT),
)
NUM = Param(
    "num",
    f"how many titles, {NUM_MIN} to {NUM_MAX} (default {DEFAULT_NUM}).",
    _integer(NUM_MIN, NUM_MAX, DEFAULT_NUM),
)
BINGE_LIMIT_MIN, BINGE_LIMIT_MAX, DEFAULT_BINGE_LIMIT = 1, 1000, 10
BINGE_LIMIT = Param(
    "limit",
    f"shows listed, {BINGE_LIMIT_MIN} to {BINGE_LIMIT_MAX} (default {DEFAULT_BINGE_LIMIT}).",
    _integer(BINGE_LIMIT_MIN, BINGE_LIMIT_MAX, DEFAULT_BINGE_LIMIT),
)
LEVEL = Param(
    "level",
    f"{', '.join(LEVELS)} (default {DEFAULT_LEVEL}): `title` is every title; with `season` and "
    '`series` SERIES rows roll up to their season ("Game of Thrones: Season 3") or show '
    '("Game of Thrones"), the show being the title before its first ", " and the season its '
    "seasonnumber; movies and rows without a content type stay titles.",
    _enum(LEVELS, DEFAULT_LEVEL),
)
COMPARE = Param(
    "compare",
    f"{' or '.join(COMPARES)} adds `previous` (the same numbers over the previous range, with "
    "the same dimension filters) and `previous_range`, the range as the dashboard's page of "
    "that `resolution` compares it: (1) with resolution=weekly a range of whole weeks (Monday "
    "to Sunday), with resolution=monthly one of whole months (a 1st to a month's last day), "
    "the same number of weeks or months just before; (2) otherwise, when the range ends on or "
    "after the data's last day, starts on the first day of a week, month, quarter or year and "
    "ends before that period's last day (and is not whole months), the same number of days "
    "from the previous such period's first day (period to date; the smallest such period; "
    "never past its last day); (3) otherwise the same number of days just before start. A "
    "missing start or end is the data's first or last day.",
    _enum(COMPARES),
)
TITLE = Param(
    "title",
    "a title as the toplist names it (give this or series).",
    {"type": "string", "maxLength": MAX_TITLE_CHARS},
)
SERIES = Param(
    "series",
    "a show's name: its SERIES events (give this or title).",
    {"type": "string", "maxLength": MAX_TITLE_CHARS},
)
WEEK = Param(
    "week", "the week's Monday as YYYY-MM-DD (default: the data's last complete week).", _DATE
)
SESSIONTYPE = Param(
    "sessiontype",
    f"{' or '.join(SESSIONTYPES)}; both lists ranked together when left out.",
    _enum(SESSIONTYPES),
)
PERIODS = Param(
    "periods",
    f"how many periods each cohort is followed for (its own included), {PERIODS_MIN} to "
    f"{PERIODS_MAX} (default {DEFAULT_PERIODS}).",
    _integer(PERIODS_MIN, PERIODS_MAX, DEFAULT_PERIODS),
)
COHORT = Param(
    "cohort",
    "what a user's cohort is: "
    + "; ".join(
        f"{name}{' (default)' if name == DEFAULT_COHORT else ''}, {meaning}"
        for name, meaning in COHORT_DEFINITIONS.items()
    )
    + ".",
    _enum(COHORT_DEFINITIONS, DEFAULT_COHORT),
)
DATES = (
    Param("start", "first day included (YYYY-MM-DD); leave out for all.", _DATE),
    Param("end", "last day included (YYYY-MM-DD), not before start; leave out for all.", _DATE),
)


def _dimension(dimension) -> Param:
    values = {"type": "string", "maxLength": MAX_VALUE_CHARS}
    if dimension.choices:
        values["enum"] = [*dimension.choices, NONE]
        known = f"one of {', '.join(values['enum'])} (case-insensitive)"
    else:
        known = (
            "any text as the dimensions question lists it, `<xx>` byte escapes read as in the "
            "names (`<c5>L` is `ÅL`); a value no event has matches nothing"
        )
    return Param(
        dimension.name,
        f"{dimension.label}: {known}. Several values (a list; in a query, ?{dimension.name}= "
        f"repeated): any of them matches; different dimensions combine with AND. `{NONE}` "
        f"selects the empty value. At most {MAX_FILTER_VALUES} values; leave out for all.",
        {"type": "array", "maxItems": MAX_FILTER_VALUES, "items": values},
    )


DIMENSION_PARAMS = tuple(_dimension(d) for d in DIMENSIONS)

# The parts the questions are made of, in the order each question parses them.
METRIC_PART = one(METRIC, parse_metric)
BREAKDOWN_PART = one(
    BREAKDOWN, parse_breakdown, f"breakdown is required: one of {', '.join(DIMENSION_NAMES)}"
)
LIMIT_PART = one(LIMIT, parse_limit)
RESOLUTION_PART = one(RESOLUTION, parse_resolution)
LIFECYCLE_RESOLUTION_PART = one(
    resolution(default=DEFAULT_LIFECYCLE_RESOLUTION),
    lambda value: parse_resolution(value, DEFAULT_LIFECYCLE_RESOLUTION),
)
COHORT_RESOLUTION_PART = one(
    resolution(COHORT_RESOLUTIONS, DEFAULT_COHORT_RESOLUTION), parse_cohort_resolution
)
NUM_PART = one(NUM, parse_num)
BINGE_LIMIT_PART = one(
    BINGE_LIMIT,
    lambda v: _bounded_int(v, "limit", BINGE_LIMIT_MIN, BINGE_LIMIT_MAX, DEFAULT_BINGE_LIMIT),
)
LEVEL_PART = one(LEVEL, parse_level)
COMPARE_PART = one(COMPARE, parse_compare)
PERIODS_PART = one(PERIODS, parse_periods)
COHORT_PART = one(COHORT, parse_cohort)
FILTERS_PART = Part(("filters",), parse_filters, (*DATES, *DIMENSION_PARAMS))
DATES_PART = Part(("start", "end"), parse_dates, DATES)
TITLE_PART = Part(("title", "series"), parse_title_or_series, (TITLE, SERIES))
# The Top 10 is per week and of one content type: only devices and markets filter it.
TOP10_PART = Part(
    ("week", "sessiontype", "filters"),
    parse_top10,
    (WEEK, SESSIONTYPE, *(p for p in DIMENSION_PARAMS if p.name != "sessiontype")),
)

# /data/changes/: one day (or ISO week) against the same weekday of the weeks before it.
CHANGE_RESOLUTIONS = ("daily", "weekly")
EARLIEST_CHANGE_DAY = dt.date(1, 3, 1)  # its baseline weeks stay inside the calendar
DAY = Param(
    "day",
    "the day to judge, YYYY-MM-DD (weekly: any day of the week; the answer names its Monday); "
    "default: the data's last complete day (its last day with events, or the day before "
    "today when that is today), weekly the last complete week (the last Monday-to-Sunday "
    "week that ends on or before that day).",
    _DATE,
)
CHANGE_RESOLUTION = Param(
    "resolution",
    "daily (default): the day against the same weekday of the 6 weeks before; weekly: the "
    "ISO week against the 6 weeks before (users distinct in each week). monthly is refused.",
    _enum(CHANGE_RESOLUTIONS, "daily"),
)
MOVER_METRIC = Param(
    "metric",
    "the metric movers are ranked by (default unique_users): " + ", ".join(METRIC_NAMES) + ".",
    _enum(METRIC_NAMES, "unique_users"),
)
MOVER_LIMIT = Param(
    "limit",
    f"movers listed per dimension and for titles, {BREAKDOWN_LIMIT_MIN} to "
    f"{BREAKDOWN_LIMIT_MAX} (default {DEFAULT_BREAKDOWN_LIMIT}).",
    _integer(BREAKDOWN_LIMIT_MIN, BREAKDOWN_LIMIT_MAX, DEFAULT_BREAKDOWN_LIMIT),
)


def parse_changes(params: Mapping) -> tuple:
    """(day or None, resolution, metric, limit, dimension filters) of a changes request; start
    and end are refused: the question is of one day or week."""
    if any(not _missing(v) for key in ("start", "end") for v in _all_values(params, key)):
        raise InvalidParameter("changes judge one day or week: give day=YYYY-MM-DD, not start/end")
    day = params.get("day")
    day = None if _missing(day) else parse_date(day, "day")
    if day is not None and day < EARLIEST_CHANGE_DAY:
        raise InvalidParameter(f"day must be {EARLIEST_CHANGE_DAY.isoformat()} or later")
    resolution = parse_resolution(params.get("resolution"))
    if resolution not in CHANGE_RESOLUTIONS:
        raise InvalidParameter(
            "changes are per day or per ISO week: resolution must be daily or weekly; "
            f"{resolution} is not served"
        )
    metric = params.get("metric")
    metric = "unique_users" if _missing(metric) else parse_metric(metric)
    filters = parse_filters({k: v for k, v in _items(params) if k not in ("start", "end")})
    return day, resolution, metric, parse_limit(params.get("limit")), filters


CHANGES_PART = Part(
    ("day", "resolution", "metric", "limit", "filters"),
    parse_changes,
    (DAY, CHANGE_RESOLUTION, MOVER_METRIC, MOVER_LIMIT, *DIMENSION_PARAMS),
)
