"""Gunicorn settings for `make serve`: HOST:PORT, WORKERS, gevent, stdout logs, embedded Redis."""

from __future__ import annotations

import multiprocessing
import os
from pathlib import Path

_host = os.environ.get("HOST") or "127.0.0.1"
_port = os.environ.get("PORT") or "8050"

bind = [f"[{_host}]:{_port}" if ":" in _host else f"{_host}:{_port}"]
workers = int(os.environ.get("WORKERS") or 2 * multiprocessing.cpu_count() + 1)
# An event-loop worker (gevent): every connection waits in a greenlet of its own, so slow or
# idle clients (slowloris) cost a little memory, never a worker; reading a request's line and
# headers is bounded by `keepalive` seconds, after which the connection is dropped. Waits on
# Redis (a paused server) likewise block only their own request. WORKER_CONNECTIONS caps the
# connections per worker.
worker_class = "gevent"
worker_connections = int(os.environ.get("WORKER_CONNECTIONS") or 1000)
timeout = int(os.environ.get("TIMEOUT") or 60)
graceful_timeout = 20
keepalive = 5
# Bounded request lines/headers; bodies are capped by the app (MAX_CONTENT_LENGTH, game 16 KB).
limit_request_line = 8190
limit_request_fields = 100
# Never the reloader or a debugger in production.
reload = False
preload_app = False
proc_name = "reelboard"
# gunicorn's control socket defaults to one path per user, which two instances would fight
# over; CONTROL_SOCKET=/path turns it on for `gunicornc`.
control_socket_disable = not os.environ.get("CONTROL_SOCKET")
if os.environ.get("CONTROL_SOCKET"):
    control_socket = os.environ["CONTROL_SOCKET"]

accesslog = "-"
logger_class = "web.access_log.ClippedLogger"  # client text in access lines: clipped, escaped
errorlog = "-"
loglevel = os.environ.get("LOG_LEVEL", "info")
_level = loglevel.upper()
access_log_format = '%(h)s "%(r)s" %(s)s %(b)s %(M)sms "%(a)s"'
# Everything (gunicorn's and the app's logs, tracebacks included) goes to stdout.
logconfig_dict = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "plain": {"format": "%(asctime)s [%(process)d] %(levelname)s %(name)s: %(message)s"},
    },
    "handlers": {
        "stdout": {
            "class": "logging.StreamHandler",
            "formatter": "plain",
            "stream": "ext://sys.stdout",
        },
    },
    "root": {"level": _level, "handlers": ["stdout"]},
    "loggers": {
        "gunicorn.error": {"level": _level, "handlers": ["stdout"], "propagate": False},
        # Access lines are always logged (accesslog "-" turns them on; unset it to drop them).
        "gunicorn.access": {"level": "INFO", "handlers": ["stdout"], "propagate": False},
    },
}


def _provider(worker):
    from web import services

    server = getattr(worker, "wsgi", None)
    return services.redis_provider(server) if server is not None else None


def on_starting(server):
    """In the master, before any worker: refuse to serve on a non-loopback address while nobody
    could sign in (no account, no single sign-on), or with a setting the app cannot use; on
    this machine with nobody able to sign in yet, print make run's one-time sign-in link."""
    import sys

    from config import ConfigError, load_config
    from data.accounts.store import AccountStore
    from web.auth.accounts import accounts_path
    from web.auth.startup import first_signin_link, serve_refusal

    link = None
    try:
        config = load_config()
        store = AccountStore(accounts_path(config))
        refusal = serve_refusal(config, store)
        link = None if refusal else first_signin_link(config, store)
    except (ConfigError, OSError) as exc:
        refusal = str(exc)
    if refusal:
        print(f"Error: {refusal}", file=sys.stderr, flush=True)
        sys.exit(1)
    if link:
        print(f"Sign in: {link}", flush=True)
    # The analysis' compiled loops, once here: forked workers share them ready to run.
    from data.events.analysis import compiled

    compiled.warm()


def post_fork(server, worker):
    """Gunicorn's own refusals (a request line over 8 KB, ...) answer JSON with our headers."""
    from web.gunicorn_errors import install

    install()


def post_worker_init(worker):
    """Warm the worker before it serves: Dash's set-up, the layout, and the Redis connection.

    One internal /healthz request does all three (the embedded Redis starts once, under its lock).
    """
    server = worker.wsgi
    server.config["DEBUG"] = False  # debug is never on under gunicorn
    # Read the events in the background: the first dashboard request then finds them loaded.
    from web import services

    warming = services.analytics(server).warm_up()
    if warming is not None:
        warming.join(5)  # usually done in milliseconds; a first build goes on in the background
    from web.alerts.runner import start_alerts

    start_alerts(server)  # every worker runs the timer; claims in the store let one act
    try:
        # Asked under a name the app answers to (ALLOWED_HOSTS), not the test client's default.
        host = server.config["ALLOWED_HOSTS"][0]
        host = f"[{host}]" if ":" in host else host
        status = server.test_client().get("/healthz", base_url=f"http://{host}").status_code
    except Exception:  # a failed warm-up must not stop the worker from serving
        worker.log.exception("warm-up request failed")
        return
    if status != 200:
        # Not fatal: the game answers 503 until Redis is back, the dashboard works meanwhile.
        worker.log.warning(
            "warm-up /healthz answered %s: Redis or the event store is down or not ready", status
        )


def worker_exit(server, worker):
    """Drop this worker's lease on the embedded Redis; the last worker out stops the server."""
    provider = _provider(worker)
    if provider is not None:
        provider.close()


def on_exit(server):
    """In the master, after every worker left: stop an embedded Redis nobody holds a lease on.

    The last worker normally stops it (worker_exit); this also covers workers that were killed.
    """
    if os.environ.get("REDIS_URL"):
        return
    try:
        from config import load_config
        from data.game.embedded_redis import EmbeddedRedis

        data_dir = Path(load_config()["INSTANCE_PATH"]) / "redis"
        if data_dir.exists():
            EmbeddedRedis(data_dir, watchdog=False).stop_if_unused()
    except Exception:  # shutting down: log, never hang or crash the exit
        server.log.exception("could not check the embedded Redis at exit")
