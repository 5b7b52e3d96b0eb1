"""Reliability: clients that read answers slowly hold a bounded buffer each, not whole answers,
and a client that takes no answer is dropped after WRITE_TIMEOUT.

Before answers were spooled to a file, 150 connections reading a 2.4 MB answer at ~4 KB/s grew
every worker by 110-133 MB for as long as they stayed (81 readers of an 11 MB answer: +300 MB
each), and nothing limited how long that was.
"""

from __future__ import annotations

import http.client
import socket
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
import requests

from config import PROJECT_ROOT
from testkit.serving import rss_mb, wait_for

BIG = "/data/views/?start=1900-01-01&end=2100-12-31&resolution=daily"  # 2.4 MB of JSON
ASSET = "/assets/vendor/plotly-basic.min.js"  # 1.2 MB, a static file
READERS = 150
# Each reader takes READ_BYTES every READ_EVERY seconds (4 KB/s) through a small buffer.
READ_BYTES = 1024
READ_EVERY = 0.25
RECEIVE_BUFFER = 4096
# A real network's segment size: loopback's 64 KB segments let the kernel queue megabytes per
# connection (its send buffer grows with them), which would hide what the worker itself holds.
SEGMENT = 1460
MAX_GROWTH_MB = 100
PROBE_TIMEOUT = 1.0
PROBE_FROM = "127.0.0.200"  # not one of the readers' addresses
TCP_ESTABLISHED = 1


