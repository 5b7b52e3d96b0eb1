"""Reliability: slowloris (trickling headers) and idle connections must not starve real clients.

Before the gevent worker, 200 connections sending one header line every 3 s left 0 of 6 probes
answered, and 200 idle connections blocked probes for about 25 s (gthread read headers inside
its few threads).
"""

from __future__ import annotations

import socket
import threading
import time

import pytest
import requests

from layouts import ids
from testkit.dash_client import DashCallbacks

pytestmark = pytest.mark.slow

TRICKLING = 200
IDLE = 200
DURATION = 20.0  # rounds of trickling; connections dropped and back several times
TRICKLE_EVERY = 3.0
PROBE_EVERY = 0.5
PROBE_TIMEOUT = 1.0


class Attack:
    """Keeps TRICKLING connections sending a header line every 3 s and IDLE silent ones open.

    Connections the server drops are opened again, as a real attacker would.
    """

    def __init__(self, port: int):
        self.port = port
        self.opened = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _connect(self, trickle: bool) -> socket.socket | None:
        try:
            sock = socket.create_connection(("127.0.0.1", self.port), timeout=2)
        except OSError:
            return None
        self.opened += 1
        if trickle:
            sock.sendall(b"GET / HTTP/1.1\r\nHost: x\r\n")
        sock.setblocking(False)
        return sock

    def _alive(self, sock: socket.socket | None) -> bool:
        if sock is None:
            return False
        try:
            return sock.recv(1, socket.MSG_PEEK) != b""  # b"": the server closed it
        except BlockingIOError:
            return True
        except OSError:
            return False

    def _run(self) -> None:
        trickling = [self._connect(True) for _ in range(TRICKLING)]
        idle = [self._connect(False) for _ in range(IDLE)]
        line = 0
        while not self._stop.wait(TRICKLE_EVERY):
            line += 1
            for index, sock in enumerate(trickling):
                try:
                    sock.send(f"X-Slow-{line}: {'a' * 20}\r\n".encode())
                except (OSError, AttributeError):
                    self._close(sock)
                    trickling[index] = self._connect(True)
            for index, sock in enumerate(idle):
                if not self._alive(sock):
                    self._close(sock)
                    idle[index] = self._connect(False)
        for sock in trickling + idle:
            self._close(sock)

    @staticmethod
    def _close(sock) -> None:
        if sock is not None:
            sock.close()

    def __enter__(self) -> Attack:
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self._thread.join(30)


def _probe(call) -> tuple[bool, float]:
    started = time.perf_counter()
    try:
        ok = call().status_code == 200
    except requests.RequestException:
        ok = False
    return ok, time.perf_counter() - started


def test_trickling_and_idle_connections_do_not_block_probes(serve):
    server = serve(workers=3)
    state = {"resolution": "daily", "num": 10, "start": None, "end": None, "sessiontype": None}
    callbacks = DashCallbacks.for_server(server.base_url, timeout=PROBE_TIMEOUT)
    data, dash = [], []
    with Attack(server.port) as attack:
        time.sleep(2)  # every attacking connection is open before the first probe
        deadline = time.monotonic() + DURATION
        while time.monotonic() < deadline:
            tick = time.monotonic()
            # A new connection each time, like a script; the server must accept and answer it.
            data.append(
                _probe(
                    lambda: requests.get(server.url("/data/toplist/?num=3"), timeout=PROBE_TIMEOUT)
                )
            )
            dash.append(
                _probe(
                    lambda: callbacks.post(ids.KPI_UNIQUE_USERS, None, {f"{ids.STATE}.data": state})
                )
            )
            time.sleep(max(0.0, PROBE_EVERY - (time.monotonic() - tick)))
    for name, probes in (("/data/toplist/", data), ("KPI callback", dash)):
        good = sum(1 for ok, elapsed in probes if ok and elapsed <= PROBE_TIMEOUT)
        slowest = max(elapsed for _ok, elapsed in probes)
        print(f"\n{name}: {good}/{len(probes)} answered within 1 s, slowest {slowest:.3f} s")
        assert len(probes) >= DURATION / PROBE_EVERY / 2
        assert good >= 0.99 * len(probes), f"{name}: only {good} of {len(probes)} within 1 s"
    # The attack really ran: the server dropped slow connections and they came back.
    assert attack.opened > TRICKLING + IDLE, attack.opened
