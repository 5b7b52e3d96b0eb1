"""Finding embedded redis-server processes through /proc (never by PING: a paused one lives)."""

from __future__ import annotations

import os


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
