"""The guessing game's rules: input validation and the errors a game operation can raise."""

from __future__ import annotations

import re
import unicodedata

MIN_MAX_VALUE = 2
MAX_MAX_VALUE = 10_000
DEFAULT_MAX_VALUE = 25
OFFERED_MAX_VALUES = (10, 25, 100, 1000)
NAME_MAX_CHARS = 32
DEFAULT_LIMIT = 10
MAX_LIMIT = 100
# token_urlsafe alphabet; anything else cannot be a game id, so it is "unknown" without a lookup.
_GAME_ID = re.compile(r"[A-Za-z0-9_-]{8,64}")
# Joiners are format characters that some scripts (Persian, Indic) and emoji need.
_ALLOWED_FORMAT_CHARS = {"\u200c", "\u200d"}


class GameError(Exception):
    """Base of the game's errors; the message is safe to show to the player."""


class InvalidInput(GameError, ValueError):
    """A value sent by the client is not acceptable (bad type, range or name)."""


class GameNotFound(GameError):
    """No such game: the id is unknown or the game expired."""


class GameAlreadyWon(GameError):
    """The game is won; no more guesses are counted."""


class GameNotWon(GameError):
    """The game is not won yet, so it cannot be recorded."""


def _strict_int(value, what: str) -> int:
    # JSON true/false arrive as bool, a subclass of int: refuse them like floats and strings.
    if isinstance(value, bool) or not isinstance(value, int):
        raise InvalidInput(
            f"{what} must be a whole number (a JSON integer), got {_describe(value)}"
        )
    return value


def _describe(value) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, float):
        return "a decimal number"
    if isinstance(value, int):
        return "a number"
    # JSON names for what json.loads gives (never Python's "a int", "a dict").
    return {list: "a list", dict: "an object"}.get(type(value), "an unsupported value")


def parse_max_value(value, *, from_text: bool = False) -> int:
    """Return a valid maximum (2..10000) or raise InvalidInput; from_text accepts digit strings."""
    allowed = f"max_value must be a whole number from {MIN_MAX_VALUE} to {MAX_MAX_VALUE}"
    if from_text:
        text = str(value).strip()
        if not re.fullmatch(r"[0-9]{1,6}", text):
            raise InvalidInput(allowed)
        value = int(text)
    value = _strict_int(value, "max_value")
    if not MIN_MAX_VALUE <= value <= MAX_MAX_VALUE:
        raise InvalidInput(f"{allowed}, got {value if abs(value) < 10**12 else 'a huge number'}")
    return value


def parse_guess(value) -> int:
    """Return the guess as an int; the per-game range (1..max_value) is checked with the game."""
    value = _strict_int(value, "guess")
    if not 1 <= value <= MAX_MAX_VALUE:
        raise InvalidInput(
            f"guess must be a whole number from 1 to the game's maximum (at most {MAX_MAX_VALUE})"
        )
    return value


def parse_limit(value, *, from_text: bool = False) -> int:
    """Return how many high scores to list (1..100, default 10)."""
    if value is None:
        return DEFAULT_LIMIT
    allowed = f"limit must be a whole number from 1 to {MAX_LIMIT}"
    if from_text:
        if not re.fullmatch(r"[0-9]{1,4}", str(value).strip()):
            raise InvalidInput(allowed)
        value = int(str(value).strip())
    value = _strict_int(value, "limit")
    if not 1 <= value <= MAX_LIMIT:
        raise InvalidInput(allowed)
    return value


def parse_user(value) -> str:
    """Return the trimmed player name (1..32 characters, any language, no control characters)."""
    if not isinstance(value, str):
        raise InvalidInput(f"user must be a text name, got {_describe(value)}")
    name = value.strip()
    if not name:
        raise InvalidInput("user must not be empty")
    if len(name) > NAME_MAX_CHARS:
        raise InvalidInput(f"user must be at most {NAME_MAX_CHARS} characters")
    for char in name:
        category = unicodedata.category(char)
        # C* = control, format, surrogate, private use, unassigned; Zl/Zp = line breaks.
        if (category[0] == "C" and char not in _ALLOWED_FORMAT_CHARS) or category in {"Zl", "Zp"}:
            raise InvalidInput("user must not contain control or invisible characters")
    return name


def is_game_id(value) -> bool:
    """True when value looks like a game id the server could have issued."""
    return isinstance(value, str) and _GAME_ID.fullmatch(value) is not None
