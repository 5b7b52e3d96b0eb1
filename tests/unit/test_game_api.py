"""The /guess JSON API against a real Redis (embedded, and REDIS_URL when set)."""

from __future__ import annotations

import time

import pytest

from tests.redis_fixtures import play_to_win, start_game
from web import services


def _secret(app, game_id: str) -> int:
    store = services.scores(app.server)
    with store.provider.connection() as client:
        return int(client.hget(store.game_key(game_id), "secret"))


def win_in(app, client, game_id: str, guesses: int) -> None:
    """Win a game in exactly `guesses` counted guesses (wrong ones first, no repeats in a row)."""
    secret = _secret(app, game_id)
    wrong = [n for n in (1, 2, 3) if n != secret][:2]
    for i in range(guesses - 1):
        response = client.post(f"/guess/{game_id}", json={"guess": wrong[i % 2]})
        assert response.status_code == 200
        assert response.get_json()["result"] in {"higher", "lower"}
    response = client.post(f"/guess/{game_id}", json={"guess": secret})
    assert response.get_json() == {"result": "correct", "guesses": guesses}


def test_whole_game_by_binary_search_is_recorded_once(game_app, game_client):
    game_id = start_game(game_client, 1000, "Ann")
    guesses = play_to_win(game_client, game_id, 1000)
    assert 1 <= guesses <= 10  # binary search over 1..1000 needs at most 10

    first = game_client.post("/guess/finished", json={"game_id": game_id, "user": "Ann"})
    assert first.status_code == 200
    entries = first.get_json()
    assert len(entries) == 1
    assert entries[0]["user"] == "Ann"
    assert entries[0]["guesses"] == guesses
    assert entries[0]["this_game"] is True
    assert entries[0]["date"].endswith("Z") and "T" in entries[0]["date"]

    # The same player (names compare NFC-normalised and case-folded) may ask again: no change.
    again = game_client.post("/guess/finished", json={"game_id": game_id, "user": "ANN"})
    assert again.status_code == 200
    assert again.get_json() == entries

    listed = game_client.get("/guess/hiscore?max_value=1000").get_json()
    assert listed == [{k: v for k, v in entries[0].items() if k != "this_game"}]
    store = services.scores(game_app.server)
    assert store.history(1000) == [{"guesses": guesses, "date": entries[0]["date"], "user": "Ann"}]


def test_order_fewest_guesses_first_ties_by_earlier_date(game_app, game_client):
    plan = [("A", 3), ("B", 2), ("C", 3), ("D", 2), ("E", 5)]
    for user, guesses in plan:
        game_id = start_game(game_client, 10, user)
        win_in(game_app, game_client, game_id, guesses)
        assert game_client.post("/guess/finished", json={"game_id": game_id}).status_code == 200
        time.sleep(0.003)  # distinct milliseconds, so "earlier" is well defined
    entries = game_client.get("/guess/hiscore?max_value=10").get_json()
    assert [(e["user"], e["guesses"]) for e in entries] == [
        ("B", 2),
        ("D", 2),
        ("A", 3),
        ("C", 3),
        ("E", 5),
    ]
    assert entries[0]["date"] < entries[1]["date"] and entries[2]["date"] < entries[3]["date"]
    top2 = game_client.get("/guess/hiscore?max_value=10&limit=2").get_json()
    assert [e["user"] for e in top2] == ["B", "D"]
    # The tutorial's POST form answers the same list; other maxima are separate.
    assert game_client.post("/guess/hiscore", json={"max_value": 10}).get_json() == entries
    assert game_client.get("/guess/hiscore?max_value=25").get_json() == []


def test_forged_scores_are_refused(game_app, game_client):
    tutorial = game_client.post(
        "/guess/finished", json={"guesses": 1, "max_value": 25, "user": "Eve"}
    )
    assert tutorial.status_code == 400
    assert "won game" in tutorial.get_json()["error"]

    unknown = game_client.post("/guess/finished", json={"game_id": "A" * 22, "user": "Eve"})
    assert unknown.status_code == 404
    assert (
        game_client.post("/guess/finished", json={"game_id": "../x", "user": "Eve"}).status_code
        == 404
    )
    assert game_client.post("/guess/finished", json={"game_id": 5}).status_code == 400

    game_id = start_game(game_client, 25, "Eve")
    unfinished = game_client.post("/guess/finished", json={"game_id": game_id, "guesses": 1})
    assert unfinished.status_code == 409
    assert "not won" in unfinished.get_json()["error"]
    assert game_client.get("/guess/hiscore?max_value=25").get_json() == []


