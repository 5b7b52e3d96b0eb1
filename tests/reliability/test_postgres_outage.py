"""PostgreSQL stopped and started again under gunicorn (a server of the test's own, via pg_ctl):
/data and the callbacks answer 503 within 2 s, /healthz 503, the game plays on, and the same
answers come back by themselves within 5 s of the server's return."""

from __future__ import annotations

import time

import pytest
import requests

from data.events.ingest.demo_data import generate_demo
from data.events.stores.event_stores import PostgresStore
from layouts import ids
from testkit.dash_client import DashCallbacks
from testkit.postgres import PrivatePostgres, pg_bin
from testkit.serving import make_server, wait_for

pytestmark = pytest.mark.skipif(
    pg_bin("pg_ctl") is None or pg_bin("initdb") is None,
    reason="PostgreSQL server programs missing",
)
ROUTE = "/data/kpis/?sessiontype=SERIES"
STATE = {"resolution": "weekly", "num": 10, "start": None, "end": None, "sessiontype": None}


def _get(server, path: str) -> tuple[int, float, dict | None]:
    started = time.perf_counter()
    try:
        response = requests.get(server.url(path), timeout=10)
    except requests.RequestException:
        return 0, time.perf_counter() - started, None
    elapsed = time.perf_counter() - started
    body = (
        response.json()
        if response.headers.get("Content-Type", "").startswith("application/json")
        else None
    )
    return response.status_code, elapsed, body


@pytest.fixture
def postgres():
    server = PrivatePostgres()
    try:
        server.init()
        server.start()
        yield server
    finally:
        server.remove()


def test_postgres_stopped_and_started_again(tmp_path, postgres):
    instance = tmp_path / "instance"
    generate_demo(PostgresStore(postgres.url, instance), rows=5_000, seed=2)
    server = make_server(tmp_path / "run", postgres.url, workers=3, instance=instance).start()
    try:
        status, _, before = _get(server, ROUTE)
        assert status == 200 and before["views"] > 0
        callbacks = DashCallbacks.for_server(server.base_url)

        postgres.stop("fast")
        stopped = time.monotonic()
        # Every answer within 2 s; from 2 s after the stop on, every answer is the 503.
        answers = []
        while time.monotonic() - stopped < 3.5:
            status, elapsed, body = _get(server, ROUTE)
            assert elapsed < 2.0, f"{ROUTE} took {elapsed:.2f} s during the outage"
            answers.append((time.monotonic() - stopped, status, body))
            time.sleep(0.05)
        late = [(status, body) for at, status, body in answers if at > 2.0]
        assert late and all(status == 503 for status, _ in late), answers[-5:]
        assert late[-1][1] == {
            "error": "the event database (PostgreSQL) is not reachable; try again shortly"
        }
        assert _get(server, "/healthz")[0] == 503
        started = requests.post(server.url("/guess/start"), json={"max_value": 10}, timeout=5)
        assert started.status_code == 201  # the game does not need the event store
        figure = callbacks.response(ids.TOPLIST_GRAPH, "figure", {f"{ids.STATE}.data": STATE})
        text = figure[ids.TOPLIST_GRAPH]["figure"]["layout"]["annotations"][0]["text"]
        assert "not reachable" in text

        postgres.start()
        back = time.monotonic()

        def recovered() -> bool:
            return all(_get(server, ROUTE)[0] == 200 for _ in range(3))

        wait_for(recovered, timeout=8, interval=0.1, what="answers after PostgreSQL returned")
        # A worker not asked meanwhile may still answer a failure it saw under a second ago
        # (each remembers one for 1 s); after that every worker must answer again.
        time.sleep(1.1)
        answers = [_get(server, ROUTE) for _ in range(15)]
        assert [status for status, _, _ in answers] == [200] * 15
        assert time.monotonic() - back < 5.0
        assert all(body == before for _, _, body in answers)
        assert _get(server, "/healthz")[0] == 200
    finally:
        server.stop()
    log = (tmp_path / "run" / "gunicorn.log").read_text()
    assert "Traceback" not in log, log[-3000:]
    assert "postgres" in log  # the outage was logged (one line per worker), not hidden
