"""The game's state and high scores in Redis: games, the history list and the ranking per maximum.

Schema (every key under the prefix, default ``reelboard:``):
- ``{prefix}game:{game_id}`` hash: secret, max_value, user (fixed at the start; empty: the game
  stays anonymous), player (the user's NFKC, case-folded key), client, guesses, last (the last
  counted guess), won (0/1), recorded (0/1), member (its ranking member once recorded), owner
  (who started it); expires GAME_TTL_SECONDS after the last guess. The same guess twice in a row
  counts once (a retry).
- ``{prefix}active`` sorted set: the ids of all games in play, score = expiry time (epoch ms);
  at most GAME_MAX_ACTIVE live members. ``{prefix}active:{client}``: the same for one client, at
  most GAME_MAX_ACTIVE_PER_CLIENT. A won game leaves both; expired members are dropped before
  counting; each set expires with its latest game.
- ``{prefix}owners`` hash: player key -> owner (an opaque id the caller passes: a signed player
  key or an account) that first played under that name; written once (HSETNX), never expires.
- ``{prefix}hiscores:{max_value}`` list: the tutorial's history, newest first, each entry the JSON
  ``{"guesses": N, "date": "ISO-8601 UTC", "user": "..."}``; LTRIM keeps SCORE_HISTORY_CAP entries.
- ``{prefix}ranking:{max_value}`` sorted set: score = guesses; member =
  ``"{epoch_ms:013d}:{game_id}:{entry JSON}"``. Equal scores sort by member, so ties go to the
  earlier date; ZRANGE 0 limit-1 reads the list in O(log n + limit). Trimmed to the best
  SCORE_HISTORY_CAP members.
Only game and active keys ever get a TTL: under ``maxmemory-policy volatile-ttl`` Redis can evict
games in play, never a recorded score. Starting, guessing and recording are Lua scripts
(data/score_scripts.py), so concurrent duplicate requests cannot double-count.
"""

from __future__ import annotations

import json
import secrets
import time
from collections.abc import Callable
from dataclasses import dataclass

from config import ConfigError
from data.game.board_periods import DEFAULT_PERIOD, PERIODS, BoardPeriod, periods_at
from data.game.boards import (
    DEFAULT_BOARD,
    best_board,
    entry_of,
    iso_utc,
    placement,
    players_board,
)
from data.game.redis_connection import RedisProvider
from data.game.rules import (
    DEFAULT_LIMIT,
    AnonymousGame,
    GameAlreadyWon,
    GameNotFound,
    GameNotWon,
    InvalidInput,
    NameTaken,
    OtherPlayer,
    TooManyActiveGames,
    TooManyClientGames,
    is_game_id,
    par,
    player_key,
)
from data.game.score_reset import reset_scores
from data.game.score_scripts import SCRIPTS


@dataclass(frozen=True)
class GuessResult:
    """The answer to one counted guess."""

    result: str  # "higher" | "lower" | "correct"
    guesses: int


