"""The OpenAPI description of the /data routes, from the catalog of dimensions and metrics."""

from __future__ import annotations

from data.events.analysis.shows import DEFAULT_LEVEL, LEVELS
from data.events.catalog import (
    BREAKDOWN_LIMIT_MAX,
    BREAKDOWN_LIMIT_MIN,
    DEFAULT_BREAKDOWN_LIMIT,
    DIMENSION_NAMES,
    DIMENSIONS,
    MAX_FILTER_VALUES,
    MAX_VALUE_CHARS,
    METRICS,
    NONE,
    OTHER,
    RATIO,
)
from data.events.params import COMPARES, DEFAULT_NUM, NUM_MAX, NUM_MIN
from data.events.periods import DEFAULT_RESOLUTION, RESOLUTIONS
from routes.openapi_schemas import error, json_answer, ref

RATE_LIMITED = error(
    "Too many requests from this client (an IPv4 address or an IPv6 /64); see Retry-After."
)
DATE_PARAMETERS = [
    {
        "name": "start",
        "in": "query",
        "description": "First day included (YYYY-MM-DD).",
        "schema": {"type": "string", "format": "date"},
    },
    {
        "name": "end",
        "in": "query",
        "description": "Last day included (YYYY-MM-DD); not before start.",
        "schema": {"type": "string", "format": "date"},
    },
]


def _dimension_parameter(dimension) -> dict:
    values = {"type": "string", "maxLength": MAX_VALUE_CHARS}
    if dimension.choices:
        values["enum"] = [*dimension.choices, NONE]
        known = f"one of {', '.join(values['enum'])} (case-insensitive)"
    else:
        known = (
            "any text, `<xx>` byte escapes read as in the names (`<c5>L` is `ÅL`); "
            "a value no event has matches nothing"
        )
    return {
        "name": dimension.name,
        "in": "query",
        "description": (
            f"{dimension.label}: {known}. Repeat for several (either matches); different "
            f"dimensions combine with AND. `{NONE}` selects the empty value. At most "
            f"{MAX_FILTER_VALUES} values."
        ),
        "style": "form",
        "explode": True,
        "schema": {"type": "array", "maxItems": MAX_FILTER_VALUES, "items": values},
    }


FILTER_PARAMETERS = [*DATE_PARAMETERS, *(_dimension_parameter(d) for d in DIMENSIONS)]
RESOLUTION = {
    "name": "resolution",
    "in": "query",
    "description": "Period length: weeks start on Monday, months on the 1st.",
    "schema": {"type": "string", "enum": list(RESOLUTIONS), "default": DEFAULT_RESOLUTION},
}
BREAKDOWN = [
    {
        "name": "breakdown",
        "in": "query",
        "description": (
            "One series per value of this dimension: the `limit` values with the most of the "
            f"metric over the range (completion_rate ranks by views), then `{OTHER}` for the "
            "rest, counted exactly. Each entry then carries the dimension's name as a key."
        ),
        "schema": {"type": "string", "enum": list(DIMENSION_NAMES)},
    },
    {
        "name": "limit",
        "in": "query",
        "description": "How many groups before (other).",
        "schema": {
            "type": "integer",
            "minimum": BREAKDOWN_LIMIT_MIN,
            "maximum": BREAKDOWN_LIMIT_MAX,
            "default": DEFAULT_BREAKDOWN_LIMIT,
        },
    },
]


def _value_schema(metric) -> dict:
    if metric.kind == RATIO:
        return {"type": ["number", "null"], "minimum": 0, "maximum": 1}
    return {"type": "number", "minimum": 0}


def _timeseries(metric) -> dict:
    point = {
        "type": "object",
        "required": ["date", "values"],
        "properties": {
            "date": {"type": "string", "format": "date"},
            **{name: {"type": "string"} for name in DIMENSION_NAMES},
            "values": _value_schema(metric),
        },
    }
    return {
        "get": {
            "operationId": metric.name,
            "summary": f"{metric.label} per period ({metric.unit}).",
            "tags": ["data"],
            "parameters": [RESOLUTION, *FILTER_PARAMETERS, *BREAKDOWN],
            "responses": {
                "200": json_answer(
                    {"type": "array", "items": point},
                    "One entry per period in date order (per period and group with a "
                    "breakdown), zero-filled.",
                ),
                "400": error("Bad resolution, date, range, filter, breakdown or limit."),
                "429": RATE_LIMITED,
            },
        }
    }


