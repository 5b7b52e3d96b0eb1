"""The OpenAPI 3.1 description of the JSON routes: /data from the table of questions, /guess
and /healthz written here."""

from __future__ import annotations

from data.game.board_periods import DEFAULT_PERIOD, PERIODS
from data.game.boards import BOARDS, DEFAULT_BOARD
from data.game.rules import (
    DEFAULT_LIMIT,
    DEFAULT_MAX_VALUE,
    MAX_LIMIT,
)
from routes.openapi.alert_paths import ALERT_PATHS
from routes.openapi.annotation_paths import ANNOTATION_PATHS, ANNOTATION_SCHEMAS
from routes.openapi.data_paths import DATA_PATHS, RATE_LIMITED
from routes.openapi.schemas import (
    MAX_VALUE_SCHEMA,
    SCHEMAS,
    USER_SCHEMA,
    body,
    error,
    json_answer,
    ref,
)
from web.paths import GAME_PREFIX

BOARD_PARAMETERS = [
    {
        "name": "board",
        "in": "query",
        "schema": {"type": "string", "enum": list(BOARDS), "default": DEFAULT_BOARD},
    },
    {
        "name": "period",
        "in": "query",
        "schema": {"type": "string", "enum": list(PERIODS), "default": DEFAULT_PERIOD},
    },
    {
        "name": "unique",
        "in": "query",
        "description": "1: each player's best game only (best board).",
        "schema": {"type": "string", "enum": ["0", "1"], "default": "0"},
    },
    {
        "name": "user",
        "in": "query",
        "description": "Mark this player's entries; their own row follows the list if not in it.",
        "schema": USER_SCHEMA,
    },
]
LIMIT_SCHEMA = {"type": "integer", "minimum": 1, "maximum": MAX_LIMIT, "default": DEFAULT_LIMIT}
GAME_ERRORS = {
    "400": error("Bad input (the message says what is allowed)."),
    "413": error("Body larger than 16 KB."),
    "415": error("Body is not application/json."),
    "503": error("Redis is unavailable; retry shortly (Retry-After)."),
}
PLAYER_KEY_HEADER = {
    "name": "X-Reelboard-Player",
    "in": "header",
    "required": False,
    "description": "The player_key of an earlier start answer (browsers send the cookie).",
    "schema": {"type": "string"},
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
        **DATA_PATHS,
        **ALERT_PATHS,
        **ANNOTATION_PATHS,
        f"{GAME_PREFIX}/start": {
            "post": {
                "operationId": "start_game",
                "summary": "Start a game; the server picks the secret number.",
                "description": (
                    "A name belongs to the player that first played under it: the signed-in "
                    "account, else the player key (the reelboard_player cookie, or the "
                    "X-Reelboard-Player header a script sends back from player_key)."
                ),
                "tags": ["game"],
                "parameters": [PLAYER_KEY_HEADER],
                "requestBody": body(
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
                    "201": json_answer(ref("Game"), "The new game."),
                    **GAME_ERRORS,
                    "403": error("The name belongs to another player."),
                    "429": error(
                        "Too many game starts, or too many games in play, from this client "
                        "(GAME_MAX_ACTIVE_PER_CLIENT); see Retry-After."
                    ),
                    "503": error(
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
                "requestBody": body(
                    {
                        "type": "object",
                        "required": ["guess"],
                        "properties": {"guess": {"type": "integer", "minimum": 1}},
                    },
                    {"guess": 13},
                ),
                "responses": {
                    "200": json_answer(ref("GuessResult"), "The answer and the guesses counted."),
                    **GAME_ERRORS,
                    "404": error("Unknown or expired game."),
                    "409": error("The game is already won."),
                    "429": RATE_LIMITED,
                },
            }
        },
        f"{GAME_PREFIX}/finished": {
            "post": {
                "operationId": "finish_game",
                "summary": "Record a won game once; returns the high scores for its maximum.",
                "tags": ["game"],
                "requestBody": body(
                    {
                        "type": "object",
                        "required": ["game_id"],
                        "properties": {
                            "game_id": {"type": "string"},
                            "user": USER_SCHEMA,
                            "limit": LIMIT_SCHEMA,
                            "placement": {
                                "type": "boolean",
                                "description": "Answer {hiscores, placement} instead of the list.",
                            },
                        },
                    },
                    {"game_id": "Zx3v9kq2Lm0aBc7d", "user": "Ann"},
                ),
                "responses": {
                    "200": json_answer(
                        {"oneOf": [ref("HiscoreList"), ref("Finished")]},
                        "The best games, fewest guesses first (with placement: also where "
                        "this game landed on every board and period).",
                    ),
                    **GAME_ERRORS,
                    "404": error("Unknown or expired game."),
                    "403": error("The name belongs to another player."),
                    "409": error(
                        "The game is not won yet, was started by another player (only the "
                        "name it was started with can record it), or was started without a "
                        "name (it stays anonymous and is not recorded)."
                    ),
                },
            }
        },
        f"{GAME_PREFIX}/hiscore": {
            "get": {
                "operationId": "hiscores",
                "summary": (
                    "A board for a maximum: best games (fewest guesses, ties by date) or "
                    "players (average of their last 10 games, at least 5; an abandoned game "
                    "counts as par + 1), all time, this ISO week or today (UTC)."
                ),
                "tags": ["game"],
                "parameters": [
                    {
                        "name": "max_value",
                        "in": "query",
                        "schema": {**MAX_VALUE_SCHEMA, "default": DEFAULT_MAX_VALUE},
                    },
                    {"name": "limit", "in": "query", "schema": LIMIT_SCHEMA},
                    *BOARD_PARAMETERS,
                ],
                "responses": {
                    "200": json_answer(ref("HiscoreList"), "The board's entries, best first."),
                    "400": error("Bad max_value, limit, board, period, unique or user."),
                    "503": error("Redis is unavailable."),
                },
            },
            "post": {
                "operationId": "hiscores_post",
                "summary": "The tutorial's form of GET /guess/hiscore.",
                "tags": ["game"],
                "requestBody": body(
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
                    "200": json_answer(ref("HiscoreList"), "The high scores."),
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
                    "200": json_answer(ref("Health"), "Both are up."),
                    "503": json_answer(ref("Health"), "One of them is down."),
                },
            }
        },
    },
    "components": {"schemas": {**SCHEMAS, **ANNOTATION_SCHEMAS}},
}
