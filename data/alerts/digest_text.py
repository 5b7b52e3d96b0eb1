"""The daily digest's words: /data/changes/'s answer (KPIs with their expected ranges and flags,
the top movers) as plain text and as a small HTML e-mail body."""

from __future__ import annotations

import datetime as dt
import html

from data.events.catalog import DIMENSION_BY_NAME, METRIC_BY_NAME, METRICS

MOVERS_SHOWN = 3  # per group


def amount(metric: str, value) -> str:
    """A metric's value as people read it: 1,240 / 3,456 minutes / 61 %."""
    if value is None:
        return "no value"
    if metric == "completion_rate":
        return f"{value * 100:.0f} %"
    if isinstance(value, float) and not value.is_integer() and abs(value) < 100:
        return f"{value:,.1f}"
    return f"{value:,.0f}"


def kpi_line(metric: str, judged: dict) -> str:
    """ "Unique users: 1,240 (usually 1,100 to 1,400), below its range" """
    label = METRIC_BY_NAME[metric].label
    text = f"{label}: {amount(metric, judged['value'])}"
    if judged.get("expected") is None:
        return f"{text} (no expected range: too little history)"
    low, high = max(judged["low"], 0), judged["high"]
    text += f" (usually {amount(metric, low)} to {amount(metric, high)})"
    if judged.get("flag"):
        text += f", {judged['flag']} its range"
    return text


def mover_line(group: str, mover: dict, metric: str, weekday: str) -> str:
    """ "iPad (device): 1,240 unique users, 38 % below its usual Tuesday" """
    kind = "title" if group == "title" else DIMENSION_BY_NAME[group].label.lower()
    counted = METRIC_BY_NAME[metric].label.lower()
    text = f"{mover['value']} ({kind}): {amount(metric, mover['value_today'])} {counted}"
    expected, impact = mover.get("expected"), mover.get("impact")
    if expected is None or impact is None:
        return f"{text}, no usual level to compare with"
    if not expected:
        return f"{text}, up from none on a usual {weekday}"
    share = abs(impact) / expected * 100
    side = "above" if impact > 0 else "below"
    if round(share) == 0:
        return f"{text}, as on its usual {weekday}"
    return f"{text}, {share:.0f} % {side} its usual {weekday}"


def digest_lines(answer: dict, metric: str = "unique_users") -> tuple[str, list[str], list[str]]:
    """(heading, KPI lines, mover lines) of a /data/changes/ answer."""
    if answer.get("day") is None:
        return "Reelboard: no events yet", [], []
    day = dt.date.fromisoformat(answer["day"])
    weekday = day.strftime("%A")
    heading = f"Reelboard on {weekday} {day.isoformat()}"
    flagged = sum(1 for m in METRICS if answer["kpis"][m.name].get("flag"))
    if flagged:
        heading += f": {flagged} KPI{'s' if flagged > 1 else ''} outside the expected range"
    kpis = [kpi_line(m.name, answer["kpis"][m.name]) for m in METRICS]
    movers = [
        mover_line(group, mover, metric, weekday)
        for group, items in answer["movers"].items()
        for mover in items[:MOVERS_SHOWN]
        if mover.get("impact")
    ]
    return heading, kpis, movers


def digest_text(answer: dict, link: str | None, metric: str = "unique_users") -> str:
    """The digest as plain text (the e-mail's text part, the webhook's `text`)."""
    heading, kpis, movers = digest_lines(answer, metric)
    parts = [heading, "", *[f"- {line}" for line in kpis]]
    if movers:
        parts += ["", "Biggest movers:", *[f"- {line}" for line in movers]]
    if link:
        parts += ["", f"Open this view: {link}"]
    return "\n".join(parts)


def digest_html(answer: dict, link: str | None, metric: str = "unique_users") -> str:
    """The digest as HTML; `{cid}` stands for the chart image's content id."""
    heading, kpis, movers = digest_lines(answer, metric)
    esc = html.escape
    body = [f"<h2>{esc(heading)}</h2>", "<ul>", *[f"<li>{esc(x)}</li>" for x in kpis], "</ul>"]
    if movers:
        body += ["<p>Biggest movers:</p><ul>", *[f"<li>{esc(x)}</li>" for x in movers], "</ul>"]
    body.append('<p><img src="cid:{cid}" alt="Unique users per day" width="800"></p>')
    if link:
        body.append(f'<p><a href="{esc(link, quote=True)}">Open this view in Reelboard</a></p>')
    return "<!doctype html><html><body>" + "".join(body) + "</body></html>"
