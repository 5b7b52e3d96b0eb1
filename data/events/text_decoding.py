"""One reading of the real data's odd bytes: UTF-8, and cp1252 for any byte that is not UTF-8."""

from __future__ import annotations

import codecs

# The codec error handler's name, for io.TextIOWrapper(errors=...) and bytes.decode(errors=...).
ENCODING_ERRORS = "reelboard-legacy-bytes"

_CP1252_HOLES = {0x81, 0x8D, 0x8F, 0x90, 0x9D}  # undefined in cp1252; latin-1 maps them 1:1


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
