"""Checks of the analytics engine and its /data routes against testkit's pandas reference."""

from __future__ import annotations

import datetime as dt
import random
import sqlite3
from urllib.parse import urlencode

import pandas as pd
import pytest

from data.events.analysis.analytics import EventsAnalytics
from data.events.ingest.text_decoding import decode_text
from data.events.params import Filters
from testkit import reference_analytics as ref

RESOLUTIONS = ("daily", "weekly", "monthly")
BREAKDOWNS = (None, *ref.DIMENSIONS)
MISSING = "No such value"


def read_raw(db_path) -> pd.DataFrame:
    """The movies rows as SQLite returns them (odd bytes read as the engine reads them)."""
    conn = sqlite3.connect(db_path)
    conn.text_factory = decode_text
    try:
        cursor = conn.execute("select * from movies")
        names = [column[0] for column in cursor.description]
        return pd.DataFrame(cursor.fetchall(), columns=names, dtype=object)
    finally:
        conn.close()


def typed(value):
    """Numbers tagged with their type, so that 3 and 3.0 (or a numpy int) differ."""
    if isinstance(value, dict):
        return {key: typed(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [typed(item) for item in value]
    if type(value) in (int, float):
        return (type(value).__name__, value)
    return value


def _short(value) -> str:
    text = repr(value)
    return text if len(text) < 400 else text[:400] + "..."


class Checker:
    """Compares engine answers with the reference, and reports every difference at the end."""

    def __init__(self):
        self.count = 0
        self.mismatches = []

    def same(self, expected, context, call, *args) -> None:
        """call(*args) must equal expected, types of numbers included; raising is a mismatch."""
        self.count += 1
        try:
            got = call(*args)
        except Exception as error:
            got = f"raised {type(error).__name__}: {error}"
        if typed(got) != typed(expected):
            self.mismatches.append((context, got, expected))

    def done(self) -> None:
        shown = "\n".join(
            f"{context}\n  engine:    {_short(got)}\n  reference: {_short(expected)}"
            for context, got, expected in self.mismatches[:5]
        )
        if self.mismatches:
            pytest.fail(f"{len(self.mismatches)} of {self.count} answers differ:\n{shown}")


# -- random parameters -----------------------------------------------------------------------


class Params:
    """Random filters over a database's dimension values, with the day range around its data."""

    def __init__(self, raw: pd.DataFrame, seed: int, ordered: bool = False):
        ev = ref.prepare(raw)
        self.rng = random.Random(seed)
        self.first = dt.date.fromordinal(int(ev["day"].quantile(0.01)))
        self.last = dt.date.fromordinal(int(ev["day"].quantile(0.99)))
        self.ordered = ordered
        self.pools = {d: sorted(set(ev[d])) + [ref.NONE, MISSING] for d in ref.DIMENSIONS}
        self.pools["sessiontype"] = ["MOVIE", "SERIES", ref.NONE]

    def day(self) -> dt.date:
        return self.first + dt.timedelta(self.rng.randint(-40, (self.last - self.first).days + 40))

    def dates(self):
        a, b = self.day(), self.day()
        roll = self.rng.random()
        if roll < 0.1:
            b = a  # a single day
        elif roll < 0.15 and not self.ordered:
            a, b = max(a, b), min(a, b) + dt.timedelta(-1)  # start after end
        else:
            a, b = min(a, b), max(a, b)
        return (a if self.rng.random() < 0.7 else None), (b if self.rng.random() < 0.7 else None)

    def where(self) -> dict:
        out = {}
        for dimension in ref.DIMENSIONS:
            if self.rng.random() < 0.4:
                pool = self.pools[dimension]
                out[dimension] = set(self.rng.sample(pool, self.rng.randint(1, min(3, len(pool)))))
        return out


def check_random_combinations(db_path, combos: int, seed: int, engine=None, raw=None) -> None:
    """Random questions to the engine on db_path (or the given engine, raw rows) vs reference."""
    raw = ref.prepare(read_raw(db_path) if raw is None else raw)
    engine = engine or EventsAnalytics(db_path)
    params = Params(raw, seed)
    rng, check = params.rng, Checker()
    for i in range(combos):
        start, end = params.dates()
        where = params.where()
        filters = Filters.of(start, end, **where)
        metric = ref.METRICS[i % len(ref.METRICS)]
        resolution = RESOLUTIONS[i // 4 % 3]
        dimension = BREAKDOWNS[i // 12 % len(BREAKDOWNS)]
        limit = rng.randint(1, 8)
        context = (i, metric, resolution, dimension, limit, start, end, where)
        if dimension is None:
            expected = ref.timeseries(raw, metric, resolution, start, end, where)
            check.same(expected, context, engine.timeseries, metric, resolution, filters)
        else:
            expected = ref.breakdown(raw, metric, resolution, start, end, where, dimension, limit)
            args = (metric, resolution, filters, dimension, limit)
            check.same(expected, context, engine.breakdown, *args)
        check.same(ref.kpis(raw, start, end, where), ("kpis", context), engine.kpis, filters)
        num = rng.randint(1, 30)
        expected = ref.toplist(raw, num, start, end, where)
        check.same(expected, ("toplist", num, context), engine.toplist, num, filters)
        expected = ref.dimensions(raw, start, end)
        check.same(expected, ("dimensions", start, end), engine.dimensions, start, end)
    check.done()


def edge_cases(raw: pd.DataFrame) -> list[tuple]:
    """(start, end, where) at the data's edges: before and after it, a gap, nothing matching."""
    ev = ref.prepare(raw)
    first, last = (dt.date.fromordinal(int(f(ev["day"]))) for f in (min, max))
    seen = set(ev["day"])
    gap = next(
        (
            first + dt.timedelta(n)
            for n in range((last - first).days)
            if first.toordinal() + n not in seen
        ),
        None,
    )
    week = dt.timedelta(7)
    nothing = {"device": {MISSING}}
    blanks = {"sessiontype": {ref.NONE}, "market": {ref.NONE}}
    seasons = {"season": {"1", "0", ref.NONE}}
    return [
        (None, None, {}),
        (first - 3 * week, first - week, {}),
        (last + dt.timedelta(1), None, {}),
        (None, first - dt.timedelta(1), {}),
        (gap, gap, {}),
        (first, first, blanks),
        (last, None, blanks),
        (None, first + week, nothing),
        (first + dt.timedelta(2), last - dt.timedelta(40), blanks),
        (first, last, seasons),
    ]


def check_edges(db_path, engine=None, raw=None) -> None:
    """The data's edges asked of the engine on db_path (or the given engine, raw rows)."""
    raw = ref.prepare(read_raw(db_path) if raw is None else raw)
    engine, check = engine or EventsAnalytics(db_path), Checker()
    for start, end, where in edge_cases(raw):
        filters = Filters.of(start, end, **where)
        for metric in ref.METRICS:
            for resolution in RESOLUTIONS:
                context = (metric, resolution, start, end, where)
                expected = ref.timeseries(raw, metric, resolution, start, end, where)
                check.same(expected, context, engine.timeseries, metric, resolution, filters)
                for dimension in BREAKDOWNS[1:]:
                    args = (metric, resolution, filters, dimension, 3)
                    expected = ref.breakdown(raw, *args[:2], start, end, where, *args[3:])
                    check.same(expected, (dimension, context), engine.breakdown, *args)
        check.same(ref.kpis(raw, start, end, where), ("kpis", filters), engine.kpis, filters)
        expected = ref.toplist(raw, 1000, start, end, where)
        check.same(expected, ("toplist", filters), engine.toplist, 1000, filters)
        expected = ref.dimensions(raw, start, end)
        check.same(expected, ("dimensions", start, end), engine.dimensions, start, end)
    check.done()


# -- the same through the /data routes -------------------------------------------------------


def query(start, end, where, **more) -> str:
    pairs = [(k, v.isoformat()) for k, v in (("start", start), ("end", end)) if v is not None]
    pairs += [(d, v) for d, values in where.items() for v in sorted(values)]
    pairs += [(k, str(v)) for k, v in more.items() if v is not None]
    return urlencode(pairs)


def check_routes(client, db_path, seed: int, raw=None) -> None:
    raw = ref.prepare(read_raw(db_path) if raw is None else raw)
    params = Params(raw, seed, ordered=True)
    rng, check = params.rng, Checker()

    def answer(url: str):
        return client.get(url).get_json()

    for i in range(8):
        start, end = params.dates()
        where = params.where()
        metric, resolution = ref.METRICS[i % len(ref.METRICS)], rng.choice(RESOLUTIONS)
        dimension, limit = BREAKDOWNS[i % len(BREAKDOWNS)], rng.randint(1, 8)
        q = query(start, end, where, resolution=resolution, breakdown=dimension, limit=limit)
        if dimension is None:
            expected = ref.timeseries(raw, metric, resolution, start, end, where)
        else:
            expected = ref.breakdown(raw, metric, resolution, start, end, where, dimension, limit)
        check.same(expected, q, answer, f"/data/{metric}/?{q}")
    for _ in range(2):
        start, end = params.dates()
        where = params.where()
        q = query(start, end, where)
        check.same(ref.kpis(raw, start, end, where), q, answer, f"/data/kpis/?{q}")
        num = rng.randint(1, 40)
        q = query(start, end, where, num=num)
        check.same(ref.toplist(raw, num, start, end, where), q, answer, f"/data/toplist/?{q}")
        q = query(start, end, {})
        check.same(ref.dimensions(raw, start, end), q, answer, f"/data/dimensions/?{q}")
    check.done()
