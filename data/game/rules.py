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
ZWNJ, ZWJ = "\u200c", "\u200d"
# Joiners are the only format characters (category Cf) a name may hold: Persian, Indic and other
# scripts need them inside words, and emoji ZWJ sequences ("👩‍💻") are built with ZWJ.
_JOINERS = {ZWNJ, ZWJ}
# Scripts whose words use ZWNJ/ZWJ, by the first word of the Unicode character name (unicodedata
# has no Script property): Arabic-script languages (Persian, Urdu, Kurdish), the joining scripts
# of West Asia, and the Indic and Southeast Asian scripts with conjuncts.
_JOINER_SCRIPTS = frozenset(
    "ARABIC SYRIAC NKO MANDAIC MONGOLIAN PHAGS-PA DEVANAGARI BENGALI GURMUKHI GUJARATI ORIYA "
    "TAMIL TELUGU KANNADA MALAYALAM SINHALA TIBETAN MYANMAR KHMER BALINESE JAVANESE".split()
)
# Characters that are letters, marks or symbols by category yet draw nothing (or an empty box
# where a font lacks them): a name made of them looks blank on the high-score table. Refused
# anywhere in a name. The invisible format characters (U+180E Mongolian vowel separator,
# U+2060-U+2064 word joiner and invisible operators, U+200B, U+FEFF, U+00AD) are category Cf and
# refused with every other control/format character; spaces (U+3000 ideographic space, U+00A0,
# ...) are allowed between words but never count as the visible part of a name.
_FILLERS = frozenset(
    "\u115f\u1160\u3164\uffa0"  # Hangul choseong, jungseong, compatibility, halfwidth fillers
    "\u2800"  # braille pattern blank
    "\u034f"  # combining grapheme joiner (a mark that joins nothing visible)
    "\u17b4\u17b5"  # Khmer inherent vowels, invisible and deprecated
    "\U0001d159"  # musical symbol null notehead
    "\U00016fe4"  # Khitan small script filler
)
_VISIBLE_CATEGORIES = frozenset("LNPS")  # letters, numbers, punctuation, symbols
MAX_MARKS_IN_A_ROW = 4


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


class OtherPlayer(GameError):
    """The game was started by another player, whose name alone can record it."""


class NameTaken(GameError):
    """The name belongs to another player (the key or account that first played under it)."""


class AnonymousGame(GameError):
    """The game was started without a name: it stays anonymous and reaches no board."""


class TooManyGames(GameError):
    """Too many games in play; retry_after is when (seconds) the oldest of them expires."""

    def __init__(self, message: str, retry_after: int):
        super().__init__(message)
        self.retry_after = retry_after


class TooManyClientGames(TooManyGames):
    """This client has too many games in play (GAME_MAX_ACTIVE_PER_CLIENT)."""


class TooManyActiveGames(TooManyGames):
    """The server holds too many games in play in total (GAME_MAX_ACTIVE)."""


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
    """Return the player name: NFC-normalised, trimmed, 1..32 characters, visibly something."""
    if not isinstance(value, str):
        raise InvalidInput(f"user must be a text name, got {_describe(value)}")
    # NFC first: "e" + U+0301 and "é" are the same name, and the limit counts what is shown.
    name = unicodedata.normalize("NFC", value).strip()
    if not name:
        raise InvalidInput("user must not be empty")
    if len(name) > NAME_MAX_CHARS:
        raise InvalidInput(f"user must be at most {NAME_MAX_CHARS} characters")
    for index, char in enumerate(name):
        category = unicodedata.category(char)
        if char in _JOINERS:
            if not _joiner_needed(name, index):
                raise InvalidInput(
                    "user must use zero-width joiners only inside a word or emoji that needs them"
                )
        # C* = control, format, surrogate, private use, unassigned; Zl/Zp = line breaks.
        elif category[0] == "C" or category in {"Zl", "Zp"} or char in _FILLERS:
            raise InvalidInput(
                f"user must not contain control or invisible characters (U+{ord(char):04X})"
            )
    if not any(_is_visible(char) for char in name):
        raise InvalidInput("user must contain at least one visible letter, digit or symbol")
    _check_marks(name)
    return name


def player_key(name: str) -> str:
    """Who a name belongs to: compatibility-normalised and case-folded (Unicode's NFKC_Casefold
    in essence), so "Ølaf", "ØLAF" and the fullwidth "Ｏｌａｆ"-style forms are one player."""
    # Case folding can decompose ("ǰ" -> "j" + U+030C), so normalise again after it.
    return unicodedata.normalize("NFKC", unicodedata.normalize("NFKC", name).casefold())


def _is_visible(char: str) -> bool:
    return unicodedata.category(char)[0] in _VISIBLE_CATEGORIES and char not in _FILLERS


def _script(char: str) -> str:
    return unicodedata.name(char, "").split(" ", 1)[0]


def _joiner_needed(name: str, index: int) -> bool:
    # Never at either end, never doubled: there it joins nothing and only hides text.
    if index == 0 or index == len(name) - 1:
        return False
    before, after = name[index - 1], name[index + 1]
    if _script(before) in _JOINER_SCRIPTS and _script(after) in _JOINER_SCRIPTS:
        return True
    # Emoji ZWJ sequences: an emoji (or its skin tone or U+FE0F presentation) joined to another.
    emoji_before = unicodedata.category(before) in {"So", "Sk"} or before == "\ufe0f"
    return name[index] == ZWJ and emoji_before and unicodedata.category(after) == "So"


def _check_marks(name: str) -> None:
    # Stacked combining marks ("Zalgo" text) draw over the neighbouring rows of the table.
    if unicodedata.category(name[0])[0] == "M":
        raise InvalidInput("user must not start with a combining mark")
    marks = run = 0
    for char in name:
        if unicodedata.category(char)[0] == "M":
            marks += 1
            run += 1
            if run > MAX_MARKS_IN_A_ROW:
                raise InvalidInput(
                    f"user must not stack more than {MAX_MARKS_IN_A_ROW} combining marks"
                )
        else:
            run = 0
    if marks > len(name) - marks:
        raise InvalidInput("user must be mostly letters, digits or symbols, not combining marks")


def par(max_value: int) -> int:
    """Guesses that halving needs at worst for numbers 1..max_value: ceil(log2(max_value + 1))."""
    if max_value < 1:
        raise ValueError(f"par needs a maximum of at least 1, got {max_value}")
    # ceil(log2(M + 1)) is the bit length of M, exact for any size (no floating point).
    return int(max_value).bit_length()


def parse_choice(value, choices: tuple[str, ...], what: str, default: str) -> str:
    """One of choices (default when missing), or InvalidInput naming them."""
    if value is None or value == "":
        return default
    if isinstance(value, str) and value in choices:
        return value
    raise InvalidInput(f"{what} must be one of {', '.join(choices)} (default {default})")


def parse_flag(value, what: str) -> bool:
    """0/1 (also false/true); missing is 0."""
    if value is None or value == "" or value in ("0", "false", False, 0):
        return False
    if value in ("1", "true", True, 1):
        return True
    raise InvalidInput(f"{what} must be 0 or 1")


def is_game_id(value) -> bool:
    """True when value looks like a game id the server could have issued."""
    return isinstance(value, str) and _GAME_ID.fullmatch(value) is not None
