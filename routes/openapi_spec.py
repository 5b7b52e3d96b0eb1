"""The hand-written OpenAPI 3.1 description of the JSON routes (/data, /guess, /healthz)."""

from __future__ import annotations

from data.events.params import DEFAULT_NUM, NUM_MAX, NUM_MIN, SESSIONTYPES
from data.events.periods import DEFAULT_RESOLUTION, RESOLUTIONS
from data.game.rules import (
    DEFAULT_LIMIT,
    DEFAULT_MAX_VALUE,
    MAX_LIMIT,
    MAX_MAX_VALUE,
    MIN_MAX_VALUE,
    NAME_MAX_CHARS,
)
from web.paths import GAME_PREFIX


def _ref(name: str) -> dict:
    return {"$ref": f"#/components/schemas/{name}"}


def _error(description: str) -> dict:
    return {"description": description, "content": {"application/json": {"schema": _ref("Error")}}}


def _json(schema: dict, description: str) -> dict:
    return {"description": description, "content": {"application/json": {"schema": schema}}}


def _body(schema: dict, example: dict) -> dict:
    return {
        "required": True,
        "content": {"application/json": {"schema": schema, "example": example}},
    }


FILTER_PARAMETERS = [
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
    {
        "name": "sessiontype",
        "in": "query",
        "description": "Only movies or only series.",
        "schema": {"type": "string", "enum": list(SESSIONTYPES)},
    },
]
RESOLUTION = {
    "name": "resolution",
    "in": "query",
    "description": "Period length: weeks start on Monday, months on the 1st.",
    "schema": {"type": "string", "enum": list(RESOLUTIONS), "default": DEFAULT_RESOLUTION},
}
MAX_VALUE_SCHEMA = {"type": "integer", "minimum": MIN_MAX_VALUE, "maximum": MAX_MAX_VALUE}
LIMIT_SCHEMA = {"type": "integer", "minimum": 1, "maximum": MAX_LIMIT, "default": DEFAULT_LIMIT}
USER_SCHEMA = {
    "type": "string",
    "minLength": 1,
    "maxLength": NAME_MAX_CHARS,
    "description": (
        "NFC-normalised and trimmed; letters of any language; at least one visible letter, "
        "digit or symbol; no invisible fillers or stacked combining marks."
    ),
}
GAME_ERRORS = {
    "400": _error("Bad input (the message says what is allowed)."),
    "413": _error("Body larger than 16 KB."),
    "415": _error("Body is not application/json."),
    "503": _error("Redis is unavailable; retry shortly (Retry-After)."),
}
RATE_LIMITED = _error(
    "Too many requests from this client (an IPv4 address or an IPv6 /64); see Retry-After."
)


def _timeseries(metric: str, summary: str) -> dict:
    return {
        "get": {
            "operationId": metric,
            "summary": summary,
            "tags": ["data"],
            "parameters": [RESOLUTION, *FILTER_PARAMETERS],
            "responses": {
                "200": _json(
                    {"type": "array", "items": _ref("TimePoint")},
                    "One entry per period in date order, zero-filled.",
                ),
                "400": _error("Bad resolution, date, range or sessiontype."),
                "429": RATE_LIMITED,
            },
        }
    }


