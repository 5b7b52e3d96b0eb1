"""The analytics engine (and its /data routes) against testkit's independent pandas reference."""

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
from data.events.stores.sqlite_store import COLUMN_NAMES
from testkit import reference_analytics as ref
from tests.unit.analysis_support import TUTORIAL_DDL, D

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


# -- databases -------------------------------------------------------------------------------

DEVICES = ["Computer", "iPad", "ipad", "IPAD", "Android", "iPhone", "Smart TV", "Chromecast"]
DEVICES += ["Apple TV", "Roku", " ", "", "", None, b"T\xe9l\xe9", "T<e9>l<e9>", "(none)"]
MARKETS = ["NO", "NO", "SE", "DK", "FI", "no", "", "", "", None, b"\xd8st", "<d8>st", "<c3><98>st"]
SESSIONTYPES = ["MOVIE", "SERIES", "SERIES", "", None, " movie ", "Series", "series\t", "EPISODE"]
SESSIONTYPES += ["\u017fERIES", "movies"]
TITLES = ["Heat", "Up", "Frozen", "Game of Thrones, Winter Is Coming", b"p\xe5 Tur", "p<e5> Tur"]
TITLES += ["N\u00f8kken", "Mad Men, Pilot", "", "", None, "Z", "z", b"Bl\xe5b\xe6r"]
MINUTES = ["", None, "abc", "inf", "1e400", "12.5", "0.25", "-3", " 7 "]
PERCENTS = ["", None, "n/a", "100", "90", "89.99", "120.5", "250", "90.0", "0"]
# Season numbers of every kind (the column's affinity turns some of them into numbers).
SEASONS = ["", "", "1", "1", "2", "03", "1.0", " 2 ", "0", "-1", "x", "2.5", "1e1", "1e400"]
BAD_DATES = ["", None, "2014-02-30 10:00:00", "2014-13-01 00:00:00", "2014/11/25 10:00:00"]
BAD_DATES += ["2014-11-25x10", "2014-11-25_10:00", " 2014-11-25 10:00:00", "2014-W48-1"]
BAD_DATES += ["20141125", "not a date", "2014-12-0a 10:00:00", "2014-11-2 10:00:00"]
BAD_DATES += ["\u0662\u0660\u0661\u0664-\u0661\u0661-\u0662\u0665 10:00", b"2014-12-05\xe5"]


def tutorial_rows(count: int, seed: int) -> list[list]:
    """Rows as `sqlite3 .import` leaves them (text, '' for blanks), with NULLs and odd bytes."""
    rng = random.Random(seed)
    users = [f"{rng.getrandbits(128):032x}" for _ in range(40)] + ["", ""]
    users += ["<e5>se", "\u00e5se"]  # one user in both spellings
    first = dt.datetime(2014, 11, 20)
    rows = []
    for _ in range(count):
        day = rng.choice([d for d in range(100) if not 45 <= d < 60])  # a gap of whole weeks
        when = first + dt.timedelta(days=day, seconds=rng.randrange(86400))
        kind = rng.random()
        if kind < 0.03:
            date = rng.choice(BAD_DATES)
        elif kind < 0.035:
            date = rng.choice(["2014-08-31 23:59:59", "2015-04-01T00:00:00"])  # far outliers
        elif kind < 0.06:
            date = when.strftime("%Y-%m-%d")
        elif kind < 0.09:
            date = when.strftime("%Y-%m-%dT%H:%M:%S")
        elif kind < 0.10:
            date = when.strftime("%Y-%m-%d 1").encode() + b"\xe5:00"
        else:
            date = when.strftime("%Y-%m-%d %H:%M:%S")
        title = rng.choice(TITLES)
        stype = "" if title in ("", None) and rng.random() < 0.5 else rng.choice(SESSIONTYPES)
        minutes = rng.choice(MINUTES) if rng.random() < 0.08 else str(rng.randrange(0, 130))
        percent = rng.choice(PERCENTS) if rng.random() < 0.3 else f"{rng.uniform(0, 100):.1f}"
        user = None if rng.random() < 0.02 else rng.choice(users)
        rows.append(
            [date, user, str(rng.randrange(10**6)), rng.choice(DEVICES), rng.choice(MARKETS)]
            + [minutes, rng.choice(["", "45", "120"]), percent, rng.choice(["", "0.5"]), stype]
            + [title, rng.choice(SEASONS), rng.choice(["", "3"])]
        )
    return rows


