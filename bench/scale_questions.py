"""bench_scale's questions: random filter combinations as /data URLs and as DuckDB SQL, compared;
and random questions to the title and cohort routes (timed only, no SQL)."""

from __future__ import annotations

import datetime as dt
import math
import re
import sqlite3
import time
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlencode

import duckdb
import numpy as np
import pandas as pd

DEVICES = ("Computer", "iPad", "iPhone", "Android", "Smart TV", "Chromecast", "Apple TV")
MARKETS = ("NO", "SE", "DK", "FI", "(none)")
SESSIONTYPES = ("MOVIE", "SERIES")
METRICS = ("unique_users", "minutes_watched", "views", "completion_rate")
RESOLUTIONS = ("daily", "weekly", "monthly")
COHORT_RESOLUTIONS = ("weekly", "monthly")
LEVELS = ("season", "series")  # the toplist's levels beside the existing title level
MAX_PERIODS = 52
BREAKDOWNS = ("device", "market", "sessiontype")
NONE, OTHER = "(none)", "(other)"


@dataclass(frozen=True)
class Question:
    """One /data request: a series (optionally broken down), the KPIs or the toplist; or one of
    the title and cohort routes: title, top10, retention, lifecycle."""

    kind: str  # "series", "kpis", "toplist", "title", "top10", "retention" or "lifecycle"
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
        if self.kind in ("series", "title", "retention", "lifecycle"):
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
    return Question("lifecycle", resolution=rng.choice(RESOLUTIONS), **filters)


