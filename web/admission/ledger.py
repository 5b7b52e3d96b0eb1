"""The shared ledger of every client's work (CPU seconds) and running requests, in Redis."""

from __future__ import annotations

import math
from dataclasses import dataclass

# Both scripts read the clock of Redis itself (TIME), so every worker and every server that
# shares the Redis agrees on when spent work has drained away, whatever their own clocks say.
# A client's spending is a leaky bucket: `level` CPU seconds at time `at`, draining at `rate`
# per second; it may start work while the level is under `capacity` (its burst).
_DRAIN = """
local t = redis.call('TIME')
local now = tonumber(t[1]) + tonumber(t[2]) / 1000000
local state = redis.call('HMGET', KEYS[1], 'level', 'at')
local rate = tonumber(ARGV[1])
local level = tonumber(state[1]) or 0
local at = tonumber(state[2]) or now
level = math.max(0, level - math.max(0, now - at) * rate)
"""

# KEYS: spent, running. ARGV: rate, capacity, running cap, request id, lease seconds.
# Answers {1, "0", "ok"}, or {0, seconds until the level is under capacity, "budget"}, or
# {0, "0", "running"} when the client already runs its cap of requests.
_ADMIT = (
    _DRAIN
    + """
local capacity = tonumber(ARGV[2])
if level >= capacity then
  return {0, tostring((level - capacity) / rate), 'budget'}
end
-- A running request's lease ends when its worker would have killed it anyway: a worker that
-- died mid-request frees its client's slot by itself.
redis.call('ZREMRANGEBYSCORE', KEYS[2], '-inf', now)
if redis.call('ZCARD', KEYS[2]) >= tonumber(ARGV[3]) then
  return {0, '0', 'running'}
end
redis.call('ZADD', KEYS[2], now + tonumber(ARGV[5]), ARGV[4])
redis.call('EXPIRE', KEYS[2], math.ceil(tonumber(ARGV[5])) + 1)
return {1, '0', 'ok'}
"""
)

# KEYS: spent, running. ARGV: rate, cost in CPU seconds, request id.
_SETTLE = (
    _DRAIN
    + """
level = level + tonumber(ARGV[2])
redis.call('HSET', KEYS[1], 'level', tostring(level), 'at', tostring(now))
redis.call('EXPIRE', KEYS[1], math.ceil(level / rate) + 1)
redis.call('ZREM', KEYS[2], ARGV[3])
return 1
"""
)


@dataclass(frozen=True)
class Verdict:
    """May the request start? If not: why ("budget" or "running") and after how long."""

    admitted: bool
    reason: str = "ok"
    retry_after: float = 0.0

    @property
    def retry_seconds(self) -> int:
        """Retry-After in whole seconds, at least 1."""
        return max(1, math.ceil(self.retry_after))


@dataclass(frozen=True)
class Allowance:
    """What one client may use: CPU seconds of work per minute, at most `burst` of them at once
    (a page load's worth: a flood cannot take a whole minute's share in its first seconds),
    and requests running at once."""

    cpu_per_minute: float
    burst: float
    running: int
    # Seconds a running request holds its slot at most (a dead worker's slot frees itself).
    lease_seconds: float

    @property
    def rate(self) -> float:
        return self.cpu_per_minute / 60.0


class Ledger:
    """Admit and settle requests against the per-client ledger in one Redis."""

    def __init__(self, client, key_prefix: str) -> None:
        # A client whose calls fail fast (web.limits.ShortTimeoutClient): a paused Redis costs
        # a request a fraction of a second, never its whole time limit.
        self._admit = client.register_script(_ADMIT)
        self._settle = client.register_script(_SETTLE)
        self._prefix = key_prefix

    def _keys(self, who: str) -> list[str]:
        return [f"{self._prefix}{who}:spent", f"{self._prefix}{who}:running"]

    def admit(self, who: str, request_id: str, allowance: Allowance) -> Verdict:
        """Take a running slot for the request, or say why not; raises redis errors."""
        admitted, wait, reason = self._admit(
            keys=self._keys(who),
            args=[
                allowance.rate,
                allowance.burst,
                allowance.running,
                request_id,
                allowance.lease_seconds,
            ],
        )
        reason = reason.decode() if isinstance(reason, bytes) else str(reason)
        return Verdict(bool(admitted), reason, float(wait))

    def settle(self, who: str, request_id: str, cost: float, allowance: Allowance) -> None:
        """Charge the request's CPU seconds and free its slot; raises redis errors."""
        self._settle(keys=self._keys(who), args=[allowance.rate, max(0.0, cost), request_id])