def make_db(path, rows, ddl: str = TUTORIAL_DDL) -> None:
    """Insert every field as text (bytes kept as they are), the column affinity converting."""
    conn = sqlite3.connect(path)
    conn.execute(ddl)
    marks = ", ".join(["cast(? as text)"] * 13)
    conn.executemany(f"insert into movies values ({marks})", rows)
    conn.commit()
    conn.close()


@pytest.fixture
def tutorial_db(tmp_path):
    path = tmp_path / "moviedb"
    make_db(path, tutorial_rows(2500, seed=23))
    return path


def test_reference_on_a_hand_counted_table():
    """The reference itself, on rows whose answers are counted by hand from the specification."""
    columns = ["event_date", "userid", "totalminuteswatched", "viewpercentage", "sessiontype"]
    columns += ["title", "device", "market"]
    raw = pd.DataFrame(
        [
            ["2024-01-01 10:00:00", "u1", 10, 95.0, "MOVIE", "A", "iPad", "NO"],
            ["2024-01-01T11:00:00", "u2", "5", "", " movie ", "B", "", None],
            ["2024-01-03", "", 7, "150", "SERIES", "", "ipad", "SE"],
            ["2024-01-03x", "u3", 100, 100.0, "MOVIE", "A", "iPad", "NO"],  # not a date
            ["2024-01-10 00:00:00", None, "abc", "50", "EPISODE", None, "iPad", "NO"],
            ["2024-02-30 00:00:00", "u4", 100, 100.0, "MOVIE", "A", "iPad", "NO"],  # no such day
        ],
        columns=columns,
        dtype=object,
    )
    assert ref.timeseries(raw, "views", "weekly") == [
        {"date": "2024-01-01", "values": 3},
        {"date": "2024-01-08", "values": 1},
    ]
    daily = ref.timeseries(raw, "unique_users", "daily", end=dt.date(2024, 1, 4))
    assert [row["values"] for row in daily] == [2, 0, 1, 0]
    assert ref.timeseries(raw, "minutes_watched", "monthly") == [
        {"date": "2024-01-01", "values": 22}
    ]
    rates = ref.timeseries(raw, "completion_rate", "weekly", where={"market": {"NO", "SE"}})
    assert [row["values"] for row in rates] == [1.0, 0.0]
    assert ref.timeseries(raw, "completion_rate", "daily", start=dt.date(2024, 1, 1))[1] == {
        "date": "2024-01-02",
        "values": None,
    }
    assert ref.kpis(raw) == {
        "unique_users": 3,
        "minutes_watched": 22,
        "views": 4,
        "completed_views": 2,
        "completion_rate": 0.6667,
    }
    assert ref.kpis(raw, where={"sessiontype": {"MOVIE"}})["views"] == 2
    got = ref.breakdown(raw, "views", "weekly", dt.date(2024, 1, 3), None, None, "device", 1)
    assert [(row["date"], row["device"], row["values"]) for row in got] == [
        ("2024-01-01", "iPad", 0),
        ("2024-01-01", ref.OTHER, 1),
        ("2024-01-08", "iPad", 1),
        ("2024-01-08", ref.OTHER, 0),
    ]
    assert ref.toplist(raw, 5) == [{"title": "A", "values": 1}, {"title": "B", "values": 1}]
    assert ref.dimensions(raw)["device"] == [
        {"value": "iPad", "views": 2},
        {"value": ref.NONE, "views": 1},
        {"value": "ipad", "views": 1},
    ]
    assert ref.timeseries(raw, "views", "daily", start=dt.date(2024, 2, 1)) == []


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
        metric = ref.METRICS[i % 4]
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