ROUTE_KINDS = (
    "toplist level=season",
    "toplist level=series",
    "title ?title=",
    "title ?series=",
    "top10",
    "retention",
    "lifecycle",
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


# -- SQL ---------------------------------------------------------------------------------------

_RATE = "ROUND(COUNT(*) FILTER (WHERE viewpercentage >= 90) / NULLIF(COUNT(viewpercentage), 0), 4)"
METRIC_SQL = {
    "unique_users": "COUNT(DISTINCT userid)",
    "minutes_watched": "COALESCE(SUM(minutes), 0)",
    "views": "COUNT(*)",
    "completion_rate": _RATE,
}
RANK_BY = {"completion_rate": "views"}  # a breakdown's groups are ranked by this metric
PERIOD_SQL = {
    "daily": "day",
    "weekly": "CAST(date_trunc('week', day) AS DATE)",
    "monthly": "CAST(date_trunc('month', day) AS DATE)",
}


def _text(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


def _where(q: Question) -> str:
    conditions = []
    if q.start:
        conditions.append(f"day >= DATE '{q.start.isoformat()}'")
    if q.end:
        conditions.append(f"day <= DATE '{q.end.isoformat()}'")
    chosen = (("device", q.device), ("market", q.market))
    for column, values in (*chosen, ("sessiontype", (q.sessiontype,) if q.sessiontype else ())):
        if values:
            conditions.append(f"{column} IN ({', '.join(map(_text, values))})")
    return " AND ".join(conditions) or "TRUE"


def sql(q: Question) -> str:
    """The DuckDB query answering the question over the `events` table."""
    where = _where(q)
    if q.kind == "kpis":
        return (
            "SELECT COUNT(DISTINCT userid), COALESCE(SUM(minutes), 0), COUNT(*), "
            f"COUNT(*) FILTER (WHERE viewpercentage >= 90), {_RATE} FROM events WHERE {where}"
        )
    if q.kind == "toplist":
        return (
            f"SELECT title, COUNT(*) AS views FROM events WHERE {where} AND title IS NOT NULL "
            f"AND title <> '' GROUP BY title ORDER BY views DESC, title LIMIT {q.num}"
        )
    period, value = PERIOD_SQL[q.resolution], METRIC_SQL[q.metric]
    if not q.breakdown:
        return (
            f"SELECT {period} AS period, {value} AS value FROM events WHERE {where} "
            "GROUP BY period ORDER BY period"
        )
    rank, dim = METRIC_SQL[RANK_BY.get(q.metric, q.metric)], q.breakdown
    return (
        f"WITH f AS (SELECT * FROM events WHERE {where}), "
        f"top AS (SELECT {dim} AS grp FROM f GROUP BY grp ORDER BY {rank} DESC, grp "
        f"LIMIT {q.limit}) "
        f"SELECT {period} AS period, CASE WHEN {dim} IN (SELECT grp FROM top) THEN {dim} "
        f"ELSE '{OTHER}' END AS grp, {value} AS value FROM f GROUP BY period, grp "
        "ORDER BY period, grp"
    )


# -- comparing answers -------------------------------------------------------------------------


def _same(a, b, ratio: bool) -> bool:
    if a is None or b is None:
        return a is None and b is None
    # Both sides round rates to 4 decimals; a half may round either way.
    tolerance = 1.01e-4 if ratio else 1e-9 * max(1.0, abs(float(b)))
    return math.isclose(float(a), float(b), rel_tol=0, abs_tol=tolerance)


def compare(q: Question, served, rows: list[tuple]) -> str | None:
    """None when the server's JSON equals DuckDB's rows (zero-filled periods aside), else why."""
    if q.kind == "toplist":
        got = [(r["title"], r["values"]) for r in served]
        expected = [(title, int(views)) for title, views in rows]
        return None if got == expected else f"toplist differs: {got[:3]} vs {expected[:3]}"
    if q.kind == "kpis":
        names = ("unique_users", "minutes_watched", "views", "completed_views", "completion_rate")
        for name, value in zip(names, rows[0], strict=True):
            if not _same(served[name], value, name == "completion_rate"):
                return f"kpis {name}: server {served[name]!r}, duckdb {value!r}"
        return None
    ratio = q.metric == "completion_rate"
    zero = None if ratio else 0
    if q.breakdown:
        got = {(r["date"], r[q.breakdown]): r["values"] for r in served}
        expected = {(p.isoformat(), g): v for p, g, v in rows}
    else:
        got = {r["date"]: r["values"] for r in served}
        expected = {p.isoformat(): v for p, v in rows}
    if len(got) != len(served):
        return "the server answered a period (and group) twice"
    missing = sorted(set(expected) - set(got))
    if missing:
        return f"{len(missing)} periods/groups missing from the server's answer, e.g. {missing[0]}"
    for key, value in got.items():
        if not _same(value, expected.get(key, zero), ratio):
            return f"{key}: server {value!r}, duckdb {expected.get(key, zero)!r}"
    return None


# -- loading the events into DuckDB ------------------------------------------------------------

_LOAD_SQL = (
    "SELECT CASE WHEN length(event_date) > 10 AND substr(event_date, 11, 1) IN (' ', 'T') "
    "THEN substr(event_date, 1, 10) ELSE event_date END, userid, device, market, sessiontype, "
    "totalminuteswatched, viewpercentage, title FROM movies"
)
_CHUNK_SELECT = (
    "SELECT CAST(day AS DATE) AS day, CAST(userid AS VARCHAR) AS userid, "
    "CAST(device AS VARCHAR) AS device, CAST(market AS VARCHAR) AS market, "
    "CAST(sessiontype AS VARCHAR) AS sessiontype, CAST(minutes AS DOUBLE) AS minutes, "
    "CAST(viewpercentage AS DOUBLE) AS viewpercentage, CAST(title AS VARCHAR) AS title FROM chunk"
)
_DAY_RE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


def _day(value) -> np.datetime64:
    if isinstance(value, str) and _DAY_RE.fullmatch(value):
        try:
            return np.datetime64(dt.date.fromisoformat(value), "D")
        except ValueError:
            pass
    return np.datetime64("NaT", "D")


def _text_or_none(value):
    if value is None or isinstance(value, str):
        return value
    return value.decode("utf-8", "replace") if isinstance(value, bytes) else str(value)


def _plain(value) -> str:
    return NONE if value is None or value == "" else _text_or_none(value)


def _sessiontype(value) -> str:
    normal = value.strip().upper() if isinstance(value, str) else None
    return normal if normal in SESSIONTYPES else NONE


def _mapped(values: tuple, name_of, dtype=object) -> np.ndarray:
    """name_of(value) per value, computed once per distinct value."""
    codes, uniques = pd.factorize(np.asarray(values, dtype=object), use_na_sentinel=True)
    names = np.array([name_of(u) for u in uniques.tolist()] + [name_of(None)], dtype=dtype)
    return names[codes]  # the sentinel -1 picks the last entry, name_of(None)


def _numbers(values: tuple) -> np.ndarray:
    return np.asarray(pd.to_numeric(pd.Series(values, dtype=object), errors="coerce"), float)


def _frame(rows: list[tuple]) -> pd.DataFrame:
    day, userid, device, market, sessiontype, minutes, percent, title = zip(*rows, strict=True)
    minutes = _numbers(minutes)
    minutes[~np.isfinite(minutes)] = 0.0
    frame = pd.DataFrame(
        {
            "day": _mapped(day, _day, "datetime64[D]"),
            "userid": _mapped(userid, _text_or_none),
            "device": _mapped(device, _plain),
            "market": _mapped(market, _plain),
            "sessiontype": _mapped(sessiontype, _sessiontype),
            "minutes": minutes,
            "viewpercentage": _numbers(percent),  # NaN reads as NULL in DuckDB
            "title": _mapped(title, _text_or_none),
        }
    )
    return frame[frame["day"].notna()]


def load_duckdb(db_path: Path, chunk_rows: int = 500_000) -> tuple[duckdb.DuckDBPyConnection, int]:
    """An in-memory DuckDB with the SQLite events as `events` (read in chunks); and its rows."""
    con = duckdb.connect()
    source = sqlite3.connect(f"{db_path.resolve().as_uri()}?mode=ro", uri=True)
    try:
        cursor = source.execute(_LOAD_SQL)
        created = False
        while rows := cursor.fetchmany(chunk_rows):
            con.register("chunk", _frame(rows))
            con.execute(
                f"INSERT INTO events {_CHUNK_SELECT}"
                if created
                else f"CREATE TABLE events AS {_CHUNK_SELECT}"
            )
            con.unregister("chunk")
            created = True
    finally:
        source.close()
    if not created:
        raise SystemExit(f"{db_path} holds no events")
    return con, con.execute("SELECT COUNT(*) FROM events").fetchone()[0]


def timed_answers(con, questions: list[Question]) -> tuple[list[float], list[list[tuple]]]:
    """Seconds and fetched rows of each question's query, one run each (after one warm-up)."""
    con.execute("SELECT COUNT(DISTINCT userid) FROM events").fetchall()
    seconds, answers = [], []
    for q in questions:
        started = time.perf_counter()
        rows = con.execute(sql(q)).fetchall()
        seconds.append(time.perf_counter() - started)
        answers.append(rows)
    return seconds, answers
