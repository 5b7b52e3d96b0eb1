"""The daily digest: the "since yesterday" content (/data/changes/), a PNG of the main chart
rendered on the server, and a link to the page showing that view, by e-mail and/or webhook."""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass

from flask import Flask

from callbacks.state import ViewState
from callbacks.time_series import chart_series
from data.alerts.digest_text import digest_html, digest_text
from data.alerts.notify import Image, deliver
from data.events.params import Filters
from layouts.chart_image import ChartImageError, png_of
from layouts.timeseries import timeseries_figure
from web import services
from web.alerts.runner import delivery, page_link

log = logging.getLogger(__name__)
METRIC = "unique_users"  # the main chart's (the page's first time chart)
CHART_DAYS = 42  # the day and the six weeks its expected value is drawn from


@dataclass(frozen=True)
class Digest:
    """What is sent: the subject, the text and HTML, the chart (None if it failed), the link."""

    subject: str
    text: str
    html: str
    png: bytes | None
    link: str | None
    answer: dict


def view_of(day: str | None) -> ViewState:
    """The page's view the digest shows: the six weeks up to the day judged."""
    if day is None:
        return ViewState()
    end = dt.date.fromisoformat(day)
    start = end - dt.timedelta(days=CHART_DAYS - 1)
    return ViewState(start=start.isoformat(), end=end.isoformat())


def build_digest(server: Flask, render: bool = True) -> Digest:
    """The digest of the data's last complete day (the store's clock decides which)."""
    analytics = services.analytics(server).unscoped
    answer = analytics.changes(Filters(), None, "daily", METRIC, 5)
    state = view_of(answer["day"])
    link = page_link(server.config, state.query())
    png = None
    if render and answer["day"] is not None:
        series = chart_series(analytics, state, METRIC)
        figure = timeseries_figure(
            series.dates,
            series.lines,
            METRIC,
            state.resolution,
            False,
            partial=series.partial,
            no_data=series.no_data,
        )
        try:
            png = png_of(figure, server.config.get("CHROMIUM_PATH"))
        except ChartImageError as error:  # the words still go out, without the picture
            log.warning("digest chart: %s", error)
    text = digest_text(answer, link, METRIC)
    html = digest_html(answer, link, METRIC)
    return Digest(text.split("\n", 1)[0], text, html, png, link, answer)


def send_digest(server: Flask) -> dict:
    """Build and send the digest to DIGEST_TO and DIGEST_WEBHOOK; {channel: error} of those
    that failed ({} when all went out)."""
    config = server.config
    channels = {"webhook": config.get("DIGEST_WEBHOOK"), "email": list(config.get("DIGEST_TO", ()))}
    if not channels["webhook"] and not channels["email"]:
        return {"digest": "nobody to send it to: set DIGEST_TO or DIGEST_WEBHOOK"}
    digest = build_digest(server)
    payload = {"text": digest.text, "link": digest.link, "day": digest.answer["day"]}
    payload["kpis"] = digest.answer["kpis"]
    image = None if digest.png is None else Image(digest.png, "unique-users.png")
    failed = deliver(
        delivery(config), channels, payload, digest.subject, html=digest.html, image=image
    )
    for channel, error in failed.items():
        log.warning("the digest could not be sent by %s: %s", channel, error)
    return failed
