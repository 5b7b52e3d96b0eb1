"""What the cohort tests share: small SQLite files of hand-written events, and a brute-force
retention and lifecycle computed with pandas from a database's rows."""

from __future__ import annotations

import datetime as dt
import sqlite3

import pandas as pd

from data.events.catalog import NONE
from data.events.periods import day_number, period_labels, period_of
from tests.unit.analysis_support import TUTORIAL_DDL


def make_db(path, events: list[tuple]) -> None:
    """A tutorial-schema database of (event_date, userid[, device[, market[, sessiontype]]])."""
    conn = sqlite3.connect(path)
    conn.execute(TUTORIAL_DDL)
    rows = [(*event, *([None] * (5 - len(event)))) for event in events]
    conn.executemany(
        "INSERT INTO movies (event_date, userid, device, market, sessiontype) VALUES (?,?,?,?,?)",
        rows,
    )
    conn.commit()
    conn.close()


def events_frame(path) -> pd.DataFrame:
    """day (day number), user (None for NULL) and the dimensions ('(none)' for empty) per row."""
    conn = sqlite3.connect(path)
    try:
        raw = pd.read_sql(
            "SELECT substr(event_date, 1, 10) AS date, userid, device, market, sessiontype "
            "FROM movies",
            conn,
        )
    finally:
        conn.close()
    days = [day_number(dt.date.fromisoformat(d)) for d in raw["date"]]
    frame = pd.DataFrame({"day": days, "user": raw["userid"].astype(object)})
    for name in ("device", "market", "sessiontype"):
        frame[name] = [NONE if v is None or v == "" else v for v in raw[name]]
    return frame


def _matching(frame: pd.DataFrame, where: dict) -> pd.DataFrame:
    keep = pd.Series(True, index=frame.index)
    for name, values in where.items():
        keep &= frame[name].isin(values)
    return frame[keep]


def _pairs(frame: pd.DataFrame, resolution: str) -> set[tuple]:
    users = frame[frame["user"].notna()]
    periods = [int(period_of(int(d), resolution)) for d in users["day"]]
    return set(zip(users["user"], periods, strict=True))


def _firsts(pairs: set[tuple]) -> dict:
    first: dict = {}
    for user, period in pairs:
        first[user] = min(first.get(user, period), period)
    return first


def brute_retention(
    frame, resolution, periods, start=None, end=None, cohort="first_ever", **where
) -> list[dict]:
    """Retention as the routes define it, user by user."""
    history = _matching(frame, where)
    rows = history
    if start:
        rows = rows[rows["day"] >= day_number(start)]
    last_day = min(day_number(end), int(frame["day"].max())) if end else None
    if last_day is not None:
        rows = rows[rows["day"] <= last_day]
    if rows.empty:
        return []
    p_last = int(period_of(last_day if end else int(rows["day"].max()), resolution))
    pairs = _pairs(rows, resolution)
    first = _firsts(pairs)
    if cohort == "first_ever":
        # Whoever had a matching event before start was first seen before the range.
        seen = set(history[history["day"] < day_number(start)]["user"]) if start else set()
        first = {user: period for user, period in first.items() if user not in seen}
    out = []
    for cohort in sorted(set(first.values())):
        members = [user for user, p in first.items() if p == cohort]
        out.append(
            {
                "cohort": period_labels(cohort, cohort, resolution)[0],
                "size": len(members),
                "retained": [
                    sum((user, cohort + k) in pairs for user in members)
                    for k in range(min(periods, p_last - cohort + 1))
                ],
            }
        )
    return out


def brute_lifecycle(frame, resolution, start=None, end=None, **where) -> list[dict]:
    """Lifecycle as the routes define it, period by period."""
    rows = _matching(frame, where)
    inside = rows
    if start:
        inside = inside[inside["day"] >= day_number(start)]
    if end:
        inside = inside[inside["day"] <= day_number(end)]
    if not (start and end) and inside.empty:
        return []
    lo = day_number(start) if start else int(inside["day"].min())
    hi = day_number(end) if end else int(inside["day"].max())
    pairs = _pairs(rows[rows["day"] <= hi], resolution)
    first = _firsts(pairs)
    active: dict = {}
    for user, period in pairs:
        active.setdefault(period, set()).add(user)
    p_lo, p_hi = int(period_of(lo, resolution)), int(period_of(hi, resolution))
    out = []
    for period, label in zip(
        range(p_lo, p_hi + 1), period_labels(p_lo, p_hi, resolution), strict=True
    ):
        now, before = active.get(period, set()), active.get(period - 1, set())
        out.append(
            {
                "date": label,
                "new": sum(first[user] == period for user in now),
                "returning": len(now & before),
                "resurrecting": sum(first[user] < period for user in now - before),
                "dormant": len(before - now),
            }
        )
    return out
