"""bench_scale's DuckDB side: the events loaded in memory, each question's SQL, answers compared."""

from __future__ import annotations

import datetime as dt
import math
import re
import sqlite3
import time
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd
from scale_questions import SESSIONTYPES, Question

NONE, OTHER = "(none)", "(other)"

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
