"""Every /data route under each catalog dimension's filters, its numbers checked against the
independent references (testkit/reference_*.py): what the demo-data, hand-made-data and
PostgreSQL tests share. Never one route against another: both could share a wrong engine."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from urllib.parse import urlencode

import pandas as pd

from data.events.catalog import DIMENSION_NAMES, METRIC_NAMES
from testkit import reference_analytics as ref
from testkit import reference_binges as binges
from testkit import reference_changes as changes_reference
from testkit import reference_cohorts as cohorts
from testkit import reference_shape as shape
from testkit import reference_stickiness as stickiness
from testkit import reference_titles as titles
from testkit import reference_top10 as top10s
from tests.unit.reference_checks import Checker

NONE = ref.NONE
MISSING = "No such value"
LEVELS = ("title", "season", "series")


@dataclass(frozen=True)
class Case:
    """A filter as a query spells it (pairs) and as the reference reads it (where)."""

    label: str
    pairs: tuple[tuple[str, str], ...]
    where: dict


NOT_NUMBERS = ("alerts", "annotations")


def data_routes(server) -> set[str]:
    """The names of the /data routes in the app's URL map (/data/<metric>/ is each metric)."""
    names = set()
    for rule in server.url_map.iter_rules():
        parts = rule.rule.strip("/").split("/")
        # Stored rules and notes, not numbers of the data (test_alerts_api, test_annotations_api).
        if parts[0] != "data" or rule.endpoint == "data_api.unknown" or parts[1] in NOT_NUMBERS:
            continue
        names |= set(METRIC_NAMES) if parts[1] == "<metric>" else {parts[1]}
    return names


def filter_cases(raw: pd.DataFrame, brief: bool = False) -> list[Case]:
    """No filter; per catalog dimension its two most viewed values, (none), both
    together and (but sessiontype, a closed set) a value no event has; other spellings of the
    same filter; and filters on every dimension at once. Brief: per dimension only its most
    viewed value and (none), with no filter and every dimension."""
    assert ref.DIMENSIONS == DIMENSION_NAMES  # the reference knows every catalog dimension
    seen = ref.dimensions(raw)
    cases = [Case("no filter", (), {})]
    tops = {}
    for dimension in DIMENSION_NAMES:
        values = [e["value"] for e in seen[dimension] if e["value"] != NONE][: 1 if brief else 2]
        tops[dimension] = values
        for value in values:
            cases.append(Case(f"{dimension}={value}", ((dimension, value),), {dimension: {value}}))
        cases.append(Case(f"{dimension}={NONE}", ((dimension, NONE),), {dimension: {NONE}}))
        if brief:
            continue
        pair = tuple((dimension, v) for v in values)
        cases.append(Case(f"{dimension} two values", pair, {dimension: set(values)}))
        if dimension != "sessiontype":
            unknown = Case(f"{dimension} unknown", ((dimension, MISSING),), {dimension: {MISSING}})
            cases.append(unknown)
    if not brief:
        cases += [
            Case("(NONE) in capitals", (("sessiontype", "(NONE)"),), {"sessiontype": {NONE}}),
            Case("series in lower case", (("sessiontype", "series"),), {"sessiontype": {"SERIES"}}),
        ]
    cases.append(
        Case(
            "every dimension",
            (("sessiontype", "SERIES"), ("device", tops["device"][0]), ("market", NONE)),
            {"sessiontype": {"SERIES"}, "device": {tops["device"][0]}, "market": {NONE}},
        )
    )
    return cases


def _iso(value):
    return value.isoformat() if isinstance(value, dt.date) else str(value)


