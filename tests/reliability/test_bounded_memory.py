"""Reliability: distinct expensive requests must not grow a worker without bound.

Before the byte budget, 450 requests for a century of daily minutes with distinct start dates
grew each worker from ~176 MB to ~869 MB (the memo kept 1,024 entries of ~4.6 MB each).
"""

from __future__ import annotations

import datetime as dt
from concurrent.futures import ThreadPoolExecutor

import pytest
import requests

from testkit.serving import rss_mb

pytestmark = pytest.mark.slow

REQUESTS = 400  # x ~4.6 MB: 1.8 GB, far past every memo, were it unbounded
CLIENTS = 4
# The memos' budgets (ANALYTICS_CACHE_MB 64 and ANSWER_CACHE_MB 16, per worker) and 36 MB for
# the rest: bounded, whatever the number of distinct requests.
MAX_GROWTH_MB = 64 + 16 + 36


def _century_url(index: int) -> str:
    start = dt.date(1900, 1, 1) + dt.timedelta(days=index)
    return f"/data/minutes_watched/?start={start}&end=2000-03-01"


def test_distinct_century_requests_keep_workers_bounded(serve):
    server = serve(workers=3)
    workers = server.worker_pids()
    with requests.Session() as session:
        # Warm every worker (events loaded, first answers made) before taking the baseline.
        for index in range(30):
            assert session.get(server.url(_century_url(REQUESTS + index)), timeout=60).ok
    before = {pid: rss_mb(pid) for pid in workers}

    def fetch(indexes: range) -> list[int]:
        with requests.Session() as session:
            return [
                session.get(server.url(_century_url(index)), timeout=60).status_code
                for index in indexes
            ]

    shares = [range(i, REQUESTS, CLIENTS) for i in range(CLIENTS)]
    with ThreadPoolExecutor(CLIENTS) as pool:
        statuses = [status for part in pool.map(fetch, shares) for status in part]
    assert statuses == [200] * REQUESTS
    assert server.worker_pids() == workers, "a worker was restarted"
    after = {pid: rss_mb(pid) for pid in workers}
    growth = {pid: after[pid] - before[pid] for pid in workers}
    print(
        "\nworker RSS (MB): "
        + ", ".join(f"{before[p]:.0f} -> {after[p]:.0f} (+{growth[p]:.0f})" for p in workers)
    )
    assert max(growth.values()) <= MAX_GROWTH_MB, growth
