"""`python dashboard_app.py` (what `make run` runs) never exposes the Werkzeug debugger."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
import requests

from config import PROJECT_ROOT
from testkit.ports import free_port

# What the Werkzeug debugger serves to its in-browser console; absent when it is off.
DEBUGGER_RESOURCE = "/?__debugger__=yes&cmd=resource&f=debugger.js"


def _wait_until_serving(url: str, process: subprocess.Popen, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise AssertionError(f"the app exited with {process.returncode}")
        try:
            requests.get(url, timeout=5)
            return
        # Debug mode's reloader binds the port before its child serves it, so a connection
        # may be accepted and left waiting while the child still starts: try again.
        except (requests.ConnectionError, requests.Timeout):
            time.sleep(0.2)
    raise AssertionError(f"{url} did not answer within {seconds} s")


@pytest.mark.parametrize("dash_debug", ["0", "1"])
def test_no_werkzeug_debugger_in_any_mode(tmp_path: Path, demo_db: Path, dash_debug: str):
    port = free_port()
    env = {
        **os.environ,
        "INSTANCE_PATH": str(tmp_path / "instance"),
        "DATABASE_URL": f"sqlite:///{demo_db}",
        "PORT": str(port),
        "DASH_DEBUG": dash_debug,
        "AUTH": "off",  # not about access: the debugger must be absent for anyone
    }
    env.pop("REDIS_URL", None)
    # A session of its own: debug mode's reloader runs the app in a child process.
    process = subprocess.Popen(
        [sys.executable, "dashboard_app.py"],
        cwd=PROJECT_ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    try:
        base = f"http://127.0.0.1:{port}"
        _wait_until_serving(base + "/healthz", process)
        response = requests.get(base + DEBUGGER_RESOURCE, timeout=10)
        assert "javascript" not in response.headers.get("Content-Type", "")
        assert "__debugger__" not in response.text
        # Debug or not, the app itself answers normally.
        assert requests.get(base + "/data/toplist/?num=1", timeout=10).status_code == 200
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=30)