class RouteReference:
    """Asks a client's app every route under a filter case and compares with the references."""

    def __init__(self, client, raw: pd.DataFrame):
        self.client, self.raw = client, titles.prepare(raw)
        self.check = Checker()
        days = self.raw["day"]
        first, last = (dt.date.fromordinal(int(f(days))) for f in (min, max))
        span = (last - first).days
        # A range inside the data that cuts weeks and months on both sides.
        self.start = first + dt.timedelta(span // 4 + 2)
        self.end = last - dt.timedelta(span // 4 + 2)
        monday = first + dt.timedelta(span // 2)
        self.week = monday - dt.timedelta(monday.weekday())
        top = titles.toplist(self.raw, 1000)
        self.movie = next(e["title"] for e in top if ", " not in e["title"])  # not an episode
        self.show = titles.toplist(self.raw, 1, "series", where={"sessiontype": {"SERIES"}})
        self.show = self.show[0]["title"]

    def answer(self, url: str):
        response = self.client.get(url)
        if response.status_code != 200:
            return {"status": response.status_code, "body": response.get_json()}
        return response.get_json()

    def same(self, expected, route: str, case: Case, **params) -> None:
        pairs = list(case.pairs) + [(k, _iso(v)) for k, v in params.items() if v is not None]
        url = f"/data/{route}/?{urlencode(pairs)}"
        self.check.same(expected, (case.label, url), self.answer, url)

    def refused(self, route: str, case: Case, **params) -> None:
        pairs = list(case.pairs) + [(k, _iso(v)) for k, v in params.items()]
        url = f"/data/{route}/?{urlencode(pairs)}"
        self.check.same(400, (case.label, url), lambda: self.client.get(url).status_code)

    # -- one method per route, each asking its variants under the case's filters --

    def metric(self, name: str, case: Case, turn: int) -> None:
        """Daily (the default), monthly from start, weekly broken down by a dimension that
        changes from case to case (turn) and from metric to metric."""
        raw, where, start, end = self.raw, case.where, self.start, self.end
        self.same(ref.timeseries(raw, name, "daily", where=where), name, case)
        expected = ref.timeseries(raw, name, "monthly", start, None, where)
        self.same(expected, name, case, resolution="monthly", start=start)
        dimension = DIMENSION_NAMES[(turn + METRIC_NAMES.index(name)) % len(DIMENSION_NAMES)]
        expected = ref.breakdown(raw, name, "weekly", start, end, where, dimension, 2)
        params = {"resolution": "weekly", "start": start, "end": end, "limit": 2}
        self.same(expected, name, case, breakdown=dimension, **params)

    def toplist(self, case: Case) -> None:
        raw, where = self.raw, case.where
        for level in LEVELS:
            expected = titles.toplist(raw, 1000, level, where=where)
            self.same(expected, "toplist", case, num=1000, level=level)
        expected = titles.toplist(raw, 3, "season", self.start, self.end, where)
        self.same(expected, "toplist", case, num=3, level="season", start=self.start, end=self.end)

    def title(self, case: Case) -> None:
        raw, where, start, end = self.raw, case.where, self.start, self.end
        expected = titles.title(raw, "daily", where=where, name=self.movie)
        self.same(expected, "title", case, title=self.movie)
        expected = titles.title(raw, "weekly", start, end, where, show=self.show)
        params = {"resolution": "weekly", "start": start, "end": end}
        self.same(expected, "title", case, series=self.show, **params)

    def binge(self, case: Case) -> None:
        raw, where, start, end = self.raw, case.where, self.start, self.end
        self.same(binges.binge(raw, 10, where=where), "binge", case)
        self.same(
            binges.binge(raw, 1000, start, end, where),
            "binge",
            case,
            limit=1000,
            **{"start": start, "end": end},
        )
        self.refused("binge", case, limit=0)

    def top10(self, case: Case) -> None:
        kinds = case.where.get("sessiontype")
        where = {d: v for d, v in case.where.items() if d != "sessiontype"}
        if kinds is not None and (len(kinds) > 1 or NONE in kinds):
            self.refused("top10", case)  # one list: MOVIE or SERIES, or both when left out
            return
        kind = next(iter(kinds)) if kinds else None
        self.same(top10s.top10(self.raw, None, kind, where), "top10", case)
        self.same(top10s.top10(self.raw, self.week, kind, where), "top10", case, week=self.week)
        self.refused("top10", case, start=self.start)  # the list is per week

    def kpis(self, case: Case) -> None:
        raw, where, start, end = self.raw, case.where, self.start, self.end
        self.same(ref.kpis(raw, where=where), "kpis", case)
        expected = ref.kpis(raw, start, end, where)
        before, after = cohorts.previous_range(start, end)
        expected["previous"] = ref.kpis(raw, before, after, where)
        expected["previous_range"] = {"start": before.isoformat(), "end": after.isoformat()}
        self.same(expected, "kpis", case, start=start, end=end, compare="previous")

    def dimensions(self, case: Case) -> None:
        """The dimension filters are ignored here: each dimension's values over the dates."""
        self.same(ref.dimensions(self.raw), "dimensions", case)
        expected = ref.dimensions(self.raw, self.start, self.end)
        self.same(expected, "dimensions", case, start=self.start, end=self.end)

    def retention(self, case: Case) -> None:
        raw, where, start, end = self.raw, case.where, self.start, self.end
        self.same(cohorts.retention(raw, where=where), "retention", case)
        expected = cohorts.retention(raw, "monthly", 2, start, end, where)
        params = {"resolution": "monthly", "periods": 2, "start": start, "end": end}
        self.same(expected, "retention", case, **params)
        expected = cohorts.retention(raw, "weekly", 3, start, None, where)
        self.same(expected, "retention", case, periods=3, start=start)
        expected = cohorts.retention(raw, "weekly", 3, start, None, where, "in_range")
        self.same(expected, "retention", case, periods=3, start=start, cohort="in_range")

    def lifecycle(self, case: Case) -> None:
        raw, where, start, end = self.raw, case.where, self.start, self.end
        self.same(cohorts.lifecycle(raw, where=where), "lifecycle", case)
        expected = cohorts.lifecycle(raw, "daily", start, end, where)
        self.same(expected, "lifecycle", case, resolution="daily", start=start, end=end)
        expected = cohorts.lifecycle(raw, "monthly", None, end, where)
        self.same(expected, "lifecycle", case, resolution="monthly", end=end)

    def stickiness(self, case: Case) -> None:
        """The data's span, a range cutting months on both sides (its first days' mau reach
        before start), and a range reaching a month past the data's last day."""
        raw, where, start, end = self.raw, case.where, self.start, self.end
        self.same(stickiness.stickiness(raw, where=where), "stickiness", case)
        expected = stickiness.stickiness(raw, start, end, where)
        self.same(expected, "stickiness", case, start=start, end=end)
        after = dt.date.fromordinal(int(raw["day"].max())) + dt.timedelta(days=31)
        expected = stickiness.stickiness(raw, end, after, where)
        self.same(expected, "stickiness", case, start=end, end=after)

    def changes(self, case: Case) -> None:
        """A day and its week inside the data, named (the default day follows the clock)."""
        raw, where, day = self.raw, case.where, self.end
        for resolution, metric in (("daily", "views"), ("weekly", "unique_users")):
            expected = changes_reference.changes(raw, day, day, resolution, metric, 3, where)
            params = {"day": day, "resolution": resolution, "metric": metric, "limit": 3}
            self.same(expected, "changes", case, **params)

    def when(self, case: Case) -> None:
        """Each metric over everything (views by default), and over a range."""
        raw, where, start, end = self.raw, case.where, self.start, self.end
        self.same(shape.when(raw, where=where), "when", case)
        for metric in ("views", "unique_users", "minutes_watched"):
            expected = shape.when(raw, metric, start, end, where)
            self.same(expected, "when", case, metric=metric, start=start, end=end)

    def distribution(self, case: Case) -> None:
        """Daily by default, weekly over a range that cuts weeks, monthly from start."""
        raw, where, start, end = self.raw, case.where, self.start, self.end
        self.same(shape.distribution(raw, where=where), "distribution", case)
        expected = shape.distribution(raw, "weekly", start, end, where)
        params = {"resolution": "weekly", "start": start, "end": end, "per": "viewer"}
        self.same(expected, "distribution", case, **params)
        expected = shape.distribution(raw, "monthly", start, None, where)
        self.same(expected, "distribution", case, resolution="monthly", start=start)

    def routes(self, names, cases: list[Case]) -> None:
        """Check the routes under every case; fails listing the answers that differ."""
        for name in names:
            for turn, case in enumerate(cases):
                if name in METRIC_NAMES:
                    self.metric(name, case, turn)
                else:
                    getattr(self, name)(case)
        self.check.done()


CHECKED_ROUTES = (*METRIC_NAMES, "toplist", "title", "top10", "kpis", "dimensions")
CHECKED_ROUTES += ("retention", "lifecycle", "changes", "binge", "stickiness")
CHECKED_ROUTES += ("when", "distribution")
