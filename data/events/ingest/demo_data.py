"""Deterministic, realistic-looking synthetic viewing events in the tutorial's schema (numpy)."""

from __future__ import annotations

import datetime as dt
import os
from dataclasses import dataclass

import numpy as np

from data.events.rollup.build import RowEncoder
from data.events.stores.event_stores import EventStore, as_store
from data.events.stores.writers import open_writer

END_DATE = dt.date(2025, 12, 31)  # fixed, so tests and screenshots are stable
DAYS = 365
CHUNK_ROWS = 250_000  # rows generated and inserted per batch: bounds memory at any size

DEVICES = ("Computer", "iPad", "iPhone", "Android", "Smart TV", "Chromecast", "Apple TV")
DEVICE_WEIGHTS = (0.27, 0.14, 0.16, 0.15, 0.15, 0.09, 0.04)
MARKETS = ("NO", "SE", "DK", "FI", "")
MARKET_WEIGHTS = (0.38, 0.2, 0.1, 0.08, 0.24)
# Monday..Sunday: weekends (and Friday evening) are busier.
WEEKDAY_FACTORS = (0.92, 0.9, 0.93, 0.97, 1.12, 1.32, 1.28)
# Hour-of-day profile: quiet nights, a lunchtime bump, an evening peak.
HOUR_WEIGHTS = tuple(
    float(w)
    for w in "2 1 0.6 0.4 0.3 0.4 1 2 2.5 2.5 2.5 3 3.5 3 3 3.5 4.5 6 8 10 11 10 7 4".split()
)
EMPTY_TITLE_SHARE = 0.04

_ADJECTIVES = tuple(
    (
        "Silent Frozen Last Crimson Hidden Northern Broken Golden Lost Midnight Wild "
        "Quiet Burning Endless Secret Distant Dark Little Final Hollow Bright Forgotten "
        "Restless Iron Salt"
    ).split()
)
_NOUNS = tuple(
    (
        "Harbor Fjord Winter Summer Kingdom Witness River Island Promise Lighthouse "
        "Shadow Border Garden Signal Storm Road Hunter Letter Mountain Forest Station "
        "Crown Tide Bridge Orchard Voyage Heist"
    ).split()
)
_PLACES = tuple(
    (
        "Bergen Oslo Malmö Tromsø Aarhus Helsinki Göteborg Lofoten Ålesund Uppsala Turku "
        "Odense Stavanger Kiruna Lapland"
    ).split()
)
_PATTERNS = (
    "The {adj} {noun}",
    "{adj} {noun}",
    "A {noun} in {place}",
    "The {noun} of {place}",
    "{place} {noun}",
    "Beyond the {noun}",
    "{adj} Hearts",
    "The {noun}'s Daughter",
    "Return to {place}",
    "{noun}",
    "Murder in {place}",
    "The {adj} Ones",
)
_EPISODE_WORDS = tuple(
    (
        "Pilot|Homecoming|The Storm|Old Friends|Cold Trail|Crossroads|The Letter|Smoke|"
        "Lines|Reckoning|First Light|The Visitor|Undertow|Ghosts|Thaw|Leverage|"
        "Night Shift|The Deal|Aftermath|Fault Lines|Blood Ties|Exit|Safe House|Open Water|"
        "The Hearing|Northbound|Echoes|Fallout|Trust|Endgame"
    ).split("|")
)


def _unused_episode_name(drawn: int, used: set[str], number: int) -> str:
    """The drawn episode name, or the next one a show has not used yet (names stay unique)."""
    for step in range(len(_EPISODE_WORDS)):
        word = _EPISODE_WORDS[(drawn + step) % len(_EPISODE_WORDS)]
        if word not in used:
            return word
    return f"Chapter {number}"  # a long show that used every name


@dataclass(frozen=True)
class Catalogue:
    """Everything that can be watched: one entry per movie or episode."""

    contentid: np.ndarray  # str
    title: np.ndarray  # str, "Show, Episode name" for episodes
    sessiontype: np.ndarray  # "MOVIE" | "SERIES"
    runningtime: np.ndarray  # int minutes
    seasonnumber: np.ndarray  # int, 0 for movies
    episodenumber: np.ndarray  # int, 0 for movies
    popularity: np.ndarray  # float, sums to 1


