"""The OpenAPI description of the cohort routes: /data/retention/ and /data/lifecycle/."""

from __future__ import annotations

from data.events.analysis.cohorts import LIFECYCLE_STATES
from data.events.params import (
    COHORT_DEFINITIONS,
    COHORT_RESOLUTIONS,
    DEFAULT_COHORT,
    DEFAULT_COHORT_RESOLUTION,
    DEFAULT_LIFECYCLE_RESOLUTION,
    DEFAULT_PERIODS,
    PERIODS_MAX,
    PERIODS_MIN,
)
from routes.openapi_data import FILTER_PARAMETERS, RATE_LIMITED, RESOLUTION
from routes.openapi_schemas import error, json_answer

_COUNT = {"type": "integer", "minimum": 0}
_COHORT = {
    "type": "object",
    "required": ["cohort", "size", "retained"],
    "properties": {
        "cohort": {
            "type": "string",
            "format": "date",
            "description": "The first day of the period the cohort's users were first seen in "
            "(ever, or in the range: see cohort).",
        },
        "size": {**_COUNT, "description": "The cohort's users (retained[0])."},
        "retained": {
            "type": "array",
            "items": _COUNT,
            "description": (
                "retained[k]: the cohort's users with a matching event in period cohort + k; "
                "min(periods, last period - cohort + 1) entries."
            ),
        },
    },
}
_RETENTION = {
    "get": {
        "operationId": "retention",
        "summary": "Users by the period of their first matching event, and who came back.",
        "description": (
            "A user's cohort is the period of their first matching event (one that passes the "
            "dimension filters): ever, by default, so that a user first seen before start is "
            "in no cohort, or in start..end with cohort=in_range. retained[k] counts the "
            "cohort's matching events in start..end only: a period cut by start or end counts "
            "only its days inside. The last period is that of end (never past the data's last "
            "day), or of the last matching event when end is left out. Users are distinct "
            "non-empty userid values."
        ),
        "tags": ["data"],
        "parameters": [
            {
                "name": "resolution",
                "in": "query",
                "description": "Period length: weeks start on Monday, months on the 1st.",
                "schema": {
                    "type": "string",
                    "enum": list(COHORT_RESOLUTIONS),
                    "default": DEFAULT_COHORT_RESOLUTION,
                },
            },
            {
                "name": "periods",
                "in": "query",
                "description": "How many periods each cohort is followed for (its own included).",
                "schema": {
                    "type": "integer",
                    "minimum": PERIODS_MIN,
                    "maximum": PERIODS_MAX,
                    "default": DEFAULT_PERIODS,
                },
            },
            {
                "name": "cohort",
                "in": "query",
                "description": "What a user's cohort is: "
                + "; ".join(f"{name}, {meaning}" for name, meaning in COHORT_DEFINITIONS.items())
                + ".",
                "schema": {
                    "type": "string",
                    "enum": list(COHORT_DEFINITIONS),
                    "default": DEFAULT_COHORT,
                },
            },
            *FILTER_PARAMETERS,
        ],
        "responses": {
            "200": json_answer(
                {"type": "array", "items": _COHORT},
                "One entry per cohort with at least one user, oldest first.",
            ),
            "400": error("Bad resolution, periods, cohort, date, range or filter."),
            "429": RATE_LIMITED,
        },
    }
}
_LIFECYCLE = {
    "get": {
        "operationId": "lifecycle",
        "summary": "New, returning, resurrecting and dormant users per period.",
        "description": (
            "new: first matching event ever in the period (history before start counts); "
            "returning: active in the period and the one before; resurrecting: active in it, "
            "not in the one before, but earlier; dormant: active in the one before, not in it. "
            "Active means a matching event on a day of the period up to the range's end."
        ),
        "tags": ["data"],
        "parameters": [
            {
                **RESOLUTION,
                "schema": {**RESOLUTION["schema"], "default": DEFAULT_LIFECYCLE_RESOLUTION},
            },
            *FILTER_PARAMETERS,
        ],
        "responses": {
            "200": json_answer(
                {
                    "type": "array",
                    "items": {
                        "type": "object",
                        "required": ["date", *LIFECYCLE_STATES],
                        "properties": {
                            "date": {"type": "string", "format": "date"},
                            **{name: _COUNT for name in LIFECYCLE_STATES},
                        },
                    },
                },
                "One entry per period in date order, zero-filled as the time series are.",
            ),
            "400": error("Bad resolution, date, range or filter."),
            "429": RATE_LIMITED,
        },
    }
}

COHORT_PATHS: dict = {"/data/retention/": _RETENTION, "/data/lifecycle/": _LIFECYCLE}
