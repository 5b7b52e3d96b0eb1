"""Finding and stopping embedded redis-server processes (found through /proc, never by PING)."""

from __future__ import annotations

import contextlib
import os
import signal
import time


def process_cmdline(pid: int) -> bytes | None:
    try:
        with open(f"/proc/{pid}/cmdline", "rb") as handle:
            return handle.read()
    except OSError:
        return None


def server_pids(socket_path: str) -> list[int]:
    """PIDs of live redis-server processes listening on socket_path (zombies excluded)."""
    needle = socket_path.encode()
    pids = []
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            cmdline = process_cmdline(int(entry)) or b""
            if b"redis-server" in cmdline and needle in cmdline:
                pids.append(int(entry))
    return pids


def alive_server(pid: int) -> bool:
    cmdline = process_cmdline(pid)
    return bool(cmdline) and b"redis-server" in cmdline


def serves(pid: int, socket_path: str) -> bool:
    """True while pid is a live redis-server listening on socket_path (not a reused pid)."""
    cmdline = process_cmdline(pid)
    return bool(cmdline) and b"redis-server" in cmdline and socket_path.encode() in cmdline


def stop_server(pid: int, timeout: float) -> None:
    """Stop a redis-server gracefully (AOF fsync'd), with SIGKILL if it is not gone by timeout."""
    # SIGTERM is Redis's graceful shutdown (flush + fsync AOF); SIGCONT wakes a paused one.
    for sig in (signal.SIGTERM, signal.SIGCONT):
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, sig)
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if not alive_server(pid):
            return
        time.sleep(0.02)
    with contextlib.suppress(ProcessLookupError):
        os.kill(pid, signal.SIGKILL)
