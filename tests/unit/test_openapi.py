"""GET /openapi.json: an OpenAPI 3.1 document that matches the routes the app really serves."""

from __future__ import annotations

import re

import pytest

from data.events.catalog import METRIC_NAMES
from data.events.params import COHORT_DEFINITIONS, DEFAULT_COHORT


@pytest.fixture
def spec(client) -> dict:
    response = client.get("/openapi.json")
    assert response.status_code == 200 and response.is_json
    return response.get_json()


def _resolve(spec: dict, schema: dict) -> dict:
    while "$ref" in schema:
        name = schema["$ref"].rsplit("/", 1)[1]
        schema = spec["components"]["schemas"][name]
    return schema


def _validate(spec: dict, schema: dict, value, where: str = "$") -> None:
    """A small JSON-schema check: type, required, properties, items, enum, minimum/maximum."""
    schema = _resolve(spec, schema)
    kinds = {
        "object": dict,
        "array": list,
        "string": str,
        "integer": int,
        "number": (int, float),
        "boolean": bool,
    }
    if "type" in schema:
        # A list of types (["number", "null"]) admits any of them.
        types = schema["type"] if isinstance(schema["type"], list) else [schema["type"]]
        if value is None and "null" in types:
            return
        assert any(isinstance(value, kinds[t]) for t in types if t != "null"), (
            f"{where}: {value!r} is not {schema['type']}"
        )
        if {"integer", "number"} & set(types):
            assert not isinstance(value, bool), where
    if "enum" in schema:
        assert value in schema["enum"], f"{where}: {value!r} not in {schema['enum']}"
    if "minimum" in schema:
        assert value >= schema["minimum"], where
    if "maximum" in schema:
        assert value <= schema["maximum"], where
    if isinstance(value, dict):
        for name in schema.get("required", []):
            assert name in value, f"{where}: missing {name}"
        for name, sub in schema.get("properties", {}).items():
            if name in value:
                _validate(spec, sub, value[name], f"{where}.{name}")
    if isinstance(value, list) and "items" in schema:
        for index, item in enumerate(value):
            _validate(spec, schema["items"], item, f"{where}[{index}]")


WRITES = {"get", "post", "put", "delete"}


def _flask_path(openapi_path: str) -> str:
    return re.sub(r"\{(\w+)\}", r"<\1>", openapi_path)


def test_document_shape(spec):
    assert spec["openapi"].startswith("3.")
    assert spec["info"]["title"] and spec["info"]["version"]
    for path, operations in spec["paths"].items():
        assert path.startswith("/")
        for method, operation in operations.items():
            assert method in WRITES
            assert operation["operationId"] and operation["responses"]
            for response in operation["responses"].values():
                assert response["description"]
                for media in response.get("content", {}).values():
                    _resolve(spec, media["schema"])  # every $ref resolves


def test_every_json_route_is_documented_and_every_documented_route_exists(app, spec):
    served = {}
    for rule in app.server.url_map.iter_rules():
        if rule.rule.startswith(("/data/", "/guess/")) and rule.rule not in (
            "/guess/",
            "/data/",
            "/data/<path:rest>",
        ):
            # One path may be several rules, a method each (/data/alerts/rules/<rule_id>).
            methods = {m.lower() for m in rule.methods} & WRITES
            served.setdefault(rule.rule, set()).update(methods)
    documented = {_flask_path(path): set(ops) for path, ops in spec["paths"].items()}
    documented.pop("/healthz")
    # The metrics are one Flask rule; the document lists them one by one.
    metrics = {p for p in documented if p.strip("/").split("/")[-1] in METRIC_NAMES}
    for path in metrics:
        assert documented.pop(path) == {"get"}
    documented["/data/<metric>/"] = {"get"}
    assert set(documented) == set(served)
    for path, methods in documented.items():
        # The /data rules also route POST only to refuse it with a JSON 405.
        assert methods <= served[path], path


