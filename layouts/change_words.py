"""/data/changes/' answer in plain words (no Dash here: the page's panel and a digest share it).

"iPad in SE: 1,240 distinct viewers, 38 % below its usual Tuesday"; names from the data are
kept as they are (the page shows them as text, never as markup).
"""

from __future__ import annotations

import datetime as dt

from data.events.analysis.changes import MIN_BASELINE
from data.events.catalog import COUNT, DIMENSION_BY_NAME, METRIC_BY_NAME, NONE
from layouts.metric_looks import is_share, kpi_text

TITLE = "title"
GROUP_HEADINGS = {**{name: d.label for name, d in DIMENSION_BY_NAME.items()}, TITLE: "Title"}
SESSIONTYPE_WORDS = {"MOVIE": "Movies", "SERIES": "Series"}
FLAG_WORDS = {"above": "above its usual range", "below": "below its usual range"}
FLAG_MARKS = {"above": "▲", "below": "▼", None: "●"}
WITHIN = "within its usual range"


def no_usual(resolution: str) -> str:
    """Why there is no expected value: too few comparable days (or weeks) in the data."""
    unit = "weeks" if resolution == "weekly" else "days"
    return f"no usual level yet: fewer than {MIN_BASELINE} comparable {unit}"


def period_title(day: str | None, resolution: str) -> str:
    """The panel's heading: the day (or week) judged and what it is judged against."""
    if day is None:
        return "No events yet: nothing to compare"
    date = dt.date.fromisoformat(day)
    if resolution == "weekly":
        sunday = date + dt.timedelta(days=6)
        return f"Last week, {date:%a %d %b} – {sunday:%a %d %b %Y}, against the 6 weeks before"
    return f"Since yesterday: {date:%A %d %B %Y}, against the same weekday of the 6 weeks before"


def day_of(day: str) -> str:
    """The weekday's name of a 'YYYY-MM-DD' day."""
    return f"{dt.date.fromisoformat(day):%A}"


def usual(day: str, resolution: str) -> str:
    """ "its usual Tuesday" (daily) or "its usual week"."""
    return "its usual week" if resolution == "weekly" else f"its usual {day_of(day)}"


def amount(metric: str, value) -> str:
    """A metric's value with its unit: "1,240" for counts, "52 h", "45.0 %", "12.3 min"."""
    text = kpi_text(metric, value)
    if text is None:
        return "none"
    return text if isinstance(text, str) else f"{text[0]} {text[1]}"


def described(metric: str, value) -> str:
    """A value in words: "1,240 distinct viewers", "watch time 52 h"."""
    spec = METRIC_BY_NAME[metric]
    if spec.shown_as == COUNT:
        noun = spec.counts.lower()
        return f"{amount(metric, value)} {noun.removesuffix('s') if value == 1 else noun}"
    return f"{spec.label.lower()} {amount(metric, value)}"


def band_text(metric: str, judged: dict, resolution: str) -> str:
    """A KPI's expected range, "usually 1,100 – 1,300", or why there is none."""
    if judged.get("expected") is None:
        return no_usual(resolution)
    low = max(judged["low"], 0)  # nothing counts below zero
    return f"usually {amount(metric, low)} – {amount(metric, judged['high'])}"


def difference(metric: str, value, expected, day: str, resolution: str) -> str:
    """ "38 % below its usual Tuesday", "4.1 pp above its usual week", "as on its usual …"."""
    where = usual(day, resolution)
    if expected is None:
        return no_usual(resolution)
    if value is None:
        return f"no value, against {amount(metric, expected)} on {where}"
    if is_share(metric):
        points = round((value - expected) * 100, 1)
        size = f"{abs(points):.1f} pp"
    elif expected == 0:
        if not value:
            return f"as on {where}"
        return (
            "usually none in a week"
            if resolution == "weekly"
            else f"usually none on a {day_of(day)}"
        )
    else:
        points = round((value - expected) / expected * 100)
        size = f"{abs(points):,} %"
    if points == 0:
        return f"as on {where}"
    return f"{size} {'above' if points > 0 else 'below'} {where}"


def group_name(group: str, value: str) -> str:
    """A mover's name as the page calls it: the value itself, a season by its number, a
    content type by its word."""
    if group == "sessiontype":
        return SESSIONTYPE_WORDS.get(value, value)
    if group == "season" and value != NONE:
        return f"Season {value}"
    return value


def _any_of(values) -> str:
    return " or ".join(sorted(values))


def context(filters, group: str) -> str:
    """Where the page's filters put a mover, e.g. " in SE", " on iPad, series" ('' unfiltered);
    its own dimension's filter is not repeated."""
    parts = []
    for name, values in filters.where:
        if name == group:
            continue
        if name == "market":
            parts.append(f"in {_any_of(values)}")
        elif name == "device":
            parts.append(f"on {_any_of(values)}")
        elif name == "season":
            parts.append(f"in season {_any_of(values)}")
        elif name == "sessiontype":
            parts.append(_any_of(SESSIONTYPE_WORDS.get(v, v).lower() for v in values))
        else:  # a dimension the catalog adds later: named by its label
            parts.append(f"{DIMENSION_BY_NAME[name].label.lower()} {_any_of(values)}")
    return (" " + ", ".join(parts)) if parts else ""


def mover_sentence(group: str, mover: dict, metric: str, filters, day, resolution) -> str:
    """ "iPad in SE: 1,240 distinct viewers, 38 % below its usual Tuesday"."""
    name = group_name(group, mover["value"]) + context(filters, group)
    value, expected = mover["value_today"], mover["expected"]
    return (
        f"{name}: {described(metric, value)}, "
        f"{difference(metric, value, expected, day, resolution)}"
    )
