"""Lazy access to Redis: an external server from REDIS_URL, or the embedded one in INSTANCE_PATH."""

from __future__ import annotations

import contextlib
import logging
import os
import re
import threading
from pathlib import Path

import redis
from redis.backoff import NoBackoff
from redis.connection import parse_url
from redis.retry import Retry

from config import ConfigError
from data.game.embedded_redis import EmbeddedRedis, EmbeddedRedisError

log = logging.getLogger(__name__)

# A command fails within 0.75 s, so a request making two Redis calls (rate limiter + game)
# still answers 503 within 2 s; healthy Redis answers in well under a millisecond.
SOCKET_TIMEOUT = 0.75
CONNECT_TIMEOUT = 0.75
DEFAULT_MAXMEMORY = "256mb"
# Below this an embedded Redis (about 1 MB when empty) has no room to work: a sign of a typo.
MIN_MAXMEMORY = 2 * 1024 * 1024
# redis.conf units: k/m/g are powers of 1000, kb/mb/gb powers of 1024, no unit is bytes.
_MEMORY_UNITS = {"": 1, "k": 1000, "kb": 1024, "m": 1000**2, "mb": 1024**2, "g": 1000**3,
                 "gb": 1024**3}  # fmt: skip


class RedisUnavailable(RuntimeError):
    """Redis cannot be reached right now (down, paused, or unreachable); try again later."""


def check_redis_url(url: str) -> None:
    """Raise ConfigError when redis-py cannot use url (bad scheme or port), naming what works."""
    try:
        parse_url(url)
    except ValueError as exc:
        # Checked when the app is built, so a typo is a clear error at start, not a 500 per game.
        raise ConfigError(
            f"REDIS_URL is not usable ({exc}): use redis://host:port/db, rediss://host:port/db "
            "or unix:///path/to/redis.sock, or leave it unset for the embedded Redis"
        ) from None


def parse_memory_size(value, name: str = "REDIS_MAXMEMORY") -> int:
    """Bytes of a redis.conf memory size ("256mb", "1gb", 300000000); ConfigError otherwise."""
    match = re.fullmatch(r"\s*([0-9]{1,15})\s*([kmg]b?)?\s*", str(value).lower())
    size = int(match[1]) * _MEMORY_UNITS[match[2] or ""] if match else 0
    if size < MIN_MAXMEMORY:
        raise ConfigError(
            f"{name} must be a memory size of at least 2mb, such as 256mb or 1gb, got {value!r}"
        )
    return size


def _retry() -> Retry:
    # One immediate retry on a connection error replaces a pooled connection that went stale
    # (server restarted); timeouts are never retried, so a paused server costs one timeout.
    return Retry(NoBackoff(), 1, supported_errors=(redis.ConnectionError,))


class RedisProvider:
    """Creates the Redis client on first use; `.close()` releases it (and the embedded server)."""

    def __init__(
        self,
        url: str | None = None,
        data_dir: Path | str | None = None,
        maxmemory: int | str = DEFAULT_MAXMEMORY,
    ):
        if url is None and data_dir is None:
            raise ValueError("RedisProvider needs a REDIS_URL or a data folder for embedded Redis")
        if url:
            check_redis_url(url)
        # Checked even with REDIS_URL, so a typo fails at start whichever Redis is in use.
        maxmemory = parse_memory_size(maxmemory)
        self.url = url
        self.embedded = None if url else EmbeddedRedis(Path(data_dir), maxmemory=maxmemory)
        self._client: redis.Redis | None = None
        self._client_pid: int | None = None
        self._lock = threading.Lock()

    @classmethod
    def from_config(cls, config: dict) -> RedisProvider:
        """Provider for REDIS_URL, or for embedded Redis in INSTANCE_PATH/redis; starts nothing.

        The embedded server gets REDIS_MAXMEMORY as its ceiling. An external Redis keeps its own
        settings: give it maxmemory with maxmemory-policy volatile-ttl (or noeviction) there;
        an allkeys-* policy would evict recorded scores.
        """
        url = config.get("REDIS_URL") or None
        return cls(
            url=url,
            data_dir=Path(config["INSTANCE_PATH"]) / "redis",
            maxmemory=config.get("REDIS_MAXMEMORY") or DEFAULT_MAXMEMORY,
        )

    @property
    def is_embedded(self) -> bool:
        """True when the provider runs its own embedded Redis."""
        return self.embedded is not None

    def client(self) -> redis.Redis:
        """The shared client (decoded str responses), starting the embedded server if needed."""
        client = self._client
        if client is not None and self._client_pid == os.getpid():
            return client
        with self._lock:
            if self._client is None or self._client_pid != os.getpid():
                self._client = self._make_client()
                self._client_pid = os.getpid()
            return self._client

    def storage_uri(self) -> str:
        """A URL for other Redis users (a rate limiter); starts the embedded server if needed."""
        if self.url:
            return self.url
        self.client()
        return f"unix://{self.embedded.socket_path}"

    def url_for_display(self) -> str:
        """Where Redis is, without credentials (for messages and logs)."""
        if self.url:
            parts = self.url.split("@", 1)
            return (
                parts[0].split("://", 1)[0] + "://***@" + parts[1] if len(parts) == 2 else self.url
            )
        return f"embedded Redis in {self.embedded.data_dir}"

    @contextlib.contextmanager
    def connection(self):
        """Yield the client; connection errors and timeouts become RedisUnavailable."""
        try:
            yield self.client()
        except (redis.ConnectionError, redis.TimeoutError, OSError) as exc:
            self._on_failure()
            raise RedisUnavailable(f"Redis is unavailable: {exc}") from exc
        except redis.RedisError as exc:
            # Refusals such as OOM, READONLY (a failed-over replica) or MISCONF: the server is
            # there but cannot serve the game now; answer 503 rather than crash the request.
            log.error("Redis refused a command: %s", exc)
            raise RedisUnavailable(f"Redis refused the request: {exc}") from exc

    def ping(self) -> bool:
        """True when Redis answers PING now (within about a second)."""
        try:
            with self.connection() as client:
                return bool(client.ping())
        except (RedisUnavailable, redis.RedisError):
            return False

    def close(self) -> None:
        """Disconnect, and stop the embedded server if no other process uses it."""
        with self._lock:
            client, self._client = self._client, None
            owned = self._client_pid == os.getpid()
            self._client_pid = None
        if client is not None and owned:
            with contextlib.suppress(Exception):
                client.close()
        if self.embedded is not None:
            self.embedded.release()

    def _make_client(self) -> redis.Redis:
        options = {
            "socket_timeout": SOCKET_TIMEOUT,
            "socket_connect_timeout": CONNECT_TIMEOUT,
            "retry": _retry(),
            "decode_responses": True,
            "health_check_interval": 30,
        }
        if self.url:
            return redis.Redis.from_url(self.url, **options)
        try:
            socket_path = self.embedded.acquire()
        except (EmbeddedRedisError, TimeoutError, OSError) as exc:
            raise RedisUnavailable(f"embedded Redis could not start: {exc}") from exc
        return redis.Redis(unix_socket_path=socket_path, **options)

    def _on_failure(self) -> None:
        # The embedded server may have been killed: restart it (rate-limited) for the next request.
        if self.embedded is not None and self.embedded.recover():
            log.warning(
                "embedded Redis was down and has been restarted in %s", self.embedded.data_dir
            )
