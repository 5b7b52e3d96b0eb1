"""Admission by cost: the shared ledger in a real Redis, the gate on the app, CPU per greenlet."""

from __future__ import annotations

import subprocess
import sys
import threading
import time

import pytest

from testkit.ports import free_port
from web import services
from web.admission.gate import budget_key
from web.admission.ledger import Allowance, Ledger
from web.limits import ShortTimeoutClient

# A long daily series with a breakdown: far dearer than a small answer, and memoised.
DEAR = "/data/views/?start=1980-01-01&end=2029-12-31&resolution=daily&breakdown=device"
HOST_B = {"REMOTE_ADDR": "10.0.0.2"}


def _limited(make_app, **settings):
    return make_app(RATELIMIT_ENABLED=True, **settings)


def _cpu_ms(response) -> float:
    timing = response.headers["Server-Timing"]
    assert timing.startswith("cpu;dur=")
    return float(timing.removeprefix("cpu;dur="))


def _ledger(app) -> Ledger:
    prefix = f"{app.server.config['REDIS_KEY_PREFIX']}admission:"
    return Ledger(ShortTimeoutClient(services.redis_provider(app.server)), prefix)


def test_work_is_charged_by_measured_cpu_and_refused_past_the_budget(make_app):
    app = _limited(make_app, ADMISSION_CPU_PER_MINUTE=0.05, ADMISSION_CPU_BURST=0.05)
    client = app.server.test_client()
    client.get("/data/kpis/", environ_base=HOST_B)  # loads the data, on another client's bill
    first = client.get(DEAR)
    assert first.status_code == 200 and _cpu_ms(first) > 0
    # Whatever the first cost, the next ones are refused once a minute's 0.05 s is spent.
    statuses = []
    while 429 not in statuses and len(statuses) < 20:
        statuses.append(client.get(DEAR).status_code)
    assert statuses[-1] == 429
    # Asked again before Retry-After: refused before the app runs, after a pause.
    started = time.monotonic()
    refused = client.get("/data/kpis/")
    assert time.monotonic() - started >= 0.4
    assert refused.status_code == 429 and refused.is_json
    assert "too much work" in refused.get_json()["error"]
    assert int(refused.headers["Retry-After"]) >= 1
    assert refused.headers["X-Content-Type-Options"] == "nosniff"
    # /data, MCP and callbacks share the one budget; another address has its own.
    mcp = client.post("/_mcp", json={"jsonrpc": "2.0", "id": 1, "method": "tools/list"})
    assert mcp.status_code == 429
    assert client.get("/data/kpis/", environ_base=HOST_B).status_code == 200
    # Pages and files are not work: counted, not charged.
    assert client.get("/").status_code == 200


def test_the_memo_makes_a_repeated_answer_cheap(make_app):
    app = _limited(make_app)
    client = app.server.test_client()
    client.get("/data/kpis/")  # the data loaded
    first, second = client.get(DEAR), client.get(DEAR)
    assert first.status_code == second.status_code == 200
    assert first.data == second.data
    assert _cpu_ms(second) < _cpu_ms(first) / 3


def test_requests_running_at_once_are_capped_across_workers(make_app):
    app = _limited(make_app, ADMISSION_RUNNING=2, ADMISSION_WAIT_SECONDS=0.3)
    client = app.server.test_client()
    ledger, allowance = _ledger(app), Allowance(30.0, 5.0, 2, 60.0)
    with app.server.test_request_context(environ_base={"REMOTE_ADDR": "127.0.0.1"}):
        app.server.preprocess_request()  # the guard sets who asks
        who = budget_key()
    # Two requests of this client run elsewhere (another worker, another server).
    assert ledger.admit(who, "elsewhere-1", allowance).admitted
    assert ledger.admit(who, "elsewhere-2", allowance).admitted
    assert ledger.admit(who, "elsewhere-3", allowance).reason == "running"
    started = time.monotonic()
    refused = client.get("/data/kpis/")
    assert refused.status_code == 429 and "running at once" in refused.get_json()["error"]
    assert refused.headers["Retry-After"] == "1"
    assert time.monotonic() - started >= 0.3  # it waited for a slot first
    # A slot that frees while the request waits lets it run.
    app.server.config["ADMISSION_WAIT_SECONDS"] = 5
    timer = threading.Timer(0.2, ledger.settle, (who, "elsewhere-1", 0.0, allowance))
    timer.start()
    waited = _limited(make_app, ADMISSION_RUNNING=2, ADMISSION_WAIT_SECONDS=5)
    try:
        assert waited.server.test_client().get("/data/kpis/").status_code == 200
    finally:
        timer.join()
        ledger.settle(who, "elsewhere-2", 0.0, allowance)


def test_the_ledger_drains_by_the_clock_of_redis(make_app):
    app = _limited(make_app)
    allowance = Allowance(cpu_per_minute=60.0, burst=5.0, running=5, lease_seconds=60)
    ledger = _ledger(app)
    assert ledger.admit("someone", "a", allowance).admitted
    ledger.settle("someone", "a", 5.5, allowance)  # a burst's work and a half second more
    verdict = ledger.admit("someone", "b", allowance)
    assert not verdict.admitted and verdict.reason == "budget"
    assert 0 < verdict.retry_after <= 0.6
    time.sleep(verdict.retry_after + 0.1)
    assert ledger.admit("someone", "b", allowance).admitted


