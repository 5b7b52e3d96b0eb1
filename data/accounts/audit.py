"""The audit log: one JSON line per sign-in, sign-out, token and account event."""

from __future__ import annotations

import json
import logging
import time
from pathlib import Path

LOGGER_NAME = "reelboard.audit"
_logger = logging.getLogger(LOGGER_NAME)
_logger.setLevel(logging.INFO)

MAX_FIELD_CHARS = 100  # a client may send any text as a name; the log keeps a recognisable part
# Field names whose values are secrets: dropped even if a caller passes one by mistake.
_SECRET_WORDS = ("password", "secret", "token_text", "cookie")


def audit(event: str, **fields) -> None:
    """Log one event as a JSON line: {"time", "event", ...fields}; secrets are never written."""
    record = {"time": round(time.time(), 3), "event": event}
    for name, value in fields.items():
        if any(word in name.lower() for word in _SECRET_WORDS):
            continue
        record[name] = _safe(value)
    _logger.info(json.dumps(record, ensure_ascii=True, sort_keys=False))


def _safe(value: object) -> object:
    """A value JSON can hold, text cut to MAX_FIELD_CHARS (json.dumps escapes the rest)."""
    if value is None or isinstance(value, bool | int | float):
        return value
    if isinstance(value, list | tuple | set | frozenset):
        return [_safe(v) for v in sorted(value, key=str)][:50]
    if isinstance(value, dict):
        return {str(k)[:MAX_FIELD_CHARS]: _safe(v) for k, v in value.items()}
    return str(value)[:MAX_FIELD_CHARS]


def attach_audit_log(path: str | Path) -> logging.Handler:
    """Write the audit logger's lines to a file (appending); once per path per process."""
    path = Path(path).resolve()
    for handler in _logger.handlers:
        if isinstance(handler, logging.FileHandler) and Path(handler.baseFilename) == path:
            return handler
    path.parent.mkdir(parents=True, exist_ok=True)
    # delay: the file appears with the first event; each line is one append (O_APPEND), so
    # several workers writing at once never interleave within a line.
    handler = logging.FileHandler(path, mode="a", encoding="utf-8", delay=True)
    handler.setFormatter(logging.Formatter("%(message)s"))
    _logger.addHandler(handler)
    return handler
