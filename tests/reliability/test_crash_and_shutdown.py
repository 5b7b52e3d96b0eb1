"""Reliability 2 and 3: SIGKILL of the app and its Redis loses no acknowledged score; SIGTERM
leaves no Redis process behind and the data intact."""

from __future__ import annotations

import os
import signal
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor

import requests

from testkit.serving import embedded_redis_pids, is_alive, play_won_game, wait_for

MAXIMA = [10 + k for k in range(20)]  # 20 lists of at most 100 rows, read back through the API


def _record_games(base_url: str, count: int, clients: int = 20) -> Counter:
    """Play and record `count` won games from `clients` threads; the acknowledged scores."""

    def worker(index: int) -> list:
        acknowledged = []
        with requests.Session() as session:
            for n in range(index, count, clients):
                max_value = MAXIMA[n % len(MAXIMA)]
                user = f"player{n:04d}"
                game_id, guesses = play_won_game(session, base_url, max_value, user)
                response = session.post(
                    f"{base_url}/guess/finished", json={"game_id": game_id}, timeout=10
                )
                assert response.status_code == 200, response.text
                acknowledged.append((max_value, user, guesses))
        return acknowledged

    with ThreadPoolExecutor(clients) as pool:
        results = list(pool.map(worker, range(clients)))
    return Counter(item for result in results for item in result)


def _stored_scores(base_url: str) -> Counter:
    found: Counter = Counter()
    for max_value in MAXIMA:
        response = requests.get(
            f"{base_url}/guess/hiscore", params={"max_value": max_value, "limit": 100}, timeout=10
        )
        assert response.status_code == 200, response.text
        found.update((max_value, row["user"], row["guesses"]) for row in response.json())
    return found


def test_sigkill_of_app_and_redis_loses_no_acknowledged_score(serve):
    server = serve(workers=4)
    started = time.perf_counter()
    acknowledged = _record_games(server.base_url, 1000)
    recorded_in = time.perf_counter() - started
    assert sum(acknowledged.values()) == 1000

    # No warning: kill the master, every worker and the embedded redis-server at once.
    redis_pids = embedded_redis_pids(server.instance)
    assert len(redis_pids) == 1
    server.kill()
    for pid in redis_pids:
        os.kill(pid, signal.SIGKILL)
    wait_for(lambda: not any(is_alive(pid) for pid in redis_pids), 10, what="redis-server to die")

    began = time.perf_counter()
    restarted = serve(workers=4, instance=server.instance)
    restart_s = time.perf_counter() - began
    found = _stored_scores(restarted.base_url)
    missing = acknowledged - found
    print(
        f"\n[crash] 1000 scores acknowledged in {recorded_in:.1f} s; SIGKILL app + Redis; "
        f"restart healthy in {restart_s:.1f} s; found {sum((found & acknowledged).values())} "
        f"of 1000, missing {sum(missing.values())}, "
        f"duplicates {sum((found - acknowledged).values())}"
    )
    assert not missing
    assert found == acknowledged


def test_sigterm_leaves_no_redis_and_keeps_the_data(serve):
    server = serve(workers=4)
    acknowledged = _record_games(server.base_url, 40, clients=8)
    assert len(embedded_redis_pids(server.instance)) == 1

    began = time.perf_counter()
    code = server.stop()
    stop_s = time.perf_counter() - began
    assert code == 0, server.log_tail()
    left = embedded_redis_pids(server.instance)
    print(f"\n[shutdown] SIGTERM -> exit {code} in {stop_s:.1f} s; redis-server left: {left}")
    assert left == []

    restarted = serve(workers=2, instance=server.instance)
    assert _stored_scores(restarted.base_url) == acknowledged
    restarted.stop()
    assert embedded_redis_pids(server.instance) == []
