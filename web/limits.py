"""Per-client count limits (Flask-Limiter) on every route, counted in one Redis for all workers."""

from __future__ import annotations

import ipaddress
import logging
import math
import os
import threading
import time

import redis
from flask import Flask, Response, jsonify, request
from flask_limiter import Limiter, RequestLimit
from limits.storage import RedisStorage
from limits.storage.base import Storage
from redis.backoff import NoBackoff
from redis.commands.core import Script
from redis.connection import Encoder
from redis.retry import Retry

from web import services
from web.paths import DASH_CALLBACK_PATH

STORAGE_SCHEME = "reelboard-redis"
# Redis paused or gone: a call gives up after this, and the next calls fail at once until a
# background probe (every STORAGE_PAUSE seconds) finds it back, so an outage costs one request
# per worker a fraction of a second.
STORAGE_TIMEOUT = 0.25
STORAGE_PAUSE = 2.0
# A refused request is answered after this pause (a greenlet's sleep under gevent: it costs the
# server nothing). A client that heeds Retry-After never meets it; one that loops on 429s sends
# a few requests a second per connection, not hundreds, each refused without the app's work.
REFUSAL_PAUSE = 0.5
FAILURE_LOG_SECONDS = 10.0
# Marks a view function or blueprint with (config key, what, scope): see rate_limited().
_MARK = "_reelboard_rate_limit"
# Dash's routes are Dash's own, so their limits are declared here rather than at the routes.
DASH_CALLBACK_LIMIT = ("RATELIMIT_CALLBACKS", "dashboard updates", None)
# The page, its layout and its callback list: one count, which a person reloading never meets.
PAGE_LIMIT = ("RATELIMIT_PAGES", "page loads", "pages")
DASH_LIMITS = {
    DASH_CALLBACK_PATH: DASH_CALLBACK_LIMIT,
    "/": PAGE_LIMIT,
    "/<path:path>": PAGE_LIMIT,
    "/_dash-layout": PAGE_LIMIT,
    "/_dash-dependencies": PAGE_LIMIT,
}
# One IPv6 host usually holds a whole /64: limiting single addresses would let it rotate freely.
IPV6_CLIENT_PREFIX = 64


class _OneLine(logging.Filter):
    """Flask-Limiter logs each storage failure with a traceback: while Redis is down that is one
    90-line traceback per request, for what is no bug. Keep one short line, and at most one
    every FAILURE_LOG_SECONDS per worker, with the count of those left out since."""

    def __init__(self) -> None:
        super().__init__()
        self._last = float("-inf")
        self._left_out = 0

    def filter(self, record: logging.LogRecord) -> bool:
        if record.exc_info:
            now = time.monotonic()
            if now - self._last < FAILURE_LOG_SECONDS:
                self._left_out += 1
                return False
            error = record.exc_info[1]
            more = f" ({self._left_out} more since the last such line)" if self._left_out else ""
            record.msg = f"{record.getMessage()}: {type(error).__name__}: {error}"[:300] + more
            record.args = ()
            record.exc_info = None
            record.exc_text = None
            self._last, self._left_out = now, 0
        return True


_LIMITER_LOG = logging.getLogger("flask-limiter")
if not any(isinstance(f, _OneLine) for f in _LIMITER_LOG.filters):
    _LIMITER_LOG.addFilter(_OneLine())


def rate_limited(config_key: str, what: str, scope: str | None = None):
    """Declare at a route or a blueprint that the setting `config_key` limits it per client.

    On a blueprint the limit is shared: one count for all its routes; views marked with the same
    `scope` share one count too (Dash registers one view per method of a URL). `what` names the
    requests in the 429 message ("too many game starts from your address").
    """

    def mark(target):
        setattr(target, _MARK, (config_key, what, scope))
        return target

    return mark


def client_key() -> str:
    """Who the current request counts against (limits and the game's caps): client_network."""
    return client_network(request.remote_addr)


def client_network(remote_addr: str | None) -> str:
    """The IPv4 address as it is, the /64 network of an IPv6 one ("2001:db8::/64")."""
    try:
        address = ipaddress.ip_address(remote_addr or "")
    except ValueError:
        # Not an address (a unix-socket peer): one shared id.
        return (remote_addr or "unknown")[:64]
    if address.version == 6:
        if address.ipv4_mapped is not None:  # ::ffff:10.0.0.1 is the IPv4 client 10.0.0.1
            return str(address.ipv4_mapped)
        # Built from the integer, so a scope id ("fe80::1%eth0") is dropped too.
        prefix = IPV6_CLIENT_PREFIX
        return str(
            ipaddress.IPv6Network((int(address) >> (128 - prefix) << (128 - prefix), prefix))
        )
    return str(address)


