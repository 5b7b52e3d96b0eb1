"""Reading the real data's odd text: raw bytes as UTF-8 else cp1252, and its `<xx>` byte escapes."""

from __future__ import annotations

import codecs
import re

# The codec error handler's name, for io.TextIOWrapper(errors=...) and bytes.decode(errors=...).
ENCODING_ERRORS = "reelboard-legacy-bytes"

_CP1252_HOLES = {0x81, 0x8D, 0x8F, 0x90, 0x9D}  # undefined in cp1252; latin-1 maps them 1:1

# The tutorial file writes a byte above 127 as `<xx>` ("p<e5>"); only 0x80..0xFF, so that
# ASCII such as `<20>`, tags like `<b>` and longer hex like `<abc>` stay the text they are.
_ESCAPE_RUN = re.compile(r"(?:<[89a-fA-F][0-9a-fA-F]>)+")
# The escaped word an import summary shows: the first run and up to 20 letters either side,
# stopping at a blank or another `<` so that the example never ends inside an escape.
_EXAMPLE = re.compile(r"[^\s<>]{0,20}(?:<[89a-fA-F][0-9a-fA-F]>)+[^\s<>]{0,20}")


def _legacy_bytes(error: UnicodeDecodeError) -> tuple[str, int]:
    """Decode bytes that are not UTF-8 as cp1252 (latin-1 for its holes): 0xE5 becomes 'å'."""
    chunk = error.object[error.start : error.end]
    text = "".join(
        bytes([b]).decode("cp1252", errors="strict") if b not in _CP1252_HOLES else chr(b)
        for b in chunk
    )
    return text, error.end


codecs.register_error(ENCODING_ERRORS, _legacy_bytes)


def decode_text(value: bytes) -> str:
    """Text as the importer reads it: valid UTF-8 kept, each other byte read as cp1252."""
    return value.decode("utf-8", errors=ENCODING_ERRORS)


def _decode_run(match: re.Match) -> str:
    # A run is read as the bytes it stands for would be read raw: "<c3><a5>" (UTF-8 written
    # as escapes) is "å", not "Ã¥"; bytes that are not UTF-8 are cp1252, so "<e5>" is "å".
    return decode_text(bytes.fromhex(match.group()[1:-1].replace("><", "")))


def decode_escapes(text: str) -> str:
    """Text with each run of `<xx>` escapes (bytes 0x80..0xFF) decoded like raw bytes."""
    if "<" not in text:  # nearly every value: no regex
        return text
    return _ESCAPE_RUN.sub(_decode_run, text)


def escape_example(text: str) -> str | None:
    """The first escaped word of the text ("p<e5>"), for a summary to show; None without one."""
    match = _EXAMPLE.search(text)
    return None if match is None else match.group()