def test_without_redis_cheap_reads_go_on_and_large_work_is_refused(make_app):
    app = _limited(make_app, REDIS_URL=f"redis://127.0.0.1:{free_port()}/0")
    client = app.server.test_client()
    assert client.get("/data/toplist/?num=5").status_code == 200
    assert client.get("/data/views/?start=2024-01-01&end=2024-03-31").status_code == 200
    refused = client.get(DEAR)
    assert refused.status_code == 503 and refused.is_json
    assert "narrow the range" in refused.get_json()["error"]
    assert refused.headers["Retry-After"]
    assert client.get("/").status_code == 200


def test_every_route_is_counted_the_page_and_health_included(make_app):
    app = _limited(make_app, RATELIMIT_PAGES="3 per minute", RATELIMIT_HEALTH="2 per minute")
    client = app.server.test_client()
    pages = [client.get(path).status_code for path in ("/", "/_dash-layout", "/_dash-dependencies")]
    assert pages == [200, 200, 200]
    refused = client.get("/_dash-layout")
    assert refused.status_code == 429 and "too many page loads" in refused.get_json()["error"]
    assert [client.get("/healthz").status_code for _ in range(3)][-1] == 429
    assert client.get("/", environ_base=HOST_B).status_code == 200
    app = _limited(make_app, RATELIMIT_DEFAULT="2 per minute")
    client = app.server.test_client()
    assert [client.get("/openapi.json").status_code for _ in range(3)] == [200, 200, 429]


_GREENLETS = """
from gevent import monkey; monkey.patch_all()
import gevent, time
from web.admission.cpu_clock import cpu_seconds, start_tracing
assert start_tracing()
def burn():
    end = time.thread_time() + 0.3
    while time.thread_time() < end:
        pass
def sleeper(out):
    start = cpu_seconds(); gevent.sleep(0.05); out.append(cpu_seconds() - start)
def burner(out):
    start = cpu_seconds(); gevent.sleep(0.01); burn(); out.append(cpu_seconds() - start)
slept, burnt = [], []
gevent.joinall([gevent.spawn(sleeper, slept), gevent.spawn(burner, burnt)])
print(f"{slept[0]:.3f} {burnt[0]:.3f}")
"""


def test_cpu_is_charged_to_the_greenlet_that_used_it():
    # Under gevent a waiting request shares its thread with one that computes: it must not pay.
    done = subprocess.run(
        [sys.executable, "-c", _GREENLETS], capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 0, done.stderr
    slept, burnt = map(float, done.stdout.split())
    assert slept < 0.05 and burnt >= 0.28


@pytest.mark.parametrize("args", ["start=2020-01-01&end=2020-12-31", "resolution=monthly"])
def test_estimates_follow_periods_and_groups(app, args):
    from web.admission.estimate import estimated_rows

    span = (__import__("datetime").date(2020, 1, 1), __import__("datetime").date(2020, 12, 31))
    with app.server.test_request_context(f"/data/views/?{args}"):
        plain = estimated_rows(__import__("flask").request, span)
    with app.server.test_request_context(f"/data/views/?{args}&breakdown=device"):
        broken = estimated_rows(__import__("flask").request, span)
    assert broken == 6 * plain
    assert plain == (366 if "start" in args else 13)


def test_a_signed_in_account_pays_for_itself_wherever_it_connects_from(make_app, tmp_path):
    from web.auth.accounts import accounts

    app = _limited(
        make_app,
        AUTH="on",
        ACCOUNTS_DATABASE=str(tmp_path / "accounts.sqlite"),
        AUDIT_LOG=str(tmp_path / "audit.log"),
        ADMISSION_CPU_PER_MINUTE=0.05,
        ADMISSION_CPU_BURST=0.05,
    )
    store = accounts(app.server)
    store.create("ann", "viewer", password="correct horse battery")
    store.create("bob", "viewer", password="correct horse battery")
    ann_tokens = [store.create_token("ann")[1] for _ in range(2)]
    bob = {"Authorization": f"Bearer {store.create_token('bob')[1]}"}
    client = app.server.test_client()
    client.get("/data/kpis/", headers=bob)  # the data loaded
    statuses = []
    while 429 not in statuses and len(statuses) < 20:
        headers = {"Authorization": f"Bearer {ann_tokens[0]}"}
        statuses.append(client.get(DEAR, headers=headers).status_code)
    assert statuses[-1] == 429
    # Ann's other token from another address: the same account, the same spent budget.
    other = {"Authorization": f"Bearer {ann_tokens[1]}"}
    assert client.get("/data/kpis/", headers=other, environ_base=HOST_B).status_code == 429
    # Bob, from Ann's address, has a budget of his own.
    assert client.get("/data/kpis/", headers=bob).status_code == 200


def test_a_client_runs_one_large_answer_at_a_time(make_app):
    app = _limited(make_app, ADMISSION_RUNNING=2, ADMISSION_WAIT_SECONDS=0.2)
    client = app.server.test_client()
    ledger, allowance = _ledger(app), Allowance(30.0, 5.0, 2, 60.0)
    client.get("/data/kpis/")  # the data loaded
    who = "127.0.0.1"  # AUTH is off: the client is its address
    assert ledger.admit(who, "elsewhere", allowance).admitted  # one request runs elsewhere
    try:
        # A small answer takes the second slot; a large one (120,000 days) waits for none.
        assert client.get("/data/views/?resolution=monthly").status_code == 200
        refused = client.get(DEAR)
        assert refused.status_code == 429 and "running at once" in refused.get_json()["error"]
    finally:
        ledger.settle(who, "elsewhere", 0.0, allowance)
    assert client.get(DEAR).status_code == 200
