"""Reliability 6: property-based hostile input over every JSON route and the Dash callback endpoint:
no 5xx, errors as JSON, and the event store and the scores unchanged."""

from __future__ import annotations

import hashlib
import json
from collections import Counter

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from testkit.dash_client import CALLBACK_URL, payload
from web import services

JSON_ROUTES_EXAMPLES = 1000
DASH_EXAMPLES = 1500
SETTINGS = {
    "deadline": None,
    "database": None,
    "suppress_health_check": [HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
}
STATUSES: Counter = Counter()

scalars = (
    st.none()
    | st.booleans()
    | st.integers(min_value=-(10**30), max_value=10**30)
    | st.floats(allow_nan=False)
    | st.text(max_size=40)
    | st.sampled_from(["", " ", "0", "-1", "1e309", "<script>alert(1)</script>", "\x00", "NaN"])
)
json_values = st.recursive(
    scalars,
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=10), inner, max_size=4)
    ),
    max_leaves=12,
)
query_text = st.text(max_size=30) | st.sampled_from(
    [
        "daily",
        "weekly",
        "monthly",
        "MOVIE",
        "SERIES",
        "2025-02-30",
        "2024-01-01",
        "9999-12-31",
        "10",
    ]
)
query = st.dictionaries(
    st.sampled_from(
        ["resolution", "num", "start", "end", "sessiontype", "max_value", "limit", "x"]
    ),
    query_text,
    max_size=5,
)
game_fields = st.dictionaries(
    st.sampled_from(["max_value", "user", "game_id", "guess", "guesses", "limit", "date", "x"]),
    json_values,
    max_size=5,
)
bodies = st.one_of(
    game_fields.map(json.dumps),
    json_values.map(json.dumps),
    st.binary(max_size=64).map(lambda b: b.decode("latin-1")),
    st.just("{" * 5000),  # deep nesting
    st.just(json.dumps({"user": "x" * 20000})),  # over the 16 KB body limit
)
content_types = st.sampled_from(
    [
        "application/json",
        "text/plain",
        "application/x-www-form-urlencoded",
        "",
        "application/json; charset=latin-1",
    ]
)
game_paths = st.one_of(
    st.sampled_from(
        ["/guess/start", "/guess/finished", "/guess/hiscore", "/guess/AAAAAAAAAAAAAAAA"]
    ),
    st.text(
        alphabet=st.characters(blacklist_categories=["Cs"], blacklist_characters="/?#"), max_size=30
    ).map(lambda s: "/guess/" + s),
)


def _snapshot(app, events_path) -> tuple[str, dict]:
    """The event store's bytes and every score key (lists and rankings) in Redis."""
    digest = hashlib.sha256(events_path.read_bytes()).hexdigest()
    client = services.redis_provider(app.server).client()
    prefix = app.server.config["REDIS_KEY_PREFIX"]
    scores = {}
    for key in client.scan_iter(f"{prefix}*"):
        if key.startswith((f"{prefix}active", f"{prefix}playing", f"{prefix}players")):
            # The games in play (sorted sets too, not scores): a hostile start adds one. And a
            # valid start by a named player twice counts the game it abandons on the player
            # boards (par + 1): the rule against restart farming, not damage. The rankings and
            # the history, which only a won game reaches, must not change.
            continue
        kind = client.type(key)
        if kind == "list":
            scores[key] = client.lrange(key, 0, -1)
        elif kind == "zset":
            scores[key] = client.zrange(key, 0, -1, withscores=True)
    return digest, scores


def _check(response, json_expected: bool = True) -> None:
    STATUSES[response.status_code] += 1
    assert response.status_code < 500, (response.status_code, response.get_data(as_text=True)[:300])
    if json_expected and response.status_code >= 400 and response.status_code != 404:
        assert response.is_json, (response.status_code, response.content_type)
        assert "error" in response.get_json()


@pytest.fixture
def hostile_app(make_app, demo_db):
    """An app with some real scores recorded, and a checker that nothing changed afterwards."""
    app = make_app()
    client = app.server.test_client()
    for user in ("Ann", "Bo"):
        game_id = client.post("/guess/start", json={"max_value": 8, "user": user}).get_json()[
            "game_id"
        ]
        low, high = 1, 8
        while True:
            guess = (low + high) // 2
            result = client.post(f"/guess/{game_id}", json={"guess": guess}).get_json()["result"]
            if result == "correct":
                break
            low, high = (guess + 1, high) if result == "higher" else (low, guess - 1)
        assert client.post("/guess/finished", json={"game_id": game_id}).status_code == 200
    before = _snapshot(app, demo_db)
    STATUSES.clear()
    yield app
    assert _snapshot(app, demo_db) == before, "hostile requests changed the events or the scores"