def test_engine_matches_reference_when_a_period_is_cut_past_some_values(tmp_path):
    """Values seen only on the days a cut period leaves out are no group, not even (other)."""
    blank = ["", "95", "", "MOVIE", "T", "", ""]
    rows = [
        ["2024-01-01 10:00:00", "u1", "1", "A", "NO", "10", *blank],
        ["2024-01-03 10:00:00", "u2", "1", "B", "NO", "10", *blank],
        ["2024-01-31 10:00:00", "u3", "1", "C", "SE", "10", *blank],
    ]
    path = tmp_path / "cut.db"
    make_db(path, rows)
    raw, engine, check = read_raw(path), EventsAnalytics(path), Checker()
    for start, end in (
        (D(2024, 1, 2), None),
        (D(2024, 1, 2), D(2024, 1, 3)),
        (None, D(2024, 1, 2)),
    ):
        for resolution in RESOLUTIONS:
            for limit in (1, 5):
                args = ("unique_users", resolution, Filters.of(start, end), "device", limit)
                expected = ref.breakdown(raw, *args[:2], start, end, {}, *args[3:])
                check.same(expected, (resolution, start, end, limit), engine.breakdown, *args)
    check.done()


def test_engine_matches_reference_on_demo_data(demo_db):
    check_random_combinations(demo_db, combos=150, seed=101)


def test_engine_matches_reference_at_the_edges_of_demo_data(demo_db):
    check_edges(demo_db)


def test_engine_matches_reference_at_the_edges_of_tutorial_format_data(tutorial_db):
    check_edges(tutorial_db)


def test_engine_matches_reference_on_tutorial_format_data(tutorial_db):
    raw = read_raw(tutorial_db)
    assert raw["totalminuteswatched"].map(type).eq(float).any()  # fractional minutes: floats
    assert (raw["device"] == "").any() and (raw["market"] == "").any()
    check_random_combinations(tutorial_db, combos=100, seed=202)


def test_engine_matches_reference_on_an_untyped_table(tmp_path):
    """A table without column types keeps numbers as numbers: they name values as their text."""
    rows = tutorial_rows(600, seed=5)
    rng = random.Random(9)
    for row in rows:
        if rng.random() < 0.15:
            row[3] = rng.choice([5, "5", 2.5, "2.5"])  # device
        if rng.random() < 0.15:
            row[10] = rng.choice([1984, "1984", 3.0, "3.0"])  # title
        if rng.random() < 0.1:
            row[5] = rng.choice([12, 12.0, "12"])  # minutes as numbers among text ones
        if rng.random() < 0.3:
            row[11] = rng.choice([1, "2", "03", 1.0, "", None, "x", -1, " 2 ", 2.5, 2**53])
        for index in (3, 10):  # bound as they are: bytes would become BLOBs, not text
            if isinstance(row[index], bytes):
                row[index] = decode_text(row[index])
    path = tmp_path / "untyped.db"
    conn = sqlite3.connect(path)
    conn.execute(f"create table movies({', '.join(COLUMN_NAMES)})")
    marks = ", ".join("?" if i in (3, 5, 10, 11) else "cast(? as text)" for i in range(13))
    conn.executemany(f"insert into movies values ({marks})", rows)
    conn.commit()
    kinds = {kind for (kind,) in conn.execute("select typeof(device) from movies")}
    seasons = {kind for (kind,) in conn.execute("select typeof(seasonnumber) from movies")}
    conn.close()
    assert {"integer", "real", "text"} <= kinds and {"integer", "real", "text", "null"} <= seasons
    check_random_combinations(path, combos=40, seed=303)


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
        metric, resolution = ref.METRICS[i % 4], rng.choice(RESOLUTIONS)
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


def test_routes_match_reference_on_demo_data(client, demo_db):
    check_routes(client, demo_db, seed=404)


def test_routes_match_reference_on_tutorial_format_data(make_app, tutorial_db):
    app = make_app(DATABASE_URL=f"sqlite:///{tutorial_db}")
    check_routes(app.server.test_client(), tutorial_db, seed=505)
