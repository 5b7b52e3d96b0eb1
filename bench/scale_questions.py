"""bench_scale's questions: random filter combinations and title and cohort routes as /data URLs."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from urllib.parse import urlencode

DEVICES = ("Computer", "iPad", "iPhone", "Android", "Smart TV", "Chromecast", "Apple TV")
MARKETS = ("NO", "SE", "DK", "FI", "(none)")
SESSIONTYPES = ("MOVIE", "SERIES")
METRICS = ("unique_users", "minutes_watched", "views", "completion_rate")
RESOLUTIONS = ("daily", "weekly", "monthly")
COHORT_RESOLUTIONS = ("weekly", "monthly")
LEVELS = ("season", "series")  # the toplist's levels beside the existing title level
MAX_PERIODS = 52
BREAKDOWNS = ("device", "market", "sessiontype")
WHEN_METRICS = ("views", "unique_users", "minutes_watched")


@dataclass(frozen=True)
class Question:
    """One /data request: a series (optionally broken down), the KPIs or the toplist; or one of
    the title, cohort and viewing routes: title, top10, retention, lifecycle, when,
    distribution, stickiness, binge."""

    kind: str  # "series", "kpis", "toplist", "title", "top10", "retention", "lifecycle", ...
    metric: str | None = None
    resolution: str | None = None
    start: dt.date | None = None
    end: dt.date | None = None
    device: tuple[str, ...] = ()
    market: tuple[str, ...] = ()
    sessiontype: str | None = None
    breakdown: str | None = None
    limit: int = 5
    num: int = 10
    level: str | None = None  # toplist: "season" or "series" (None: the title level)
    title: str | None = None  # title: ?title=
    show: str | None = None  # title: ?series=
    week: dt.date | None = None  # top10: its Monday
    periods: int | None = None  # retention

    @property
    def label(self) -> str:
        """The kind of request, for per-kind figures."""
        if self.kind == "series":
            return "series + breakdown" if self.breakdown else "series"
        if self.kind == "toplist" and self.level:
            return f"toplist level={self.level}"
        if self.kind == "title":
            return "title ?series=" if self.show is not None else "title ?title="
        return self.kind

    def url(self) -> str:
        """The request's path and query (values sorted, so equal questions give equal URLs)."""
        params: list[tuple[str, object]] = []
        if self.title is not None:
            params.append(("title", self.title))
        if self.show is not None:
            params.append(("series", self.show))
        if self.week:
            params.append(("week", self.week.isoformat()))
        if self.kind == "when":
            params.append(("metric", self.metric))
        if self.kind == "binge":
            params.append(("limit", self.limit))
        if self.kind in ("series", "title", "retention", "lifecycle", "distribution"):
            params.append(("resolution", self.resolution))
        if self.periods is not None:
            params.append(("periods", self.periods))
        if self.start:
            params.append(("start", self.start.isoformat()))
        if self.end:
            params.append(("end", self.end.isoformat()))
        if self.sessiontype:
            params.append(("sessiontype", self.sessiontype))
        params += [("device", v) for v in sorted(self.device)]
        params += [("market", v) for v in sorted(self.market)]
        if self.breakdown:
            params += [("breakdown", self.breakdown), ("limit", self.limit)]
        if self.kind == "toplist":
            params.append(("num", self.num))
            if self.level:
                params.append(("level", self.level))
        path = f"/data/{self.metric}/" if self.kind == "series" else f"/data/{self.kind}/"
        return path + ("?" + urlencode(params) if params else "")


def random_filters(rng, first: dt.date, last: dt.date) -> dict:
    """Random start, end, device, market and sessiontype (each may be left out)."""
    span = (last - first).days
    start = None if rng.random() < 0.25 else first + dt.timedelta(days=rng.randint(0, span))
    lowest = (start - first).days if start else 0
    end = None if rng.random() < 0.25 else first + dt.timedelta(days=rng.randint(lowest, span))
    device = () if rng.random() < 0.5 else tuple(rng.sample(DEVICES, rng.randint(1, 3)))
    market = () if rng.random() < 0.5 else tuple(rng.sample(MARKETS, rng.randint(1, 3)))
    filters = dict(start=start, end=end, device=tuple(sorted(device)), market=tuple(sorted(market)))
    filters["sessiontype"] = rng.choice((None, None, *SESSIONTYPES))
    return filters


