"""The OpenAPI description of /data/annotations/: list, add, edit and delete annotations."""

from __future__ import annotations

from data.events.annotations import MAX_TEXT_CHARS
from data.events.catalog import DIMENSION_NAMES
from routes.openapi.data_paths import RATE_LIMITED
from routes.openapi.schemas import body, error, json_answer

_DAY = {"type": "string", "format": "date", "pattern": r"^\d{4}-\d{2}-\d{2}$"}
_FILTERS = {
    "type": "object",
    "description": "The catalog dimensions it concerns, each with its values; {}: all the data.",
    "properties": {
        name: {"type": "array", "items": {"type": "string"}} for name in DIMENSION_NAMES
    },
    "additionalProperties": False,
}
ANNOTATION_SCHEMAS = {
    "Annotation": {
        "type": "object",
        "required": ["id", "start", "end", "text", "filters", "author", "created", "updated"],
        "properties": {
            "id": {
                "type": ["integer", "string"],
                "description": "A number; an automatic one's is a string (auto-...).",
            },
            "start": _DAY,
            "end": _DAY,
            "text": {"type": "string", "description": "As written: never markup."},
            "filters": _FILTERS,
            "author": {"type": ["string", "null"]},
            "created": {"type": ["string", "null"], "description": "YYYY-MM-DD HH:MM:SS UTC"},
            "updated": {"type": ["string", "null"]},
            "automatic": {"type": "boolean"},
            "editable": {"type": "boolean", "description": "May the asker edit or delete it?"},
            "kind": {"type": "string", "enum": ["premiere", "season_premiere"]},
            "level": {"type": "string", "enum": ["series", "season"]},
            "title": {"type": "string", "description": "The title, show or season (automatic)."},
            "series": {"type": "string"},
            "season": {"type": "integer"},
            "views": {"type": "integer", "description": "Views in its first 7 days."},
        },
    },
    "AnnotationList": {"type": "array", "items": {"$ref": "#/components/schemas/Annotation"}},
}
_INPUT = {
    "type": "object",
    "properties": {
        "day": {**_DAY, "description": "Stands for start and end: one day."},
        "start": _DAY,
        "end": {**_DAY, "description": "Not before start; default: start."},
        "text": {"type": "string", "minLength": 1, "maxLength": MAX_TEXT_CHARS},
        "filters": _FILTERS,
    },
    "additionalProperties": False,
}
_ONE = json_answer({"$ref": "#/components/schemas/Annotation"}, "The annotation.")
_WRITE_ERRORS = {
    "400": error(
        "Bad input: dates YYYY-MM-DD, end >= start, text 1-500 characters, filters "
        "of catalog dimensions and values (the message says which)."
    ),
    "401": error("Sign in, or send a token (Authorization: Bearer)."),
    "403": error(
        "Not allowed: only its author or an admin changes an annotation; an account limited "
        "to part of the data writes only inside its limits; a cross-site request."
    ),
    "413": error("Body larger than 16 KB."),
    "415": error("Body is not application/json."),
    "429": RATE_LIMITED,
}
_ID = {"name": "ident", "in": "path", "required": True, "schema": {"type": "integer"}}
_EXAMPLE = {"day": "2013-09-10", "text": "Campaign launch", "filters": {"market": ["SE"]}}

ANNOTATION_PATHS: dict = {
    "/data/annotations/": {
        "get": {
            "operationId": "annotations",
            "summary": "The annotations overlapping a range that the asker may see.",
            "description": (
                "Written ones and, unless automatic=0, automatic ones: a title's (a movie's "
                "or a show's) or a season's premiere, its first day with views when it "
                "gathers at least 20 views in its first 7 days. An account limited to part "
                "of the data sees only annotations whose filters lie inside its limits."
            ),
            "tags": ["data"],
            "parameters": [
                {"name": "start", "in": "query", "schema": _DAY},
                {"name": "end", "in": "query", "schema": _DAY},
                {
                    "name": "automatic",
                    "in": "query",
                    "description": "0 leaves out the automatic annotations.",
                    "schema": {"type": "string", "enum": ["0", "1"], "default": "1"},
                },
            ],
            "responses": {
                "200": json_answer(
                    {"$ref": "#/components/schemas/AnnotationList"},
                    "By start day, written ones before automatic ones.",
                ),
                "400": error("A bad start, end or automatic."),
                "429": RATE_LIMITED,
            },
        },
        "post": {
            "operationId": "add_annotation",
            "summary": "Add an annotation (a day or a range), written by the asker.",
            "tags": ["data"],
            "requestBody": body({**_INPUT, "required": ["text"]}, _EXAMPLE),
            "responses": {"201": _ONE, **_WRITE_ERRORS},
        },
    },
    "/data/annotations/{ident}": {
        "get": {
            "operationId": "annotation",
            "summary": "One annotation.",
            "tags": ["data"],
            "parameters": [_ID],
            "responses": {"200": _ONE, "404": error("No annotation of that id for the asker.")},
        },
        "put": {
            "operationId": "edit_annotation",
            "summary": "Change the fields given (PATCH alike); its author or an admin.",
            "tags": ["data"],
            "parameters": [_ID],
            "requestBody": body(_INPUT, {"text": "Campaign launch (moved)"}),
            "responses": {"200": _ONE, **_WRITE_ERRORS, "404": error("No such annotation.")},
        },
        "delete": {
            "operationId": "delete_annotation",
            "summary": "Delete an annotation; its author or an admin.",
            "tags": ["data"],
            "parameters": [_ID],
            "responses": {
                "204": {"description": "Deleted."},
                **_WRITE_ERRORS,
                "404": error("No such annotation."),
            },
        },
    },
}
