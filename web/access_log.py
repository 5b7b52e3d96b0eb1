"""gunicorn's access log with the client's text (request line, headers) clipped and escaped."""

from __future__ import annotations

from gunicorn.glogging import Logger

from data.client_text import escaped

MAX_ATOM_CHARS = 160  # a request line or a header may be 8 KB; the log keeps a recognisable part
# The atoms a client writes: the request line, path, query, Referer, User-Agent, the user of a
# Basic Authorization header; {name}i (request headers) and {name}e (the environ) are clipped too.
CLIENT_ATOMS = ("r", "U", "q", "f", "a", "u", "m", "H")


class ClippedLogger(Logger):
    """gunicorn.conf.py's logger_class: every client-written atom is at most MAX_ATOM_CHARS
    characters, its quotes, backslashes and control characters escaped (no forged log lines)."""

    def atoms(self, resp, req, environ, request_time):
        atoms = super().atoms(resp, req, environ, request_time)
        for name, value in atoms.items():
            if isinstance(value, str) and (name in CLIENT_ATOMS or name.endswith(("}i", "}e"))):
                # Quotes are left to gunicorn, which escapes them after this (SafeAtoms).
                atoms[name] = escaped(value, MAX_ATOM_CHARS, special="\\")
        return atoms
