"""Logs a client cannot fill: every record capped and escaped, repeated client errors summarised."""

from __future__ import annotations

import logging
import threading
import time
import traceback

from data.client_text import CLIPPED_CHARS, clipped, escaped

__all__ = ["CLIENT_ERROR", "CLIPPED_CHARS", "ClientLogFilter", "clipped", "escaped", "install"]

# extra={CLIENT_ERROR: True} marks a record that reports a client's mistake (a refused request):
# at most MAX_PER_MINUTE of one kind are written per minute and process, the rest counted.
CLIENT_ERROR = "client_error"
MAX_PER_MINUTE = 5
WINDOW_SECONDS = 60.0
# A backstop behind clipped(): a record's message is cut here whatever put it together
# (Dash's and gunicorn's own messages quote client text in full).
MAX_MESSAGE_CHARS = 500
MAX_TRACEBACK_LINE_CHARS = 300
MAX_TRACEBACK_LINES = 200
MAX_KINDS = 1000  # kinds of client error tracked at once; past that, new kinds go uncounted
# The audit log bounds its own fields (data/accounts/audit.py) and must stay one JSON object a
# line; its records are never cut.
EXEMPT_LOGGERS = frozenset({"reelboard.audit"})
# Other libraries' records that report a client's mistake, by logger and message start:
THIRD_PARTY_CLIENT_ERRORS = (
    # Dash's MCP server logs a refused request (an MCPError, no traceback) at ERROR.
    ("dash.mcp._server", "MCP error: "),
    # gunicorn: a malformed request line or header, quoted whole (up to 8 KB).
    ("gunicorn.error", "Invalid request from ip="),
    # The development server (make run): a malformed request, "code 400, message ...".
    ("werkzeug", "code %d, message"),
)
_SEEN = "_log_safety_verdict"  # the verdict on a record, kept on it for its next handler
_SUMMARY = "_log_safety_summary"
# Every control character but the tab and ESC (the development server colours its lines).
_LINE_BREAKERS = "".join(chr(c) for c in (*range(0, 9), *range(10, 27), *range(28, 32), 127))
_LINE_BREAKERS += "\x85\u2028\u2029"


class ClientLogFilter(logging.Filter):
    """Install it on handlers (install()): every record passes capped and escaped; a client
    error beyond MAX_PER_MINUTE of its kind in a minute is dropped and counted, and the count
    is written as "N more like '...' in the last minute" by the first record after that
    minute (or flush())."""

    def __init__(self, clock=time.monotonic):
        super().__init__()
        self._clock = clock
        self._lock = threading.Lock()
        # kind -> [its minute's start, written, dropped, level]
        self._kinds: dict[tuple[str, str], list] = {}
        self._next_sweep = 0.0

    def filter(self, record: logging.LogRecord) -> bool:
        verdict = record.__dict__.get(_SEEN)
        if verdict is None:  # once per record, however many handlers it goes through
            verdict = self._decide(record)
            record.__dict__[_SEEN] = verdict
        return verdict

    def _decide(self, record: logging.LogRecord) -> bool:
        if record.__dict__.get(_SUMMARY):
            return True
        kind = _client_error_kind(record)
        self._write(self._due(force=False))
        if kind is not None and not self._count(kind, record.levelno):
            return False
        if record.name not in EXEMPT_LOGGERS:
            _bound(record)
        return True

    def _count(self, kind: tuple[str, str], level: int) -> bool:
        """Whether this client error is written (counted either way)."""
        now = self._clock()
        with self._lock:
            entry = self._kinds.get(kind)
            if entry is None:
                if len(self._kinds) >= MAX_KINDS:
                    return False  # a flood of distinct kinds: the first MAX_KINDS speak for it
                entry = self._kinds[kind] = [now, 0, 0, level]
            if entry[1] < MAX_PER_MINUTE:
                entry[1] += 1
                return True
            entry[2] += 1
            return False

    def _due(self, force: bool) -> list[tuple[tuple[str, str], int, int]]:
        """Take the kinds whose minute is over (all of them with force): their dropped counts."""
        now = self._clock()
        if not force and now < self._next_sweep:
            return []
        due = []
        with self._lock:
            self._next_sweep = now + 1.0  # a sweep a second at most, whatever the traffic
            for kind, (start, _written, dropped, level) in list(self._kinds.items()):
                if force or now - start >= WINDOW_SECONDS:
                    del self._kinds[kind]
                    if dropped:
                        due.append((kind, dropped, level))
        return due

    def _write(self, due) -> None:
        for (name, template), dropped, level in due:
            logging.getLogger(name).log(
                level,
                "%d more like %s in the last minute",
                dropped,
                clipped(template),
                extra={_SUMMARY: True},
            )

    def flush(self) -> None:
        """Write the counts of every kind now, minute over or not (a worker's exit, a test)."""
        self._write(self._due(force=True))