class ScoreStore:
    """Games and high scores for the guessing game, all in one Redis."""

    def __init__(
        self,
        provider: RedisProvider,
        prefix: str = "reelboard:",
        history_cap: int = 10_000,
        game_ttl: int = 86_400,
        max_active_per_client: int = 50,
        max_active: int = 100_000,
        clock: Callable[[], float] = time.time,
    ):
        if min(history_cap, game_ttl, max_active_per_client, max_active) < 1:
            # ConfigError (a ValueError): the app's start-up reports it as one clear line.
            raise ConfigError(
                "SCORE_HISTORY_CAP, GAME_TTL_SECONDS, GAME_MAX_ACTIVE_PER_CLIENT and "
                "GAME_MAX_ACTIVE must be positive whole numbers, got "
                f"{history_cap}, {game_ttl}, {max_active_per_client} and {max_active}"
            )
        self.provider = provider
        self.prefix = prefix
        self.history_cap = history_cap
        self.game_ttl = game_ttl
        self.max_active_per_client = max_active_per_client
        self.max_active = max_active
        self.clock = clock  # seconds since the epoch; tests move it across period boundaries
        self._scripts: dict = {}

    @classmethod
    def from_config(cls, provider: RedisProvider, config: dict) -> ScoreStore:
        """Store using REDIS_KEY_PREFIX, SCORE_HISTORY_CAP, GAME_TTL_SECONDS and the game caps."""

        def number(name: str, default: int) -> int:
            # A 0 is kept (and refused), not mistaken for "unset".
            value = config.get(name)
            return default if value is None or value == "" else int(value)

        return cls(
            provider,
            prefix=config.get("REDIS_KEY_PREFIX") or "reelboard:",
            history_cap=number("SCORE_HISTORY_CAP", 10_000),
            game_ttl=number("GAME_TTL_SECONDS", 86_400),
            max_active_per_client=number("GAME_MAX_ACTIVE_PER_CLIENT", 50),
            max_active=number("GAME_MAX_ACTIVE", 100_000),
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

    def board_key(self, max_value: int, period: BoardPeriod) -> str:
        """Redis key of the best-game board of a maximum in a period (all time: the ranking)."""
        return self.ranking_key(max_value) + period.suffix

    def players_keys(self, max_value: int, period: BoardPeriod) -> tuple[str, str]:
        """Redis keys (data hash, board sorted set) of the player board of a maximum in a period."""
        data = f"{self.prefix}players:{max_value}{period.suffix}"
        return data, data + ":board"

    def playing_keys(self, max_value: int) -> tuple[str, str]:
        """Redis keys of each player's latest game at a maximum and of when it expires."""
        key = f"{self.prefix}playing:{max_value}"
        return key, key + ":expires"

    def owners_key(self) -> str:
        """Redis key of the hash of who owns each name (player key -> owner)."""
        return f"{self.prefix}owners"

    def now_ms(self) -> int:
        """The store's clock in epoch milliseconds."""
        return int(self.clock() * 1000)

    def active_key(self, client: str | None = None) -> str:
        """Redis key of the games in play: all of them, or one client's."""
        return f"{self.prefix}active" if client is None else f"{self.prefix}active:{client}"

    # -- operations -----------------------------------------------------------------------

    def start_game(
        self, max_value: int, user: str | None = None, *, client: str, owner: str
    ) -> dict:
        """Create a game with a secret from 1..max_value; returns {"game_id", "max_value", "par"}.

        client is an opaque id of where it starts (the route passes the network address), owner
        one of who starts it (a player key or an account). Raises NameTaken when another owner
        holds the name (the first start or finish under a name claims it), TooManyClientGames or
        TooManyActiveGames when a cap on games in play is reached. For a named player, their
        previous unwon game at this maximum counts as abandoned.
        """
        game_id = secrets.token_urlsafe(16)
        now = self.now_ms()
        periods = periods_at(now)
        board_keys = [
            key for name in PERIODS for key in self.players_keys(max_value, periods[name])
        ]
        keys = [
            self.game_key(game_id),
            self.active_key(),
            self.active_key(client),
            *self.playing_keys(max_value),
            *board_keys,
            self.owners_key(),
        ]
        args = [
            game_id,
            self.game_ttl,
            self.max_active_per_client,
            self.max_active,
            secrets.randbelow(max_value) + 1,
            max_value,
            user or "",
            player_key(user) if user else "",
            client,
            par(max_value) + 1,
            f"{now:013d}",
            self.history_cap,
            periods["week"].seconds_left(now),
            periods["day"].seconds_left(now),
            self.prefix,
            owner,
        ]
        with self.provider.connection() as redis_client:
            reply = self._run(redis_client, "start", keys, args)
        if reply[0] == "taken":
            raise _name_taken(user)
        if reply[0] == "client":
            raise TooManyClientGames(
                f"too many unfinished games from your address (at most "
                f"{self.max_active_per_client}): win one, or wait for one to expire",
                int(reply[1]),
            )
        if reply[0] == "total":
            raise TooManyActiveGames(
                "the server has too many games in play right now; try again later", int(reply[1])
            )
        return {"game_id": game_id, "max_value": max_value, "par": par(max_value)}

    def guess(self, game_id: str, guess: int) -> GuessResult:
        """Count one guess; raises GameNotFound, GameAlreadyWon or InvalidInput (out of range)."""
        if not is_game_id(game_id):
            raise GameNotFound("unknown or expired game")
        with self.provider.connection() as client:
            reply = self._run(
                client,
                "guess",
                [self.game_key(game_id)],
                [guess, self.game_ttl, self.prefix, game_id, self.now_ms()],
            )
        status, value = reply[0], (reply[1] if len(reply) > 1 else None)
        if status == "missing":
            raise GameNotFound("unknown or expired game")
        if status == "won":
            guesses = f"{value} guess" if str(value) == "1" else f"{value} guesses"
            raise GameAlreadyWon(f"this game is already won (in {guesses}); start a new game")
        if status == "range":
            raise InvalidInput(f"guess must be a whole number from 1 to {value}")
        return GuessResult(status, int(value))

    def record(
        self,
        game_id: str,
        user: str | None = None,
        limit: int = DEFAULT_LIMIT,
        with_placement: bool = False,
        *,
        owner: str,
    ) -> list[dict] | dict:
        """Record a won game once (again: no change) and return the ranking's top `limit`.

        A user naming another player than the game's raises OtherPlayer, a game started without
        a name AnonymousGame; owner (who asks) owns a game from before owners existed. The entry
        of this game carries "this_game": true so a page can highlight it. with_placement: answer
        {"hiscores": [...], "placement": where the game landed (boards.placement)}.
        """
        if not is_game_id(game_id):
            raise GameNotFound("unknown or expired game")
        now_ms = self.now_ms()
        periods = periods_at(now_ms)
        args = [
            self.prefix,
            game_id,
            user or "",
            player_key(user) if user else "",
            f"{now_ms:013d}",
            iso_utc(now_ms),
            self.history_cap,
            limit,
            periods["week"].suffix,
            periods["week"].seconds_left(now_ms),
            periods["day"].suffix,
            periods["day"].seconds_left(now_ms),
            owner,
        ]
        keys = [self.game_key(game_id), self.owners_key()]
        with self.provider.connection() as client:
            reply = self._run(client, "record", keys, args)
        status = reply[0]
        if status == "missing":
            raise GameNotFound("unknown or expired game")
        if status == "unfinished":
            raise GameNotWon(
                "this game is not won yet: only a game the server saw won can be recorded"
            )
        if status == "otheruser":
            raise OtherPlayer(
                "this game was started by another player: only that name can record it"
            )
        if status == "anonymous":
            raise AnonymousGame(
                "this game was started without a name, so it stays anonymous and is not "
                "recorded: send your name when you start a game to reach the boards"
            )
        if status == "taken":
            raise _name_taken(user)
        own, counted = reply[1], reply[2] == "1"
        board_par = par(int(reply[3]))
        entries = []
        for rank, member in enumerate(reply[4:], start=1):
            entry = {"rank": rank, **entry_of(member), "par": board_par}
            if member == own:
                entry["this_game"] = True
            entries.append(entry)
        if not with_placement:
            return entries
        where = placement(self, int(reply[3]), own, entry_of(own)["user"], counted)
        return {"hiscores": entries, "placement": where}

    def hiscores(
        self,
        max_value: int,
        limit: int = DEFAULT_LIMIT,
        board: str = DEFAULT_BOARD,
        period: str = DEFAULT_PERIOD,
        unique: bool = False,
        user: str | None = None,
    ) -> list[dict]:
        """A board's top `limit` entries (with user: that player's own row pinned below)."""
        if board == "players":
            return players_board(self, max_value, period, limit, user)
        return best_board(self, max_value, period, limit, unique, user)

    def history(self, max_value: int, count: int = 100) -> list[dict]:
        """The newest `count` recorded entries for a maximum (the tutorial's list)."""
        with self.provider.connection() as client:
            raw = client.lrange(self.history_key(max_value), 0, count - 1)
        return [json.loads(item) for item in raw]

    def reset(self, max_value: int | None = None) -> int:
        """Delete the high scores and boards (of one maximum, or all); returns keys deleted.
        Who owns which name is kept: a reset clears scores, not players."""
        return reset_scores(self, max_value)

    def _run(self, client, name: str, keys: list, args: list):
        # Script objects are bound to a client; redis-py reloads them after NOSCRIPT (restarts).
        bound = self._scripts.get(name)
        if bound is None or bound[0] is not client:
            bound = (client, client.register_script(SCRIPTS[name]))
            self._scripts[name] = bound
        return bound[1](keys=keys, args=args)


def _name_taken(user: str | None) -> NameTaken:
    name = f'the name "{user}"' if user else "this name"
    return NameTaken(
        f"{name} belongs to another player (the browser or account that first played under "
        "it): choose another name"
    )
