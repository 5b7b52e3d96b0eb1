"""Reelboard under real gunicorn for the reliability tests: start, wait, stop, kill, find Redis."""

from __future__ import annotations

import contextlib
import gc
import os
import signal
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

import requests

from config import PROJECT_ROOT
from data.game.embedded_redis import socket_path_for
from data.game.redis_processes import server_pids
from testkit.ports import free_port

GUNICORN = [sys.executable, "-m", "gunicorn", "-c", str(PROJECT_ROOT / "gunicorn.conf.py")]
APP = "dashboard_app:server"


def wait_for(predicate, timeout: float, interval: float = 0.05, what: str = "condition"):
    """Poll predicate() until it returns something truthy; AssertionError after timeout."""
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value:
            return value
        if time.monotonic() >= deadline:
            raise AssertionError(f"timed out after {timeout:.0f} s waiting for {what}")
        time.sleep(interval)


def embedded_redis_pids(instance: Path) -> list[int]:
    """Live redis-server processes serving the embedded Redis of this instance folder."""
    return server_pids(socket_path_for(Path(instance) / "redis"))


def children_of(pid: int) -> list[int]:
    """Direct child process ids of pid (from /proc)."""
    found = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as handle:
                stat = handle.read()
        except OSError:
            continue
        # Field 4 is the parent pid; the command name (field 2) may contain spaces.
        fields = stat.rsplit(")", 1)[1].split()
        if int(fields[1]) == pid:
            found.append(int(entry))
    return found


def rss_mb(pid: int) -> float:
    """Resident memory of a process, in MB (from /proc)."""
    with open(f"/proc/{pid}/status") as handle:
        for line in handle:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    raise AssertionError(f"no VmRSS for {pid}")


def is_alive(pid: int) -> bool:
    """True for a running (not zombie) process."""
    try:
        with open(f"/proc/{pid}/stat") as handle:
            state = handle.read().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


@dataclass
class Server:
    """One gunicorn master (and its workers) serving Reelboard on a free port."""

    instance: Path
    env: dict
    port: int
    log_path: Path
    proc: subprocess.Popen | None = None
    session: requests.Session = field(default_factory=requests.Session)

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def url(self, path: str) -> str:
        return self.base_url + path

    def launch(self) -> Server:
        """Start gunicorn, its output appended to the log, without waiting for it."""
        log = open(self.log_path, "ab")  # the child holds it; closed right after
        self.proc = subprocess.Popen(
            [*GUNICORN, APP],
            cwd=PROJECT_ROOT,
            env=self.env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        log.close()
        return self

    def start(self, timeout: float = 90.0) -> Server:
        """Start gunicorn and wait until /healthz answers 200 (or fail with the log)."""
        self.launch()
        try:
            wait_for(self._healthy, timeout, 0.2, f"gunicorn on port {self.port} to be healthy")
        except AssertionError:
            self.kill()
            raise AssertionError(
                f"gunicorn did not become healthy; log:\n{self.log_tail()}"
            ) from None
        return self

    def _healthy(self) -> bool:
        if self.proc.poll() is not None:
            raise AssertionError(f"gunicorn exited with {self.proc.returncode}:\n{self.log_tail()}")
        try:
            return requests.get(self.url("/healthz"), timeout=2).status_code == 200
        except requests.RequestException:
            return False

    def worker_pids(self) -> list[int]:
        """Worker processes of the master."""
        return children_of(self.proc.pid) if self.proc else []

    def stop(self, timeout: float = 40.0) -> int:
        """SIGTERM the master (graceful shutdown) and wait for it; returns its exit code."""
        if self.proc is None or self.proc.poll() is not None:
            return self.proc.returncode if self.proc else 0
        # A worker's graceful exit waits for its idle keep-alive connections to time out (5 s):
        # close ours first. A test's finished requests.Response objects still hold theirs
        # until collected (a reference cycle), so collect them.
        self.session.close()
        gc.collect()
        self.proc.send_signal(signal.SIGTERM)
        try:
            return self.proc.wait(timeout)
        except subprocess.TimeoutExpired:
            self.kill()
            raise AssertionError(f"gunicorn did not stop on SIGTERM:\n{self.log_tail()}") from None

    def kill(self) -> None:
        """SIGKILL the master and every worker at once (the process group)."""
        if self.proc is None:
            return
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.proc.pid, signal.SIGKILL)
        with contextlib.suppress(subprocess.TimeoutExpired):
            self.proc.wait(10)

    def log_tail(self, lines: int = 40) -> str:
        try:
            return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return "(no log)"

    def __enter__(self) -> Server:
        return self

    def __exit__(self, *exc) -> None:
        with contextlib.suppress(AssertionError):
            self.stop()
        self.kill()
        self.session.close()


