"""Who a game belongs to: visible names only, fixed at the start, compared NFC and case-folded."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import pytest

from tests.redis_fixtures import play_to_win, start_game
from web import services


def _won_game(client, user: str | None = "Bob", max_value: int = 10) -> str:
    body = {"max_value": max_value} if user is None else {"max_value": max_value, "user": user}
    response = client.post("/guess/start", json=body)
    assert response.status_code == 201, response.get_json()
    game_id = response.get_json()["game_id"]
    play_to_win(client, game_id, max_value)
    return game_id


def _finish(client, game_id: str, user: str | None = None):
    body = {"game_id": game_id} if user is None else {"game_id": game_id, "user": user}
    return client.post("/guess/finished", json=body)


@pytest.mark.parametrize("name", ["\u3164", "\u2800\u2800", "a\u200db", "a" + "\u0301" * 31])
def test_invisible_names_are_refused_at_start_and_finish(game_app, game_client, name):
    started = game_client.post("/guess/start", json={"max_value": 10, "user": name})
    assert started.status_code == 400
    assert started.get_json()["error"].startswith("user must")
    game_id = _won_game(game_client, user=None)
    finished = _finish(game_client, game_id, name)
    assert finished.status_code == 400
    assert services.scores(game_app.server).history(10) == []


def test_finish_as_another_player_is_refused(game_app, game_client):
    game_id = _won_game(game_client, "Bob")
    stolen = _finish(game_client, game_id, "Eve")
    assert stolen.status_code == 409
    assert "another player" in stolen.get_json()["error"]
    store = services.scores(game_app.server)
    assert store.history(10) == []

    # The same player in another case (and NFC form) records it, under the name it started with.
    entries = _finish(game_client, game_id, "  BOB ").get_json()
    assert [e["user"] for e in entries] == ["Bob"]
    # Once recorded it stays refused to others; the owner (or no name) gets the list again.
    assert _finish(game_client, game_id, "Eve").status_code == 409
    assert _finish(game_client, game_id).get_json() == entries
    assert [e["user"] for e in store.history(10)] == ["Bob"]


def test_players_compare_nfc_normalised_and_case_folded(game_client):
    game_id = _won_game(game_client, "Zo\u00eb Straße")
    response = _finish(game_client, game_id, "ZOE\u0308 STRASSE")
    assert response.status_code == 200
    assert response.get_json()[0]["user"] == "Zo\u00eb Straße"


def test_a_game_started_without_a_name_stays_anonymous(game_app, game_client):
    game_id = _won_game(game_client, user=None)
    for name in ("Eve", None):
        refused = _finish(game_client, game_id, name)
        assert refused.status_code == 409
        assert "stays anonymous" in refused.get_json()["error"]
    store = services.scores(game_app.server)
    assert store.history(10) == []
    assert game_client.get("/guess/hiscore?max_value=10").get_json() == []
    # Nor does naming it at the finish claim the name.
    with store.provider.connection() as client:
        assert client.hlen(store.owners_key()) == 0


def test_concurrent_first_starts_under_a_free_name_give_it_one_owner(game_app):
    def start(_):
        client = game_app.server.test_client()  # each its own cookie jar: its own player key
        return client.post("/guess/start", json={"max_value": 25, "user": "Newcomer"})

    with ThreadPoolExecutor(8) as pool:
        statuses = [response.status_code for response in pool.map(start, range(12))]
    assert statuses.count(201) == 1
    assert set(statuses) == {201, 403}


def test_a_game_started_before_player_keys_keeps_its_exact_name(game_app, game_client):
    # A game hash as the previous release wrote it: no player key and no client.
    store = services.scores(game_app.server)
    game_id = "legacyGame0123456789"
    with store.provider.connection() as client:
        client.hset(
            store.game_key(game_id),
            mapping={"secret": 3, "max_value": 10, "user": "Bob", "guesses": 0, "won": 0},
        )
        client.expire(store.game_key(game_id), 60)
    assert game_client.post(f"/guess/{game_id}", json={"guess": 3}).get_json()["guesses"] == 1
    assert _finish(game_client, game_id, "Eve").status_code == 409
    assert [e["user"] for e in _finish(game_client, game_id, "Bob").get_json()] == ["Bob"]


def test_the_start_name_is_recorded_when_the_finish_names_none(game_client):
    game_id = start_game(game_client, 10, "Starter")
    play_to_win(game_client, game_id, 10)
    assert [e["user"] for e in _finish(game_client, game_id).get_json()] == ["Starter"]
