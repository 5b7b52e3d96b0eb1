"""The gate before /data, MCP and callbacks: each client's work is admitted by its cost."""

from __future__ import annotations

import dataclasses
import logging
import time
import uuid
from dataclasses import dataclass

import redis
from flask import Flask, Response, current_app, g, request

from web import services
from web.admission.cpu_clock import cpu_seconds, start_tracing
from web.admission.estimate import estimated_rows
from web.admission.ledger import Allowance, Ledger, Verdict
from web.admission.shortcut import RefusalShortcut
from web.errors import error_response
from web.limits import STORAGE_PAUSE, ShortTimeoutClient, client_key
from web.paths import DASH_CALLBACK_PATH, MCP_PATH

log = logging.getLogger(__name__)

# The routes whose requests do the engine's work; pages, files and the game are counted only.
WORK_PATHS = frozenset({DASH_CALLBACK_PATH, MCP_PATH})
WORK_PREFIX = "/data/"
# A running request's slot frees itself after this even if its worker died mid-request.
LEASE_SECONDS = 120.0
# Seconds between two looks at the ledger while a request waits for a running slot: short at
# first (a page load's callbacks follow each other closely), growing so that a flood of waiting
# requests does not keep Redis and the worker busy.
FIRST_POLL_SECONDS, LAST_POLL_SECONDS = 0.01, 0.1
# Requests of one client waiting in one worker for a slot; more are refused at once, so that
# a flood of connections holds no more than a few greenlets and bodies.
MAX_WAITING = 8
# Answers over this many periods x groups (five years of daily values, a year of a daily
# breakdown) are large: one at a time per client, and none while the ledger is unavailable.
CHEAP_ROWS = 2000
# Seconds a ledger call may take. Under gevent a Redis answer waits while another request of the
# worker computes (up to the dearest answer's 0.7 s): a shorter timeout would take a busy worker
# for a dead Redis. Only the work routes wait on it; the game's 503 keeps the limiter's 0.25 s.
LEDGER_TIMEOUT = 1.5
# Clients remembered as over budget, per worker: refused without asking Redis until then.
MAX_REMEMBERED = 10_000
_TICKET = "_reelboard_admission"


@dataclass
class Ticket:
    """An admitted request: who pays, its slot in the ledger, the CPU clock when it started."""

    who: str
    request_id: str
    cpu_start: float
    cost: float | None = None


def is_work(path: str) -> bool:
    return path in WORK_PATHS or path.startswith(WORK_PREFIX)


def budget_key() -> str:
    """Who pays for the request: the signed-in account (its tokens too), else the address."""
    principal = g.get("principal")
    if current_app.config["AUTH"] and principal is not None:
        return f"account:{principal.name.lower()}"
    return client_key()