@pytest.mark.parametrize(
    "method, path, body, operation",
    [
        ("get", "/data/unique_users/?resolution=weekly", None, "/data/unique_users/"),
        ("get", "/data/minutes_watched/?resolution=monthly", None, "/data/minutes_watched/"),
        ("get", "/data/toplist/?num=5&sessiontype=MOVIE", None, "/data/toplist/"),
        ("get", "/data/toplist/?num=0", None, "/data/toplist/"),
        ("get", "/data/kpis/?market=(none)", None, "/data/kpis/"),
        ("get", "/data/kpis/?compare=previous&start=2025-12-29", None, "/data/kpis/"),
        ("get", "/data/kpis/?compare=previous&start=2026-03-01", None, "/data/kpis/"),
        ("get", "/data/kpis/?compare=next", None, "/data/kpis/"),
        ("get", "/data/toplist/?level=season&num=3", None, "/data/toplist/"),
        ("get", "/data/title/?series=Tromsø%20Road&resolution=monthly", None, "/data/title/"),
        ("get", "/data/title/?title=nothing", None, "/data/title/"),
        ("get", "/data/top10/?sessiontype=SERIES", None, "/data/top10/"),
        ("get", "/data/top10/?week=2025-06-03", None, "/data/top10/"),
        ("get", "/data/retention/?start=2025-06-02&cohort=in_range", None, "/data/retention/"),
        ("get", "/data/retention/?cohort=earliest", None, "/data/retention/"),
        ("get", "/data/changes/?day=2025-12-10&market=SE", None, "/data/changes/"),
        ("get", "/data/changes/?resolution=weekly&metric=completion_rate", None, "/data/changes/"),
        ("get", "/data/changes/?resolution=monthly", None, "/data/changes/"),
        ("get", "/data/stickiness/?start=2025-06-02&device=iPad", None, "/data/stickiness/"),
        ("get", "/data/stickiness/?end=2025-13-01", None, "/data/stickiness/"),
        ("get", "/data/when/?metric=unique_users&market=NO", None, "/data/when/"),
        ("get", "/data/when/?metric=completion_rate", None, "/data/when/"),
        ("get", "/data/distribution/?resolution=weekly", None, "/data/distribution/"),
        ("get", "/data/distribution/?per=title", None, "/data/distribution/"),
        ("post", "/guess/start", {"max_value": 25, "user": "Ann"}, "/guess/start"),
        ("post", "/guess/start", {"max_value": 1}, "/guess/start"),
        ("get", "/guess/hiscore?max_value=25", None, "/guess/hiscore"),
        ("post", "/guess/hiscore", {"max_value": 25}, "/guess/hiscore"),
        (
            "post",
            "/guess/finished",
            {"guesses": 1, "max_value": 25, "user": "x"},
            "/guess/finished",
        ),
        ("get", "/healthz", None, "/healthz"),
        ("post", "/data/annotations/", {"day": "2025-06-02", "text": "<b>"}, "/data/annotations/"),
        ("post", "/data/annotations/", {"day": "2025-06-02"}, "/data/annotations/"),
        ("get", "/data/annotations/?start=2025-01-01", None, "/data/annotations/"),
    ],
)
def test_real_answers_match_the_documented_schemas(client, spec, method, path, body, operation):
    response = client.open(path, method=method.upper(), json=body)
    documented = spec["paths"][operation][method]["responses"]
    assert str(response.status_code) in documented, (path, response.status_code)
    schema = documented[str(response.status_code)]["content"]["application/json"]["schema"]
    _validate(spec, schema, response.get_json())


def test_a_whole_game_matches_the_documented_schemas(client, spec):
    paths = spec["paths"]
    started = client.post("/guess/start", json={"max_value": 4, "user": "Ann"})
    _validate(
        spec,
        paths["/guess/start"]["post"]["responses"]["201"]["content"]["application/json"]["schema"],
        started.get_json(),
    )
    game_id = started.get_json()["game_id"]
    guess_schema = paths["/guess/{game_id}"]["post"]["responses"]["200"]["content"][
        "application/json"
    ]["schema"]
    low, high = 1, 4
    while True:
        guess = (low + high) // 2
        answer = client.post(f"/guess/{game_id}", json={"guess": guess})
        assert answer.status_code == 200
        _validate(spec, guess_schema, answer.get_json())
        result = answer.get_json()["result"]
        if result == "correct":
            break
        low, high = (guess + 1, high) if result == "higher" else (low, guess - 1)
    after_win = client.post(f"/guess/{game_id}", json={"guess": 1})
    assert str(after_win.status_code) in paths["/guess/{game_id}"]["post"]["responses"]
    finished = client.post("/guess/finished", json={"game_id": game_id})
    schema = paths["/guess/finished"]["post"]["responses"]["200"]["content"]["application/json"][
        "schema"
    ]
    _validate(spec, schema, finished.get_json())
    assert finished.get_json()[0]["user"] == "Ann"


def test_retention_documents_the_cohort_definitions(client, spec):
    operation = spec["paths"]["/data/retention/"]["get"]
    (cohort,) = [p for p in operation["parameters"] if p["name"] == "cohort"]
    assert cohort["schema"] == {
        "type": "string",
        "enum": list(COHORT_DEFINITIONS),
        "default": DEFAULT_COHORT,
    }
    for name, meaning in COHORT_DEFINITIONS.items():
        # The same meaning the MCP tool shows: the default is marked.
        assert (
            f"{name}{' (default)' * (name == DEFAULT_COHORT)}, {meaning}" in cohort["description"]
        )
        assert client.get(f"/data/retention/?cohort={name}").status_code == 200
