"""Request bodies read up front, before the app sees them: capped in size and in time.

Werkzeug stops reading a chunked body at MAX_CONTENT_LENGTH without saying so, and nothing
bounds how long a client may take to send a body: a few thousand connections trickling a byte
every few seconds would hold every connection slot of every worker. So a body (sized or
chunked, at most the limit + 1 bytes) is read here within REQUEST_BODY_TIMEOUT seconds, and the
app gets it whole; a body that is too large or too slow is replaced by an empty one and a flag
that before_request turns into a 413 or a 408.
"""

from __future__ import annotations

import contextlib
import io

from flask import Flask

# Set on the WSGI environ when the body was over the limit, or too slow (see install_body_reader).
BODY_TOO_LARGE = "reelboard.body_too_large"
BODY_TIMED_OUT = "reelboard.body_timed_out"
# How much of a refused chunked body is still read (in multiples of the limit) before closing,
# so that an ordinary client that is still sending sees the 413 instead of a connection reset.
DRAIN_FACTOR = 8
_READ_SIZE = 65536


class _TooSlow(Exception):
    """The client did not send its body in time."""


def install_body_reader(server: Flask) -> None:
    """Wrap the WSGI app so that every request body is read up front, capped and timed."""
    limit = server.config.get("MAX_CONTENT_LENGTH")
    seconds = float(server.config.get("REQUEST_BODY_TIMEOUT") or 10)
    inner = server.wsgi_app

    def read_body_first(environ, start_response):
        chunked = "chunked" in environ.get("HTTP_TRANSFER_ENCODING", "").lower()
        length = _content_length(environ)
        # A sized body over the limit is refused by werkzeug before anything is read.
        if limit is not None and (chunked and length is None or 0 < (length or 0) <= limit):
            _read_into_environ(environ, limit if chunked else length, chunked, limit, seconds)
        return inner(environ, start_response)

    server.wsgi_app = read_body_first


def _content_length(environ) -> int | None:
    try:
        return int(environ["CONTENT_LENGTH"])
    except (KeyError, ValueError):
        return None


def _read_into_environ(environ, size: int, chunked: bool, limit: int, seconds: float) -> None:
    stream = environ["wsgi.input"]
    try:
        with _deadline(seconds):
            body = _read(stream, size + 1 if chunked else size)
            if len(body) > limit:
                environ[BODY_TOO_LARGE] = True
                body = b""
                _read(stream, DRAIN_FACTOR * limit)
    except _TooSlow:
        environ[BODY_TIMED_OUT] = True
        body = b""
    environ["wsgi.input"] = io.BytesIO(body)
    environ["CONTENT_LENGTH"] = str(len(body))
    environ.pop("HTTP_TRANSFER_ENCODING", None)
    environ.pop("wsgi.input_terminated", None)


def _read(stream, most: int) -> bytes:
    """Up to `most` bytes, fewer when the body ends first."""
    chunks, got = [], 0
    while got < most and (chunk := stream.read(min(_READ_SIZE, most - got))):
        chunks.append(chunk)
        got += len(chunk)
    return b"".join(chunks)


@contextlib.contextmanager
def _deadline(seconds: float):
    """Raise _TooSlow when the block runs longer than seconds (under gevent, as `make serve`).

    The dev server (`make run`, threads, loopback) has no way to interrupt a blocking read, and
    needs none: it is not for untrusted clients.
    """
    try:
        from gevent import Timeout
        from gevent.monkey import is_module_patched
    except ImportError:  # pragma: no cover - gevent is in requirements.txt
        yield
        return
    if not is_module_patched("socket"):
        yield
        return
    timer = Timeout(seconds, _TooSlow)
    timer.start()
    try:
        yield
    finally:
        timer.close()