def test_data_routes_and_page_queries(hostile_app):
    client = hostile_app.server.test_client()

    @settings(max_examples=JSON_ROUTES_EXAMPLES, **SETTINGS)
    @given(
        path=st.sampled_from(
            [
                "/data/unique_users/",
                "/data/minutes_watched/",
                "/data/toplist/",
                "/data/nope/",
                "/data/",
            ]
        ),
        params=query,
        method=st.sampled_from(["GET", "GET", "GET", "POST", "DELETE", "OPTIONS"]),
    )
    def run(path, params, method):
        _check(client.open(path, method=method, query_string=params))

    run()
    for path in ("/guess/", "/guess/hiscore", "/healthz", "/openapi.json"):
        for params in (
            {"max_value": "1e9"},
            {"max_value": "abc", "user": "<b>x</b>"},
            {"limit": "-5"},
        ):
            _check(client.get(path, query_string=params), json_expected=path != "/guess/")
    print(
        f"\n[hostile] /data and query strings: {sum(STATUSES.values())} requests, {dict(STATUSES)}"
    )


def test_game_api_bodies(hostile_app):
    client = hostile_app.server.test_client()

    @settings(max_examples=JSON_ROUTES_EXAMPLES * 2, **SETTINGS)
    @given(
        path=game_paths,
        body=bodies,
        content_type=content_types,
        method=st.sampled_from(["POST", "GET", "PUT"]),
    )
    def run(path, body, content_type, method):
        headers = {"Content-Type": content_type} if content_type else {}
        response = client.open(
            path, method=method, data=body.encode("utf-8", "surrogatepass"), headers=headers
        )
        # The client drops trailing whitespace from the URL: "/guess/\n" is the page, which
        # answers a wrong method with its HTML error page; every API path answers JSON.
        _check(response, json_expected=path.rstrip().rstrip("/") != "/guess")

    run()
    print(f"\n[hostile] game API bodies: {sum(STATUSES.values())} requests, {dict(STATUSES)}")


def _callback_skeleton(app, key: str) -> dict:
    """A well-formed callback request for one registered callback (values left to the caller)."""
    spec = app.callback_map[key]
    return payload({"output": key, "inputs": spec["inputs"], "state": spec.get("state", [])})


def test_dash_callback_endpoint(hostile_app):
    app = hostile_app
    client = app.server.test_client()
    client.get("/")  # Dash finishes its set-up on the first request
    keys = sorted(app.callback_map)
    assert keys, "the dashboard registered no callbacks"

    forged = st.one_of(
        json_values.map(json.dumps),
        st.binary(max_size=64).map(lambda b: b.decode("latin-1")),
        st.fixed_dictionaries(
            {},
            optional={
                "output": st.sampled_from(keys) | st.text(max_size=20),
                "outputs": json_values,
                "inputs": json_values,
                "state": json_values,
                "changedPropIds": json_values,
            },
        ).map(json.dumps),
    )

    @st.composite
    def well_formed_with_hostile_values(draw):
        payload = _callback_skeleton(app, draw(st.sampled_from(keys)))
        for item in payload["inputs"] + payload["state"]:
            if draw(st.booleans()):
                item["value"] = draw(json_values)
        if draw(st.integers(0, 4)) == 0:
            payload["changedPropIds"] = draw(json_values)
        return json.dumps(payload)

    @settings(max_examples=DASH_EXAMPLES, **SETTINGS)
    @given(body=forged | well_formed_with_hostile_values(), content_type=content_types)
    def run(body, content_type):
        headers = {"Content-Type": content_type} if content_type else {}
        response = client.post(
            CALLBACK_URL, data=body.encode("utf-8", "surrogatepass"), headers=headers
        )
        STATUSES[response.status_code] += 1
        assert response.status_code < 500, (
            response.status_code,
            body[:200],
            response.get_data(as_text=True)[:200],
        )

    run()
    print(
        f"\n[hostile] Dash callback endpoint: {sum(STATUSES.values())} requests, {dict(STATUSES)}"
    )
