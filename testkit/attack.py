"""A hostile client against a served Reelboard, and probes of how another client fares meanwhile.

The hostile client is one address with many connections, within every count limit, asking the
dearest legal answers (three centuries of daily values, long breakdowns, the daily lifecycle),
MCP tool calls and layouts as fast as it can; probes are another address's small requests.
"""

from __future__ import annotations

import multiprocessing
import random
import threading
import time
from collections import Counter

import requests
from requests.adapters import HTTPAdapter

from testkit.serving import percentile

HOSTILE_ADDRESS = "127.0.0.2"
PROBE_ADDRESS = "127.0.0.3"
LONG = "start=1800-01-01&end=2128-07-01&resolution=daily"
DEAR_PATHS = (
    f"/data/views/?{LONG}",
    f"/data/unique_users/?{LONG}",
    f"/data/completion_rate/?{LONG}",
    "/data/views/?start=1980-01-01&end=2029-12-31&resolution=daily&breakdown=device",
    "/data/lifecycle/?resolution=daily",
    "/_dash-layout",
    "/",
)
PROBE_PATH = "/data/toplist/?num=5"
_MCP_DEAR = {
    "jsonrpc": "2.0",
    "id": 1,
    "method": "tools/call",
    "params": {
        "name": "timeseries",
        "arguments": {"metric": "views", "start": "1800-01-01", "end": "2128-07-01"},
    },
}


class _SourceAddress(HTTPAdapter):
    """Connections from one loopback address (all of 127.0.0.0/8 is this machine)."""

    def __init__(self, address: str, **kwargs) -> None:
        self._address = address
        super().__init__(**kwargs)

    def init_poolmanager(self, *args, **kwargs):
        kwargs["source_address"] = (self._address, 0)
        super().init_poolmanager(*args, **kwargs)


def session_from(address: str) -> requests.Session:
    session = requests.Session()
    session.mount("http://", _SourceAddress(address, pool_connections=1, pool_maxsize=1))
    return session


def _hostile_connection(base_url: str, stop_at: float, seed: int, statuses: Counter) -> None:
    rng = random.Random(seed)
    with session_from(HOSTILE_ADDRESS) as session:
        while time.time() < stop_at:
            try:
                if rng.random() < 0.15:
                    response = session.post(
                        f"{base_url}/_mcp", json=_MCP_DEAR, timeout=60, stream=True
                    )
                else:
                    path = rng.choice(DEAR_PATHS)
                    response = session.get(base_url + path, timeout=60, stream=True)
                # Read in large pieces: the client's own CPU must not be what slows the probes.
                for _ in response.iter_content(1 << 20):
                    pass
                statuses[response.status_code] += 1
            except requests.RequestException:
                statuses["error"] += 1


def _hostile_process(base_url: str, connections: int, stop_at: float, queue) -> None:
    statuses: Counter = Counter()
    threads = [
        threading.Thread(target=_hostile_connection, args=(base_url, stop_at, seed, statuses))
        for seed in range(connections)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    queue.put(dict(statuses))


class Attack:
    """`connections` hostile connections from HOSTILE_ADDRESS for `seconds`, in a process of
    their own (their threads must not slow the probes' measurement); a context manager."""

    def __init__(self, base_url: str, connections: int, seconds: float) -> None:
        ctx = multiprocessing.get_context("fork")
        self._queue = ctx.Queue()
        self.stop_at = time.time() + seconds
        self._process = ctx.Process(
            target=_hostile_process, args=(base_url, connections, self.stop_at, self._queue)
        )
        self.statuses: dict = {}

    def __enter__(self) -> Attack:
        self._process.start()
        return self

    def __exit__(self, *exc) -> None:
        try:
            self.statuses = self._queue.get(timeout=max(0, self.stop_at - time.time()) + 120)
        finally:
            self._process.join(10)
            if self._process.is_alive():
                self._process.kill()


def probe(base_url: str, seconds: float, interval: float = 0.05, path: str = PROBE_PATH) -> dict:
    """Small requests from PROBE_ADDRESS, each on a new connection (another person arriving):
    latency p50, p95 and max in ms, and the statuses."""
    latencies, statuses = [], Counter()
    stop_at = time.perf_counter() + seconds
    while time.perf_counter() < stop_at:
        with session_from(PROBE_ADDRESS) as session:
            started = time.perf_counter()
            try:
                status = session.get(base_url + path, timeout=30).status_code
            except requests.RequestException:
                status = "error"
            latencies.append((time.perf_counter() - started) * 1000)
            statuses[status] += 1
        time.sleep(interval)
    return {
        "count": len(latencies),
        "p50": percentile(latencies, 50),
        "p95": percentile(latencies, 95),
        "max": max(latencies),
        "statuses": dict(statuses),
    }
