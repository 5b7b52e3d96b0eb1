"""The catalog: every dimension and every metric of the analysis, each declared once.

Query parsing, filters, breakdowns, the OpenAPI parameters, the page's controls and CSV column
names all read these declarations; adding a dimension or a metric is one entry here (plus, for
a metric, its aggregation kind if it is a new one) and its tests.
"""

from __future__ import annotations

import numbers
import re
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from data.events.ingest.text_decoding import decode_escapes

NONE = "(none)"  # the name of an empty or NULL dimension value, everywhere
OTHER = "(other)"  # the rest of a breakdown, after its top groups


def _as_text(value: object) -> str:
    """A stored value as text: numbers as Python prints them, bytes decoded."""
    if isinstance(value, bytes):
        return value.decode("utf-8", "replace")
    return str(value)


def plain_value(value: object) -> str:
    """A device or market value as stored, `<xx>` escapes decoded; '' and NULL are NONE."""
    if value is None or value == "":
        return NONE
    # Rows written by `sqlite3 .import` or a pipeline keep the tutorial file's escapes; read as
    # import-events stores them, both spellings name one value.
    return decode_escapes(_as_text(value))


SESSIONTYPES = ("MOVIE", "SERIES")


def sessiontype_value(value: object) -> str:
    """MOVIE or SERIES, compared case-insensitively without surrounding blanks; else NONE."""
    # No `<xx>` decoding: an escape stands for a byte above 127, which never spells either name.
    if isinstance(value, str) and value.isascii():
        normal = value.strip().upper()
        if normal in SESSIONTYPES:
            return normal
    return NONE


# A number written as text: digits with an optional sign, fraction and exponent (ASCII only;
# no '_' separators, 'nan' or 'inf', which Decimal would also read).
_NUMBER_TEXT = re.compile(r"[+-]?(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][+-]?[0-9]+)?")
_MAX_COUNT = 2**53  # whole numbers from here on are no longer exact as floats


def season_value(value: object) -> str:
    """A stored seasonnumber as the whole number it is ('1', '12'; '03', ' 2 ', '1.0' and 1.0
    read as their number); NONE when it is none: empty, NULL, not a whole number, negative,
    not finite or 2**53 and more. 0 is the season '0' (some feeds number seasons from 0)."""
    if isinstance(value, bytes):
        value = value.decode("utf-8", "replace")
    if isinstance(value, str):
        text = value.strip()
        if not _NUMBER_TEXT.fullmatch(text):
            return NONE
        value = text
    elif isinstance(value, bool) or not isinstance(value, numbers.Real):
        return NONE
    else:  # numpy's numbers too (a DataFrame's column)
        value = int(value) if isinstance(value, numbers.Integral) else float(value)
    try:
        # Exact: a float as the number it is, text as the number it writes (PostgreSQL writes
        # a float8 in its shortest form, '1e+15'), so every store names one value alike.
        number = Decimal(value)
        if number.is_finite() and 0 <= number < _MAX_COUNT and number == number.to_integral():
            return str(int(number))
    except (InvalidOperation, ValueError, OverflowError):
        pass  # an exponent past Decimal's range: not a season
    return NONE


@dataclass(frozen=True)
class Dimension:
    """A column events are filtered and broken down by."""

    name: str  # query parameter, JSON key and CSV column
    column: str  # the movies column it reads
    label: str  # what the page calls it
    value_of: Callable[[object], str]  # stored value -> its name (NONE for empty)
    # A closed set of values (unknown ones are a 400), or None: any text, unknown matches nothing.
    choices: tuple[str, ...] | None = None


DIMENSIONS: tuple[Dimension, ...] = (
    Dimension("sessiontype", "sessiontype", "Content type", sessiontype_value, SESSIONTYPES),
    Dimension("device", "device", "Device", plain_value),
    Dimension("market", "market", "Market", plain_value),
    # The season of series rows; movies and rows without one are (none).
    Dimension("season", "seasonnumber", "Season", season_value),
)
DIMENSION_NAMES = tuple(d.name for d in DIMENSIONS)
DIMENSION_BY_NAME = {d.name: d for d in DIMENSIONS}


