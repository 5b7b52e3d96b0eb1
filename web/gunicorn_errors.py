"""Gunicorn's own error answers (a request line over 8 KB, a malformed request) as JSON errors
with the security headers, like every answer of the app."""

from __future__ import annotations

import json

from gunicorn import util

from web.headers import FIXED_HEADERS

MAX_MESSAGE_CHARS = 200  # gunicorn's message may quote the client's request line
_HEADERS = {
    "Connection": "close",
    "Content-Type": "application/json",
    # A JSON body runs nothing and is framed by no one.
    "Content-Security-Policy": "default-src 'none'; frame-ancestors 'none'",
    "X-Frame-Options": "DENY",
    **FIXED_HEADERS,
}


def error_answer(status: int, reason: str, message: str) -> bytes:
    """The whole HTTP answer gunicorn writes for a request it refused before the app saw it."""
    text = reason.lower() + (f": {message[:MAX_MESSAGE_CHARS]}" if message else "")
    body = json.dumps({"error": text}).encode()
    headers = {**_HEADERS, "Content-Length": len(body)}
    head = "\r\n".join([f"HTTP/1.1 {status} {reason}", *(f"{k}: {v}" for k, v in headers.items())])
    return head.encode("latin-1") + b"\r\n\r\n" + body


def _write_error(sock, status_int: int, reason: str, mesg: str) -> None:
    util.write_nonblock(sock, error_answer(status_int, reason, mesg))


def install() -> None:
    """Answer gunicorn's refusals in JSON (in a worker: gunicorn.conf.py's post_fork).

    Gunicorn writes them with util.write_error, an HTML page without our headers; its worker
    looks the function up on each refusal, so replacing it is enough.
    """
    util.write_error = _write_error