def _unique_titles(rng: np.random.Generator, count: int) -> list[str]:
    """Draw distinct made-up titles; a roman sequel number keeps them unique when words run out."""
    seen: set[str] = set()
    titles: list[str] = []
    sequel = ("", " II", " III", " IV", " V")
    attempts = 0
    while len(titles) < count:
        attempts += 1
        pattern = _PATTERNS[rng.integers(len(_PATTERNS))]
        title = pattern.format(
            adj=_ADJECTIVES[rng.integers(len(_ADJECTIVES))],
            noun=_NOUNS[rng.integers(len(_NOUNS))],
            place=_PLACES[rng.integers(len(_PLACES))],
        )
        if title.startswith("A ") and title[2] in "AEIOUÅÆØ":
            title = "An " + title[2:]  # "An Orchard in Turku"
        title += sequel[min(attempts // (count * 4 + 1), len(sequel) - 1)]
        if title not in seen:
            seen.add(title)
            titles.append(title)
    return titles


def build_catalogue(rows: int, seed: int) -> Catalogue:
    """Hundreds of movies and dozens of series (scaled to rows), with Zipf-like popularity."""
    rng = np.random.default_rng([seed, 1])
    n_movies = int(np.clip(rows // 300, 150, 1200))
    n_series = int(np.clip(rows // 2500, 25, 150))
    names = _unique_titles(rng, n_movies + n_series)
    movie_names, series_names = names[:n_movies], names[n_movies:]

    contentid, title, kind, runtime, season, episode, weight = [], [], [], [], [], [], []
    # Rank-based Zipf weights, shuffled so popularity is unrelated to generation order.
    movie_rank = rng.permutation(n_movies) + 1
    for i, name in enumerate(movie_names):
        contentid.append(f"{100000 + i * 7:07d}")
        title.append(name)
        kind.append("MOVIE")
        runtime.append(int(np.clip(rng.normal(108, 18), 75, 175)))
        season.append(0)
        episode.append(0)
        weight.append(1.0 / movie_rank[i] ** 1.05)

    series_rank = rng.permutation(n_series) + 1
    for s, show in enumerate(series_names):
        seasons = int(rng.integers(1, 6))
        per_season = int(rng.choice((6, 8, 10, 12)))
        length = int(rng.choice((24, 30, 45, 50, 58)))
        # Series together draw about as many views as movies; later episodes lose viewers.
        show_weight = 1.6 / series_rank[s] ** 1.05
        used: set[str] = set()
        for season_no in range(1, seasons + 1):
            for episode_no in range(1, per_season + 1):
                drawn = int(rng.integers(len(_EPISODE_WORDS)))
                if season_no == episode_no == 1:
                    word = "Pilot"
                else:
                    word = _unused_episode_name(drawn, used, len(used) + 1)
                used.add(word)
                contentid.append(f"{500000 + len(contentid) * 3:07d}")
                title.append(f"{show}, {word}")
                kind.append("SERIES")
                runtime.append(int(np.clip(length + rng.integers(-4, 5), 18, 75)))
                season.append(season_no)
                episode.append(episode_no)
                decay = 0.93 ** (episode_no - 1) * 0.7 ** (season_no - 1)
                weight.append(show_weight * decay / per_season)

    popularity = np.asarray(weight)
    return Catalogue(
        contentid=np.asarray(contentid, dtype=object),
        title=np.asarray(title, dtype=object),
        sessiontype=np.asarray(kind, dtype=object),
        runningtime=np.asarray(runtime, dtype=np.int64),
        seasonnumber=np.asarray(season, dtype=np.int64),
        episodenumber=np.asarray(episode, dtype=np.int64),
        popularity=popularity / popularity.sum(),
    )


@dataclass(frozen=True)
class Users:
    """The audience: ids, a favourite device, a market and how active each one is."""

    userid: np.ndarray
    device: np.ndarray  # index into DEVICES
    market: np.ndarray  # index into MARKETS
    activity: np.ndarray  # float, sums to 1


def build_users(rows: int, seed: int) -> Users:
    """Thousands of users (about one per 20 events), a few heavy viewers and many light ones."""
    rng = np.random.default_rng([seed, 2])
    count = int(np.clip(rows // 20, 200, 500_000))
    raw = rng.integers(0, 2**63 - 1, size=(count, 2), dtype=np.int64)
    userid = np.asarray([f"{a:016x}{b:016x}" for a, b in raw.tolist()], dtype=object)
    activity = rng.pareto(1.6, count) + 0.2
    return Users(
        userid=userid,
        device=rng.choice(len(DEVICES), size=count, p=DEVICE_WEIGHTS),
        market=rng.choice(len(MARKETS), size=count, p=MARKET_WEIGHTS),
        activity=activity / activity.sum(),
    )


def day_weights() -> np.ndarray:
    """Share of events per day: weekly seasonality times growth over the year."""
    start = END_DATE - dt.timedelta(days=DAYS - 1)
    weekdays = np.asarray([(start + dt.timedelta(days=i)).weekday() for i in range(DAYS)])
    growth = np.linspace(1.0, 1.8, DAYS)
    weights = np.asarray(WEEKDAY_FACTORS)[weekdays] * growth
    return weights / weights.sum()


_TIMES = [f"{s // 3600:02d}:{s // 60 % 60:02d}:{s % 60:02d}" for s in range(86400)]


def _day_rows(day: int, count: int, seed: int, cat: Catalogue, users: Users) -> list[tuple]:
    """Generate one day's events, sorted by time; seeded per day so chunking never changes them."""
    rng = np.random.default_rng([seed, 3, day])
    date_text = (END_DATE - dt.timedelta(days=DAYS - 1 - day)).isoformat() + " "
    hours = np.asarray(HOUR_WEIGHTS, dtype=float)
    seconds = rng.choice(24, size=count, p=hours / hours.sum()) * 3600 + rng.integers(
        0, 3600, count
    )
    seconds.sort()

    user = rng.choice(len(users.userid), size=count, p=users.activity)
    # Mostly the user's own device; sometimes another one.
    device = np.where(
        rng.random(count) < 0.8,
        users.device[user],
        rng.choice(len(DEVICES), size=count, p=DEVICE_WEIGHTS),
    )
    item = rng.choice(len(cat.title), size=count, p=cat.popularity)
    runtime = cat.runningtime[item]

    # Watched share: many finish, many give up early, a few rewatch parts (beyond 100 %).
    finish = rng.random(count)
    share = np.where(
        finish < 0.45,
        rng.uniform(0.9, 1.0, count),
        np.where(finish < 0.95, rng.beta(1.3, 2.2, count), rng.uniform(1.0, 1.4, count)),
    )
    minutes = np.maximum(1, np.rint(share * runtime)).astype(np.int64)
    percentage = np.round(minutes / runtime * 100, 2)
    has_error = rng.random(count) < 0.07
    error = np.round(rng.exponential(0.8, count), 2)

    # About 4 % of events lack metadata, as in the real data: no title, sessiontype or runtime.
    missing = rng.random(count) < EMPTY_TITLE_SHARE
    is_series = cat.sessiontype[item] == "SERIES"

    contentid = cat.contentid[item].tolist()
    title = np.where(missing, "", cat.title[item]).tolist()
    kind = np.where(missing, "", cat.sessiontype[item]).tolist()
    runtime_out = np.where(missing, None, runtime.astype(object)).tolist()
    pct_out = np.where(missing, None, percentage.astype(object)).tolist()
    err_out = np.where(has_error, error.astype(object), None).tolist()
    keep_episode = is_series & ~missing
    season_out = np.where(keep_episode, cat.seasonnumber[item].astype(object), None).tolist()
    episode_out = np.where(keep_episode, cat.episodenumber[item].astype(object), None).tolist()
    dates = [date_text + _TIMES[s] for s in seconds.tolist()]
    devices = np.asarray(DEVICES, dtype=object)[device].tolist()
    markets = np.asarray(MARKETS, dtype=object)[users.market[user]].tolist()
    return list(
        zip(
            dates,
            users.userid[user].tolist(),
            contentid,
            devices,
            markets,
            minutes.tolist(),
            runtime_out,
            pct_out,
            err_out,
            kind,
            title,
            season_out,
            episode_out,
            strict=True,
        )
    )


def iter_demo_chunks(rows: int, seed: int = 0):
    """Yield lists of row tuples (date order), about CHUNK_ROWS at a time, totalling `rows`."""
    if rows <= 0:
        return
    cat = build_catalogue(rows, seed)
    users = build_users(rows, seed)
    per_day = np.random.default_rng([seed, 4]).multinomial(rows, day_weights())
    batch: list[tuple] = []
    for day, count in enumerate(per_day.tolist()):
        if count:
            batch.extend(_day_rows(day, count, seed, cat, users))
        if len(batch) >= CHUNK_ROWS:
            yield batch
            batch = []
    if batch:
        yield batch


def generate_demo(
    target: EventStore | str | os.PathLike,
    rows: int = 100_000,
    seed: int = 0,
    progress: bool = False,
) -> int:
    """Replace the events of the store (or SQLite file) with `rows` demo events, atomically;
    return rows written."""
    if rows < 0:
        raise ValueError("rows must be zero or more")
    store = as_store(target)
    writer = open_writer(store)
    bar = None
    if progress:
        from tqdm import tqdm

        bar = tqdm(total=rows, unit="rows", desc="demo data", unit_scale=True, mininterval=0.5)
    written = 0
    # A SQLite rollup is encoded from the rows as they are made: no second pass over the table.
    # Within the store's bounds, as a rebuild reads them (a clock set before the last demo day
    # leaves the later rows out).
    now = store.bounds.clock()
    encoder = RowEncoder(store.bounds.zones) if writer.encodes_rows else None
    try:
        writer.begin()
        writer.clear()
        for chunk in iter_demo_chunks(rows, seed):
            writer.insert(chunk)
            if encoder is not None:
                encoder.add(chunk)
            written += len(chunk)
            if bar is not None:
                bar.update(len(chunk))
        writer.set_demo_flag(True)
        writer.publish(encoder, now=now)
        writer.commit()
    except BaseException:
        writer.rollback()
        raise
    finally:
        if bar is not None:
            bar.close()
        writer.close()
    writer.after_commit()
    return written