# How a metric is aggregated; the engine (data/events/analysis/queries.py) implements each kind
# once.
DISTINCT_USERS = "distinct_users"  # distinct non-NULL userid
SUM = "sum"  # the sum of an additive measure
RATIO = "ratio"  # one additive measure over another, 4 decimals, None when the divisor is 0
PER_USER = "per_user"  # an additive measure over the distinct users, None without users
KINDS = (DISTINCT_USERS, SUM, RATIO, PER_USER)

# How a metric's numbers read; layouts/metric_looks.py draws and writes each way once.
COUNT = "count"  # whole numbers: integer ticks, thousands separators
HOURS = "hours"  # a total of minutes, shown in hours once it reaches 10 hours
MINUTES = "minutes"  # minutes with one decimal (an average)
SHARE = "share"  # a fraction from 0 to 1, shown as a percentage; changes in points
SHOWN_AS = (COUNT, HOURS, MINUTES, SHARE)
# The accent of a metric's line and KPI card (each theme has its own shade of each).
HUES = ("indigo", "teal", "amber", "pink", "green", "sky", "violet", "rose")


@dataclass(frozen=True)
class Metric:
    """A number per period (and per group of a breakdown), with how the page shows it."""

    name: str  # the /data/<name>/ route, JSON and CSV name
    label: str  # the chart's title, the KPI card's label
    unit: str  # what one is, in words (the OpenAPI and MCP descriptions)
    counts: str  # what it counts, the chart's subtitle and the KPI card's hint
    kind: str  # one of KINDS
    shown_as: str  # one of SHOWN_AS
    hue: str  # one of HUES
    measure: str | None = None  # SUM and PER_USER: the measure summed; RATIO: the numerator
    divisor: str | None = None  # RATIO: the denominator
    rank_by: str | None = None  # a breakdown ranks groups by this metric (default: itself)

    def __post_init__(self) -> None:
        # Checked at import: a metric the engine or the page could not show never starts.
        problems = [
            f"kind {self.kind!r} is not one of {KINDS}" * (self.kind not in KINDS),
            f"shown_as {self.shown_as!r} is not one of {SHOWN_AS}"
            * (self.shown_as not in SHOWN_AS),
            f"hue {self.hue!r} is not one of {HUES}" * (self.hue not in HUES),
            "needs a measure" * (self.kind != DISTINCT_USERS and self.measure not in MEASURES),
            "needs a divisor" * (self.kind == RATIO and self.divisor not in MEASURES),
            "label and counts are needed" * (not self.label or not self.counts),
        ]
        problems = [p for p in problems if p]
        if problems:
            raise ValueError(f"metric {self.name!r}: {'; '.join(problems)}")


# The additive measures kept per (day, combination of dimension values); metrics read them.
# views: events; minutes: totalminuteswatched (unknown as 0: unreadable, negative, 2**53 or
# more); completed: viewpercentage >= 90 (values over 100 count); rated: viewpercentage known
# (finite).
MEASURES = ("views", "minutes", "completed", "rated")
COMPLETE_PERCENT = 90.0

METRICS: tuple[Metric, ...] = (
    Metric(
        "unique_users", "Unique users", "users", "Distinct viewers", DISTINCT_USERS, COUNT, "indigo"
    ),
    Metric(
        "minutes_watched", "Watch time", "minutes", "Time watched", SUM, HOURS, "teal",
        measure="minutes",
    ),
    Metric("views", "Views", "views", "Viewing sessions", SUM, COUNT, "amber", measure="views"),
    Metric(
        "minutes_per_viewer", "Minutes per viewer", "minutes per unique viewer",
        "Minutes watched per viewer", PER_USER, MINUTES, "pink", measure="minutes",
        rank_by="unique_users",
    ),
    Metric(
        "completion_rate", "Completion rate", "fraction of views",
        "Measured views watched to ≥ 90 %", RATIO, SHARE, "green",
        measure="completed", divisor="rated", rank_by="views",
    ),
)  # fmt: skip
METRIC_NAMES = tuple(m.name for m in METRICS)
METRIC_BY_NAME = {m.name: m for m in METRICS}


# Limits on what a request may ask for.
MAX_FILTER_VALUES = 50
MAX_VALUE_CHARS = 100
DEFAULT_BREAKDOWN_LIMIT = 5
BREAKDOWN_LIMIT_MIN, BREAKDOWN_LIMIT_MAX = 1, 50
