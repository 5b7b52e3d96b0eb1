"""The embedded Redis's watchdog: a small process that stops the server once no user is left.

Users hold shared flocks on ``lease.lock`` and start, lease and stop under an exclusive flock on
``start.lock`` (see embedded_redis.py). The watchdog receives both files as open descriptors
from the process that started the server, never as paths: a flock belongs to the file itself,
which lives on while a descriptor refers to it, so the watchdog still sees every lease (and
every start or release under way) after the data folder was deleted, as a test harness, a
container's scratch space or a cleanup script does right after stopping the app. It used to
open the files by path every second; with the folder gone that raised, the watchdog died and
the redis-server lived on for good.

Once the folder is gone nobody can take a new lease on this server: a later process opens
(and creates) new files, a different lock, and cannot reach this server's socket either. So
"no shared flock on our lease file" stays true once seen, and the server can be stopped.
"""

from __future__ import annotations

import fcntl
import os
import subprocess
import sys
import time
from pathlib import Path

from data.game.redis_processes import serves, stop_server

STOP_TIMEOUT = 10.0
_PROJECT_ROOT = Path(__file__).resolve().parents[2]
# Forks once and the parent exits, so the watchdog is re-parented to init and never lingers as
# our zombie. The project root goes on sys.path: the app may run from any working directory.
_LAUNCHER = (
    "import os, sys\n"
    "if os.fork():\n    os._exit(0)\n"
    "sys.path.insert(0, sys.argv[1])\n"
    "from data.game.redis_watchdog import watch\n"
    "watch(int(sys.argv[2]), sys.argv[3], int(sys.argv[4]), int(sys.argv[5]))\n"
)


def spawn_watchdog(data_dir: Path, server_pid: int, socket_path: str) -> None:
    """Start the watchdog of server_pid, handing it data_dir's start.lock and lease.lock."""
    # Fresh descriptors, never the caller's start.lock one: that holds the lock, and the
    # watchdog would then hold it for as long as it lives.
    fds = [
        os.open(data_dir / name, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o600)
        for name in ("start.lock", "lease.lock")
    ]
    try:
        # Its own session, cwd "/" and only these two descriptors keep it independent of us
        # and of the folder.
        launcher = subprocess.Popen(
            [sys.executable, "-c", _LAUNCHER, str(_PROJECT_ROOT), str(server_pid), socket_path]
            + [str(fd) for fd in fds],
            cwd="/",
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            close_fds=True,
            pass_fds=fds,
            start_new_session=True,
        )
        launcher.wait(timeout=30)
    finally:
        for fd in fds:
            os.close(fd)


def watch(
    server_pid: int, socket_path: str, start_fd: int, lease_fd: int, interval: float = 1.0
) -> None:
    """Watchdog loop: stop the server when no process holds a lease; return once it is gone."""
    while True:
        time.sleep(interval)
        if not serves(server_pid, socket_path):
            return  # stopped by its last user, or killed (a restart has its own watchdog)
        try:
            fcntl.flock(start_fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            continue  # a start, lease or release is under way: look again next time
        try:
            try:
                fcntl.flock(lease_fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                continue  # someone still uses the server
            # Still under start.lock, so nobody can take a new lease before the server is gone.
            stop_server(server_pid, STOP_TIMEOUT)
            return
        finally:
            fcntl.flock(lease_fd, fcntl.LOCK_UN)
            fcntl.flock(start_fd, fcntl.LOCK_UN)