class Gate:
    """Admit a work request (or refuse it with 429 and Retry-After) and charge what it cost."""

    def __init__(self, ledger: Ledger, allowance: Allowance, wait_seconds: float) -> None:
        self._ledger = ledger
        self._allowance = allowance
        self._wait_seconds = wait_seconds
        self._over_budget: dict[str, float] = {}  # who -> time.monotonic() it may come back
        self._waiting: dict[str, int] = {}
        self._warned_at = float("-inf")

    def before(self) -> Response | None:
        if request.method == "OPTIONS" or not is_work(request.path):
            return None
        start_tracing()
        who = budget_key()
        if wait := self.remembered_wait(who):
            return _too_much(Verdict(False, "budget", wait))
        request_id = uuid.uuid4().hex
        rows = estimated_rows(request, _data_span())
        allowance = self._allowance
        if rows is not None and rows > CHEAP_ROWS:
            # One large answer at a time per client (a request whose size cannot be told
            # counts as small): a flood of them keeps at most one worker busy, whose other
            # requests wait on it under gevent.
            allowance = dataclasses.replace(allowance, running=1)
        try:
            verdict = self._admit(who, request_id, allowance)
        except redis.RedisError:
            return self._without_ledger(rows)
        if not verdict.admitted:
            if verdict.reason == "budget":
                self._remember(who, verdict.retry_after)
            return _too_much(verdict)
        setattr(g, _TICKET, Ticket(who, request_id, cpu_seconds()))
        return None

    def _admit(self, who: str, request_id: str, allowance: Allowance) -> Verdict:
        """Ask the ledger; while the client runs its cap of requests, wait a little for a slot.
        A page load sends its callbacks together: they queue here rather than fail."""
        verdict = self._ledger.admit(who, request_id, allowance)
        if verdict.admitted or verdict.reason != "running":
            return verdict
        if self._waiting.get(who, 0) >= MAX_WAITING:
            return verdict
        self._waiting[who] = self._waiting.get(who, 0) + 1
        try:
            deadline = time.monotonic() + self._wait_seconds
            pause = FIRST_POLL_SECONDS
            while not verdict.admitted and verdict.reason == "running":
                if time.monotonic() >= deadline:
                    break
                time.sleep(pause)  # a greenlet's sleep under gevent: others run
                pause = min(LAST_POLL_SECONDS, pause * 1.5)
                verdict = self._ledger.admit(who, request_id, allowance)
        finally:
            self._waiting[who] -= 1
            if not self._waiting[who]:
                del self._waiting[who]
        return verdict

    def remembered_wait(self, who: str) -> float:
        """Seconds until a client this worker refused for its budget may come back (0: none)."""
        return max(0.0, self._over_budget.get(who, 0.0) - time.monotonic())

    def _remember(self, who: str, seconds: float) -> None:
        now = time.monotonic()
        if len(self._over_budget) >= MAX_REMEMBERED:
            self._over_budget = {k: t for k, t in self._over_budget.items() if t > now}
        if len(self._over_budget) < MAX_REMEMBERED:
            self._over_budget[who] = now + seconds

    def _without_ledger(self, rows: int | None) -> Response | None:
        """Redis paused or down: cheap reads go on, larger work waits for the shared ledger
        (a count per worker would let a client multiply its share by the workers)."""
        if time.monotonic() - self._warned_at > 60:
            self._warned_at = time.monotonic()
            log.warning(
                "admission ledger (Redis) unavailable: answers over %d rows are refused "
                "meanwhile (logged once a minute)",
                CHEAP_ROWS,
            )
        if rows is not None and rows <= CHEAP_ROWS:
            return None
        response = error_response(
            503,
            "large answers are paused while the service's shared request count is unavailable;"
            " narrow the range or retry shortly",
        )
        response.headers["Retry-After"] = str(int(STORAGE_PAUSE) + 1)
        return response

    def after(self, response: Response) -> Response:
        """Measure the request's CPU and say it (Server-Timing), before the answer is sent."""
        ticket = g.get(_TICKET)
        if ticket is not None:
            ticket.cost = cpu_seconds() - ticket.cpu_start
            response.headers["Server-Timing"] = f"cpu;dur={ticket.cost * 1000:.1f}"
        return response

    def settle(self, error: BaseException | None) -> None:
        """Charge the request and free its slot (also after an error)."""
        ticket = g.pop(_TICKET, None)
        if ticket is None:
            return
        cost = ticket.cost if ticket.cost is not None else cpu_seconds() - ticket.cpu_start
        try:
            self._ledger.settle(ticket.who, ticket.request_id, cost, self._allowance)
        except redis.RedisError:
            pass  # the slot's lease ends by itself; the cost is lost with the ledger


def _too_much(verdict: Verdict) -> Response:
    wait = verdict.retry_seconds
    if verdict.reason == "budget":
        text = f"too much work asked from your address or account this minute; retry in {wait} s"
    else:
        text = f"too many requests running at once from your address or account; retry in {wait} s"
    response = error_response(429, text)
    response.headers["Retry-After"] = str(wait)
    return response


def _data_span():
    """The data's first and last day (the request would load the data for its answer anyway)."""
    try:
        return services.analytics().date_bounds()
    except Exception:  # the estimate only picks a default; the request itself will say more
        return None


def init_admission(server: Flask) -> Gate | None:
    """Put the gate on the app (with the count limits: RATELIMIT_ENABLED=false turns it off)."""
    config = server.config
    if not config.get("RATELIMIT_ENABLED", True):
        return None
    prefix = f"{config.get('REDIS_KEY_PREFIX', 'reelboard:')}admission:"
    ledger = Ledger(ShortTimeoutClient(services.redis_provider(server), LEDGER_TIMEOUT), prefix)
    allowance = Allowance(
        cpu_per_minute=float(config["ADMISSION_CPU_PER_MINUTE"]),
        burst=float(config["ADMISSION_CPU_BURST"]),
        running=int(config["ADMISSION_RUNNING"]),
        lease_seconds=LEASE_SECONDS,
    )
    gate = Gate(ledger, allowance, float(config["ADMISSION_WAIT_SECONDS"]))
    server.before_request(gate.before)
    server.after_request(gate.after)
    server.teardown_request(gate.settle)
    hops = int(config.get("TRUSTED_PROXIES") or 0)
    server.wsgi_app = RefusalShortcut(server.wsgi_app, gate, is_work, hops)
    return gate
