"""Parse and validate the analysis parameters shared by the /data routes and the dashboard."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from dataclasses import dataclass

from data.client_text import clipped
from data.events.catalog import (
    BREAKDOWN_LIMIT_MAX,
    BREAKDOWN_LIMIT_MIN,
    DEFAULT_BREAKDOWN_LIMIT,
    DIMENSION_BY_NAME,
    DIMENSION_NAMES,
    DIMENSIONS,
    MAX_FILTER_VALUES,
    MAX_VALUE_CHARS,
    NONE,
    SESSIONTYPES,
)
from data.events.ingest.text_decoding import decode_escapes
from data.events.periods import DEFAULT_RESOLUTION, RESOLUTIONS

DEFAULT_NUM = 10
COMPARES = ("previous",)  # what ?compare= may ask for (data/events/analysis/comparison.py)
NUM_MIN, NUM_MAX = 1, 1000
COHORT_RESOLUTIONS = ("weekly", "monthly")  # what retention groups users by (data/events/cohorts)
DEFAULT_COHORT_RESOLUTION = "weekly"
DEFAULT_LIFECYCLE_RESOLUTION = "weekly"
DEFAULT_PERIODS = 8
PERIODS_MIN, PERIODS_MAX = 1, 52
# How retention puts a user in a cohort (?cohort=, data/events/analysis/cohorts.py), with what each
# means: the routes, OpenAPI, the MCP tool and the page all read them from here.
COHORT_DEFINITIONS = {
    "first_ever": "the period of the user's first matching event ever (history before start "
    "counts: a user first seen before start is in no cohort)",
    "in_range": "the period of the user's first matching event in start..end (one seen "
    "before start is in the cohort of their first period in the range)",
}
DEFAULT_COHORT = "first_ever"

_DATE_RE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_INT_RE = re.compile(r"[0-9]{1,12}")
_SHOWN = 40  # characters of a bad value echoed back: enough to recognise it, never a flood


class InvalidParameter(ValueError):
    """A request parameter is malformed or out of range; the message says what is allowed."""


@dataclass(frozen=True)
class Filters:
    """Which events an analysis covers: event dates start..end (inclusive), and for each
    filtered dimension the values it may have (any of them; dimensions combine with AND)."""

    start: dt.date | None = None
    end: dt.date | None = None
    where: tuple[tuple[str, frozenset[str]], ...] = ()  # (dimension, values), catalog order

    @classmethod
    def of(cls, start=None, end=None, **values) -> Filters:
        """Filters from dimension keywords, each a value or an iterable of values (None: all)."""
        where = []
        for dimension in DIMENSION_NAMES:
            chosen = values.pop(dimension, None)
            if chosen is not None:
                chosen = frozenset([chosen] if isinstance(chosen, str) else chosen)
                where.append((dimension, chosen))
        if values:
            raise TypeError(f"unknown dimensions: {', '.join(values)}")
        return cls(start, end, tuple(where))

    def values(self, dimension: str) -> frozenset[str] | None:
        """The values a dimension is filtered to, or None when it is not filtered."""
        return dict(self.where).get(dimension)

    @property
    def sessiontype(self) -> str | None:
        """The one session type filtered to, or None (the dashboard's single choice)."""
        chosen = self.values("sessiontype")
        return next(iter(chosen)) if chosen and len(chosen) == 1 else None


def shown(value: object) -> str:
    """A short, safe rendering of a rejected value for an error message (client_text.clipped)."""
    return clipped(value, _SHOWN)


def _missing(value: object) -> bool:
    """None and the empty string both mean "not given" (an empty form field)."""
    return value is None or value == ""


def _choice(value: object, choices: tuple[str, ...], normal: str, name: str, default: str) -> str:
    """value, case-insensitive, if it is one of choices (written in `normal` case: lower/upper)."""
    # ASCII only: str.upper() would fold 'movıe' (dotless i) and 'ſeries' (long s) into names.
    if isinstance(value, str) and value.isascii() and getattr(value, normal)() in choices:
        return getattr(value, normal)()
    raise InvalidParameter(
        f"{name} must be one of {', '.join(choices)} ({default}), got {shown(value)}"
    )


def parse_resolution(value: object, default: str = DEFAULT_RESOLUTION) -> str:
    """'daily', 'weekly' or 'monthly', case-insensitive; missing: `default` (daily)."""
    if _missing(value):
        return default
    return _choice(value, RESOLUTIONS, "lower", "resolution", f"default {default}")


def parse_cohort_resolution(value: object) -> str:
    """Retention's period: 'weekly' (default) or 'monthly', case-insensitive."""
    if _missing(value):
        return DEFAULT_COHORT_RESOLUTION
    return _choice(
        value, COHORT_RESOLUTIONS, "lower", "resolution", f"default {DEFAULT_COHORT_RESOLUTION}"
    )


def parse_cohort(value: object) -> str:
    """Retention's cohort definition: 'first_ever' (default) or 'in_range', case-insensitive."""
    if _missing(value):
        return DEFAULT_COHORT
    return _choice(value, tuple(COHORT_DEFINITIONS), "lower", "cohort", f"default {DEFAULT_COHORT}")


def parse_periods(value: object) -> int:
    """How many periods retention follows each cohort: an integer from 1 to 52 (default 8)."""
    return _bounded_int(value, "periods", PERIODS_MIN, PERIODS_MAX, DEFAULT_PERIODS)


def parse_num(value: object) -> int:
    """Toplist length: an integer from 1 to 1000 (default 10)."""
    message = f"num must be an integer from {NUM_MIN} to {NUM_MAX} (default {DEFAULT_NUM})"
    if _missing(value):
        return DEFAULT_NUM
    if isinstance(value, bool):
        raise InvalidParameter(f"{message}, got {shown(value)}")
    if isinstance(value, int):
        number = value
    elif isinstance(value, str) and _INT_RE.fullmatch(value):
        # ASCII digits only: int() would also take '+5', ' 5', '1_0' and other scripts' digits.
        number = int(value)
    else:
        raise InvalidParameter(f"{message}, got {shown(value)}")
    if not NUM_MIN <= number <= NUM_MAX:
        raise InvalidParameter(f"{message}, got {shown(number)}")
    return number


def parse_date(value: object, name: str = "date") -> dt.date:
    """A real calendar date written exactly as YYYY-MM-DD (a date object passes through)."""
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str) and _DATE_RE.fullmatch(value):
        try:
            return dt.date.fromisoformat(value)
        except ValueError:
            raise InvalidParameter(
                f"{name} must be a real calendar date as YYYY-MM-DD, got {shown(value)}"
            ) from None
    raise InvalidParameter(f"{name} must be a date as YYYY-MM-DD, got {shown(value)}")