def random_question(rng, first: dt.date, last: dt.date) -> Question:
    """A random combination of dates, filters, metric, resolution and breakdown."""
    filters = random_filters(rng, first, last)
    draw = rng.random()
    if draw < 0.1:
        return Question("kpis", **filters)
    if draw < 0.2:
        return Question("toplist", num=rng.choice((5, 10, 25, 50)), **filters)
    breakdown = rng.choice(BREAKDOWNS) if rng.random() < 0.5 else None
    metric, resolution = rng.choice(METRICS), rng.choice(RESOLUTIONS)
    return Question("series", metric, resolution, breakdown=breakdown, **filters)


def new_questions(rng, count: int, first: dt.date, last: dt.date, seen: set) -> list[Question]:
    """count random questions whose URLs are not in seen (which then holds them too)."""
    found = []
    for _ in range(count * 100):
        if len(found) == count:
            break
        question = random_question(rng, first, last)
        if question.url() not in seen:
            seen.add(question.url())
            found.append(question)
    return found


def _route_question(kind: str, rng, first, last, titles, shows, mondays) -> Question:
    """A random question of one of the title and cohort routes' kinds (see ROUTE_KINDS)."""
    filters = random_filters(rng, first, last)
    if kind in ("toplist level=season", "toplist level=series"):
        num = rng.choice((5, 10, 25, 50))
        return Question("toplist", num=num, level=kind.rsplit("=", 1)[1], **filters)
    if kind == "title ?title=":
        resolution = rng.choice(RESOLUTIONS)
        return Question("title", resolution=resolution, title=rng.choice(titles), **filters)
    if kind == "title ?series=":
        # A show's numbers are of its SERIES events: sessiontype=MOVIE would always be empty.
        filters["sessiontype"] = rng.choice((None, "SERIES"))
        resolution = rng.choice(RESOLUTIONS)
        return Question("title", resolution=resolution, show=rng.choice(shows), **filters)
    if kind == "top10":  # per week: no start or end; sessiontype chooses the list
        dimensions = {k: filters[k] for k in ("device", "market", "sessiontype")}
        return Question("top10", week=rng.choice(mondays), **dimensions)
    if kind == "retention":
        resolution, periods = rng.choice(COHORT_RESOLUTIONS), rng.randint(1, MAX_PERIODS)
        return Question("retention", resolution=resolution, periods=periods, **filters)
    if kind == "when":
        return Question("when", metric=rng.choice(WHEN_METRICS), **filters)
    if kind == "distribution":
        return Question("distribution", resolution=rng.choice(RESOLUTIONS), **filters)
    if kind == "stickiness":
        return Question("stickiness", **filters)
    if kind == "binge":
        return Question("binge", limit=rng.choice((5, 10, 25)), **filters)
    return Question("lifecycle", resolution=rng.choice(RESOLUTIONS), **filters)


ROUTE_KINDS = (
    "toplist level=season",
    "toplist level=series",
    "title ?title=",
    "title ?series=",
    "top10",
    "retention",
    "lifecycle",
    "when",
    "distribution",
    "stickiness",
    "binge",
)


def route_questions(
    rng, per_kind: int, first: dt.date, last: dt.date, names: dict, mondays: list, seen: set
) -> list[Question]:
    """per_kind random questions of each route kind whose URLs are not in seen (which then
    holds them too), shuffled. names: {"titles": [...], "shows": [...]} to pick from."""
    found = []
    for kind in ROUTE_KINDS:
        if kind.startswith("title ") and not names["titles" if "title=" in kind else "shows"]:
            continue
        made = 0
        for _ in range(per_kind * 100):
            if made == per_kind:
                break
            question = _route_question(
                kind, rng, first, last, names["titles"], names["shows"], mondays
            )
            if question.url() not in seen:
                seen.add(question.url())
                found.append(question)
                made += 1
    rng.shuffle(found)
    return found


def warm_questions(first: dt.date, last: dt.date) -> list[Question]:
    """The fixed set repeated for the warm figures."""
    start, end = first + dt.timedelta(days=60), last - dt.timedelta(days=45)
    q = Question
    return [
        q("series", "unique_users", "daily"),
        q("series", "unique_users", "weekly", sessiontype="SERIES"),
        q("series", "minutes_watched", "monthly"),
        q("series", "views", "weekly", breakdown="device"),
        q("series", "completion_rate", "monthly", market=("NO", "SE")),
        q("series", "unique_users", "monthly", start, end, breakdown="market"),
        q("series", "minutes_watched", "daily", start, end, device=("iPad", "iPhone")),
        q("kpis"),
        q("kpis", start=start, end=end, device=("Smart TV",)),
        q("toplist", num=10),
    ]
