"""The game's state and high scores in Redis: games, the history list and the ranking per maximum.

Schema (every key under the prefix, default ``reelboard:``):
- ``{prefix}game:{game_id}`` hash: secret, max_value, user, guesses, last (the last counted guess),
  won (0/1), recorded (0/1), member (its ranking member once recorded); expires
  GAME_TTL_SECONDS after the last guess. The same guess twice in a row counts once (a retry).
- ``{prefix}hiscores:{max_value}`` list: the tutorial's history, newest first, each entry the JSON
  ``{"guesses": N, "date": "ISO-8601 UTC", "user": "..."}``; LTRIM keeps SCORE_HISTORY_CAP entries.
- ``{prefix}ranking:{max_value}`` sorted set: score = guesses; member =
  ``"{epoch_ms:013d}:{game_id}:{entry JSON}"``. Equal scores sort by member, so ties go to the
  earlier date; ZRANGE 0 limit-1 reads the list in O(log n + limit). Trimmed to the best
  SCORE_HISTORY_CAP members.
Guessing and recording are Lua scripts, so concurrent duplicate requests cannot double-count.
"""

from __future__ import annotations

import json
import secrets
import time
from dataclasses import dataclass
from datetime import UTC, datetime

from config import ConfigError
from data.game_rules import (
    DEFAULT_LIMIT,
    GameAlreadyWon,
    GameNotFound,
    GameNotWon,
    InvalidInput,
    is_game_id,
)
from data.redis_connection import RedisProvider

# KEYS[1] game. ARGV[1] guess, ARGV[2] ttl seconds.
_GUESS_LUA = """
local g = redis.call('HMGET', KEYS[1], 'secret', 'max_value', 'guesses', 'won', 'last')
if not g[1] then return {'missing'} end
local guess = tonumber(ARGV[1])
local secret = tonumber(g[1])
local answer = 'lower'
if guess == secret then answer = 'correct' elseif secret > guess then answer = 'higher' end
-- The same guess twice in a row is a retry (e.g. after a timeout): answer it, count it once.
if g[5] == ARGV[1] then return {answer, g[3]} end
if g[4] == '1' then return {'won', g[3]} end
if guess < 1 or guess > tonumber(g[2]) then return {'range', g[2]} end
local n = redis.call('HINCRBY', KEYS[1], 'guesses', 1)
redis.call('HSET', KEYS[1], 'last', ARGV[1])
if answer == 'correct' then redis.call('HSET', KEYS[1], 'won', '1') end
redis.call('EXPIRE', KEYS[1], tonumber(ARGV[2]))
return {answer, tostring(n)}
"""

# KEYS[1] game. ARGV: prefix, game_id, user ('' = the game's), epoch ms, ISO date, cap, limit.
# The list and ranking keys depend on the game's maximum, known only inside the script
# (fine for a single Redis; this store does not target Redis Cluster).
_RECORD_LUA = """
local g = redis.call('HMGET', KEYS[1], 'max_value', 'guesses', 'won', 'recorded', 'user', 'member')
if not g[1] then return {'missing'} end
if g[3] ~= '1' then return {'unfinished'} end
local ranking = ARGV[1] .. 'ranking:' .. g[1]
local member = g[6]
if g[4] ~= '1' then
  local user = ARGV[3]
  if user == '' then user = g[5] end
  if not user or user == '' then return {'nouser'} end
  local entry = '{"guesses":' .. g[2] .. ',"date":' .. cjson.encode(ARGV[5]) ..
                ',"user":' .. cjson.encode(user) .. '}'
  member = ARGV[4] .. ':' .. ARGV[2] .. ':' .. entry
  local cap = tonumber(ARGV[6])
  local history = ARGV[1] .. 'hiscores:' .. g[1]
  redis.call('LPUSH', history, entry)
  redis.call('LTRIM', history, 0, cap - 1)
  redis.call('ZADD', ranking, tonumber(g[2]), member)
  redis.call('ZREMRANGEBYRANK', ranking, cap, -1)
  redis.call('HSET', KEYS[1], 'recorded', '1', 'member', member)
end
local top = redis.call('ZRANGE', ranking, 0, tonumber(ARGV[7]) - 1)
return {'ok', member, unpack(top)}
"""


@dataclass(frozen=True)
class GuessResult:
    """The answer to one counted guess."""

    result: str  # "higher" | "lower" | "correct"
    guesses: int


def _iso_utc(epoch_ms: int) -> str:
    return (
        datetime.fromtimestamp(epoch_ms / 1000, UTC).strftime("%Y-%m-%dT%H:%M:%S.")
        + f"{epoch_ms % 1000:03d}Z"
    )


def _entry_from_member(member: str) -> dict:
    # member = "{ms}:{game_id}:{json}"; game ids never contain ':'.
    entry = json.loads(member.split(":", 2)[2])
    return {"user": entry["user"], "guesses": entry["guesses"], "date": entry["date"]}