class ShortTimeoutClient:
    """Stands in for a redis client: created on first use from the app's RedisProvider.

    So building the limiter starts no Redis. Its own short timeouts keep a paused or dead Redis
    from costing a request more than `timeout` (STORAGE_TIMEOUT by default); after a failure,
    calls fail at once (per worker) until a background probe finds Redis answering again.
    """

    def __init__(self, provider, timeout: float = STORAGE_TIMEOUT) -> None:
        self._provider = provider
        self._timeout = timeout
        self._client: redis.Redis | None = None
        self._pid: int | None = None
        self._lock = threading.Lock()
        # After a failure every call fails at once until a probe in the background finds
        # Redis answering again: no request waits on a Redis that is paused or gone, however
        # long the outage (a probe at most every STORAGE_PAUSE seconds).
        self._down = False
        self._next_probe = 0.0
        self._probing = False

    def get_encoder(self) -> Encoder:
        # Only used to hash the Lua scripts; the scripts are ASCII.
        return Encoder("utf-8", "strict", False)

    def register_script(self, script: str) -> Script:
        return Script(self, script)

    def _real(self) -> redis.Redis:
        if self._client is not None and self._pid == os.getpid():
            return self._client
        with self._lock:
            if self._client is None or self._pid != os.getpid():
                # The provider's client starts (or joins) the embedded server; we reuse its
                # connection settings (TCP or unix socket) with shorter timeouts.
                pool = self._provider.client().connection_pool
                kwargs = {
                    **pool.connection_kwargs,
                    "socket_timeout": self._timeout,
                    "socket_connect_timeout": self._timeout,
                    "retry": Retry(NoBackoff(), 1, supported_errors=(redis.ConnectionError,)),
                    "decode_responses": False,
                }
                own_pool = redis.ConnectionPool(connection_class=pool.connection_class, **kwargs)
                self._client = redis.Redis(connection_pool=own_pool)
                self._pid = os.getpid()
            return self._client

    def __getattr__(self, name: str):
        attribute = getattr(self._real(), name)
        if not callable(attribute):
            return attribute

        def call(*args, **kwargs):
            if self._down:
                self._probe_soon()
                raise redis.ConnectionError("Redis failed a moment ago; not asked until it answers")
            try:
                return attribute(*args, **kwargs)
            except (redis.ConnectionError, redis.TimeoutError):
                self._next_probe = time.monotonic() + STORAGE_PAUSE
                self._down = True
                raise

        return call

    def _probe_soon(self) -> None:
        """Start the one background probe of Redis when one is due."""
        with self._lock:
            if self._probing or time.monotonic() < self._next_probe:
                return
            self._probing = True
        threading.Thread(target=self._probe, name="redis-probe", daemon=True).start()

    def _probe(self) -> None:
        try:
            self._real().ping()
            self._down = False
        except Exception:  # still down (or not startable): look again later
            self._next_probe = time.monotonic() + STORAGE_PAUSE
        finally:
            self._probing = False


class ProviderRedisStorage(RedisStorage):
    """limits' Redis storage on the app's RedisProvider (embedded Redis or REDIS_URL)."""

    STORAGE_SCHEME = [STORAGE_SCHEME]

    def __init__(self, uri: str, provider=None, key_prefix: str = "reelboard:limits", **options):
        if provider is None:
            raise ValueError("ProviderRedisStorage needs provider=<RedisProvider>")
        Storage.__init__(self, uri, wrap_exceptions=False)
        self.key_prefix = key_prefix
        self.target_server = "redis"
        self.dependency = self.dependencies["redis"].module
        self.storage = ShortTimeoutClient(provider)
        self.initialize_storage(uri)


def init_rate_limits(server: Flask) -> Limiter | None:
    """Limit every route per client; RATELIMIT_ENABLED=false turns it off.

    Routes declare their limits (rate_limited); Dash's are in DASH_LIMITS; every other route
    (assets, /healthz, sign-in, the API description) counts against RATELIMIT_DEFAULT of its own.
    """
    if not server.config.get("RATELIMIT_ENABLED", True):
        return None
    provider = services.redis_provider(server)
    prefix = str(server.config.get("REDIS_KEY_PREFIX", "reelboard:"))
    limiter = Limiter(
        key_func=client_key,
        storage_uri=f"{STORAGE_SCHEME}://",
        storage_options={"provider": provider, "key_prefix": f"{prefix}limits"},
        # A moving window: "10 a minute" means any 60 s, not per clock minute.
        strategy="moving-window",
        # Retry-After only on the 429 (set by _breach_answer), not on every limited answer.
        headers_enabled=False,
        # Every route not declared otherwise: a count of its own per client.
        default_limits=[str(server.config["RATELIMIT_DEFAULT"])],
        default_limits_per_method=False,
        # Redis down: these counts are let through (never a 500, never a count per worker that
        # would pass for the shared one); the game answers 503 itself, and the work of /data,
        # MCP and callbacks is admitted by web/admission, which refuses the expensive part.
        in_memory_fallback_enabled=False,
        swallow_errors=True,
    )
    limiter.init_app(server)
    for endpoint, view in list(server.view_functions.items()):
        declared = DASH_LIMITS.get(endpoint) or getattr(view, _MARK, None)
        if declared:
            config_key, what, scope = declared
            limit_value = str(server.config.get(config_key))
            if scope:
                limit = limiter.shared_limit(limit_value, scope=scope, **_breach_options(what))
            else:
                limit = limiter.limit(limit_value, **_breach_options(what))
            server.view_functions[endpoint] = limit(view)
    for name, blueprint in server.blueprints.items():
        if declared := getattr(blueprint, _MARK, None):
            config_key, what, _ = declared
            limit_value = str(server.config.get(config_key))
            limiter.shared_limit(limit_value, scope=name, **_breach_options(what))(blueprint)
    services.set_limiter(server, limiter)
    return limiter


def _breach_options(what: str) -> dict:
    """error_message and on_breach for one limit: a 429 naming what was limited, Retry-After.

    Flask-Limiter raises RateLimitExceeded with the message as its description and the
    on_breach answer as its response; each error handler keeps that response's headers.
    """
    message = f"too many {what} from your address; retry later"

    def answer(limit: RequestLimit) -> Response:
        time.sleep(REFUSAL_PAUSE)
        try:
            # reset_at is rounded up to the next second; never promise more than one window.
            wait = min(limit.limit.get_expiry(), max(1, math.ceil(limit.reset_at - time.time())))
        except Exception:  # storage trouble: a safe default
            wait = 60
        response = jsonify(error=f"{message} (limit: {limit.limit}, retry in {wait} s)")
        response.status_code = 429
        response.headers["Retry-After"] = str(wait)
        return response

    return {"error_message": message, "on_breach": answer}
