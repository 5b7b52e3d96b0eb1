"""Random scopes and requests for the scope tests, and every answer the analytics gives them."""

from __future__ import annotations

import datetime as dt
import random

from data.events.catalog import DIMENSION_NAMES, DIMENSIONS, METRIC_NAMES, NONE
from data.events.params import COHORT_DEFINITIONS, COHORT_RESOLUTIONS, Filters
from data.events.periods import RESOLUTIONS
from tests.unit.route_fixture import EPISODES, FIRST_DAY, MOVIES

COLUMN_INDEX = {"sessiontype": 9, "device": 3, "market": 4, "season": 11}
# Values of every dimension, and some no event has.
KNOWN = {
    "sessiontype": ["MOVIE", "SERIES", NONE],
    "device": ["iPad", "Computer", "Smart TV", NONE, "Toaster"],
    "market": ["NO", "SE", "DK", NONE, "XX"],
    "season": ["1", "2", NONE, "7"],
}
SHOWS = ["Mad Men", "Borgen", "Skam", "Nope"]
TITLES = [title for title, _ in MOVIES] + [f"{show}, {name}" for show, _, _, name, _ in EPISODES]
TITLES += ["Not a title"]


def random_scope(rng: random.Random) -> dict[str, frozenset[str]]:
    """One to three dimensions, each limited to some of its values (possibly none of them)."""
    names = rng.sample(DIMENSION_NAMES, rng.randint(1, 3))
    return {name: frozenset(rng.sample(KNOWN[name], rng.randint(0, 3))) for name in names}


def within(row: tuple, scope: dict) -> bool:
    """Is the stored row within the scope, its values named as the catalog names them?"""
    by_name = {d.name: d for d in DIMENSIONS}
    return all(
        by_name[name].value_of(row[COLUMN_INDEX[name]]) in allowed
        for name, allowed in scope.items()
    )


def _day(rng: random.Random) -> dt.date | None:
    if rng.random() < 0.3:
        return None
    return FIRST_DAY + dt.timedelta(days=rng.randint(-10, 80))


def random_filters(rng: random.Random) -> Filters:
    start, end = _day(rng), _day(rng)
    if start and end and start > end:
        start, end = end, start
    where = {
        name: rng.sample(KNOWN[name], rng.randint(1, 2))
        for name in rng.sample(DIMENSION_NAMES, rng.randint(0, 2))
    }
    return Filters.of(start, end, **where)


def _asked(out: dict, key, ask, *args) -> None:
    """The answer, or the error (its kind and its message) the question gets."""
    try:
        out[key] = ask(*args)
    except LookupError as error:
        out[key] = (type(error).__name__, str(error))


def answers(engine, rng: random.Random, requests: int = 3) -> dict:
    """Every kind of question, on random requests (the same for both engines given the same
    rng state)."""
    out = {"bounds": engine.date_bounds(), "rows": engine.row_count()}
    out["left_out"] = engine.left_out()
    out["weeks"] = engine.top10_week_choices()
    out["dimensions"] = engine.dimensions()
    for n in range(requests):
        f = random_filters(rng)
        metric, resolution = rng.choice(METRIC_NAMES), rng.choice(RESOLUTIONS)
        for m in METRIC_NAMES:
            out[n, "ts", m] = engine.timeseries(m, rng.choice(RESOLUTIONS), f)
        for dimension in DIMENSION_NAMES:
            out[n, "bd", dimension] = engine.breakdown(
                metric, resolution, f, dimension, rng.randint(1, 4)
            )
        for level in ("title", "season", "series"):
            out[n, "top", level] = engine.toplist(rng.randint(1, 30), f, level)
            out[n, "details", level] = engine.toplist_details(10, f, level)
        out[n, "kpis"] = engine.kpis_answer(f, None, resolution)
        for r in RESOLUTIONS:
            out[n, "compare", r] = engine.kpis_answer(f, "previous", r)
        out[n, "untitled"] = engine.untitled_views(f)
        out[n, "dims"] = engine.dimensions(f.start, f.end)
        out[n, "search"] = engine.search_titles(rng.choice(["e", "Mad", "en", "o", "Heat", "x"]))
        for title in rng.sample(TITLES, 3):
            _asked(out, (n, "title", title), engine.title, f, resolution, title)
        for show in rng.sample(SHOWS, 2):
            _asked(out, (n, "series", show), engine.title, f, resolution, None, show)
        kind = rng.choice([None, "MOVIE", "SERIES"])
        week = rng.choice([None, FIRST_DAY + dt.timedelta(weeks=rng.randint(-1, 11))])
        out[n, "top10", week, kind] = engine.top10(week, kind, f if rng.random() < 0.3 else None)
        for cohort in COHORT_DEFINITIONS:
            out[n, "retention", cohort] = engine.retention(
                rng.choice(COHORT_RESOLUTIONS), rng.randint(1, 6), f, cohort
            )
        out[n, "lifecycle"] = engine.lifecycle(rng.choice(RESOLUTIONS), f)
        out[n, "binge"] = engine.binge(f, rng.randint(1, 5))
        out[n, "stickiness"] = engine.stickiness(f)
        for metric in ("views", "unique_users", "minutes_watched"):
            out[n, "when", metric] = engine.when(metric, f)
        out[n, "distribution"] = engine.distribution(RESOLUTIONS[n % len(RESOLUTIONS)], f)
    return out