def slow_socket(port: int, path: str, source: str = "127.0.0.1") -> socket.socket:
    """A connection with a small receive buffer that has asked for path, not read yet."""
    sock = socket.socket()
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, RECEIVE_BUFFER)
    sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_MAXSEG, SEGMENT)
    sock.bind((source, 0))
    sock.settimeout(10)
    sock.connect(("127.0.0.1", port))
    sock.sendall(f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n".encode())
    sock.setblocking(False)
    return sock


class SlowReaders:
    """count connections (from 127.0.0.2-51) that each asked for path and read it slowly."""

    def __init__(self, port: int, path: str, count: int):
        self.socks = [slow_socket(port, path, f"127.0.0.{2 + i % 50}") for i in range(count)]
        self.heads = [b""] * count

    def read_a_little(self) -> None:
        for index, sock in enumerate(self.socks):
            try:
                data = sock.recv(READ_BYTES)
            except (BlockingIOError, InterruptedError):
                continue
            if b"\r\n\r\n" not in self.heads[index]:
                self.heads[index] += data

    def lengths(self) -> list[int | None]:
        """The Content-Length of every answer whose head arrived (None: not yet)."""
        found = []
        for head in self.heads:
            lines = head.split(b"\r\n\r\n")[0].split(b"\r\n") if b"\r\n\r\n" in head else []
            sizes = [line.split(b":")[1] for line in lines if line.lower().startswith(b"content-l")]
            found.append(int(sizes[0]) if sizes else None)
        return found

    def close(self) -> None:
        for sock in self.socks:
            sock.close()


def probe(port: int, path: str = "/healthz") -> float:
    """Seconds a new connection from another address took to get path's 200."""
    started = time.perf_counter()
    conn = http.client.HTTPConnection(
        "127.0.0.1", port, timeout=PROBE_TIMEOUT, source_address=(PROBE_FROM, 0)
    )
    try:
        conn.request("GET", path)
        response = conn.getresponse()
        response.read()
        assert response.status == 200, (path, response.status)
    finally:
        conn.close()
    return time.perf_counter() - started


def tcp_state(sock: socket.socket) -> int:
    """The kernel's TCP state of a socket (1: established; the first byte of TCP_INFO)."""
    return sock.getsockopt(socket.IPPROTO_TCP, socket.TCP_INFO, 8)[0]


@pytest.mark.slow
def test_slow_readers_hold_little_and_leave_workers_near_baseline(serve):
    server = serve(workers=3, WRITE_TIMEOUT=120)
    # Every worker made the big answer a few times (most likely) before the baseline.
    with ThreadPoolExecutor(9) as pool:
        sizes = set(
            pool.map(lambda _: len(requests.get(server.url(BIG), timeout=60).content), range(18))
        )
    size = sizes.pop()
    assert not sizes and size > 2_000_000, size
    workers = server.worker_pids()
    before = {pid: rss_mb(pid) for pid in workers}
    peak = dict(before)
    readers = SlowReaders(server.port, BIG, READERS)
    try:
        # Each worker makes its answers one at a time; the readers read on meanwhile.
        deadline = time.monotonic() + 60
        while None in readers.lengths() and time.monotonic() < deadline:
            readers.read_a_little()
            peak = {pid: max(peak[pid], rss_mb(pid)) for pid in workers}
            time.sleep(READ_EVERY)
        assert readers.lengths() == [size] * READERS, "not every reader got its answer's head"
        # Every answer is made and being read slowly: the workers answer others meanwhile.
        waits = []
        for _ in range(8):
            waits.append(probe(server.port, "/healthz" if len(waits) % 2 else "/data/kpis/"))
            readers.read_a_little()
            peak = {pid: max(peak[pid], rss_mb(pid)) for pid in workers}
            time.sleep(READ_EVERY)
    finally:
        readers.close()
    assert max(waits) < PROBE_TIMEOUT, waits

    def near_baseline():
        now = {pid: rss_mb(pid) for pid in workers}
        return now if all(now[p] - before[p] <= MAX_GROWTH_MB for p in workers) else None

    after = wait_for(near_baseline, 15, 0.5, "every worker back within 100 MB of its baseline")
    print(
        "\nworker RSS (MB) baseline / peak with 150 slow readers / after they closed: "
        + ", ".join(f"{before[p]:.0f} / {peak[p]:.0f} / {after[p]:.0f}" for p in workers)
    )
    assert server.worker_pids() == workers, "a worker was restarted"
    assert all(peak[p] - before[p] <= MAX_GROWTH_MB for p in workers), (before, peak)


def test_answers_arrive_whole_and_readers_that_take_nothing_are_dropped(serve):
    seconds = 2
    server = serve(workers=1, WRITE_TIMEOUT=seconds)
    with requests.Session() as session:  # one connection throughout (keep-alive)
        check_whole_answers(server, session)
    # One stalled reader of a spooled answer, one of a static file (gunicorn's sendfile).
    stalled = [slow_socket(server.port, BIG), slow_socket(server.port, ASSET)]
    try:
        started = time.monotonic()
        assert probe(server.port) < PROBE_TIMEOUT  # the one worker is free meanwhile
        time.sleep(max(0.0, started + seconds - 0.7 - time.monotonic()))
        assert [tcp_state(sock) for sock in stalled] == [TCP_ESTABLISHED] * 2, "dropped early"
        wait_for(
            lambda: all(tcp_state(sock) != TCP_ESTABLISHED for sock in stalled),
            4,
            0.1,
            "the stalled readers dropped",
        )
        dropped_after = time.monotonic() - started
    finally:
        for sock in stalled:
            sock.close()
    assert seconds - 0.7 < dropped_after < seconds + 2.5, dropped_after
    assert probe(server.port, "/data/kpis/") < PROBE_TIMEOUT
    log = wait_for(
        lambda: (text := server.log_path.read_text()).count("was not taken within") == 2 and text,
        5,
        what="one log line per dropped reader",
    )
    assert "Traceback" not in log and "ERROR" not in log, log[-3000:]


def check_whole_answers(server, session: requests.Session) -> None:
    """A spooled answer, HEAD, a static file whole and in part (Range), Dash's bundles."""
    whole = session.get(server.url(BIG), timeout=30)
    assert whole.status_code == 200 and len(whole.content) > 2_000_000
    assert int(whole.headers["Content-Length"]) == len(whole.content)
    whole.json()  # the spooled copy is the answer, byte for byte
    head = session.head(server.url(BIG), timeout=30)
    assert head.headers["Content-Length"] == whole.headers["Content-Length"]
    assert head.content == b""
    asset = Path(PROJECT_ROOT, ASSET.lstrip("/")).read_bytes()
    assert session.get(server.url(ASSET), timeout=30).content == asset
    part = session.get(server.url(ASSET), headers={"Range": "bytes=1000-1999"}, timeout=30)
    assert part.status_code == 206 and part.content == asset[1000:2000]
    page = session.get(server.url("/"), timeout=30).text
    bundles = [p.split('"')[0] for p in page.split('src="')[1:] if "component-suites" in p]
    sizes = []
    for url in bundles:
        got = session.get(server.url(url), timeout=30)
        assert got.status_code == 200, url
        assert int(got.headers["Content-Length"]) == len(got.content), url
        sizes.append(len(got.content))
    assert max(sizes) > 256 * 1024  # some went through the spool