class ScoreStore:
    """Games and high scores for the guessing game, all in one Redis."""

    def __init__(
        self,
        provider: RedisProvider,
        prefix: str = "reelboard:",
        history_cap: int = 10_000,
        game_ttl: int = 86_400,
    ):
        if history_cap < 1 or game_ttl < 1:
            # ConfigError (a ValueError): the app's start-up reports it as one clear line.
            raise ConfigError(
                "SCORE_HISTORY_CAP and GAME_TTL_SECONDS must be positive whole numbers, "
                f"got {history_cap} and {game_ttl}"
            )
        self.provider = provider
        self.prefix = prefix
        self.history_cap = history_cap
        self.game_ttl = game_ttl
        self._scripts: dict = {}

    @classmethod
    def from_config(cls, provider: RedisProvider, config: dict) -> ScoreStore:
        """Store using REDIS_KEY_PREFIX, SCORE_HISTORY_CAP and GAME_TTL_SECONDS."""
        return cls(
            provider,
            prefix=config.get("REDIS_KEY_PREFIX") or "reelboard:",
            history_cap=int(config.get("SCORE_HISTORY_CAP") or 10_000),
            game_ttl=int(config.get("GAME_TTL_SECONDS") or 86_400),
        )

    # -- keys -----------------------------------------------------------------------------

    def game_key(self, game_id: str) -> str:
        """Redis key of one game's hash."""
        return f"{self.prefix}game:{game_id}"

    def history_key(self, max_value: int) -> str:
        """Redis key of the tutorial's history list for a maximum."""
        return f"{self.prefix}hiscores:{max_value}"

    def ranking_key(self, max_value: int) -> str:
        """Redis key of the ranking sorted set for a maximum."""
        return f"{self.prefix}ranking:{max_value}"

    # -- operations -----------------------------------------------------------------------

    def start_game(self, max_value: int, user: str | None = None) -> dict:
        """Create a game with a secret from 1..max_value; returns {"game_id", "max_value"}."""
        game_id = secrets.token_urlsafe(16)
        state = {
            "secret": secrets.randbelow(max_value) + 1,
            "max_value": max_value,
            "user": user or "",
            "guesses": 0,
            "won": 0,
            "recorded": 0,
        }
        with self.provider.connection() as client:
            pipe = client.pipeline(transaction=True)
            pipe.hset(self.game_key(game_id), mapping=state)
            pipe.expire(self.game_key(game_id), self.game_ttl)
            pipe.execute()
        return {"game_id": game_id, "max_value": max_value}

    def guess(self, game_id: str, guess: int) -> GuessResult:
        """Count one guess; raises GameNotFound, GameAlreadyWon or InvalidInput (out of range)."""
        if not is_game_id(game_id):
            raise GameNotFound("unknown or expired game")
        with self.provider.connection() as client:
            reply = self._run(client, "guess", [self.game_key(game_id)], [guess, self.game_ttl])
        status, value = reply[0], (reply[1] if len(reply) > 1 else None)
        if status == "missing":
            raise GameNotFound("unknown or expired game")
        if status == "won":
            raise GameAlreadyWon(f"this game is already won (in {value} guesses); start a new game")
        if status == "range":
            raise InvalidInput(f"guess must be a whole number from 1 to {value}")
        return GuessResult(status, int(value))

    def record(
        self, game_id: str, user: str | None = None, limit: int = DEFAULT_LIMIT
    ) -> list[dict]:
        """Record a won game once (again: no change) and return the ranking's top `limit`.

        The entry of this game carries "this_game": true so a page can highlight it.
        """
        if not is_game_id(game_id):
            raise GameNotFound("unknown or expired game")
        now_ms = time.time_ns() // 1_000_000
        args = [
            self.prefix,
            game_id,
            user or "",
            f"{now_ms:013d}",
            _iso_utc(now_ms),
            self.history_cap,
            limit,
        ]
        with self.provider.connection() as client:
            reply = self._run(client, "record", [self.game_key(game_id)], args)
        status = reply[0]
        if status == "missing":
            raise GameNotFound("unknown or expired game")
        if status == "unfinished":
            raise GameNotWon(
                "this game is not won yet: only a game the server saw won can be recorded"
            )
        if status == "nouser":
            raise InvalidInput("user is required to record a score (1 to 32 characters)")
        own = reply[1]
        entries = []
        for member in reply[2:]:
            entry = _entry_from_member(member)
            if member == own:
                entry["this_game"] = True
            entries.append(entry)
        return entries

    def hiscores(self, max_value: int, limit: int = DEFAULT_LIMIT) -> list[dict]:
        """The top `limit` scores for a maximum: fewest guesses first, ties by earlier date."""
        with self.provider.connection() as client:
            members = client.zrange(self.ranking_key(max_value), 0, limit - 1)
        return [_entry_from_member(member) for member in members]

    def history(self, max_value: int, count: int = 100) -> list[dict]:
        """The newest `count` recorded entries for a maximum (the tutorial's list)."""
        with self.provider.connection() as client:
            raw = client.lrange(self.history_key(max_value), 0, count - 1)
        return [json.loads(item) for item in raw]

    def reset(self, max_value: int | None = None) -> int:
        """Delete the high scores (of one maximum, or all); returns the number of keys deleted."""
        with self.provider.connection() as client:
            if max_value is not None:
                return client.delete(self.history_key(max_value), self.ranking_key(max_value))
            deleted = 0
            for kind in ("hiscores:", "ranking:"):
                pattern = _glob_escape(self.prefix + kind) + "*"
                batch = []
                for key in client.scan_iter(match=pattern, count=500):
                    batch.append(key)
                    if len(batch) >= 500:
                        deleted += client.delete(*batch)
                        batch = []
                if batch:
                    deleted += client.delete(*batch)
            return deleted

    def _run(self, client, name: str, keys: list, args: list):
        # Script objects are bound to a client; redis-py reloads them after NOSCRIPT (restarts).
        bound = self._scripts.get(name)
        if bound is None or bound[0] is not client:
            bound = (client, client.register_script(_GUESS_LUA if name == "guess" else _RECORD_LUA))
            self._scripts[name] = bound
        return bound[1](keys=keys, args=args)


def _glob_escape(text: str) -> str:
    return "".join("\\" + char if char in "*?[]\\" else char for char in text)
