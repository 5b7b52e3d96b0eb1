"""Redis outages mid-game: 503 within 2 s, then the game works again without a restart."""

from __future__ import annotations

import os
import signal
import time

import redis

from data.game.redis_processes import server_pids
from tests.redis_fixtures import play_to_win, start_game
from web import services


def _timed_post(client, url, body):
    began = time.monotonic()
    response = client.post(url, json=body)
    return response, time.monotonic() - began


def _game_in_play(client) -> tuple[str, int]:
    """A game with one guess (1) counted and not won by it: (game id, guesses so far)."""
    while True:  # a secret of 1 (one game in 25) would be won by that first guess
        game_id = start_game(client, 25, "Ann")
        first = client.post(f"/guess/{game_id}", json={"guess": 1})
        assert first.status_code == 200
        if first.get_json()["result"] != "correct":
            return game_id, first.get_json()["guesses"]


def _assert_outage_then_recovery(client, pause, resume):
    game_id, count = _game_in_play(client)
    pause()
    try:
        for url, body in (
            (f"/guess/{game_id}", {"guess": 2}),
            ("/guess/start", {"max_value": 25, "user": "Ann"}),
            ("/guess/finished", {"game_id": game_id}),
        ):
            response, elapsed = _timed_post(client, url, body)
            assert response.status_code == 503, (url, response.get_json())
            assert "unavailable" in response.get_json()["error"]
            assert elapsed < 2.0, f"{url} took {elapsed:.2f} s"
        began = time.monotonic()
        assert client.get("/guess/hiscore?max_value=25").status_code == 503
        assert time.monotonic() - began < 2.0
        assert client.get("/guess/").status_code == 200  # the page itself needs no Redis
    finally:
        resume()
    # Back: the retried guess (same number) counts once whether or not Redis ran it while paused.
    deadline = time.monotonic() + 5
    while True:
        response = client.post(f"/guess/{game_id}", json={"guess": 2})
        if response.status_code == 200 or time.monotonic() > deadline:
            break
        time.sleep(0.1)
    assert response.status_code == 200
    assert response.get_json()["guesses"] == count + 1


def test_embedded_redis_paused_mid_game(make_app):
    game_app = make_app(REDIS_URL=None)
    game_client = game_app.server.test_client()
    provider = services.redis_provider(game_app.server)
    assert provider.is_embedded
    start_game(game_client, 25, "Ann")  # starts the embedded Redis
    pid = provider.embedded.pid()
    _assert_outage_then_recovery(
        game_client,
        lambda: os.kill(pid, signal.SIGSTOP),
        lambda: os.kill(pid, signal.SIGCONT),
    )
    assert server_pids(provider.embedded.socket_path) == [pid]


def test_external_redis_paused_mid_game(make_app, private_redis):
    app = make_app(REDIS_URL=private_redis.url)
    client = app.server.test_client()
    _assert_outage_then_recovery(client, private_redis.pause, private_redis.resume)


def test_external_redis_stopped_and_restarted(make_app, private_redis):
    app = make_app(REDIS_URL=private_redis.url)
    client = app.server.test_client()
    game_id = start_game(client, 25, "Ann")
    guesses = play_to_win(client, game_id, 25)
    assert client.post("/guess/finished", json={"game_id": game_id}).status_code == 200
    private_redis.stop()
    response, elapsed = _timed_post(client, "/guess/start", {"max_value": 25})
    assert response.status_code == 503 and elapsed < 2.0
    assert response.headers.get("Retry-After")
    private_redis.start()  # same folder: reloads its AOF
    entries = client.get("/guess/hiscore?max_value=25").get_json()
    assert [(e["user"], e["guesses"]) for e in entries] == [("Ann", guesses)]
    assert client.post("/guess/start", json={"max_value": 25}).status_code == 201


def test_killed_embedded_redis_recovers_with_its_data(make_app):
    game_app = make_app(REDIS_URL=None)
    game_client = game_app.server.test_client()
    provider = services.redis_provider(game_app.server)
    assert provider.is_embedded
    game_id = start_game(game_client, 25, "Ann")
    guesses = play_to_win(game_client, game_id, 25)
    assert game_client.post("/guess/finished", json={"game_id": game_id}).status_code == 200
    os.kill(provider.embedded.pid(), signal.SIGKILL)
    deadline = time.monotonic() + 5
    statuses = []
    while time.monotonic() < deadline:
        response = game_client.get("/guess/hiscore?max_value=25")
        statuses.append(response.status_code)
        if response.status_code == 200:
            break
        time.sleep(0.05)
    assert statuses[-1] == 200 and set(statuses) <= {200, 503}
    assert [(e["user"], e["guesses"]) for e in response.get_json()] == [("Ann", guesses)]


def test_redis_refusing_writes_is_503_not_500(make_app, private_redis):
    app = make_app(REDIS_URL=private_redis.url)
    client = app.server.test_client()
    admin = redis.Redis.from_url(private_redis.url)
    admin.config_set("maxmemory-policy", "noeviction")
    admin.config_set("maxmemory", "1")  # every write is refused with OOM
    try:
        response = client.post("/guess/start", json={"max_value": 25})
        assert response.status_code == 503
        assert "error" in response.get_json()
    finally:
        admin.config_set("maxmemory", "0")
        admin.close()
    assert client.post("/guess/start", json={"max_value": 25}).status_code == 201