def test_replay_and_guesses_after_the_win_change_nothing(game_app, game_client):
    game_id = start_game(game_client, 25, "Ann")
    win_in(game_app, game_client, game_id, 3)
    secret = _secret(game_app, game_id)
    other = 1 if secret != 1 else 2
    late = game_client.post(f"/guess/{game_id}", json={"guess": other})
    assert late.status_code == 409
    assert "already won" in late.get_json()["error"]
    # Repeating the winning guess is an idempotent retry: same answer, same count.
    assert game_client.post(f"/guess/{game_id}", json={"guess": secret}).get_json() == {
        "result": "correct",
        "guesses": 3,
    }
    lists = [
        game_client.post("/guess/finished", json={"game_id": game_id}).get_json() for _ in range(3)
    ]
    assert lists[0] == lists[1] == lists[2]
    assert [(e["user"], e["guesses"]) for e in lists[0]] == [("Ann", 3)]
    store = services.scores(game_app.server)
    assert len(store.history(25)) == 1


def test_repeated_guess_counts_once(game_app, game_client):
    game_id = start_game(game_client, 25, "Ann")
    secret = _secret(game_app, game_id)
    wrong = 1 if secret != 1 else 2
    first = game_client.post(f"/guess/{game_id}", json={"guess": wrong}).get_json()
    second = game_client.post(f"/guess/{game_id}", json={"guess": wrong}).get_json()
    assert first == second and first["guesses"] == 1


BAD_GUESS_BODIES = [
    ({"guess": 0}, 400),
    ({"guess": 26}, 400),
    ({"guess": -3}, 400),
    ({"guess": "13"}, 400),
    ({"guess": 13.5}, 400),
    ({"guess": 13.0}, 400),
    ({"guess": True}, 400),
    ({"guess": None}, 400),
    ({"guess": [13]}, 400),
    ({"guess": {"n": 13}}, 400),
    ({}, 400),
    ({"guess": 10**40}, 400),
    ({"guess": -(10**40)}, 400),
]


@pytest.mark.parametrize(("body", "status"), BAD_GUESS_BODIES)
def test_bad_guesses_are_refused_and_not_counted(game_app, game_client, body, status):
    game_id = start_game(game_client, 25, "Ann")
    response = game_client.post(f"/guess/{game_id}", json=body)
    assert response.status_code == status
    assert isinstance(response.get_json()["error"], str)
    secret = _secret(game_app, game_id)
    probe = 1 if secret != 1 else 2
    assert game_client.post(f"/guess/{game_id}", json={"guess": probe}).get_json()["guesses"] == 1


RAW_BODIES = [
    ("guess=3", "application/x-www-form-urlencoded", 415),
    ('{"guess": 3}', "text/plain", 415),
    ("", "application/json", 400),
    ("{guess: 3", "application/json", 400),
    ("[3]", "application/json", 400),
    ('"3"', "application/json", 400),
    ('{"guess": ' + "9" * 5000 + "}", "application/json", 400),  # beyond Python's int parsing limit
    ('{"guess": NaN}', "application/json", 400),
    ('{"guess": 1e400}', "application/json", 400),
    ("[" * 5000 + "]" * 5000, "application/json", 400),
    (b"\xff\xfe{", "application/json", 400),
    ('{"guess": 3, "pad": "' + "x" * 20000 + '"}', "application/json", 413),
]


@pytest.mark.parametrize(("raw", "content_type", "status"), RAW_BODIES)
def test_non_json_bodies_are_refused_and_not_counted(
    game_app, game_client, raw, content_type, status
):
    game_id = start_game(game_client, 25, "Ann")
    response = game_client.post(f"/guess/{game_id}", data=raw, content_type=content_type)
    assert response.status_code == status
    assert response.is_json and isinstance(response.get_json()["error"], str)
    secret = _secret(game_app, game_id)
    probe = 1 if secret != 1 else 2
    assert game_client.post(f"/guess/{game_id}", json={"guess": probe}).get_json()["guesses"] == 1


def test_unknown_games_are_404(game_client):
    for game_id in ("A" * 22, "nope", "x" * 200):
        response = game_client.post(f"/guess/{game_id}", json={"guess": 3})
        assert response.status_code == 404
        assert "unknown" in response.get_json()["error"]


