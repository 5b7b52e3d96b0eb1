"""The OpenAPI description of the title insights: a title's or a show's page and the Top 10."""

from __future__ import annotations

from data.events.analysis.top10 import TOP10_SIZE
from data.events.catalog import DIMENSIONS
from data.events.periods import DEFAULT_RESOLUTION, RESOLUTIONS
from data.events.title_params import MAX_TITLE_CHARS
from routes.openapi_data import FILTER_PARAMETERS, RATE_LIMITED, _dimension_parameter
from routes.openapi_schemas import error, json_answer

_COUNT = {"type": "integer", "minimum": 0}
_RATE = {"type": ["number", "null"], "minimum": 0, "maximum": 1}
_NUMBERS = {
    "views": _COUNT,
    "unique_viewers": _COUNT,
    "minutes_watched": {"type": "number"},
    "completed_views": _COUNT,
    "completion_rate": _RATE,
}
_VALUES = {
    "type": "array",
    "items": {
        "type": "object",
        "required": ["value", "views"],
        "properties": {"value": {"type": "string"}, "views": _COUNT},
    },
}
_EPISODE = {
    "type": "object",
    "properties": {
        "season": {"type": ["integer", "null"]},
        "episode": {"type": ["integer", "null"]},
        "title": {"type": "string"},
        "views": _COUNT,
        "unique_viewers": _COUNT,
        "completion_rate": _RATE,
        "next_viewers": {
            "type": ["integer", "null"],
            "description": "Viewers of the next episode (in show order) who watched this one.",
        },
        "continued": {
            **_RATE,
            "description": (
                "next_viewers over this episode's viewers (4 decimals): the share who went on "
                "to the next episode; null for the last episode or one without viewers."
            ),
        },
        "drop_off": {
            **_RATE,
            "description": (
                "1 - continued (4 decimals): the share of this episode's viewers who did not "
                "watch the next one; null where continued is."
            ),
        },
    },
}
_TITLE = {
    "get": {
        "operationId": "title",
        "summary": "One title's or one show's numbers over the filtered events.",
        "tags": ["data"],
        "parameters": [
            {
                "name": "title",
                "in": "query",
                "description": "A title as the toplist names it (give this or series).",
                "schema": {"type": "string", "maxLength": MAX_TITLE_CHARS},
            },
            {
                "name": "series",
                "in": "query",
                "description": "A show's name: its SERIES rows (give this or title).",
                "schema": {"type": "string", "maxLength": MAX_TITLE_CHARS},
            },
            {
                "name": "resolution",
                "in": "query",
                "description": "Period length of the timeseries part.",
                "schema": {
                    "type": "string",
                    "enum": list(RESOLUTIONS),
                    "default": DEFAULT_RESOLUTION,
                },
            },
            *FILTER_PARAMETERS,
        ],
        "responses": {
            "200": json_answer(
                {
                    "type": "object",
                    "properties": {
                        "title": {"type": "string"},
                        "series": {"type": "string"},
                        "resolution": {"type": "string"},
                        "kpis": {"type": "object", "properties": _NUMBERS},
                        "timeseries": {
                            "type": "array",
                            "items": {
                                "type": "object",
                                "properties": {
                                    "date": {"type": "string", "format": "date"},
                                    "views": _COUNT,
                                    "unique_viewers": _COUNT,
                                    "minutes_watched": {"type": "number"},
                                },
                            },
                        },
                        "completion": {
                            "type": "object",
                            "description": (
                                "Views per 10-point viewpercentage bin (100 and more in the "
                                "last, 90-100); completion_rate is bin 90-100 over views with "
                                "a known viewpercentage."
                            ),
                        },
                        "devices": _VALUES,
                        "markets": _VALUES,
                        "seasons": {
                            "type": "array",
                            "description": (
                                "With series: seasons in order, each with its episodes ordered "
                                "by season, episode number and title."
                            ),
                            "items": {
                                "type": "object",
                                "properties": {
                                    "season": {"type": ["integer", "null"]},
                                    "name": {"type": "string"},
                                    "views": _COUNT,
                                    "unique_viewers": _COUNT,
                                    "completion_rate": _RATE,
                                    "episodes": {"type": "array", "items": _EPISODE},
                                },
                            },
                        },
                    },
                },
                "The title's numbers (zeros when the filters leave none of its events).",
            ),
            "400": error("Neither or both of title and series, or a bad parameter."),
            "404": error("No event has the title (or no SERIES event the show)."),
            "429": RATE_LIMITED,
        },
    }
}
_TOP10 = {
    "get": {
        "operationId": "top10",
        "summary": f"The weekly Top {TOP10_SIZE} as Netflix publishes it, ranked by views.",
        "description": (
            "A movie is one entry, a season of a series one entry. hours_viewed = minutes "
            "watched that week / 60; runtime_hours = a movie's runningtime, or the sum of the "
            "runningtime of a season's distinct episodes (each its most frequent value; "
            "episodes without one are skipped); views = hours_viewed / runtime_hours. Ties by "
            "hours_viewed, then title. Entries without a known runtime are left out."
        ),
        "tags": ["data"],
        "parameters": [
            {
                "name": "week",
                "in": "query",
                "description": "The week's Monday; default the last complete week of the data.",
                "schema": {"type": "string", "format": "date"},
            },
            {
                "name": "sessiontype",
                "in": "query",
                "description": "MOVIE or SERIES; both lists ranked together when left out.",
                "schema": {"type": "string", "enum": ["MOVIE", "SERIES"]},
            },
            *(_dimension_parameter(d) for d in DIMENSIONS if d.name != "sessiontype"),
        ],
        "responses": {
            "200": json_answer(
                {
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
                },
                "Up to ten entries, numbers rounded to 2 decimals; [] for a week without data.",
            ),
            "400": error("A week that is not a Monday, start/end, or a bad filter."),
            "429": RATE_LIMITED,
        },
    }
}
TITLE_PATHS: dict = {"/data/title/": _TITLE, "/data/top10/": _TOP10}
