"""Reliability 4: cold starts of 4 workers on a fresh data folder: exactly one Redis, shared."""

from __future__ import annotations

import time
from concurrent.futures import ThreadPoolExecutor

import requests

from testkit.serving import embedded_redis_pids, wait_for

COLD_STARTS = 3
WORKERS = 4


def _health_by_worker(base_url: str, workers: int, timeout: float = 30) -> dict[int, dict]:
    """Ask /healthz on fresh connections until every worker has answered; {worker pid: redis}."""
    seen: dict[int, dict] = {}

    def ask(_):
        response = requests.get(f"{base_url}/healthz", timeout=10, headers={"Connection": "close"})
        assert response.status_code == 200, response.text
        body = response.json()
        return body["worker_pid"], body["checks"]["redis"]

    deadline = time.monotonic() + timeout
    with ThreadPoolExecutor(8) as pool:
        while len(seen) < workers:
            assert time.monotonic() < deadline, f"only workers {sorted(seen)} answered"
            seen.update(pool.map(ask, range(16)))
    return seen


def test_cold_starts_share_exactly_one_redis(serve, tmp_path):
    boot_times = []
    for attempt in range(COLD_STARTS):
        fresh = tmp_path / f"fresh{attempt}"
        began = time.perf_counter()
        server = serve(workers=WORKERS, instance=fresh)
        boot_times.append(time.perf_counter() - began)

        workers = server.worker_pids()
        assert len(workers) == WORKERS
        by_worker = _health_by_worker(server.base_url, WORKERS)
        assert set(by_worker) == set(workers)
        redis_pids = embedded_redis_pids(fresh)
        assert len(redis_pids) == 1, f"start {attempt}: redis-server processes {redis_pids}"
        reported = {(redis["process_id"], redis["run_id"]) for redis in by_worker.values()}
        assert len(reported) == 1, f"start {attempt}: workers use different servers {reported}"
        assert next(iter(reported))[0] == redis_pids[0]

        assert server.stop() == 0
        wait_for(lambda f=fresh: not embedded_redis_pids(f), 10, what="redis-server to stop")
    print(
        f"\n[one-redis] {COLD_STARTS} cold starts of {WORKERS} workers: one redis-server each "
        f"time, shared by all workers, none left after stop; boot to healthy "
        f"{min(boot_times):.1f}-{max(boot_times):.1f} s"
    )