def test_expired_game_is_404(make_app, game_config):
    app = make_app(**game_config, GAME_TTL_SECONDS=1)
    client = app.server.test_client()
    game_id = start_game(client, 25, "Ann")
    time.sleep(2.1)
    assert client.post(f"/guess/{game_id}", json={"guess": 3}).status_code == 404
    assert client.post("/guess/finished", json={"game_id": game_id}).status_code == 404


@pytest.mark.parametrize(
    "body",
    [
        {"max_value": 1},
        {"max_value": 10001},
        {"max_value": "25"},
        {"max_value": 25.0},
        {"max_value": True},
        {"max_value": None},
        {"max_value": 10**30},
        {"max_value": 25, "user": ""},
        {"max_value": 25, "user": "   "},
        {"max_value": 25, "user": "x" * 33},
        {"max_value": 25, "user": "a\x00b"},
        {"max_value": 25, "user": "a\nb"},
        {"max_value": 25, "user": "evil\u202eman"},
        {"max_value": 25, "user": 42},
    ],
)
def test_bad_starts_are_400(game_client, body):
    response = game_client.post("/guess/start", json=body)
    assert response.status_code == 400
    assert isinstance(response.get_json()["error"], str)


def test_start_defaults_and_bounds(game_client):
    response = game_client.post("/guess/start", json={})
    assert response.status_code == 201
    assert response.get_json()["max_value"] == 25
    for max_value in (2, 10_000):
        assert start_game(game_client, max_value)


@pytest.mark.parametrize(
    "name",
    [
        "Zoë",
        "山田太郎",
        "محمد",
        "Ølaf Åsen",
        "x" * 32,
        "<img src=x onerror=alert(1)>",
        'Bobby"); DROP--',
    ],
)
def test_names_of_any_language_are_kept_literally(game_app, game_client, name):
    body = {"max_value": 10, "user": f"  {name}  "}
    game_id = game_client.post("/guess/start", json=body).get_json()["game_id"]
    win_in(game_app, game_client, game_id, 1)
    response = game_client.post("/guess/finished", json={"game_id": game_id, "user": f" {name}"})
    assert response.status_code == 200
    assert response.get_json()[0]["user"] == name  # trimmed, otherwise exactly as given


def test_finished_uses_the_start_name_when_none_given(game_app, game_client):
    game_id = start_game(game_client, 10, "Starter")
    win_in(game_app, game_client, game_id, 2)
    assert (
        game_client.post("/guess/finished", json={"game_id": game_id}).get_json()[0]["user"]
        == "Starter"
    )
    anonymous = game_client.post("/guess/start", json={"max_value": 10}).get_json()["game_id"]
    win_in(game_app, game_client, anonymous, 2)
    response = game_client.post("/guess/finished", json={"game_id": anonymous})
    assert response.status_code == 409  # an unnamed game stays anonymous
    assert "anonymous" in response.get_json()["error"]


@pytest.mark.parametrize(
    "query",
    [
        "max_value=1",
        "max_value=abc",
        "max_value=25&limit=0",
        "max_value=25&limit=101",
        "max_value=25&limit=x",
    ],
)
def test_bad_hiscore_queries_are_400(game_client, query):
    response = game_client.get(f"/guess/hiscore?{query}")
    assert response.status_code == 400
    assert "error" in response.get_json()


def test_hiscore_post_bad_bodies(game_client):
    assert game_client.post("/guess/hiscore", json={"max_value": "25"}).status_code == 400
    assert game_client.post("/guess/hiscore", data="max_value=25").status_code == 415


def test_concurrent_duplicate_requests_count_once(game_app, game_client):
    from concurrent.futures import ThreadPoolExecutor

    game_id = start_game(game_client, 1000, "Ann")
    secret = _secret(game_app, game_id)
    wrong = [n for n in range(1, 40) if n != secret][:30]

    def post(url, body):
        return game_app.server.test_client().post(url, json=body)

    with ThreadPoolExecutor(8) as pool:
        # 30 different wrong guesses at once: each counted exactly once (atomic increments).
        answers = list(pool.map(lambda n: post(f"/guess/{game_id}", {"guess": n}), wrong))
        assert sorted(a.get_json()["guesses"] for a in answers) == list(range(1, 31))
        assert post(f"/guess/{game_id}", {"guess": secret}).get_json()["guesses"] == 31
        finishes = list(
            pool.map(lambda _: post("/guess/finished", {"game_id": game_id}), range(16))
        )
    assert {f.status_code for f in finishes} == {200}
    assert all(f.get_json() == finishes[0].get_json() for f in finishes)
    store = services.scores(game_app.server)
    assert [e["guesses"] for e in store.history(1000)] == [31]
