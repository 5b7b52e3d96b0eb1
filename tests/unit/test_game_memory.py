"""Redis memory is bounded: at the ceiling the embedded Redis evicts games in play, never scores."""

from __future__ import annotations

from tests.redis_fixtures import play_to_win, start_game
from web import services

MAXIMA = (10, 25, 100)
SCORES = 300


def _record_won_game(store, index: int) -> str:
    max_value = MAXIMA[index % len(MAXIMA)]
    name, client = f"P{index:03d}", f"10.0.0.{index % 7}"
    game_id = store.start_game(max_value, name, client=client, owner=f"key:{name}")["game_id"]
    with store.provider.connection() as client:
        secret = int(client.hget(store.game_key(game_id), "secret"))
    assert store.guess(game_id, secret).result == "correct"
    store.record(game_id, owner="key:anyone")
    return game_id


def _scores(store) -> dict:
    """Every history list and ranking, in full."""
    with store.provider.connection() as client:
        return {
            max_value: (
                client.lrange(store.history_key(max_value), 0, -1),
                client.zrange(store.ranking_key(max_value), 0, -1, withscores=True),
            )
            for max_value in MAXIMA
        }


def _score_keys_without_ttl(store) -> bool:
    """Every maximum's history and all-time ranking is there, without a TTL.

    (This week's and today's boards, ranking:<max>:week:..., expire by themselves.)
    """
    with store.provider.connection() as client:
        keys = [
            key
            for kind in ("hiscores:", "ranking:")
            for key in client.scan_iter(match=store.prefix + kind + "*")
            if ":" not in key[len(store.prefix + kind) :]
        ]
        return len(keys) == 2 * len(MAXIMA) and all(client.ttl(key) == -1 for key in keys)


EVICTIONS = 50


def _fill_with_other_volatile_keys(redis_client, store, headroom: int) -> None:
    """Take the memory up to `headroom` below the ceiling with keys that expire after every game.

    Filling it with games alone takes tens of thousands of starts (a minute and more); these
    keys stand for other expiring data and, expiring last, are never what volatile-ttl evicts
    first. Only the last stretch is filled with real games.
    """
    ceiling = int(redis_client.config_get("maxmemory")["maxmemory"])
    ttl = 100 * store.game_ttl
    batch = 0
    while redis_client.info("memory")["used_memory"] < ceiling - headroom:
        with redis_client.pipeline(transaction=False) as pipe:
            for index in range(500):
                pipe.set(f"{store.prefix}filler:{batch}:{index}", "x" * 64, ex=ttl)
            pipe.execute()
        batch += 1


def test_eviction_drops_games_in_play_never_a_recorded_score(make_app):
    app = make_app(
        REDIS_URL=None,
        REDIS_MAXMEMORY="3mb",
        GAME_MAX_ACTIVE_PER_CLIENT=1_000_000,
        GAME_MAX_ACTIVE=1_000_000,
    )
    store = services.scores(app.server)
    games = [_record_won_game(store, index) for index in range(SCORES)]
    recorded = _scores(store)
    assert sum(len(history) for history, _ in recorded.values()) == SCORES
    assert _score_keys_without_ttl(store)

    redis_client = store.provider.client()
    assert int(redis_client.config_get("maxmemory")["maxmemory"]) == 3 * 1024 * 1024
    _fill_with_other_volatile_keys(redis_client, store, headroom=256 * 1024)
    # One named game (a named player's next start ends their previous game), then anonymous
    # ones, each kept until it expires or is evicted.
    games.append(store.start_game(25, "Filler", client="c", owner="key:f")["game_id"])
    # Until several keys went: volatile-ttl picks among a sample of keys, so the first one or
    # two may be a client's short-lived counter rather than a game.
    while redis_client.info("stats")["evicted_keys"] < EVICTIONS:
        assert len(games) < 100_000, "no eviction: is the memory ceiling set?"
        for _ in range(25):
            client = f"c{len(games) // 40}"
            games.append(store.start_game(25, None, client=client, owner="key:f")["game_id"])
    with redis_client.pipeline(transaction=False) as pipe:
        for game_id in games:
            pipe.exists(store.game_key(game_id))
        alive = sum(pipe.execute())
    # The first to go are the recorded games' hashes (their TTL ends first), then games in play.
    assert alive < len(games), "the evicted keys are games"

    # Every recorded score is still there: each history list and each ranking complete.
    assert _scores(store) == recorded
    assert _score_keys_without_ttl(store)
    # And every name's owner (the hash has no TTL): an impostor cannot take a name after a fill.
    assert redis_client.hlen(store.owners_key()) == SCORES + 1

    # At the ceiling the game goes on: new games evict older ones, and a new score is kept.
    client = app.server.test_client()
    game_id = start_game(client, 10, "Late")
    play_to_win(client, game_id, 10)
    assert client.post("/guess/finished", json={"game_id": game_id}).status_code == 200
    assert len(store.history(10, count=1000)) == len(recorded[10][0]) + 1
    assert redis_client.info("stats")["evicted_keys"] > 0
