"""Rate limits on the game API: counted in the real Redis, 429 JSON with Retry-After, switchable."""

from __future__ import annotations

from data.game.embedded_redis import socket_path_for
from data.game.redis_processes import server_pids
from testkit.ports import free_port
from web import services


def _start(client, **environ):
    return client.post("/guess/start", json={"max_value": 25}, environ_base=environ)


def test_game_starts_are_limited_with_retry_after(make_app, instance_dir):
    app = make_app(RATELIMIT_ENABLED=True, RATELIMIT_GAME_START="3 per minute")
    client = app.server.test_client()
    # Building the app started nothing; the first limited request starts the embedded Redis.
    assert server_pids(socket_path_for(instance_dir / "redis")) == []
    statuses = [_start(client).status_code for _ in range(5)]
    assert statuses == [201, 201, 201, 429, 429]
    refused = _start(client)
    assert refused.status_code == 429
    assert refused.is_json and "too many game starts" in refused.get_json()["error"]
    assert 1 <= int(refused.headers["Retry-After"]) <= 60
    assert refused.headers["X-Content-Type-Options"] == "nosniff"
    # The count lives in Redis under the app's prefix (so every worker shares it).
    redis_client = services.redis_provider(app.server).client()
    assert list(redis_client.scan_iter("reelboard:limits*"))


def test_limits_are_per_client_address_and_ignore_forwarded_for(make_app):
    client = make_app(
        RATELIMIT_ENABLED=True, RATELIMIT_GAME_START="2 per minute"
    ).server.test_client()
    spoofed = [
        _start(client, REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR=f"1.2.3.{i}").status_code
        for i in range(3)
    ]
    assert spoofed == [201, 201, 429]  # X-Forwarded-For is not trusted by default
    assert _start(client, REMOTE_ADDR="10.0.0.2").status_code == 201


def test_trusted_proxy_forwarded_for_is_the_client(make_app):
    app = make_app(RATELIMIT_ENABLED=True, RATELIMIT_GAME_START="1 per minute", TRUSTED_PROXIES=1)
    client = app.server.test_client()
    first = _start(client, REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="1.2.3.4")
    other = _start(client, REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="1.2.3.5")
    again = _start(client, REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="1.2.3.4")
    assert [first.status_code, other.status_code, again.status_code] == [201, 201, 429]


def test_guesses_have_their_own_limit(make_app):
    app = make_app(RATELIMIT_ENABLED=True, RATELIMIT_GAME_GUESS="2 per minute")
    client = app.server.test_client()
    game_id = _start(client).get_json()["game_id"]
    statuses = [client.post(f"/guess/{game_id}", json={"guess": 1}).status_code for _ in range(3)]
    assert statuses[2] == 429 and all(s in (200, 409) for s in statuses[:2])
    assert client.get("/guess/hiscore?max_value=25").status_code == 200  # reading is not limited


def test_disabled_limits_never_answer_429(make_app):
    client = make_app(
        RATELIMIT_ENABLED=False, RATELIMIT_GAME_START="1 per minute"
    ).server.test_client()
    assert {_start(client).status_code for _ in range(5)} == {201}


def test_unreachable_redis_gives_503_not_500(make_app):
    app = make_app(REDIS_URL=f"redis://127.0.0.1:{free_port()}/0", RATELIMIT_ENABLED=True)
    client = app.server.test_client()
    for _ in range(3):
        response = _start(client)
        assert response.status_code == 503
        assert "error" in response.get_json()


def test_data_routes_share_one_limit_per_client(make_app):
    client = make_app(RATELIMIT_ENABLED=True, RATELIMIT_DATA="3 per minute").server.test_client()
    paths = ["/data/toplist/?num=2", "/data/unique_users/", "/data/minutes_watched/"]
    assert [client.get(path).status_code for path in paths] == [200, 200, 200]
    refused = client.get("/data/toplist/")
    assert refused.status_code == 429
    assert "too many data requests" in refused.get_json()["error"]
    assert 1 <= int(refused.headers["Retry-After"]) <= 60
    assert client.get("/data/toplist/", environ_base={"REMOTE_ADDR": "10.0.0.9"}).status_code == 200


def test_dash_callbacks_are_limited_with_retry_after(make_app):
    from layouts import ids
    from testkit.dash_client import DashCallbacks

    client = make_app(
        RATELIMIT_ENABLED=True, RATELIMIT_CALLBACKS="2 per minute"
    ).server.test_client()
    callbacks = DashCallbacks.for_flask(client)
    state = {"resolution": "daily", "num": 10, "start": None, "end": None, "sessiontype": None}
    values = {f"{ids.STATE}.data": state}
    statuses = [callbacks.post(ids.KPI_UNIQUE_USERS, None, values).status_code for _ in range(3)]
    assert statuses == [200, 200, 429]
    refused = callbacks.post(ids.KPI_UNIQUE_USERS, None, values)
    assert refused.is_json and "too many dashboard updates" in refused.get_json()["error"]
    assert 1 <= int(refused.headers["Retry-After"]) <= 60
    assert client.get("/").status_code == 200  # the page itself is not limited


def test_ipv6_clients_are_limited_per_64(make_app):
    client = make_app(RATELIMIT_ENABLED=True, RATELIMIT_DATA="2 per minute").server.test_client()

    def status(address: str) -> int:
        return client.get("/data/toplist/", environ_base={"REMOTE_ADDR": address}).status_code

    # Rotating addresses inside one /64 does not buy more requests.
    assert [status(f"2001:db8:1:2::{i:x}") for i in range(1, 4)] == [200, 200, 429]
    assert status("2001:db8:1:2:ffff:ffff:ffff:ffff") == 429
    assert status("2001:db8:1:3::1") == 200  # the next /64 is another client


def test_data_and_callbacks_never_500_when_redis_is_down(make_app):
    app = make_app(REDIS_URL=f"redis://127.0.0.1:{free_port()}/0", RATELIMIT_ENABLED=True)
    client = app.server.test_client()
    assert {client.get("/data/toplist/").status_code for _ in range(3)} == {200}
    assert client.get("/").status_code == 200


def test_board_reads_are_limited(make_app):
    client = make_app(
        RATELIMIT_ENABLED=True, RATELIMIT_GAME_READ="2 per minute"
    ).server.test_client()
    statuses = [client.get("/guess/hiscore?max_value=25").status_code for _ in range(3)]
    assert statuses == [200, 200, 429]
