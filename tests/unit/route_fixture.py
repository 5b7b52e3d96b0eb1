"""The small hand-made events the route-reference tests share: ten weeks across three month
ends, movies and shows whose popularity moves week to week, and (none) in every dimension."""

from __future__ import annotations

import datetime as dt
import random
import sqlite3

import pandas as pd

from data.events.stores.sqlite_store import COLUMN_NAMES, CREATE_MOVIES

FIRST_DAY = dt.date(2025, 2, 24)  # a Monday; ten weeks, across three month ends
DAYS = 70
# Movies (title, runningtime); one without a runtime is never in the Top 10.
MOVIES = [("Heat", 120), ("Up", 95), ("Frozen", None), ("N\u00f8kken", 100), ("Alpha", 90)]
MOVIES += [("Beta", 110), ("Gamma", 80), ("Delta", 130)]
# Shows: (show, season, episode, episode name, runningtime). Every episode has one title, one
# (season, episode) and one contentid, so episodes are the same however they are told apart.
EPISODES = [
    ("Mad Men", 1, 1, "Pilot", 48),
    ("Mad Men", 1, 2, "Ladies Room", 47),
    ("Mad Men", 1, 3, "Marriage of Figaro", 48),
    ("Mad Men", 2, 1, "For Those Who Think Young", 47),
    ("Mad Men", 2, 2, "Flight 1", 49),
    ("Borgen", 1, 1, "Decency in the Middle", 58),
    ("Borgen", 1, 2, "Count to 90", 58),
    ("Borgen", 1, 3, "Men of the People", None),  # a season sums the runtimes it knows
    ("Skam", 1, 1, "Du ser ut som en slut", 20),
    ("Skam", 1, 2, "Jeg hater meg selv", 22),
]
DEVICES = ["iPad", "iPad", "Computer", "Computer", "Smart TV", "", None]
MARKETS = ["NO", "NO", "NO", "SE", "SE", "DK", "", None]
USERS = [f"user{n:02d}" for n in range(30)]


def fixture_rows(seed: int = 7, clock=None) -> list[tuple]:
    """Events in the movies columns' order, event_date as UTC text; clock(rng) -> (hour,
    minute) of each event (default: any time of the day). Titles differ in popularity from
    week to week, so ranks and weeks in the Top 10 move."""
    rng = random.Random(seed)
    catalogue = [(t, "MOVIE", rt, None, None, f"m{i}") for i, (t, rt) in enumerate(MOVIES)]
    catalogue += [
        (f"{show}, {name}", "SERIES", rt, season, episode, f"s{i}")
        for i, (show, season, episode, name, rt) in enumerate(EPISODES)
    ]
    rows = []
    for week in range(DAYS // 7):
        weights = [rng.random() ** 2 for _ in catalogue]
        for _ in range(70):
            day = FIRST_DAY + dt.timedelta(week * 7 + rng.randrange(7))
            hour, minute = clock(rng) if clock else (rng.randrange(24), rng.randrange(60))
            when = f"{day.isoformat()} {hour:02d}:{minute:02d}:00"
            title, stype, runtime, season, episode, content = rng.choices(catalogue, weights)[0]
            roll = rng.random()
            if roll < 0.05:
                title, stype, runtime, season, episode, content = None, None, None, None, None, ""
            elif roll < 0.10:
                stype = rng.choice(["", None])  # a titled row without a content type
            elif roll < 0.15:
                stype = {"MOVIE": " movie ", "SERIES": "Series"}[stype]  # other spellings
            percent = rng.choice([None, 100.0, 90.0, 125.0, round(rng.uniform(0, 100), 1)])
            rows.append(
                (
                    when,
                    None if rng.random() < 0.04 else rng.choice(USERS),
                    content,
                    rng.choice(DEVICES),
                    rng.choice(MARKETS),
                    None if rng.random() < 0.03 else rng.randrange(1, 130),
                    runtime,
                    percent,
                    None,
                    stype,
                    title,
                    season,
                    episode,
                )
            )
    return rows


def raw_frame(rows: list[tuple]) -> pd.DataFrame:
    """The rows as the reference reads them."""
    return pd.DataFrame(rows, columns=list(COLUMN_NAMES), dtype=object)


def sqlite_database(path, rows: list[tuple]) -> None:
    with sqlite3.connect(path) as conn:
        conn.execute(CREATE_MOVIES)
        marks = ", ".join("?" * len(COLUMN_NAMES))
        conn.executemany(f"INSERT INTO movies VALUES ({marks})", rows)
    conn.close()


def fixture_app(folder, rows: list[tuple]):
    """A Dash app over a new SQLite file of the rows in folder: no Redis, no rate limits."""
    from dashboard_app import create_app

    sqlite_database(folder / "events.sqlite", rows)
    return create_app(
        {
            "INSTANCE_PATH": folder / "instance",
            "DATABASE_URL": f"sqlite:///{folder / 'events.sqlite'}",
            "REDIS_URL": None,
            "RATELIMIT_ENABLED": False,
            "AUTH": "off",  # not about access
            "SECRET_KEY": "test",
            "TESTING": True,
        }
    )
