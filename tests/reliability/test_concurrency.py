"""Reliability 1: 500 won games from 50 concurrent clients against gunicorn with 4 workers."""

from __future__ import annotations

import threading
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor

import requests

from testkit.serving import percentile

CLIENTS = 50
GAMES_PER_CLIENT = 10
BASE_MAX = 100  # client i plays with maximum BASE_MAX + i, so each list holds one client's games


def _client(base_url: str, index: int, statuses: Counter, lock: threading.Lock, latencies: list):
    """Play GAMES_PER_CLIENT games and record them; returns the acknowledged (user, guesses)."""
    max_value = BASE_MAX + index
    acknowledged = []
    session = requests.Session()
    original = session.request

    def timed(method, url, **kwargs):
        started = time.perf_counter()
        response = original(method, url, timeout=30, **kwargs)
        with lock:
            latencies.append(time.perf_counter() - started)
            statuses[response.status_code] += 1
        return response

    session.request = timed
    try:
        for game in range(GAMES_PER_CLIENT):
            user = f"client{index:02d}-game{game:02d}"
            game_id, guesses = _win(session, base_url, max_value, user)
            response = session.post(f"{base_url}/guess/finished", json={"game_id": game_id})
            if response.status_code == 200:
                acknowledged.append((max_value, user, guesses))
    finally:
        session.close()
    return acknowledged


def _win(session, base_url, max_value, user):
    response = session.post(f"{base_url}/guess/start", json={"max_value": max_value, "user": user})
    assert response.status_code == 201, response.text
    game_id = response.json()["game_id"]
    low, high = 1, max_value
    while True:
        guess = (low + high) // 2
        response = session.post(f"{base_url}/guess/{game_id}", json={"guess": guess})
        assert response.status_code == 200, response.text
        body = response.json()
        if body["result"] == "correct":
            return game_id, body["guesses"]
        low, high = (guess + 1, high) if body["result"] == "higher" else (low, guess - 1)


def test_500_games_from_50_concurrent_clients(serve):
    server = serve(workers=4)
    statuses: Counter = Counter()
    latencies: list[float] = []
    lock = threading.Lock()
    started = time.perf_counter()
    with ThreadPoolExecutor(CLIENTS) as pool:
        futures = [
            pool.submit(_client, server.base_url, i, statuses, lock, latencies)
            for i in range(CLIENTS)
        ]
        acknowledged = [item for future in futures for item in future.result()]
    elapsed = time.perf_counter() - started

    total = sum(statuses.values())
    print(
        f"\n[concurrency] {len(acknowledged)} games acknowledged, {total} requests in "
        f"{elapsed:.1f} s ({total / elapsed:.0f} req/s), statuses {dict(statuses)}, "
        f"p50 {percentile(latencies, 50) * 1000:.1f} ms, "
        f"p95 {percentile(latencies, 95) * 1000:.1f} ms, "
        f"p99 {percentile(latencies, 99) * 1000:.1f} ms"
    )
    assert not [code for code in statuses if code >= 500], statuses
    assert len(acknowledged) == CLIENTS * GAMES_PER_CLIENT

    # Every acknowledged score is in its list exactly once, and each list is in order.
    expected = Counter(acknowledged)
    found: Counter = Counter()
    for i in range(CLIENTS):
        max_value = BASE_MAX + i
        response = requests.get(
            server.url("/guess/hiscore"), params={"max_value": max_value, "limit": 100}, timeout=10
        )
        assert response.status_code == 200
        rows = response.json()
        keys = [(row["guesses"], row["date"]) for row in rows]
        assert keys == sorted(keys), f"list for {max_value} is not in order"
        found.update((max_value, row["user"], row["guesses"]) for row in rows)
    assert found == expected
