"""Reliability 5: Redis paused or killed (embedded and REDIS_URL): the game answers 503 within 2 s,
/data keeps working, the game recovers within 5 s of Redis returning, and no score is doubled."""

from __future__ import annotations

import os
import signal
import time
from collections import Counter

import pytest
import requests

from testkit.serving import embedded_redis_pids, play_won_game, wait_for

MAX_VALUE = 64
# Rate limits on (high), so the limiter's own Redis use is part of what must fail fast.
LIMITS = {
    "RATELIMIT_ENABLED": "true",
    "RATELIMIT_GAME_START": "100000 per minute",
    "RATELIMIT_GAME_GUESS": "100000 per minute",
}


def _timed(method: str, url: str, **kwargs) -> tuple[int, float]:
    started = time.perf_counter()
    try:
        status = requests.request(method, url, timeout=10, **kwargs).status_code
    except requests.RequestException:
        status = 0
    return status, time.perf_counter() - started


def _check_outage(server) -> dict:
    """During the outage: game routes 503 within 2 s each, /data answers 200."""
    worst = 0.0
    for _ in range(3):  # several requests: they may land on different workers
        for method, path, body in (
            ("POST", "/guess/start", {"max_value": MAX_VALUE}),
            ("GET", "/guess/hiscore?max_value=64", None),
            ("POST", "/guess/finished", {"game_id": "AAAAAAAAAAAAAAAA"}),
        ):
            status, elapsed = _timed(method, server.url(path), json=body)
            assert status == 503, f"{method} {path} -> {status} during the outage"
            assert elapsed < 2.0, f"{method} {path} took {elapsed:.2f} s during the outage"
            worst = max(worst, elapsed)
    data_status, data_elapsed = _timed("GET", server.url("/data/toplist/?num=5"))
    assert data_status == 200
    health_status, _ = _timed("GET", server.url("/healthz"))
    assert health_status == 503
    return {"worst_503_s": worst, "data_s": data_elapsed}


def _wait_recovered(server, since: float) -> float:
    """Seconds from `since` until a game can be started again (must be within 5 s)."""

    def started():
        status, _ = _timed("POST", server.url("/guess/start"), json={"max_value": MAX_VALUE})
        return status == 201

    wait_for(started, 5.0, 0.05, "the game to work again")
    return time.perf_counter() - since


def _outage_round(server, pause, resume, label: str, session) -> dict:
    """Win a game, take Redis away, try to record it (503), bring Redis back, record it twice."""
    game_id, guesses = play_won_game(session, server.base_url, MAX_VALUE, f"{label}-player")
    pause()
    figures = _check_outage(server)
    status, _ = _timed("POST", server.url("/guess/finished"), json={"game_id": game_id})
    assert status == 503
    returned = time.perf_counter()
    resume()
    figures["recovery_s"] = _wait_recovered(server, returned)
    assert figures["recovery_s"] <= 5.0
    for _ in range(2):  # the client retries after the 503: recorded exactly once
        response = session.post(
            server.url("/guess/finished"), json={"game_id": game_id}, timeout=10
        )
        assert response.status_code == 200, response.text
    figures["guesses"] = guesses
    return figures


def _assert_no_duplicates(server, expected_users: list[str]) -> None:
    rows = requests.get(
        server.url("/guess/hiscore"), params={"max_value": MAX_VALUE, "limit": 100}, timeout=10
    ).json()
    counts = Counter(row["user"] for row in rows)
    assert {user: counts[user] for user in expected_users} == dict.fromkeys(expected_users, 1)


def test_embedded_redis_paused_and_killed(serve):
    server = serve(workers=2, **LIMITS)
    session = requests.Session()
    [pid] = embedded_redis_pids(server.instance)

    paused = _outage_round(
        server,
        lambda: os.kill(pid, signal.SIGSTOP),
        lambda: os.kill(pid, signal.SIGCONT),
        "paused",
        session,
    )

    # Killed: the app itself starts a new embedded server (the data comes back from the AOF).
    def kill():
        os.kill(pid, signal.SIGKILL)
        wait_for(lambda: not embedded_redis_pids(server.instance) or None, 5, what="redis death")

    killed_at = {}

    def restart():
        killed_at["t"] = time.perf_counter()

    game_id, _ = play_won_game(session, server.base_url, MAX_VALUE, "killed-player")
    kill()
    status, elapsed = _timed("POST", server.url("/guess/finished"), json={"game_id": game_id})
    assert elapsed < 2.0
    restart()
    recovery = _wait_recovered(server, killed_at["t"])
    for _ in range(2):
        response = session.post(
            server.url("/guess/finished"), json={"game_id": game_id}, timeout=10
        )
        assert response.status_code == 200, response.text
    new_pids = embedded_redis_pids(server.instance)
    assert len(new_pids) == 1 and new_pids[0] != pid

    _assert_no_duplicates(server, ["paused-player", "killed-player"])
    print(
        f"\n[outage embedded] paused: 503 in <= {paused['worst_503_s']:.2f} s, /data "
        f"{paused['data_s'] * 1000:.0f} ms, recovered {paused['recovery_s']:.2f} s after SIGCONT; "
        f"killed: first answer {status} in {elapsed:.2f} s, game back {recovery:.2f} s later "
        f"(app restarted Redis); no duplicate scores"
    )


def test_external_redis_paused_and_restarted(serve, private_redis):
    server = serve(workers=2, redis_url=private_redis.url, **LIMITS)
    session = requests.Session()
    assert embedded_redis_pids(server.instance) == []

    paused = _outage_round(
        server,
        private_redis.pause,
        private_redis.resume,
        "ext-paused",
        session,
    )
    killed = _outage_round(server, private_redis.kill, private_redis.start, "ext-killed", session)
    _assert_no_duplicates(server, ["ext-paused-player", "ext-killed-player"])
    print(
        f"\n[outage REDIS_URL] paused: 503 in <= {paused['worst_503_s']:.2f} s, recovered "
        f"{paused['recovery_s']:.2f} s after SIGCONT; killed: 503 in <= "
        f"{killed['worst_503_s']:.2f} s, /data {killed['data_s'] * 1000:.0f} ms, recovered "
        f"{killed['recovery_s']:.2f} s after restart (restart itself included); no duplicates"
    )


@pytest.fixture(autouse=True)
def _never_leave_a_paused_redis():
    yield
    # A failed assertion mid-outage must not leave a stopped redis-server behind.
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                cmdline = open(f"/proc/{entry}/cmdline", "rb").read()
            except OSError:
                continue
            if b"redis-server" in cmdline and b"pytest-of" in cmdline:
                os.kill(int(entry), signal.SIGCONT)
