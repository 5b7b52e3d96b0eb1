"""The OpenAPI description of /data/alerts/: the alert rules, their history and management."""

from __future__ import annotations

from data.alerts.conditions import KINDS, RESOLUTIONS
from data.events.catalog import DIMENSION_NAMES, METRIC_NAMES
from routes.openapi.schemas import body, error, json_answer

_ADMINS = error("Signed in, but not an administrator: only admins change alert rules.")
_RULE_INPUT = {
    "type": "object",
    "required": ["name", "metric", "condition", "channels"],
    "properties": {
        "name": {"type": "string", "minLength": 1, "maxLength": 120},
        "metric": {"type": "string", "enum": list(METRIC_NAMES)},
        "filters": {
            "type": "object",
            "description": "Catalog dimensions and the values a rule counts (any of them).",
            "properties": {
                name: {"type": "array", "items": {"type": "string"}} for name in DIMENSION_NAMES
            },
        },
        "resolution": {"type": "string", "enum": list(RESOLUTIONS), "default": "daily"},
        "condition": {
            "type": "object",
            "required": ["kind"],
            "description": (
                "above/below a value; change: by more than `percent` % against the previous "
                "day or week; band: outside the expected range of /data/changes/."
            ),
            "properties": {
                "kind": {"type": "string", "enum": list(KINDS)},
                "value": {"type": "number"},
                "percent": {"type": "number", "exclusiveMinimum": 0},
            },
        },
        "channels": {
            "type": "object",
            "properties": {
                "webhook": {"type": "string", "description": "An http(s) URL to POST to."},
                "email": {"type": "array", "items": {"type": "string"}},
            },
        },
    },
}
_RULE = {
    "type": "object",
    "required": ["id", "name", "metric", "filters", "resolution", "condition", "state"],
    "properties": {
        "id": {"type": "integer"},
        "name": {"type": "string"},
        "metric": {"type": "string"},
        "filters": {"type": "object"},
        "resolution": {"type": "string"},
        "condition": {"type": "object"},
        "channels": {"type": "object", "description": "Shown to administrators only."},
        "state": {"type": "string", "enum": ["ok", "firing"]},
        "owed": {"type": "boolean", "description": "A delivery failed; it is tried again."},
        "author": {"type": "string"},
        "created": {"type": "string"},
        "checked": {"type": ["string", "null"]},
        "last_value": {"type": ["number", "null"]},
    },
}
_HISTORY = {
    "type": "object",
    "properties": {
        "id": {"type": "integer"},
        "rule_id": {"type": "integer"},
        "rule_name": {"type": "string"},
        "at": {"type": "string", "description": "UTC, YYYY-MM-DDTHH:MM:SSZ"},
        "kind": {"type": "string", "enum": ["fired", "recovered", "notified", "failed"]},
        "day": {"type": ["string", "null"]},
        "value": {"type": ["number", "null"]},
        "text": {"type": "string"},
        "error": {"type": ["string", "null"]},
    },
}
_DATE = {"type": "string", "format": "date"}
_RULE_ID = {"name": "rule_id", "in": "path", "required": True, "schema": {"type": "integer"}}

ALERT_PATHS = {
    "/data/alerts/": {
        "get": {
            "operationId": "alerts",
            "summary": (
                "The alert rules with their state, and the history (newest first). A limited "
                "account sees only rules whose filters stay inside its limits."
            ),
            "tags": ["alerts"],
            "parameters": [
                {"name": "since", "in": "query", "schema": _DATE},
                {"name": "until", "in": "query", "schema": _DATE},
                {
                    "name": "limit",
                    "in": "query",
                    "schema": {"type": "integer", "minimum": 1, "maximum": 1000, "default": 100},
                },
            ],
            "responses": {
                "200": json_answer(
                    {
                        "type": "object",
                        "properties": {
                            "rules": {"type": "array", "items": _RULE},
                            "history": {"type": "array", "items": _HISTORY},
                        },
                    },
                    "Rules and history.",
                ),
                "400": error("A bad since, until or limit."),
            },
        }
    },
    "/data/alerts/rules": {
        "post": {
            "operationId": "alerts_add",
            "summary": "Add an alert rule (administrators).",
            "tags": ["alerts"],
            "requestBody": body(
                _RULE_INPUT,
                {
                    "name": "SE viewers unusual",
                    "metric": "unique_users",
                    "filters": {"market": ["SE"]},
                    "condition": {"kind": "band"},
                    "channels": {"email": ["ops@example.com"]},
                },
            ),
            "responses": {
                "201": json_answer(_RULE, "The rule as stored."),
                "400": error("A bad rule (the message says what is wrong)."),
                "403": _ADMINS,
            },
        }
    },
    "/data/alerts/rules/{rule_id}": {
        "put": {
            "operationId": "alerts_replace",
            "summary": "Replace an alert rule's definition (administrators); it starts as ok.",
            "tags": ["alerts"],
            "parameters": [_RULE_ID],
            "requestBody": body(
                _RULE_INPUT,
                {
                    "name": "Busy",
                    "metric": "views",
                    "condition": {"kind": "above", "value": 5000},
                    "channels": {"email": ["ops@example.com"]},
                },
            ),
            "responses": {
                "200": json_answer(_RULE, "The rule as stored."),
                "400": error("A bad id or rule (the message says what is wrong)."),
                "403": _ADMINS,
                "404": error("No such rule."),
            },
        },
        "delete": {
            "operationId": "alerts_delete",
            "summary": "Delete an alert rule (administrators); its history stays.",
            "tags": ["alerts"],
            "parameters": [_RULE_ID],
            "responses": {
                "200": json_answer({"type": "object"}, '{"deleted": id}'),
                "400": error("The id is not a whole number."),
                "403": _ADMINS,
                "404": error("No such rule."),
            },
        },
    },
    "/data/alerts/run": {
        "post": {
            "operationId": "alerts_run",
            "summary": "Evaluate every rule now (administrators), as `flask alerts run`.",
            "tags": ["alerts"],
            "responses": {
                "200": json_answer({"type": "object"}, "What each rule did."),
                "403": _ADMINS,
            },
        }
    },
}