def _client_error_kind(record: logging.LogRecord) -> tuple[str, str] | None:
    """(logger, message template) of a client-error record, or None for any other record."""
    if record.__dict__.get(CLIENT_ERROR):
        return record.name, str(record.msg)
    if record.exc_info:
        return None  # a traceback is the server's own failure
    message = str(record.msg)
    for name, start in THIRD_PARTY_CLIENT_ERRORS:
        if record.name == name and message.startswith(start):
            return name, start
    return None


def _bound(record: logging.LogRecord) -> None:
    """Cut the message at MAX_MESSAGE_CHARS and escape its line breaks; clip each traceback line."""
    try:
        message = record.getMessage()
    except Exception:  # a bad format string: logging reports it itself when it formats
        return
    # A trailing line break adds an empty line, nothing a reader could mistake: drop it rather
    # than show it escaped (Dash ends its "Dash is running on ..." line with one).
    trimmed = message.rstrip("\r\n")
    if len(trimmed) > MAX_MESSAGE_CHARS or not _one_line(trimmed):
        record.msg = escaped(trimmed, MAX_MESSAGE_CHARS, special="")
        record.args = None
    elif trimmed != message:
        record.msg, record.args = trimmed, None
    if record.exc_info and not record.exc_text:
        record.exc_text = _traceback(record.exc_info)


def _traceback(exc_info) -> str:
    """The traceback logging would write, each line clipped, the exceptions' messages escaped
    (one may quote a client's text, newlines and all), at most MAX_TRACEBACK_LINES lines."""
    lines = []
    for chunk in traceback.TracebackException(*exc_info[:3]).format():
        if chunk.startswith("  File "):  # a frame: our source, its lines kept apart
            lines += [escaped(line, MAX_TRACEBACK_LINE_CHARS, "") for line in chunk.splitlines()]
        else:  # "Traceback ...", "During handling ...", or an exception and its message
            lines.append(escaped(chunk.strip("\n"), MAX_TRACEBACK_LINE_CHARS, ""))
    if len(lines) > MAX_TRACEBACK_LINES:
        half = MAX_TRACEBACK_LINES // 2
        lines = [*lines[:half], f"... ({len(lines) - 2 * half} lines)", *lines[-half:]]
    return "\n".join(lines)


def _one_line(message: str) -> bool:
    return message.isprintable() or not any(char in _LINE_BREAKERS for char in message)


FILTER = ClientLogFilter()  # one per process: the counts are per process


def install(filter_: ClientLogFilter = FILTER) -> None:
    """Put the filter on every handler there is (the root's and those of loggers that do not
    propagate, gunicorn's included); once each. Run it after logging is configured."""
    handlers = list(logging.getLogger().handlers)
    for logger in list(logging.Logger.manager.loggerDict.values()):
        if isinstance(logger, logging.Logger):
            handlers.extend(logger.handlers)
    for handler in handlers:
        if not any(isinstance(f, ClientLogFilter) for f in handler.filters):
            handler.addFilter(filter_)
