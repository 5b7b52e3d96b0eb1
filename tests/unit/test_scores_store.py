"""High scores in Redis: kept across restarts, capped, under the prefix, reset by the CLI."""

from __future__ import annotations

import time

from data.game.board_periods import periods_at
from data.game.redis_processes import server_pids
from tests.redis_fixtures import play_to_win, start_game
from web import services


def _finish_game(client, max_value=10, user="Ann") -> int:
    game_id = start_game(client, max_value, user)
    guesses = play_to_win(client, game_id, max_value)
    response = client.post("/guess/finished", json={"game_id": game_id})
    assert response.status_code == 200
    return guesses


def test_scores_survive_an_app_restart(make_app, game_config):
    first = make_app(**game_config)
    client = first.server.test_client()
    recorded = sorted(_finish_game(client, 100, f"P{i}") for i in range(3))
    provider = services.redis_provider(first.server)
    provider.close()
    if provider.is_embedded:
        assert server_pids(provider.embedded.socket_path) == [], "closing the last user stops Redis"

    second = make_app(**game_config)  # same INSTANCE_PATH: embedded Redis reloads its AOF
    entries = second.server.test_client().get("/guess/hiscore?max_value=100").get_json()
    assert [e["guesses"] for e in entries] == recorded
    assert sorted(e["user"] for e in entries) == ["P0", "P1", "P2"]


def test_history_and_ranking_are_capped(make_app, game_config):
    app = make_app(**game_config, SCORE_HISTORY_CAP=3)
    client = app.server.test_client()
    results = []
    for i in range(6):
        results.append((_finish_game(client, 25, f"P{i}"), i))
        time.sleep(0.002)
    store = services.scores(app.server)
    with store.provider.connection() as redis_client:
        assert redis_client.llen(store.history_key(25)) == 3
        assert redis_client.zcard(store.ranking_key(25)) == 3
    # The history keeps the newest three; the ranking the best three (ties: earlier first).
    assert [e["user"] for e in store.history(25)] == ["P5", "P4", "P3"]
    best = [f"P{i}" for _, i in sorted(results)[:3]]
    assert [e["user"] for e in store.hiscores(25, limit=100)] == best


def test_keys_live_under_the_prefix(game_app, game_client, redis_prefix):
    _finish_game(game_client, 10)
    store = services.scores(game_app.server)
    with store.provider.connection() as redis_client:
        keys = set(redis_client.scan_iter(match=redis_prefix + "*"))
    assert f"{redis_prefix}hiscores:10" in keys and f"{redis_prefix}ranking:10" in keys
    games = [key for key in keys if key.startswith(f"{redis_prefix}game:")]
    assert len(games) == 1
    with store.provider.connection() as redis_client:
        assert 0 < redis_client.ttl(games[0]) <= game_app.server.config["GAME_TTL_SECONDS"]


def test_scores_reset_asks_and_deletes_only_scores_under_the_prefix(
    game_app, game_client, redis_prefix
):
    _finish_game(game_client, 10)
    _finish_game(game_client, 25)
    store = services.scores(game_app.server)
    outside = "other-" + redis_prefix + "keep-me"  # a key just outside the prefix
    with store.provider.connection() as redis_client:
        redis_client.set(outside, "1")
    runner = game_app.server.test_cli_runner()
    try:
        declined = runner.invoke(args=["scores-reset"], input="n\n")
        assert declined.exit_code != 0 and "Aborted" in declined.output
        assert len(store.hiscores(10)) == 1 and len(store.hiscores(25)) == 1

        one = runner.invoke(args=["scores-reset", "--max-value", "10"], input="y\n")
        assert one.exit_code == 0, one.output
        # The history, and the best-game and player boards of all time, this week and today.
        assert "10 Redis key(s)" in one.output
        assert store.hiscores(10) == [] and len(store.hiscores(25)) == 1

        bad = runner.invoke(args=["scores-reset", "--max-value", "1", "--yes"])
        assert bad.exit_code == 2 and "max_value" in bad.output
        assert len(store.hiscores(25)) == 1

        everything = runner.invoke(args=["scores-reset", "--yes"])
        assert everything.exit_code == 0, everything.output
        assert store.hiscores(25) == [] and store.history(25) == []
        with store.provider.connection() as redis_client:
            assert redis_client.get(outside) == "1"
            assert not list(redis_client.scan_iter(match=redis_prefix + "players:*"))
            # Games are not scores: they stay (and expire by themselves).
            assert any(
                k.startswith(f"{redis_prefix}game:")
                for k in redis_client.scan_iter(match=redis_prefix + "*")
            )
    finally:
        with store.provider.connection() as redis_client:
            redis_client.delete(outside)


def test_only_games_in_play_and_rate_limits_ever_get_a_ttl(make_app, game_config, redis_prefix):
    # Eviction (volatile-ttl) can only take keys with a TTL: scores must never have one.
    app = make_app(**game_config, RATELIMIT_ENABLED=True)
    client = app.server.test_client()
    for i in range(3):
        _finish_game(client, 10, f"P{i}")
    start_game(client, 25, "Unfinished")
    client.post("/guess/start", json={"max_value": 25})
    store = services.scores(app.server)
    with store.provider.connection() as redis_client:
        keys = list(redis_client.scan_iter(match=redis_prefix + "*"))
        ttls = {key: redis_client.pttl(key) for key in keys}
    scores = {k for k in keys if k.startswith((store.history_key(""), store.ranking_key("")))}
    scores |= {k for k in keys if k.startswith(f"{redis_prefix}players:")}
    periods = periods_at(store.now_ms())
    all_time = {
        store.history_key(10),
        store.ranking_key(10),
        *store.players_keys(10, periods["all"]),
    }
    # The period boards (this week's, today's) expire by themselves; the all-time ones never.
    by_period = {
        key
        for name in ("week", "day")
        for key in (store.board_key(10, periods[name]), *store.players_keys(10, periods[name]))
    }
    assert scores == all_time | by_period
    assert all(ttls[key] == -1 for key in all_time)
    assert all(0 < ttls[key] <= 9 * 86_400_000 for key in by_period)
    scores = all_time | by_period
    # Everything else has one: the games, their bookkeeping, and the rate limiter's counters
    # (absent when a slow Redis made the limiter count in memory for a moment).
    # Who owns which name never expires either: an evicted claim would free the name.
    assert ttls[store.owners_key()] == -1
    others = set(keys) - scores - {store.owners_key()}
    assert {store.active_key(), store.active_key("127.0.0.1")} <= others
    assert all(ttls[key] > 0 for key in others), {k: ttls[k] for k in others if ttls[k] <= 0}
