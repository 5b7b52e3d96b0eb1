"""Embedded Redis: one server per data folder, shared, stopped by its last user, restarted."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from config import ConfigError
from data.game.embedded_redis import EmbeddedRedis, socket_path_for
from data.game.redis_connection import RedisProvider, RedisUnavailable, parse_memory_size
from data.game.redis_processes import server_pids


def _wait_until(predicate, timeout=10.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.02)
    return predicate()


def test_lazy_until_first_use(tmp_path):
    provider = RedisProvider.from_config({"INSTANCE_PATH": tmp_path})
    socket_path = provider.embedded.socket_path
    assert server_pids(socket_path) == []
    assert not (tmp_path / "redis").exists()
    provider.close()  # closing an unused provider is harmless
    assert server_pids(socket_path) == []


def test_embedded_redis_config_and_stop(tmp_path):
    provider = RedisProvider.from_config({"INSTANCE_PATH": tmp_path})
    client = provider.client()
    assert client.ping() and provider.ping()
    assert client.config_get("appendonly")["appendonly"] == "yes"
    assert client.config_get("appendfsync")["appendfsync"] == "always"
    assert Path(client.config_get("dir")["dir"]) == (tmp_path / "redis").resolve()
    assert len(server_pids(provider.embedded.socket_path)) == 1
    provider.close()
    assert server_pids(provider.embedded.socket_path) == []
    assert (tmp_path / "redis" / "appendonly.aof").exists()


@pytest.mark.parametrize(("setting", "expected"), [(None, 256 * 1024**2), ("64mb", 64 * 1024**2)])
def test_embedded_redis_has_a_memory_ceiling_and_evicts_only_keys_with_a_ttl(
    tmp_path, setting, expected
):
    config = {"INSTANCE_PATH": tmp_path}
    if setting:
        config["REDIS_MAXMEMORY"] = setting
    provider = RedisProvider.from_config(config)
    try:
        client = provider.client()
        assert int(client.config_get("maxmemory")["maxmemory"]) == expected
        assert client.config_get("maxmemory-policy")["maxmemory-policy"] == "volatile-ttl"
    finally:
        provider.close()


@pytest.mark.parametrize(
    ("text", "size"),
    [
        ("256mb", 256 * 1024**2),
        ("1gb", 1024**3),
        ("1G", 1000**3),
        (" 8MB ", 8 * 1024**2),
        ("3000000", 3_000_000),
        (4_194_304, 4_194_304),
    ],
)
def test_memory_sizes_read_like_redis_conf(text, size):
    assert parse_memory_size(text) == size


@pytest.mark.parametrize("text", ["0", "256", "1kb", "1mb", "lots", "-5mb", "2.5gb", "1tb", ""])
def test_unusable_memory_sizes_are_refused(text):
    with pytest.raises(ConfigError, match="REDIS_MAXMEMORY must be a memory size"):
        parse_memory_size(text)


def test_a_bad_memory_ceiling_stops_the_app_at_start(make_app):
    with pytest.raises(ConfigError, match="REDIS_MAXMEMORY"):
        make_app(REDIS_MAXMEMORY="256 megabytes")


def test_two_providers_share_one_server(tmp_path):
    first = RedisProvider.from_config({"INSTANCE_PATH": tmp_path})
    second = RedisProvider.from_config({"INSTANCE_PATH": tmp_path})
    first.client().set("k", "v")
    assert second.client().get("k") == "v"
    socket_path = first.embedded.socket_path
    assert len(server_pids(socket_path)) == 1
    first.close()
    assert len(server_pids(socket_path)) == 1, "the second user still holds its lease"
    assert second.client().get("k") == "v"
    second.close()
    assert server_pids(socket_path) == []


_WORKER = textwrap.dedent(
    """
    import sys, time
    from data.game.redis_connection import RedisProvider
    provider = RedisProvider.from_config({"INSTANCE_PATH": sys.argv[1]})
    provider.client().incr("starts")
    print("ready", flush=True)
    sys.stdin.readline()  # hold the lease until told to leave
    """
)


def test_concurrent_processes_start_exactly_one_server(tmp_path):
    workers = [
        subprocess.Popen(
            [sys.executable, "-c", _WORKER, str(tmp_path)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )
        for _ in range(4)
    ]
    for worker in workers:
        assert worker.stdout.readline().strip() == "ready"
    socket_path = socket_path_for(tmp_path / "redis")
    assert len(server_pids(socket_path)) == 1
    checker = RedisProvider.from_config({"INSTANCE_PATH": tmp_path})
    assert checker.client().get("starts") == "4"
    checker.close()
    assert len(server_pids(socket_path)) == 1
    for worker in workers:
        worker.stdin.write("\n")
        worker.stdin.flush()
        assert worker.wait(timeout=20) == 0
    assert _wait_until(lambda: server_pids(socket_path) == [])


def test_crashed_user_releases_its_lease(tmp_path):
    worker = subprocess.Popen(
        [sys.executable, "-c", _WORKER, str(tmp_path)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert worker.stdout.readline().strip() == "ready"
    worker.kill()  # SIGKILL: no atexit, the kernel drops its flock
    worker.wait()
    provider = RedisProvider.from_config({"INSTANCE_PATH": tmp_path})
    assert provider.client().get("starts") == "1"  # the orphaned server is reused, data intact
    socket_path = provider.embedded.socket_path
    assert len(server_pids(socket_path)) == 1
    provider.close()
    assert server_pids(socket_path) == []


def test_long_folder_uses_a_short_socket_path(tmp_path):
    deep = tmp_path / ("d" * 60) / ("e" * 60)
    socket_path = socket_path_for(deep)
    assert len(socket_path.encode()) <= 107
    assert socket_path == socket_path_for(deep), "stable per folder"
    assert socket_path != socket_path_for(tmp_path / ("d" * 60) / ("f" * 60))
    server = EmbeddedRedis(deep)
    try:
        server.acquire()
        assert len(server_pids(socket_path)) == 1
    finally:
        server.release()
    assert server_pids(socket_path) == []


def test_killed_server_is_restarted_by_the_next_request(tmp_path):
    provider = RedisProvider.from_config({"INSTANCE_PATH": tmp_path})
    provider.client().set("kept", "yes")
    pid = provider.embedded.pid()
    os.kill(pid, signal.SIGKILL)
    assert _wait_until(lambda: provider.embedded.pid() is None)
    began = time.monotonic()
    with pytest.raises(RedisUnavailable):
        with provider.connection() as client:
            client.get("kept")
    assert time.monotonic() - began < 2
    # The failure restarted the server from its AOF; the next call works without a new provider.
    with provider.connection() as client:
        assert client.get("kept") == "yes"
    assert provider.embedded.pid() not in (None, pid)
    provider.close()
    assert server_pids(provider.embedded.socket_path) == []


def test_paused_server_is_not_doubled(tmp_path):
    provider = RedisProvider.from_config({"INSTANCE_PATH": tmp_path})
    provider.client().set("k", "v")
    pid = provider.embedded.pid()
    os.kill(pid, signal.SIGSTOP)
    try:
        for _ in range(2):
            began = time.monotonic()
            assert provider.ping() is False
            assert time.monotonic() - began < 2
            time.sleep(1.1)  # past the restart rate limit: still no second server
        assert server_pids(provider.embedded.socket_path) == [pid]
    finally:
        os.kill(pid, signal.SIGCONT)
    assert provider.ping() is True
    assert provider.client().get("k") == "v"
    provider.close()
    assert server_pids(provider.embedded.socket_path) == []


def test_watchdog_stops_redis_when_every_user_died(tmp_path):
    worker = subprocess.Popen(
        [sys.executable, "-c", _WORKER, str(tmp_path)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert worker.stdout.readline().strip() == "ready"
    socket_path = socket_path_for(tmp_path / "redis")
    assert len(server_pids(socket_path)) == 1
    worker.kill()  # no atexit, no release: only the watchdog can stop Redis now
    worker.wait()
    assert _wait_until(lambda: server_pids(socket_path) == [], timeout=5)
    provider = RedisProvider.from_config({"INSTANCE_PATH": tmp_path})
    assert provider.client().get("starts") == "1", "stopped gracefully: the AOF has the write"
    provider.close()


def test_watchdog_follows_the_leases_after_the_folder_is_deleted(tmp_path):
    # Issue 24.6: the folder deleted right after the app stopped (a harness's or a container's
    # scratch space); the watchdog holds the lock files open, so it still sees who uses Redis.
    instance = tmp_path / "instance"
    worker = subprocess.Popen(
        [sys.executable, "-c", _WORKER, str(instance)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert worker.stdout.readline().strip() == "ready"
        [pid] = server_pids(socket_path_for(instance / "redis"))
        shutil.rmtree(instance)
        time.sleep(2.5)  # two watchdog rounds: a user still holds its lease, Redis stays
        assert server_pids(socket_path_for(instance / "redis")) == [pid]
        worker.kill()  # the last user gone without releasing, its folder gone too
        worker.wait()
        assert _wait_until(lambda: server_pids(socket_path_for(instance / "redis")) == [], 5)
    finally:
        worker.kill()
        for pid in server_pids(socket_path_for(instance / "redis")):
            os.kill(pid, signal.SIGKILL)
