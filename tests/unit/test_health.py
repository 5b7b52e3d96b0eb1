"""GET /healthz: 200 when the event store and Redis are up, 503 JSON when either is down."""

from __future__ import annotations

import os
import signal
import socket

from data.game.embedded_redis import socket_path_for
from data.game.redis_processes import server_pids


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_healthy_reports_both_and_starts_the_embedded_redis(client, instance_dir):
    response = client.get("/healthz")
    assert response.status_code == 200
    body = response.get_json()
    assert body["status"] == "ok"
    assert body["checks"]["events"] == {"ok": True}
    redis = body["checks"]["redis"]
    assert redis["ok"] and redis["mode"] == "embedded"
    assert [redis["process_id"]] == server_pids(socket_path_for(instance_dir / "redis"))
    assert response.headers["Cache-Control"] == "no-store"


def test_missing_event_store_is_503(make_app, tmp_path):
    client = make_app(DATABASE_URL=f"sqlite:///{tmp_path / 'absent.sqlite'}").server.test_client()
    response = client.get("/healthz")
    assert response.status_code == 503
    body = response.get_json()
    assert body["status"] == "unavailable"
    assert body["checks"]["events"]["ok"] is False
    assert body["checks"]["redis"]["ok"] is True
    assert not (tmp_path / "absent.sqlite").exists()  # a health check creates nothing


def test_unreadable_event_store_is_503(make_app, tmp_path):
    broken = tmp_path / "broken.sqlite"
    broken.write_bytes(b"this is not an sqlite database" * 100)
    client = make_app(DATABASE_URL=f"sqlite:///{broken}").server.test_client()
    response = client.get("/healthz")
    assert response.status_code == 503
    assert "not readable" in response.get_json()["checks"]["events"]["error"]


def test_unreachable_redis_is_503(make_app):
    client = make_app(REDIS_URL=f"redis://127.0.0.1:{_closed_port()}/0").server.test_client()
    response = client.get("/healthz")
    assert response.status_code == 503
    body = response.get_json()
    assert body["checks"]["redis"] == {
        "ok": False,
        "mode": "external",
        "error": "Redis does not answer",
    }
    assert body["checks"]["events"]["ok"] is True


def test_paused_embedded_redis_is_503_quickly_then_200(client, instance_dir):
    assert client.get("/healthz").status_code == 200
    [pid] = server_pids(socket_path_for(instance_dir / "redis"))
    os.kill(pid, signal.SIGSTOP)
    try:
        response = client.get("/healthz")
        assert response.status_code == 503
        assert response.get_json()["elapsed_ms"] < 2000
    finally:
        os.kill(pid, signal.SIGCONT)
    assert client.get("/healthz").status_code == 200