def server_env(
    instance: Path,
    database: Path | str,
    port: int,
    workers: int = 4,
    redis_url: str | None = None,
    **extra: str,
) -> dict:
    """The environment for a gunicorn run: temp folders, no REDIS_URL unless given; database is
    a SQLite file or a postgresql:// URL."""
    env = {k: v for k, v in os.environ.items() if k != "REDIS_URL"}
    env.update(
        HOST="127.0.0.1",
        PORT=str(port),
        WORKERS=str(workers),
        INSTANCE_PATH=str(instance),
        DATABASE_URL=database if isinstance(database, str) else f"sqlite:///{database}",
        SECRET_KEY="reliability-tests",
        RATELIMIT_ENABLED="false",
        # Not about access: the open app of one person (loopback only); extra may turn it on.
        AUTH="off",
        # Every test client comes from 127.0.0.1: one "client" for the per-client game cap.
        GAME_MAX_ACTIVE_PER_CLIENT="100000",
        PYTHONPATH=str(PROJECT_ROOT),
        LOG_LEVEL="warning",
    )
    if redis_url:
        env["REDIS_URL"] = redis_url
    env.update({k: str(v) for k, v in extra.items()})
    return env


def make_server(
    tmp: Path,
    database: Path | str,
    workers: int = 4,
    redis_url: str | None = None,
    instance: Path | None = None,
    **extra,
) -> Server:
    """A Server (not started) with its own instance folder under tmp (or the one given)."""
    instance = instance or tmp / "instance"
    instance.mkdir(parents=True, exist_ok=True)
    tmp.mkdir(parents=True, exist_ok=True)
    port = free_port()
    env = server_env(instance, database, port, workers, redis_url, **extra)
    return Server(instance=instance, env=env, port=port, log_path=tmp / "gunicorn.log")


def play_won_game(
    session: requests.Session, base_url: str, max_value: int, user: str, timeout: float = 10
) -> tuple[str, int]:
    """Start a game and win it by binary search through the API; returns (game_id, guesses)."""
    response = session.post(
        f"{base_url}/guess/start", json={"max_value": max_value, "user": user}, timeout=timeout
    )
    assert response.status_code == 201, (response.status_code, response.text)
    game_id = response.json()["game_id"]
    low, high = 1, max_value
    while True:
        guess = (low + high) // 2
        response = session.post(
            f"{base_url}/guess/{game_id}", json={"guess": guess}, timeout=timeout
        )
        assert response.status_code == 200, (response.status_code, response.text)
        body = response.json()
        if body["result"] == "correct":
            return game_id, body["guesses"]
        if body["result"] == "higher":
            low = guess + 1
        else:
            high = guess - 1
        assert low <= high, (
            "binary search ran out of numbers: the server's answers are inconsistent"
        )


def percentile(values: list[float], pct: float) -> float:
    """The pct-th percentile (nearest rank) of values."""
    if not values:
        return float("nan")
    ordered = sorted(values)
    rank = max(0, min(len(ordered) - 1, round(pct / 100 * len(ordered) + 0.5) - 1))
    return ordered[rank]


class BackgroundClients:
    """Threads that run `self._run()` (looping until `self._stop` is set) inside a with-block."""

    def __init__(self, base_url: str, clients: int):
        self.base_url = base_url
        self._stop = threading.Event()
        self._threads = [threading.Thread(target=self._run, daemon=True) for _ in range(clients)]

    def _run(self) -> None:
        raise NotImplementedError

    def __enter__(self):
        for thread in self._threads:
            thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        for thread in self._threads:
            thread.join(30)
