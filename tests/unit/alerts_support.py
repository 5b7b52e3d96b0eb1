"""For the alert tests: a real SMTP server (aiosmtpd) and a real HTTP receiver on free ports,
and hand-made events with a known number of viewers per day, on either store."""

from __future__ import annotations

import contextlib
import datetime as dt
import email
import email.policy
import http.server
import json
import socket
import threading
import time

from data.events.stores.sqlite_store import COLUMN_NAMES
from data.events.stores.writers import open_writer

FIRST_DAY = dt.date(2025, 3, 3)  # a Monday; six full weeks before the last day
LAST_DAY = dt.date(2025, 4, 14)  # a Monday too


def usual(day: dt.date) -> int:
    """SE's viewers on a day before LAST_DAY: 10, 11, 12 in turn by week (so the Mondays of the
    six weeks before LAST_DAY had 10, 11, 12, 10, 11, 12: median 11, MAD 1)."""
    return 10 + ((day - FIRST_DAY).days // 7) % 3


def rows_for(last_day_users: int, market: str = "SE") -> list[tuple]:
    """Events from FIRST_DAY to LAST_DAY: usual(day) distinct viewers in `market` on iPad each
    day (one view each), `last_day_users` on LAST_DAY; plus 3 viewers a day in NO."""
    rows = []
    day = FIRST_DAY
    while day <= LAST_DAY:
        count = last_day_users if day == LAST_DAY else usual(day)
        for n in range(count):
            rows.append(_row(day, f"{market}{n:030d}", market))
        for n in range(3):
            rows.append(_row(day, f"NO{n:030d}", "NO"))
        day += dt.timedelta(days=1)
    return rows


def _row(day: dt.date, user: str, market: str) -> tuple:
    values = {
        "event_date": f"{day.isoformat()} 12:00:00",
        "userid": user,
        "contentid": "c1",
        "device": "iPad",
        "market": market,
        "totalminuteswatched": 30,
        "runningtime": 60,
        "viewpercentage": 50.0,
        "errorperception": None,
        "sessiontype": "MOVIE",
        "title": "Film",
        "seasonnumber": None,
        "episodenumber": None,
    }
    return tuple(values[name] for name in COLUMN_NAMES)


def write_events(store, rows: list[tuple]) -> None:
    """Replace the store's events with rows, as an import does (a new data version)."""
    writer = open_writer(store)
    try:
        writer.begin()
        writer.clear()
        writer.insert(rows)
        writer.publish()
        writer.commit()
        writer.after_commit()
    finally:
        writer.close()


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def next_version(analytics, old: str, seconds: float = 10.0) -> str:
    """The version after `old`, once the engine sees it (PostgreSQL's probe reads the table
    statistics at most once a second)."""
    deadline = time.monotonic() + seconds
    while (version := analytics.version()) == old and time.monotonic() < deadline:
        time.sleep(0.1)
    return version


class SmtpServer:
    """A real SMTP server (aiosmtpd) on a free local port; `messages` holds what it received."""

    def __init__(self):
        from aiosmtpd.controller import Controller

        self.messages: list[email.message.EmailMessage] = []
        self.envelopes: list = []
        self.port = _free_port()  # aiosmtpd connects to its port once started: not 0
        self.controller = Controller(self, hostname="127.0.0.1", port=self.port)

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 (aiosmtpd's name)
        self.envelopes.append(envelope)
        self.messages.append(
            email.message_from_bytes(envelope.content, policy=email.policy.default)
        )
        return "250 OK"

    def __enter__(self):
        self.controller.start()
        self.url = f"smtp://127.0.0.1:{self.port}"
        return self

    def __exit__(self, *exc):
        self.controller.stop()


class Receiver:
    """A real HTTP server in a thread taking webhook POSTs; `posts` holds their JSON bodies.
    `status` is what it answers (500 to play a failing receiver)."""

    def __init__(self):
        self.posts: list[dict] = []
        self.status = 200
        outer = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_POST(self):  # noqa: N802 (http.server's name)
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                if outer.status == 200:
                    outer.posts.append(json.loads(body))
                self.send_response(outer.status)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/hook"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()


@contextlib.contextmanager
def servers():
    """(SmtpServer, Receiver), both running."""
    with SmtpServer() as smtp, Receiver() as receiver:
        yield smtp, receiver
