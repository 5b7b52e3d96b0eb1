"""Client-supplied values made safe to show or log: cut short, escaped, length noted when cut."""

from __future__ import annotations

import reprlib

CLIPPED_CHARS = 120  # enough to recognise a value; a 1 MB one costs no more than this

# Containers are shown in part; reprlib never builds the whole repr of a 1 MB value first.
_REPR = reprlib.Repr()
_REPR.maxlevel, _REPR.maxdict, _REPR.maxlist, _REPR.maxtuple, _REPR.maxset = 3, 4, 4, 4, 4
_REPR.maxother = _REPR.maxlong = 60


def clipped(value: object, limit: int = CLIPPED_CHARS) -> str:
    """repr(value), escaped (no newline or control character survives), at most `limit`
    characters and a note; a cut string says how long it was: 'xxxx'... (1000000 chars)."""
    if isinstance(value, str | bytes):
        text = repr(value[:limit])
        if len(text) <= limit + 2 and len(value) <= limit:
            return text
        return f"{text[: limit + 2]}... ({len(value)} chars)"  # escapes may have grown it
    _REPR.maxstring = limit
    text = _REPR.repr(value)[: limit + 1]
    # A custom __repr__ may return anything (newlines included): its non-printables escaped.
    text = "".join(_escape(char, "") for char in text)
    return text if len(text) <= limit else f"{text[:limit]}..."


def escaped(text: str, limit: int = 200, special: str = '"\\') -> str:
    """text without quotes around it: the `special` characters (a quote, the backslash) and
    every non-printable one escaped (\\n, \\x1b, \\u2028), at most `limit` characters, the
    original length noted when cut."""
    cut = text[:limit]
    if not cut.isprintable() or any(char in cut for char in special):
        cut = "".join(_escape(char, special) for char in cut)
    if len(cut) <= limit and len(text) <= limit:
        return cut
    return f"{cut[:limit]}... ({len(text)} chars)"


def _escape(char: str, special: str) -> str:
    if char in special:
        return "\\" + char
    if char.isprintable():
        return char
    return repr(char)[1:-1]  # '\\n', '\\x1b', '\\u2028': Python's own escapes
