"""The alert timer: a new data version wakes it, the day's pass and the digest come at their
local times once across processes; the digest (words, a PNG of the main chart rendered by
Chromium, a link to the view) reaches a real SMTP server and a real HTTP receiver."""

from __future__ import annotations

import datetime as dt
import time

import pytest

from data.alerts.conditions import check_rule
from layouts.chart_image import PNG_SIGNATURE
from tests.unit.alerts_support import rows_for, servers, write_events
from web.alerts.digest import build_digest
from web.alerts.runner import AlertRunner, alert_store, start_alerts

# Winter: Oslo is UTC+1, so 07:05 UTC is 08:05 there.
DAY = dt.date(2025, 2, 10)


def at(hour: int, minute: int) -> dt.datetime:
    return dt.datetime(DAY.year, DAY.month, DAY.day, hour, minute, tzinfo=dt.UTC)


class Clock:
    """A clock the test moves."""

    def __init__(self, now: dt.datetime):
        self.now = now

    def __call__(self) -> dt.datetime:
        return self.now


@pytest.fixture
def served(make_app):
    """(app, smtp, receiver) with the digest at 08:00 Oslo time to both."""
    with servers() as (smtp, receiver):
        app = make_app(
            SMTP_URL=smtp.url,
            ALERT_FROM="reelboard@example.com",
            DIGEST_TIME="08:00",
            DIGEST_TO="team@example.com",
            DIGEST_WEBHOOK=receiver.url,
            PUBLIC_URL="https://rb.example.com/",
            REPORT_TIMEZONE="Europe/Oslo",
            ALERT_DAILY_TIME="07:00",
            ALERT_CHECK_SECONDS=3600,
        )
        yield app, smtp, receiver


def add_rule(server, webhook: str, threshold: float) -> dict:
    given = {
        "name": "Busy day",
        "metric": "unique_users",
        "condition": {"kind": "above", "value": threshold},
        "channels": {"webhook": webhook},
    }
    return alert_store(server).add_rule(check_rule(given, "tester"))


def test_the_digest_goes_out_once_at_its_local_time(served):
    app, smtp, receiver = served
    server = app.server
    clock = Clock(at(6, 30))  # 07:30 in Oslo: the day's pass, not yet the digest
    runner, other = AlertRunner(server, clock), AlertRunner(server, clock)
    rule = add_rule(server, receiver.url, threshold=10**9)
    with server.app_context():
        done = runner.tick()
        assert [d["rule"] for d in done["version"]] == [rule["id"]]
        assert [d["rule"] for d in done["daily"]] == [rule["id"]]
        assert "digest" not in done
        # Another process: the version's and the day's evaluations were claimed already.
        elsewhere = other.tick()
        assert elsewhere["version"] == [] and elsewhere["daily"] == []
        clock.now = at(7, 5)  # 08:05 in Oslo
        started = time.perf_counter()
        assert runner.tick()["digest"] == {}  # sent, nothing failed
        rendering = time.perf_counter() - started
        assert "digest" not in runner.tick() and "digest" not in other.tick()
    assert len(smtp.messages) == 1 and len(receiver.posts) == 1
    mail = smtp.messages[0]
    assert mail["To"] == "team@example.com"
    assert mail["Subject"].startswith("Reelboard on Wednesday 2025-12-31")
    link = "https://rb.example.com/?start=2025-11-20&end=2025-12-31"
    text = mail.get_body(("plain",)).get_content()
    assert "Unique users: " in text and f"Open this view: {link}" in text
    html = mail.get_body(("html",)).get_content()
    assert f'href="{link.replace("&", "&amp;")}"' in html
    images = [part for part in mail.walk() if part.get_content_type() == "image/png"]
    assert len(images) == 1
    png = images[0].get_content()
    assert png.startswith(PNG_SIGNATURE) and len(png) > 10_000
    assert f"cid:{images[0]['Content-ID'].strip('<>')}" in html
    post = receiver.posts[0]
    assert post["link"] == link and post["text"].startswith("Reelboard on Wednesday")
    assert post["kpis"]["unique_users"]["value"] == post["kpis"]["unique_users"]["value"]
    assert rendering < 60


def test_digest_words_without_rendering(served):
    app, _smtp, _receiver = served
    digest = build_digest(app.server, render=False)
    assert digest.png is None
    assert digest.answer["day"] == "2025-12-31"
    lines = digest.text.splitlines()
    assert lines[0] == digest.subject
    assert any(line.startswith("- Completion rate: ") for line in lines)
    assert "Biggest movers:" in lines
    assert any("usual Wednesday" in line or "no usual level" in line for line in lines)


def test_a_new_version_wakes_the_timer(served, tmp_path):
    app, _smtp, receiver = served
    server = app.server
    server.config["DIGEST_TIME"] = None  # this timer runs on the real clock: no digest here
    add_rule(server, receiver.url, threshold=32)
    runner = start_alerts(server)
    try:
        deadline = time.monotonic() + 20
        while runner.last_version is None and time.monotonic() < deadline:
            time.sleep(0.05)
        assert receiver.posts == []  # the demo data's last day had fewer viewers
        # New events (33 viewers on their last day); a request notices the new version.
        write_events(server.config["EVENT_STORE"], rows_for(30))
        assert server.test_client().get("/data/kpis/").status_code == 200
        while not receiver.posts and time.monotonic() < deadline:
            time.sleep(0.05)
        assert [p["state"] for p in receiver.posts] == ["firing"]
        assert receiver.posts[0]["value"] == 33
    finally:
        runner.stop()
        runner.thread.join(10)
