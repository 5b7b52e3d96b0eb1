"""Caps on games in play: per client (IPv4 address or IPv6 /64) and in total, counted in Redis."""

from __future__ import annotations

import itertools
import time
from concurrent.futures import ThreadPoolExecutor

import pytest

from config import ConfigError
from tests.redis_fixtures import play_to_win
from web import services
from web.limits import client_network

_PLAYERS = itertools.count()


def _start(client, address: str, max_value: int = 10):
    # A new player each time: one player's restart ends their previous game (it is abandoned),
    # so only many players (or unnamed games) can pile games up behind one address.
    return client.post(
        "/guess/start",
        json={"max_value": max_value, "user": f"Player {next(_PLAYERS)}"},
        environ_base={"REMOTE_ADDR": address},
    )


@pytest.fixture
def capped(make_app, game_config):
    """An app allowing 3 games in play per client and 5 in all."""
    app = make_app(**game_config, GAME_MAX_ACTIVE_PER_CLIENT=3, GAME_MAX_ACTIVE=5)
    return app, app.server.test_client()


@pytest.mark.parametrize(
    ("remote_addr", "client"),
    [
        ("203.0.113.7", "203.0.113.7"),
        ("2001:db8:1:2:3:4:5:6", "2001:db8:1:2::/64"),
        ("2001:DB8:1:2::ffff", "2001:db8:1:2::/64"),
        ("fe80::1%eth0", "fe80::/64"),
        ("::ffff:203.0.113.7", "203.0.113.7"),  # an IPv4 client of a dual-stack socket
        (None, "unknown"),
        ("", "unknown"),
    ],
)
def test_client_network(remote_addr, client):
    assert client_network(remote_addr) == client


def test_per_client_cap_is_429_with_a_reason_and_retry_after(capped):
    app, client = capped
    assert [_start(client, "10.0.0.1").status_code for _ in range(3)] == [201, 201, 201]
    refused = _start(client, "10.0.0.1")
    assert refused.status_code == 429
    assert "too many unfinished games" in refused.get_json()["error"]
    assert "at most 3" in refused.get_json()["error"]
    ttl = app.server.config["GAME_TTL_SECONDS"]
    assert 1 <= int(refused.headers["Retry-After"]) <= ttl
    assert _start(client, "10.0.0.2").status_code == 201  # another client is not affected


def test_a_refused_start_stores_nothing(capped):
    app, client = capped
    store = services.scores(app.server)
    for _ in range(3):
        _start(client, "10.0.0.1")
    with store.provider.connection() as redis_client:
        before = sorted(redis_client.scan_iter(match=store.prefix + "*"))
        assert _start(client, "10.0.0.1").status_code == 429
        assert sorted(redis_client.scan_iter(match=store.prefix + "*")) == before


def test_a_won_game_frees_its_place(capped):
    _, client = capped
    games = [_start(client, "10.0.0.1").get_json()["game_id"] for _ in range(3)]
    assert _start(client, "10.0.0.1").status_code == 429
    play_to_win(client, games[0], 10)
    assert _start(client, "10.0.0.1").status_code == 201
    assert _start(client, "10.0.0.1").status_code == 429


def test_ipv6_addresses_of_one_64_share_a_cap(capped):
    _, client = capped
    for address in ("2001:db8::1", "2001:db8::2", "2001:db8::abcd:1"):
        assert _start(client, address).status_code == 201
    assert _start(client, "2001:db8::ffff:ffff:ffff:ffff").status_code == 429
    assert _start(client, "2001:db8:0:1::1").status_code == 201  # the next /64 is another client


def test_total_cap_is_503_with_a_reason_and_retry_after(capped):
    _, client = capped
    statuses = [_start(client, f"10.0.1.{i}").status_code for i in range(5)]
    assert statuses == [201] * 5
    refused = _start(client, "10.0.2.1")
    assert refused.status_code == 503
    assert "too many games in play" in refused.get_json()["error"]
    assert int(refused.headers["Retry-After"]) >= 1


def test_default_cap_is_50_games_per_address(game_client):
    statuses = [_start(game_client, "198.51.100.9").status_code for _ in range(52)]
    assert statuses == [201] * 50 + [429, 429]


def test_concurrent_starts_never_exceed_the_cap(make_app, game_config):
    app = make_app(**game_config, GAME_MAX_ACTIVE_PER_CLIENT=5)

    def start(_):
        return _start(app.server.test_client(), "10.9.9.9").status_code

    with ThreadPoolExecutor(8) as pool:
        statuses = list(pool.map(start, range(24)))
    assert sorted(statuses) == [201] * 5 + [429] * 19


def test_expired_games_free_their_places_and_the_bookkeeping_expires(make_app, game_config):
    app = make_app(**game_config, GAME_TTL_SECONDS=1, GAME_MAX_ACTIVE_PER_CLIENT=2)
    client = app.server.test_client()
    store = services.scores(app.server)
    assert [_start(client, "10.0.0.1").status_code for _ in range(3)] == [201, 201, 429]
    with store.provider.connection() as redis_client:
        for key in (store.active_key(), store.active_key("10.0.0.1")):
            assert redis_client.zcard(key) == 2
            assert 0 < redis_client.pttl(key) <= 1000, key
        time.sleep(1.1)
        assert _start(client, "10.0.0.1").status_code == 201
        # The expired games were dropped from the sets when the new one was counted.
        assert redis_client.zcard(store.active_key("10.0.0.1")) == 1
        time.sleep(1.1)
        assert redis_client.exists(store.active_key(), store.active_key("10.0.0.1")) == 0


def test_a_guess_keeps_its_game_counted_for_as_long_as_the_game_lives(game_app, game_client):
    store = services.scores(game_app.server)
    game_id = _start(game_client, "10.0.0.1", max_value=1000).get_json()["game_id"]
    with store.provider.connection() as redis_client:
        started = redis_client.zscore(store.active_key("10.0.0.1"), game_id)
        time.sleep(0.02)
        assert game_client.post(f"/guess/{game_id}", json={"guess": 1}).status_code == 200
        for key in (store.active_key(), store.active_key("10.0.0.1")):
            assert redis_client.zscore(key, game_id) > started
        expires_ms = redis_client.pttl(store.game_key(game_id))
        assert abs(redis_client.pttl(store.active_key("10.0.0.1")) - expires_ms) < 1000


@pytest.mark.parametrize(
    "setting", [{"GAME_MAX_ACTIVE_PER_CLIENT": 0}, {"GAME_MAX_ACTIVE": -1}], ids=str
)
def test_caps_must_be_positive(make_app, setting):
    with pytest.raises(ConfigError, match="GAME_MAX_ACTIVE"):
        make_app(**setting)
