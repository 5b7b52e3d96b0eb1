"""Reliability: a paused Redis under load must cost the game fast 503s, and the dashboard nothing.

Before the gevent worker, 30 concurrent game requests against a SIGSTOPped Redis took up to
5.5 s to get their 503 and /data took 5.1 s meanwhile: waits on Redis held the few threads.
"""

from __future__ import annotations

import os
import signal
import time
from concurrent.futures import ThreadPoolExecutor

import requests

from layouts import ids
from testkit.dash_client import DashCallbacks
from testkit.serving import BackgroundClients, embedded_redis_pids, percentile, wait_for

GAME_REQUESTS = 30
# Limits on and high: the limiter's own Redis use is part of what must not slow anyone down.
LIMITS = {
    "RATELIMIT_ENABLED": "true",
    "RATELIMIT_GAME_START": "100000 per minute",
    "RATELIMIT_DATA": "100000 per minute",
    "RATELIMIT_CALLBACKS": "100000 per minute",
}
STATE = {"resolution": "daily", "num": 10, "start": None, "end": None, "sessiontype": None}


def _timed(call) -> tuple[int, float]:
    started = time.perf_counter()
    try:
        status = call().status_code
    except requests.RequestException:
        status = 0
    return status, time.perf_counter() - started


class DashboardClients(BackgroundClients):
    """Two clients asking /data and a dashboard callback in turn, timing every answer."""

    def __init__(self, base_url: str):
        super().__init__(base_url, clients=2)
        self.results: list[tuple[str, int, float]] = []

    def _run(self) -> None:
        with requests.Session() as session:
            callbacks = DashCallbacks.for_server(self.base_url, session, timeout=10)
            while not self._stop.is_set():
                self.results.append(
                    (
                        "data",
                        *_timed(
                            lambda: session.get(self.base_url + "/data/toplist/?num=5", timeout=10)
                        ),
                    )
                )
                self.results.append(
                    (
                        "callback",
                        *_timed(
                            lambda: callbacks.post(
                                ids.KPI_UNIQUE_USERS, None, {f"{ids.STATE}.data": STATE}
                            )
                        ),
                    )
                )
                time.sleep(0.02)


def test_paused_redis_under_concurrent_game_requests(serve):
    server = serve(workers=3, **LIMITS)
    [pid] = embedded_redis_pids(server.instance)

    def start_game():
        return requests.post(server.url("/guess/start"), json={"max_value": 100}, timeout=10)

    # Warm: every worker has answered the dashboard and the game before Redis goes away.
    for _ in range(6):
        assert start_game().status_code == 201
    os.kill(pid, signal.SIGSTOP)
    try:
        with DashboardClients(server.base_url) as dashboard:
            time.sleep(1.0)
            with ThreadPoolExecutor(GAME_REQUESTS) as pool:
                games = list(pool.map(lambda _: _timed(start_game), range(GAME_REQUESTS)))
            time.sleep(1.0)
    finally:
        os.kill(pid, signal.SIGCONT)
    resumed = time.perf_counter()
    wait_for(lambda: start_game().status_code == 201, 5.0, 0.05, "the game to recover")
    recovered = time.perf_counter() - resumed

    statuses = {status for status, _ in games}
    worst_game = max(elapsed for _, elapsed in games)
    assert statuses == {503}, [status for status, _ in games]
    assert worst_game < 2.0, f"a game request took {worst_game:.2f} s to get its 503"
    report = [f"30 game requests: 503 in <= {worst_game:.2f} s"]
    for kind in ("data", "callback"):
        timings = [elapsed for name, status, elapsed in dashboard.results if name == kind]
        failed = [status for name, status, _ in dashboard.results if name == kind and status != 200]
        assert len(timings) >= 10 and not failed, (kind, len(timings), failed)
        p95 = percentile(timings, 95)
        report.append(f"{kind} p95 {p95 * 1000:.0f} ms over {len(timings)}")
        assert p95 < 0.2, f"{kind} p95 {p95 * 1000:.0f} ms while Redis was paused"
    print(f"\n[paused Redis] {'; '.join(report)}; game back {recovered:.2f} s after SIGCONT")
