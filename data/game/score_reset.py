"""Deleting the game's high scores and boards (the `flask scores reset` command's work)."""

from __future__ import annotations

from data.game.board_periods import periods_at


def reset_scores(store, max_value: int | None = None) -> int:
    """Delete the high scores and boards of a ScoreStore (one maximum, or all); returns keys
    deleted. Games in play and who owns which name are kept."""
    prefix = store.prefix
    if max_value is None:
        patterns = [f"{prefix}{kind}:*" for kind in ("hiscores", "ranking", "players")]
    else:
        exact = [store.history_key(max_value), store.ranking_key(max_value)]
        data, board = store.players_keys(max_value, periods_at(0)["all"])
        patterns = [*exact, data, board, f"{store.ranking_key(max_value)}:*", f"{data}:*"]
    deleted = 0
    with store.provider.connection() as client:
        for pattern in patterns:
            escaped = _glob_escape(pattern[:-1]) + "*" if pattern.endswith(":*") else None
            if escaped is None:
                deleted += client.delete(pattern)
                continue
            batch = []
            # SCAN in batches: KEYS would block Redis on a big keyspace.
            for key in client.scan_iter(match=escaped, count=500):
                batch.append(key)
                if len(batch) >= 500:
                    deleted += client.delete(*batch)
                    batch = []
            if batch:
                deleted += client.delete(*batch)
    return deleted


def _glob_escape(text: str) -> str:
    return "".join("\\" + char if char in "*?[]\\" else char for char in text)
