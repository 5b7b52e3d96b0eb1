"""Reading the game's boards: best games and players per maximum and period, with ranks and par.

The boards are written by the store's Lua scripts (data/game/score_scripts.py); this module only
reads them. A best-game member is "{epoch ms}:{game id}:{entry JSON}"; a player-board member is
"{last game, 13-digit epoch ms}:{player key}", its data a JSON in the board's hash.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator

from data.game.board_periods import PERIODS, periods_at
from data.game.rules import par, player_key

BOARDS = ("best", "players")
DEFAULT_BOARD = "best"
UNRANKED = 1_000_000_000  # the score of players with fewer than MIN_GAMES counted games
_SCAN_CHUNK = 200


def entry_of(member: str) -> dict:
    """{"user", "guesses", "date"} of a best-game member (game ids never contain ':')."""
    entry = json.loads(member.split(":", 2)[2])
    return {"user": entry["user"], "guesses": entry["guesses"], "date": entry["date"]}


def iso_utc(epoch_ms: int) -> str:
    """'2026-12-01T09:30:00.123Z' for an epoch in ms."""
    moment = dt.datetime.fromtimestamp(epoch_ms / 1000, dt.UTC)
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{epoch_ms % 1000:03d}Z"


def best_board(store, max_value: int, period: str, limit: int, unique: bool, user=None) -> list:
    """The best games (fewest guesses, ties by the earlier), each player once when unique."""
    key = store.board_key(max_value, periods_at(store.now_ms())[period])
    me = player_key(user) if user else None
    board_par = par(max_value)
    entries: list[dict] = []
    found = False  # the player's own row is in `entries`
    seen: set[str] = set()
    with store.provider.connection() as client:
        for position, member in _scan(client, key):
            entry = entry_of(member)
            owner = player_key(entry["user"])
            if unique and owner in seen:
                continue
            seen.add(owner)
            row = {"rank": len(seen) if unique else position + 1, **entry, "par": board_par}
            mine = owner == me
            if mine:
                row["this_player"] = True
            if len(entries) < limit or (mine and not found):
                entries.append(row)  # past the limit: the player's own best, pinned below
                found = found or mine
            if len(entries) >= limit and (me is None or found):
                break
    return entries


def players_board(store, max_value: int, period: str, limit: int, user=None) -> list[dict]:
    """Players by their average over their last 10 counted games (at least 5), fewest first."""
    data_key, board_key = store.players_keys(max_value, periods_at(store.now_ms())[period])
    me = player_key(user) if user else None
    with store.provider.connection() as client:
        members = client.zrangebyscore(board_key, "-inf", f"({UNRANKED}", start=0, num=limit)
        players = [member[14:] for member in members]
        rows = client.hmget(data_key, players) if players else []
        entries = [
            _player_row(rank, raw, max_value, player == me)
            for rank, (player, raw) in enumerate(zip(players, rows, strict=True), start=1)
        ]
        if me is not None and me not in players:
            raw = client.hget(data_key, me)
            if raw is not None:
                rank = _player_rank(client, board_key, raw, me)
                entries.append(_player_row(rank, raw, max_value, True))
    return entries


def placement(store, max_value: int, member: str, user: str, counted: bool) -> dict:
    """Where a recorded game landed: its rank on each board and period, the player's best and
    averages. counted: the game counts on the player boards (named at its start)."""
    entry = entry_of(member)
    periods = periods_at(int(member.split(":", 1)[0]))
    me = player_key(user)
    result: dict = {
        "game": {
            "guesses": entry["guesses"],
            "par": par(max_value),
            "score": par(max_value) - entry["guesses"],
        },
        "best": {},
        "players": {},
        "average": {},
    }
    with store.provider.connection() as client:
        for name in PERIODS:
            key = store.board_key(max_value, periods[name])
            rank = client.zrank(key, member)
            result["best"][name] = (
                None if rank is None else {"rank": rank + 1, "of": client.zcard(key)}
            )
            data_key, board_key = store.players_keys(max_value, periods[name])
            raw = client.hget(data_key, me) if counted else None
            data = json.loads(raw) if raw else None
            result["average"][name] = (
                {"average": _average(data["g"]), "games": len(data["g"])} if data else None
            )
            rank = _player_rank(client, board_key, raw, me) if raw else None
            ranked = client.zcount(board_key, "-inf", f"({UNRANKED}")
            result["players"][name] = None if rank is None else {"rank": rank, "of": ranked}
        best = next(
            (m for _, m in _scan(client, store.ranking_key(max_value)) if _owner(m) == me), None
        )
    result["personal_best"] = None if best is None else entry_of(best)
    return result


def _scan(client, key: str) -> Iterator[tuple[int, str]]:
    """(position, member) of a sorted set in rank order, read a chunk at a time."""
    start = 0
    while True:
        chunk = client.zrange(key, start, start + _SCAN_CHUNK - 1)
        for offset, member in enumerate(chunk):
            yield start + offset, member
        if len(chunk) < _SCAN_CHUNK:
            return
        start += _SCAN_CHUNK


def _owner(member: str) -> str:
    return player_key(entry_of(member)["user"])


def _average(games: list[int]) -> float:
    return round(sum(games) / len(games), 2)


def _player_rank(client, board_key: str, raw: str, player: str) -> int | None:
    """1-based rank of a player on a board, None while they have too few games to be ranked."""
    data = json.loads(raw)
    member = f"{data['t']}:{player}"
    score = client.zscore(board_key, member)
    if score is None or score >= UNRANKED:
        return None
    return client.zrank(board_key, member) + 1


def _player_row(rank: int | None, raw: str, max_value: int, mine: bool) -> dict:
    data = json.loads(raw)
    row = {
        "rank": rank,
        "user": data["u"],
        "average": _average(data["g"]),
        "games": len(data["g"]),
        "date": iso_utc(int(data["t"])),
        "par": par(max_value),
    }
    if mine:
        row["this_player"] = True
    return row