SPEC: dict = {
    "openapi": "3.1.0",
    "info": {
        "title": "Reelboard JSON API",
        "version": "1.0.0",
        "description": (
            "Viewing analytics (/data) and the guessing game (/guess). Errors are "
            '`{"error": "..."}` with a 4xx/5xx status.'
        ),
    },
    "servers": [{"url": "/"}],
    "tags": [
        {"name": "data", "description": "Viewing analytics over the event store."},
        {"name": "game", "description": "The number-guessing game and its high scores."},
        {"name": "ops", "description": "Operations."},
    ],
    "paths": {
        "/data/unique_users/": _timeseries("unique_users", "Distinct users per period."),
        "/data/minutes_watched/": _timeseries("minutes_watched", "Minutes watched per period."),
        "/data/toplist/": {
            "get": {
                "operationId": "toplist",
                "summary": "Most viewed titles (view events), ties by title; no empty titles.",
                "tags": ["data"],
                "parameters": [
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
                    "200": _json(
                        {"type": "array", "items": _ref("TopEntry")}, "Most viewed first."
                    ),
                    "400": _error("Bad num, date, range or sessiontype."),
                    "429": RATE_LIMITED,
                },
            }
        },
        f"{GAME_PREFIX}/start": {
            "post": {
                "operationId": "start_game",
                "summary": "Start a game; the server picks the secret number.",
                "tags": ["game"],
                "requestBody": _body(
                    {
                        "type": "object",
                        "properties": {
                            "max_value": {**MAX_VALUE_SCHEMA, "default": DEFAULT_MAX_VALUE},
                            "user": USER_SCHEMA,
                        },
                    },
                    {"max_value": 25, "user": "Ann"},
                ),
                "responses": {
                    "201": _json(_ref("Game"), "The new game."),
                    **GAME_ERRORS,
                    "429": _error(
                        "Too many game starts, or too many games in play, from this client "
                        "(GAME_MAX_ACTIVE_PER_CLIENT); see Retry-After."
                    ),
                    "503": _error(
                        "Redis is unavailable, or the server holds GAME_MAX_ACTIVE games in "
                        "play; retry after Retry-After seconds."
                    ),
                },
            }
        },
        GAME_PREFIX + "/{game_id}": {
            "post": {
                "operationId": "guess",
                "summary": "Guess: 'higher' means the secret is higher than the guess.",
                "tags": ["game"],
                "parameters": [
                    {
                        "name": "game_id",
                        "in": "path",
                        "required": True,
                        "schema": {"type": "string"},
                    }
                ],
                "requestBody": _body(
                    {
                        "type": "object",
                        "required": ["guess"],
                        "properties": {"guess": {"type": "integer", "minimum": 1}},
                    },
                    {"guess": 13},
                ),
                "responses": {
                    "200": _json(_ref("GuessResult"), "The answer and the guesses counted."),
                    **GAME_ERRORS,
                    "404": _error("Unknown or expired game."),
                    "409": _error("The game is already won."),
                    "429": RATE_LIMITED,
                },
            }
        },
        f"{GAME_PREFIX}/finished": {
            "post": {
                "operationId": "finish_game",
                "summary": "Record a won game once; returns the high scores for its maximum.",
                "tags": ["game"],
                "requestBody": _body(
                    {
                        "type": "object",
                        "required": ["game_id"],
                        "properties": {
                            "game_id": {"type": "string"},
                            "user": USER_SCHEMA,
                            "limit": LIMIT_SCHEMA,
                        },
                    },
                    {"game_id": "Zx3v9kq2Lm0aBc7d", "user": "Ann"},
                ),
                "responses": {
                    "200": _json(_ref("HiscoreList"), "The high scores, fewest guesses first."),
                    **GAME_ERRORS,
                    "404": _error("Unknown or expired game."),
                    "409": _error(
                        "The game is not won yet, or was started by another player (only "
                        "the name it was started with can record it)."
                    ),
                },
            }
        },
        f"{GAME_PREFIX}/hiscore": {
            "get": {
                "operationId": "hiscores",
                "summary": "High scores for a maximum: fewest guesses first, ties by date.",
                "tags": ["game"],
                "parameters": [
                    {
                        "name": "max_value",
                        "in": "query",
                        "schema": {**MAX_VALUE_SCHEMA, "default": DEFAULT_MAX_VALUE},
                    },
                    {"name": "limit", "in": "query", "schema": LIMIT_SCHEMA},
                ],
                "responses": {
                    "200": _json(_ref("HiscoreList"), "The high scores."),
                    "400": _error("Bad max_value or limit."),
                    "503": _error("Redis is unavailable."),
                },
            },
            "post": {
                "operationId": "hiscores_post",
                "summary": "The tutorial's form of GET /guess/hiscore.",
                "tags": ["game"],
                "requestBody": _body(
                    {
                        "type": "object",
                        "properties": {
                            "max_value": {**MAX_VALUE_SCHEMA, "default": DEFAULT_MAX_VALUE},
                            "limit": LIMIT_SCHEMA,
                        },
                    },
                    {"max_value": 25},
                ),
                "responses": {
                    "200": _json(_ref("HiscoreList"), "The high scores."),
                    **GAME_ERRORS,
                },
            },
        },
        "/healthz": {
            "get": {
                "operationId": "health",
                "summary": "Event store and Redis status.",
                "tags": ["ops"],
                "responses": {
                    "200": _json(_ref("Health"), "Both are up."),
                    "503": _json(_ref("Health"), "One of them is down."),
                },
            }
        },
    },
    "components": {
        "schemas": {
            "Error": {
                "type": "object",
                "required": ["error"],
                "properties": {"error": {"type": "string"}},
            },
            "TimePoint": {
                "type": "object",
                "required": ["date", "values"],
                "properties": {
                    "date": {"type": "string", "format": "date"},
                    "values": {"type": "integer", "minimum": 0},
                },
            },
            "TopEntry": {
                "type": "object",
                "required": ["title", "values"],
                "properties": {
                    "title": {"type": "string"},
                    "values": {"type": "integer", "minimum": 1},
                },
            },
            "Game": {
                "type": "object",
                "required": ["game_id", "max_value"],
                "properties": {"game_id": {"type": "string"}, "max_value": MAX_VALUE_SCHEMA},
            },
            "GuessResult": {
                "type": "object",
                "required": ["result", "guesses"],
                "properties": {
                    "result": {"type": "string", "enum": ["higher", "lower", "correct"]},
                    "guesses": {"type": "integer", "minimum": 1},
                },
            },
            "Hiscore": {
                "type": "object",
                "required": ["user", "guesses", "date"],
                "properties": {
                    "user": {"type": "string"},
                    "guesses": {"type": "integer", "minimum": 1},
                    "date": {"type": "string", "format": "date-time"},
                },
            },
            "HiscoreList": {"type": "array", "items": _ref("Hiscore")},
            "Health": {
                "type": "object",
                "required": ["status", "checks"],
                "properties": {
                    "status": {"type": "string", "enum": ["ok", "unavailable"]},
                    "checks": {"type": "object"},
                },
            },
        }
    },
}