LEVEL = {
    "name": "level",
    "in": "query",
    "description": (
        "`title`: every title. `season` and `series`: SERIES rows roll up to their season "
        '("Game of Thrones: Season 3") or show ("Game of Thrones"), the show being the title '
        'before its first ", " and the season its seasonnumber; movies and rows without a '
        "content type stay titles."
    ),
    "schema": {"type": "string", "enum": list(LEVELS), "default": DEFAULT_LEVEL},
}
_TOPLIST = {
    "get": {
        "operationId": "toplist",
        "summary": "Most viewed titles, seasons or shows (views), ties by name; no empty titles.",
        "tags": ["data"],
        "parameters": [
            LEVEL,
            {
                "name": "num",
                "in": "query",
                "description": "How many titles.",
                "schema": {
                    "type": "integer",
                    "minimum": NUM_MIN,
                    "maximum": NUM_MAX,
                    "default": DEFAULT_NUM,
                },
            },
            *FILTER_PARAMETERS,
        ],
        "responses": {
            "200": json_answer({"type": "array", "items": ref("TopEntry")}, "Most viewed first."),
            "400": error("Bad num, date, range or filter."),
            "429": RATE_LIMITED,
        },
    }
}
_KPI_NUMBERS = {
    "type": "object",
    "required": [
        "unique_users",
        "minutes_watched",
        "views",
        "completed_views",
        "completion_rate",
    ],
    "properties": {
        "unique_users": {"type": "integer"},
        "minutes_watched": {"type": "number"},
        "views": {"type": "integer"},
        "completed_views": {
            "type": "integer",
            "description": "Views with viewpercentage >= 90 (over 100 counts).",
        },
        "completion_rate": {
            "type": ["number", "null"],
            "description": (
                "completed_views over views whose viewpercentage is known, "
                "4 decimals; null without such views."
            ),
        },
    },
}
COMPARE = {
    "name": "compare",
    "in": "query",
    "description": (
        "`previous` adds `previous` (the same numbers over the previous range, with the same "
        "dimension filters) and `previous_range`, the range as the dashboard's page of that "
        "`resolution` compares it: (1) with resolution=weekly a range of whole weeks (Monday to "
        "Sunday), with resolution=monthly one of whole months (a 1st to a month's last day), "
        "the same number of weeks or months just before; (2) otherwise, when the range ends on "
        "or after the data's last day, starts on the first day of a week, month, quarter or "
        "year and ends before that period's last day (and is not whole months), the same "
        "number of days from the previous such period's first day (period to date; the "
        "smallest such period; never past its last day); (3) otherwise the same number of "
        "days just before start. A missing start or end is the data's first or last day."
    ),
    "schema": {"type": "string", "enum": list(COMPARES)},
}
_KPIS = {
    "get": {
        "operationId": "kpis",
        "summary": "Headline numbers of the filtered events, optionally with the previous range's.",
        "tags": ["data"],
        "parameters": [*FILTER_PARAMETERS, COMPARE, RESOLUTION],
        "responses": {
            "200": json_answer(
                {
                    **_KPI_NUMBERS,
                    "properties": {
                        **_KPI_NUMBERS["properties"],
                        "previous": {
                            **_KPI_NUMBERS,
                            "description": "With compare=previous: the previous range's numbers.",
                        },
                        "previous_range": {
                            "type": ["object", "null"],
                            "description": (
                                "With compare=previous: the range compared with (inclusive); "
                                "null when start or end is left out and the data leaves no "
                                "range (no events, or the given side lies beyond the data); "
                                "previous is then zeros."
                            ),
                            "required": ["start", "end"],
                            "properties": {
                                "start": {"type": "string", "format": "date"},
                                "end": {"type": "string", "format": "date"},
                            },
                        },
                    },
                },
                "The numbers.",
            ),
            "400": error("Bad date, range, filter or compare."),
            "429": RATE_LIMITED,
        },
    }
}
_DIMENSIONS = {
    "get": {
        "operationId": "dimensions",
        "summary": "Each dimension's values with their views over start..end, most viewed first.",
        "tags": ["data"],
        "parameters": DATE_PARAMETERS,
        "responses": {
            "200": json_answer(
                {
                    "type": "object",
                    "properties": {
                        name: {
                            "type": "array",
                            "items": {
                                "type": "object",
                                "required": ["value", "views"],
                                "properties": {
                                    "value": {"type": "string"},
                                    "views": {"type": "integer"},
                                },
                            },
                        }
                        for name in DIMENSION_NAMES
                    },
                },
                f"Values with at least one view; the empty value is `{NONE}`.",
            ),
            "400": error("Bad date or range."),
            "429": RATE_LIMITED,
        },
    }
}

DATA_PATHS: dict = {
    **{f"/data/{metric.name}/": _timeseries(metric) for metric in METRICS},
    "/data/toplist/": _TOPLIST,
    "/data/kpis/": _KPIS,
    "/data/dimensions/": _DIMENSIONS,
}
