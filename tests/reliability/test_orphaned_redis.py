"""Issue 24.6: the app stopped (SIGTERM or SIGKILL) and its instance folder deleted at once, as
a test harness, a container's scratch space or a cleanup script does: no redis-server lives on."""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import subprocess
import sys
import time

import pytest
import requests

from config import PROJECT_ROOT
from testkit.ports import free_port
from testkit.serving import embedded_redis_pids, is_alive, make_server, server_env, wait_for

# The watchdog looks once a second and Redis's graceful shutdown takes milliseconds.
GONE_WITHIN = 10.0


def _start_dashboard_app(tmp_path, events_db) -> tuple[subprocess.Popen, str]:
    """`python dashboard_app.py` on a free port with its own instance folder; (process, url)."""
    port = free_port()
    env = server_env(tmp_path / "instance", events_db, port, LOG_LEVEL="warning")
    log = open(tmp_path / "app.log", "ab")  # outside the instance folder: it is deleted
    app = subprocess.Popen(
        [sys.executable, "dashboard_app.py"],
        cwd=PROJECT_ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    log.close()
    url = f"http://127.0.0.1:{port}"

    def healthy():
        if app.poll() is not None:
            raise AssertionError((tmp_path / "app.log").read_text(errors="replace")[-3000:])
        with contextlib.suppress(requests.RequestException):
            return requests.get(f"{url}/healthz", timeout=2).status_code == 200
        return False

    wait_for(healthy, 30, 0.1, "python dashboard_app.py to be healthy")
    return app, url


def _stop_and_delete(stop, instance, redis_pid: int) -> float:
    """Stop the app, delete its instance folder at once; seconds until redis_pid was gone."""
    began = time.monotonic()
    stop()
    shutil.rmtree(instance, ignore_errors=True)  # at once, while the app may still be exiting
    wait_for(lambda: not is_alive(redis_pid), GONE_WITHIN, what=f"redis-server {redis_pid} to stop")
    return time.monotonic() - began


def _play(url: str) -> None:
    response = requests.post(f"{url}/guess/start", json={"max_value": 64}, timeout=10)
    assert response.status_code == 201, response.text


def _cleanup(app_pid: int | None, redis_pids: list[int]) -> None:
    """SIGKILL whatever a failed test left: the app's process group and the redis-servers."""
    if app_pid is not None:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(app_pid, signal.SIGKILL)
    for pid in redis_pids:
        if is_alive(pid):
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)


@pytest.mark.timeout(60)
@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGKILL], ids=["sigterm", "sigkill"])
def test_dashboard_app_stopped_and_folder_deleted_leaves_no_redis(tmp_path, events_db, sig):
    instance = tmp_path / "instance"
    app, redis_pids = None, []
    try:
        app, url = _start_dashboard_app(tmp_path, events_db)
        _play(url)
        redis_pids = embedded_redis_pids(instance)
        assert len(redis_pids) == 1

        took = _stop_and_delete(lambda: app.send_signal(sig), instance, redis_pids[0])
        print(f"\n[orphan] python dashboard_app.py {sig.name} + rm -rf: Redis gone in {took:.1f} s")
        app.wait(10)
        shutil.rmtree(instance, ignore_errors=True)  # anything the exiting app still wrote
    finally:
        _cleanup(app.pid if app else None, redis_pids)


@pytest.mark.timeout(90)
@pytest.mark.parametrize("how", ["sigterm", "sigkill"])
def test_gunicorn_stopped_and_folder_deleted_leaves_no_redis(tmp_path, events_db, how):
    server = make_server(tmp_path / "run", events_db, workers=2)
    redis_pids = []
    try:
        server.start()
        _play(server.base_url)
        redis_pids = embedded_redis_pids(server.instance)
        assert len(redis_pids) == 1

        # `make serve` stopped with kill -TERM of the master, or everything SIGKILLed at once.
        stop = server.proc.terminate if how == "sigterm" else server.kill
        took = _stop_and_delete(stop, server.instance, redis_pids[0])
        print(f"\n[orphan] gunicorn {how} + rm -rf: Redis gone in {took:.1f} s")
        assert server.proc.wait(30) is not None
    finally:
        server.session.close()
        _cleanup(server.proc.pid if server.proc else None, redis_pids)
