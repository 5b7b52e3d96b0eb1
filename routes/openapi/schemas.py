"""The OpenAPI description's building blocks: helpers and the component schemas."""

from __future__ import annotations

from data.game.rules import MAX_MAX_VALUE, MIN_MAX_VALUE, NAME_MAX_CHARS


def ref(name: str) -> dict:
    return {"$ref": f"#/components/schemas/{name}"}


def error(description: str) -> dict:
    return {"description": description, "content": {"application/json": {"schema": ref("Error")}}}


def json_answer(schema: dict, description: str) -> dict:
    return {"description": description, "content": {"application/json": {"schema": schema}}}


def body(schema: dict, example: dict) -> dict:
    return {
        "required": True,
        "content": {"application/json": {"schema": schema, "example": example}},
    }


USER_SCHEMA = {
    "type": "string",
    "minLength": 1,
    "maxLength": NAME_MAX_CHARS,
    "description": (
        "NFC-normalised and trimmed; letters of any language; at least one visible letter, "
        "digit or symbol; no invisible fillers or stacked combining marks."
    ),
}
MAX_VALUE_SCHEMA = {"type": "integer", "minimum": MIN_MAX_VALUE, "maximum": MAX_MAX_VALUE}
_RANK = {"type": ["integer", "null"], "minimum": 1, "description": "null: not ranked yet"}
_PLACE = {
    "type": ["object", "null"],
    "required": ["rank", "of"],
    "properties": {"rank": {"type": "integer"}, "of": {"type": "integer"}},
}
_BY_PERIOD = {
    "type": "object",
    "properties": {"all": _PLACE, "week": _PLACE, "day": _PLACE},
}

SCHEMAS: dict = {
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
        "properties": {
            "game_id": {"type": "string"},
            "max_value": MAX_VALUE_SCHEMA,
            "par": {"type": "integer"},
            "player_key": {
                "type": "string",
                "description": "This client's player key, when it did not come in the cookie: "
                "send it back as X-Reelboard-Player to keep playing under your names.",
            },
        },
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
    "HiscoreList": {"type": "array", "items": ref("Hiscore")},
    "Finished": {
        "type": "object",
        "required": ["hiscores", "placement"],
        "properties": {"hiscores": ref("HiscoreList"), "placement": ref("Placement")},
    },
    "Placement": {
        "type": "object",
        "required": ["game", "best", "players", "average", "personal_best"],
        "properties": {
            "game": {
                "type": "object",
                "description": "score = par - guesses (0 is par, higher is better)",
                "properties": {
                    "guesses": {"type": "integer"},
                    "par": {"type": "integer"},
                    "score": {"type": "integer"},
                },
            },
            "best": _BY_PERIOD,
            "players": _BY_PERIOD,
            "average": {"type": "object"},
            "personal_best": {"type": ["object", "null"]},
        },
    },
    "Health": {
        "type": "object",
        "required": ["status", "checks"],
        "properties": {
            "status": {"type": "string", "enum": ["ok", "unavailable"]},
            "checks": {
                "type": "object",
                "properties": {
                    "events": {
                        "type": "object",
                        "required": ["ok"],
                        "properties": {
                            "ok": {"type": "boolean"},
                            "left_out_rows": {
                                "type": "integer",
                                "minimum": 0,
                                "description": "Events dated outside EVENTS_EARLIEST_DATE .. "
                                "EVENTS_FUTURE_TOLERANCE_DAYS after today, which no answer "
                                "counts (present once a version of the events is loaded).",
                            },
                        },
                    },
                },
            },
        },
    },
}