def parse_sessiontype(value: object) -> str | None:
    """'MOVIE' or 'SERIES' (case-insensitive); None or '' means all session types."""
    if _missing(value):
        return None
    return _choice(value, SESSIONTYPES, "upper", "sessiontype", "or left out for all")


def _dimension_value(dimension: str, value: object) -> str:
    """One filter value of a dimension, checked: a closed set's member, or short text."""
    if not isinstance(value, str):
        raise InvalidParameter(f"{dimension} must be text, got {shown(value)}")
    if not value.isascii():
        try:
            value.encode("utf-8")
        except UnicodeEncodeError:  # a lone surrogate: JSON can carry it, text cannot
            raise InvalidParameter(f"a {dimension} value must be valid Unicode text") from None
    if len(value) > MAX_VALUE_CHARS:
        raise InvalidParameter(
            f"a {dimension} value may have at most {MAX_VALUE_CHARS} characters, got {len(value)}"
        )
    choices = DIMENSION_BY_NAME[dimension].choices
    if choices is None:
        # Names are decoded (catalog.plain_value), so an escaped spelling ("p<e5>", as a
        # tutorial database shows it) asks for the same value as "på".
        return decode_escapes(value)
    if value.lower() == NONE:
        return NONE
    return _choice(value, (*choices, NONE), "upper", dimension, "repeatable, or left out for all")


def _all_values(params: Mapping, name: str) -> list:
    """Every value of a query parameter: a MultiDict's list, or a plain mapping's one value."""
    if hasattr(params, "getlist"):
        return params.getlist(name)
    value = params.get(name)
    if value is None:
        return []
    return list(value) if isinstance(value, list | tuple | set | frozenset) else [value]


def parse_dates(params: Mapping) -> tuple[dt.date | None, dt.date | None]:
    """(start, end) from a mapping, each optional, start not after end."""
    start, end = params.get("start"), params.get("end")
    start = None if _missing(start) else parse_date(start, "start")
    end = None if _missing(end) else parse_date(end, "end")
    check_order(start, end)
    return start, end


def parse_filters(params: Mapping) -> Filters:
    """Filters from start, end and each dimension's (repeatable) values in a mapping."""
    start, end = parse_dates(params)
    where = []
    for dimension in DIMENSIONS:
        given = [v for v in _all_values(params, dimension.name) if not _missing(v)]
        if len(given) > MAX_FILTER_VALUES:
            raise InvalidParameter(
                f"at most {MAX_FILTER_VALUES} {dimension.name} values may be given, "
                f"got {len(given)}"
            )
        if given:
            values = frozenset(_dimension_value(dimension.name, v) for v in given)
            where.append((dimension.name, values))
    return Filters(start=start, end=end, where=tuple(where))


def parse_breakdown(value: object) -> str | None:
    """A dimension to break a series down by, or None (not given)."""
    if _missing(value):
        return None
    if isinstance(value, str) and value in DIMENSION_BY_NAME:
        return value
    raise InvalidParameter(
        f"breakdown must be one of {', '.join(DIMENSION_NAMES)} (or left out), got {shown(value)}"
    )


def parse_limit(value: object) -> int:
    """How many groups a breakdown shows before (other): 1 to 50 (default 5), text or an int."""
    return _bounded_int(
        value, "limit", BREAKDOWN_LIMIT_MIN, BREAKDOWN_LIMIT_MAX, DEFAULT_BREAKDOWN_LIMIT
    )


def _bounded_int(value: object, name: str, low: int, high: int, default: int) -> int:
    """An integer from low to high given as ASCII digits or an int (default when missing)."""
    message = f"{name} must be an integer from {low} to {high} (default {default})"
    if _missing(value):
        return default
    # An int as parse_num takes one (JSON callers, such as the MCP tools); True is no number.
    if isinstance(value, int) and not isinstance(value, bool):
        number = value
    elif isinstance(value, str) and _INT_RE.fullmatch(value):
        number = int(value)
    else:
        number = None
    if number is not None and low <= number <= high:
        return number
    raise InvalidParameter(f"{message}, got {shown(value)}")


def parse_compare(value: object) -> str | None:
    """'previous' (case-insensitive): compare with the previous range; None when not given."""
    if _missing(value):
        return None
    if isinstance(value, str) and value.isascii() and value.lower() in COMPARES:
        return value.lower()
    raise InvalidParameter(
        f"compare must be {' or '.join(COMPARES)} (or left out), got {shown(value)}"
    )


def check_order(start: dt.date | None, end: dt.date | None) -> None:
    """Raise InvalidParameter when both dates are given and start is after end."""
    if start and end and start > end:
        raise InvalidParameter(
            f"start ({start.isoformat()}) must not be after end ({end.isoformat()})"
        )
