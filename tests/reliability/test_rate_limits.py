"""Reliability 8: the rate limit holds across workers (counted in the shared Redis)."""

from __future__ import annotations

import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor

import requests

STARTS = 100
LIMIT = 10


def test_ten_starts_a_minute_hold_across_four_workers(serve):
    server = serve(
        workers=4,
        RATELIMIT_ENABLED="true",
        RATELIMIT_GAME_START=f"{LIMIT} per minute",
        RATELIMIT_GAME_GUESS="120 per minute",
    )
    url = server.url("/guess/start")

    def start(i: int):
        # 100 starts spread evenly over 10 s; a fresh connection each, so all workers serve some.
        time.sleep(max(0.0, began + i * 0.1 - time.perf_counter()))
        response = requests.post(
            url, json={"max_value": 25}, timeout=10, headers={"Connection": "close"}
        )
        return response

    began = time.perf_counter()
    with ThreadPoolExecutor(10) as pool:
        responses = list(pool.map(start, range(STARTS)))
    elapsed = time.perf_counter() - began

    # Which workers served the starts: every log line carries its process id.
    serving = {
        line.split("[", 1)[1].split("]", 1)[0]
        for line in server.log_path.read_text().splitlines()
        if '"POST /guess/start ' in line
    }
    statuses = Counter(r.status_code for r in responses)
    refused = [r for r in responses if r.status_code == 429]
    retry_after = sorted({int(r.headers["Retry-After"]) for r in refused})
    print(
        f"\n[rate-limit] {STARTS} starts in {elapsed:.1f} s over 4 workers at {LIMIT}/minute: "
        f"{dict(statuses)} from {len(serving)} workers; "
        f"Retry-After values {retry_after[:3]}..{retry_after[-3:]} s"
    )
    assert len(serving) >= 2, "the starts did not spread over several workers"
    assert statuses == {201: LIMIT, 429: STARTS - LIMIT}
    for response in refused:
        assert response.headers["Content-Type"] == "application/json"
        assert "error" in response.json()
        assert 1 <= int(response.headers["Retry-After"]) <= 60
    # Guesses have their own limit: a started game can still be played.
    game_id = next(r for r in responses if r.status_code == 201).json()["game_id"]
    response = requests.post(server.url(f"/guess/{game_id}"), json={"guess": 1}, timeout=10)
    assert response.status_code == 200, response.text
