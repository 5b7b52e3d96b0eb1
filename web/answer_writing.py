"""Writing answers: within WRITE_TIMEOUT seconds, a large body from a temporary file, not memory."""

# Without this, a client reading slowly kept its whole answer (megabytes of JSON, a Dash bundle)
# in the worker until it finished, for as long as it liked: 150 such clients grew each worker
# from ~225 MB to ~670 MB (issue 24). Now a body over SPOOL_OVER bytes goes to an anonymous
# temporary file in the instance folder as soon as the app made it and is handed out CHUNK bytes
# at a time, and the connection is dropped when the client has not taken the whole answer in
# WRITE_TIMEOUT seconds.

from __future__ import annotations

import contextlib
import logging
import socket
import struct
import tempfile
import time

from flask import Flask

log = logging.getLogger(__name__)

SPOOL_OVER = 256 * 1024
CHUNK = 64 * 1024
_UNSET = object()


def install_answer_writing(server: Flask) -> None:
    """Wrap the WSGI app: every answer is written within WRITE_TIMEOUT s, large ones spooled."""
    seconds = float(server.config.get("WRITE_TIMEOUT") or 30)
    folder = server.instance_path
    inner = server.wsgi_app

    def write_answer(environ, start_response):
        answer = _Answer(environ, start_response, seconds)
        body = inner(environ, answer.start_response)
        return answer.body(body, folder)

    server.wsgi_app = write_answer


class _Answer:
    """One request's answer on its way out: its declared length, deadline and spooled body."""

    def __init__(self, environ, start_response, seconds: float):
        self.environ = environ
        self._start_response = start_response
        self.seconds = seconds
        self.length: int | None = None
        self.status = 0
        self.handed = 0  # bytes handed to the server for writing
        self.dropped = False
        self.finished = False  # the whole body was handed out
        self._deadline = 0.0
        self._timer = None
        self._saved_timeout = _UNSET
        self._closes = []

    def start_response(self, status, headers, exc_info=None):
        self.status = int(str(status).split(" ", 1)[0] or 0)
        self.length = None
        for name, value in headers:
            if name.lower() == "content-length" and value.isdigit():
                self.length = int(value)
        return self._start_response(status, headers, exc_info)

    def body(self, body, folder):
        """The iterable the server writes: the app's own, or chunks of a spooled copy of it."""
        self._deadline = time.monotonic() + self.seconds
        self._arm()
        wrapper = self.environ.get("wsgi.file_wrapper")
        if isinstance(wrapper, type) and isinstance(body, wrapper):
            # Already read from a file (send_file); keep the type so gunicorn can sendfile() it.
            close = getattr(body, "close", None)
            try:
                body.close = self.close
            except AttributeError:  # a wrapper with __slots__: iterated through _Chunks below
                pass
            else:
                self._closes.append(close)
                return body
        self._closes.append(getattr(body, "close", None))
        if self._spoolable():
            body = self._spool(body, folder)
        return _Chunks(self, body)

    def _spoolable(self) -> bool:
        if self.environ.get("REQUEST_METHOD") == "HEAD" or self.status in (204, 304):
            return False
        return self.length is not None and self.length > SPOOL_OVER

    def _spool(self, body, folder):
        """The body's chunks written to a temporary file; the app's copy is let go right away."""
        try:
            spool = tempfile.TemporaryFile(dir=folder)
        except OSError as exc:
            log.warning(
                "cannot spool a %d-byte answer (%s): it is kept in memory", self.length, exc
            )
            return body
        self._closes.insert(0, spool.close)
        chunks = iter(body)
        for chunk in chunks:
            try:
                spool.write(chunk)
            except OSError as exc:  # a full disk: what is not written yet is served from memory
                log.warning("cannot spool a %d-byte answer (%s)", self.length, exc)
                spool.seek(0)
                return _chain(_read(spool), [chunk], chunks)
        del chunks, body  # the app's copy of the body goes when close() lets go of the app's iter
        spool.seek(0)
        self._release_app()
        return _read(spool)

    def _release_app(self) -> None:
        """Close the app's iterable now: its response object (and the body bytes) are freed."""
        close = self._closes.pop()
        if close is not None:
            close()

    def in_time(self) -> bool:
        """False, and the connection dropped, once the deadline passed (checked between chunks)."""
        left = self._deadline - time.monotonic()
        if left <= 0:
            self._drop()
            return False
        sock = self.environ.get("werkzeug.socket")
        if self._timer is None and sock is not None:
            # The dev server (`make run`, threads): its blocking write of the next chunk then
            # gives up at the deadline too (werkzeug drops the connection quietly).
            if self._saved_timeout is _UNSET:
                self._saved_timeout = sock.gettimeout()
            sock.settimeout(left)
        return True

    def _arm(self) -> None:
        """Under gevent, drop the connection at the deadline even while a write is blocked."""
        if self.environ.get("gunicorn.socket") is None or not _gevent():
            return
        from gevent import get_hub

        self._timer = get_hub().loop.timer(self.seconds)
        self._timer.start(self._drop)

    def _drop(self) -> None:
        """Shut the connection: the blocked or next write fails (EPIPE), the server closes it.

        Through a duplicate of the socket: gevent's own shutdown() would make the blocked write
        fail with EBADF, which gunicorn logs with a traceback (EPIPE: one debug line). SO_LINGER 0
        makes the close a reset, so that the kernel does not keep the unsent rest either.
        """
        if self.dropped:
            return
        self.dropped = True
        sock = self.environ.get("gunicorn.socket") or self.environ.get("werkzeug.socket")
        if sock is None:
            return
        try:
            with socket.fromfd(sock.fileno(), sock.family, sock.type) as duplicate:
                duplicate.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
                duplicate.shutdown(socket.SHUT_RDWR)
        except OSError:  # closed meanwhile
            pass

    def close(self) -> None:
        """Called by the server when the answer is written or abandoned: free what it held."""
        if self._timer is not None:
            self._timer.close()
            self._timer = None
        if self._saved_timeout is not _UNSET:
            with contextlib.suppress(OSError):  # the next request on the connection waits as before
                self.environ["werkzeug.socket"].settimeout(self._saved_timeout)
            if not self.finished and time.monotonic() >= self._deadline:
                self._drop()  # the socket's timeout cut the write: reset it like the others
        closes, self._closes = self._closes, []
        for close in closes:
            if close is not None:
                close()
        if self.dropped:
            log.warning(
                "an answer of %s bytes was not taken within %g s (%d handed out): "
                "connection dropped",
                "?" if self.length is None else self.length,
                self.seconds,
                self.handed,
            )


class _Chunks:
    """The body the server iterates: checks the deadline between chunks, closes the answer."""

    def __init__(self, answer: _Answer, body):
        self._answer = answer
        self._body = iter(body)

    def __iter__(self):
        return self

    def __next__(self) -> bytes:
        if not self._answer.in_time():
            raise StopIteration
        try:
            chunk = next(self._body)
        except StopIteration:
            self._answer.finished = True
            raise
        self._answer.handed += len(chunk)
        return chunk

    def close(self) -> None:
        self._body = iter(())
        self._answer.close()


def _read(spool):
    while chunk := spool.read(CHUNK):
        yield chunk


def _chain(*parts):
    for part in parts:
        yield from part


def _gevent() -> bool:
    try:
        from gevent.monkey import is_module_patched
    except ImportError:  # pragma: no cover - gevent is in requirements.txt
        return False
    return is_module_patched("socket")
