"""What the incremental-rollup properties share: random events and steps, the writers, answers."""

from __future__ import annotations

import datetime as dt
from typing import NamedTuple

from hypothesis import strategies as st

from data.events.catalog import DIMENSION_NAMES, METRIC_NAMES
from data.events.ingest.csv_import import import_records
from data.events.params import COHORT_DEFINITIONS, COHORT_RESOLUTIONS, Filters
from data.events.periods import RESOLUTIONS

FIRST_DAY = dt.date(2013, 7, 1)
SPAN_DAYS = 245  # to early March 2014: eight month boundaries, a year boundary
# Month and year boundaries, and a week that spans two months (Mon 2013-09-30 .. Sun 10-06).
EDGE_DAYS = tuple(
    dt.date.fromisoformat(day)
    for day in (
        "2013-07-01", "2013-08-31", "2013-09-01", "2013-09-29", "2013-09-30", "2013-10-01",
        "2013-10-06", "2013-10-07", "2013-10-31", "2013-11-01", "2013-12-31", "2014-01-01",
        "2014-02-28", "2014-03-01",
    )
)  # fmt: skip
FIXED_RANGES = (  # besides the whole span
    (dt.date(2013, 9, 30), dt.date(2013, 10, 6)),  # the week across two months
    (dt.date(2013, 8, 15), dt.date(2014, 1, 20)),  # many months, cut inside the first and last
)
# (title, sessiontype, season, episode, runningtime, contentid): two movies, two shows with
# seasons (one naming every episode after the show, as real feeds do), an untitled row.
ITEMS = (
    ("Heat", "MOVIE", None, None, 170, "101"),
    ("Up", "MOVIE", None, None, 96, "102"),
    ("Lost, Pilot", "SERIES", 1, 1, 42, "201"),
    ("Lost, Tabula Rasa", "SERIES", 1, 2, 43, "202"),
    ("Lost, Man of Science", "SERIES", 2, 1, 44, "203"),
    ("Skam, Skam", "SERIES", 1, 1, 25, "301"),
    ("Skam, Skam", "SERIES", 1, 2, 26, "302"),
    ("Skam, Skam", "SERIES", 2, 1, 24, "303"),
    ("", "", None, None, None, "900"),
)
SHOWS = ("Lost", "Skam")
MOVIES = ("Heat", "Up")
SESSIONTYPES = ("MOVIE", "SERIES", None)
DIMENSIONS = DIMENSION_NAMES
# How another program may write a date: as Reelboard does, with a T, a bare day, none at all,
# or a sentinel far in the future (left out, counted by left_out).
DATE_KINDS = ("plain",) * 6 + ("T", "day", "null", "far")
ROW_SQL = f"INSERT INTO movies VALUES ({', '.join('?' * 13)})"


class Event(NamedTuple):
    """One viewing as the strategies draw it; rows() turns it into a store's values."""

    when: dt.datetime
    user: str | None
    item: int
    device: str | None
    market: str | None
    minutes: int | float
    percent: float | None
    runtime_known: bool
    date_kind: str


days = st.one_of(
    st.sampled_from(EDGE_DAYS), st.integers(0, SPAN_DAYS).map(lambda n: FIRST_DAY + dt.timedelta(n))
)
times = st.one_of(
    st.sampled_from([dt.time(0, 0), dt.time(23, 59, 59)]),
    st.integers(0, 86399).map(lambda s: dt.time(s // 3600, s // 60 % 60, s % 60)),
)
moments = st.builds(dt.datetime.combine, days, times)
# Users seen before, new users (a fresh number), and none at all.
users = st.one_of(
    st.sampled_from(["u1", "u2", "u3", "u4", "u5", None]),
    st.integers(0, 999).map(lambda n: f"new{n:03d}"),
)


plain_minutes = st.integers(0, 200)  # an import takes whole minutes only


def events(date_kinds=("plain",), minutes=plain_minutes):
    """Events; another program may write other date forms and half minutes."""
    return st.builds(
        Event,
        when=moments,
        user=users,
        item=st.integers(0, len(ITEMS) - 1),
        device=st.sampled_from(["iPad", "Roku", "Computer", "Android", "", None]),
        market=st.sampled_from(["NO", "SE", "DK", "", None]),
        minutes=minutes,
        percent=st.one_of(st.none(), st.sampled_from([10.0, 50.5, 89.9, 90.0, 100.0, 120.0])),
        runtime_known=st.sampled_from([True, True, True, False]),  # Top 10 needs a runtime
        date_kind=st.sampled_from(date_kinds),
    )


# Half minutes add up exactly in any order, so a merge and a full build must agree exactly.
other_minutes = st.one_of(st.integers(0, 200), st.sampled_from([0.5, 12.5]))
positions = st.integers(0, 1000)  # which row, as a fraction of the table: often a middle one


class Import(NamedTuple):
    """An import through Reelboard (import_records)."""

    events: list


class Write(NamedTuple):
    """Another program's commit: rows appended, rows moved to another day, rows deleted."""

    events: list
    moves: list  # (position, new moment, new device)
    deletes: list  # positions


imports = st.builds(Import, st.lists(events(), min_size=1, max_size=8))
# A commit that only rewrites rows in the middle of a SQLite table (count and edges unchanged)
# is not a new version until the next write (README, "An in-place UPDATE"): moves come with
# rows appended or deleted in the same commit.
writes = st.builds(
    Write,
    st.lists(events(DATE_KINDS, other_minutes), max_size=6),
    st.lists(st.tuples(positions, moments, st.sampled_from(["iPad", "Roku", "Tizen"])), max_size=2),
    st.lists(positions, max_size=2),
).filter(lambda w: w.events or w.deletes)
steps = st.lists(st.one_of(imports, writes), min_size=1, max_size=4)
first_steps = st.builds(Import, st.lists(events(), min_size=3, max_size=20))


def ranges(count: int = 2):
    """Random sub-ranges (start <= end) over the span and a little past it, some filtered."""
    day = st.integers(-10, SPAN_DAYS + 10).map(lambda n: FIRST_DAY + dt.timedelta(n))
    where = st.sampled_from(
        [{}, {}, {"market": {"NO"}}, {"sessiontype": {"SERIES"}}, {"season": {"1"}}]
    )
    return st.lists(st.tuples(day, day, where), min_size=1, max_size=count)


def sql_date(event: Event):
    """event_date as another program writes it to SQLite."""
    kind = event.date_kind
    if kind == "null":
        return None
    if kind == "far":
        return "9999-12-31 00:00:00"
    form = {"plain": "%Y-%m-%d %H:%M:%S", "T": "%Y-%m-%dT%H:%M:%S", "day": "%Y-%m-%d"}[kind]
    return event.when.strftime(form)


def pg_date(event: Event):
    """event_date as another program writes it to PostgreSQL (a timestamp column)."""
    kind = event.date_kind
    if kind == "null":
        return None
    if kind == "far":
        return dt.datetime(9999, 12, 31)
    return dt.datetime.combine(event.when.date(), dt.time()) if kind == "day" else event.when


def values(event: Event, date) -> tuple:
    """The 13 columns of an event, its date given."""
    title, sessiontype, season, episode, runtime, content = ITEMS[event.item]
    runtime = runtime if event.runtime_known else None
    return (
        date, event.user, content, event.device, event.market, event.minutes, runtime,
        event.percent, None, sessiontype, title, season, episode,
    )  # fmt: skip


def csv_fields(event: Event) -> list[str]:
    """The 13 fields of an event as a CSV file has them ('' for anything missing)."""
    row = values(event, event.when.strftime("%Y-%m-%d %H:%M:%S"))
    return ["" if value is None else str(value) for value in row]


def import_events(target, events_: list) -> None:
    """Append through Reelboard's import: one transaction, the writer publishes the rollup."""
    result = import_records(target, [(n + 1, csv_fields(e)) for n, e in enumerate(events_)])
    assert (result.imported, result.rejected) == (len(events_), 0), result.summary_lines()


def pick(keys: list, position: int):
    """The key at a position (0..1000 across the table), taken out of keys; None if empty."""
    if not keys:
        return None
    return keys.pop(position * len(keys) // 1001)


# -- answers ---------------------------------------------------------------------------------


def _ask(out: dict, key, call, *args) -> None:
    """Record an answer as its repr: numbers keep their type (1 is not 1.0, nor np.int64(1)),
    NaN equals itself, and keys keep their order, as a JSON answer would."""
    try:
        out[key] = repr(call(*args))
    except Exception as error:  # an error is an answer too, and must match
        out[key] = f"raised {type(error).__name__}: {error}"


def _week_choices(engine) -> tuple:
    weeks, default, partial = engine.top10_week_choices()
    return weeks, default, sorted(partial)  # a set's order is no part of the answer


def filters_of(spans, step: int | None = None) -> list[Filters]:
    """The whole span, then the other fixed ranges and the drawn ones (start, end, where):
    all of them, or with step one of them by turns."""
    others = [Filters.of(a, b) for a, b in FIXED_RANGES]
    others += [Filters.of(min(a, b), max(a, b), **where) for a, b, where in spans]
    return [Filters(), *(others if step is None else [others[step % len(others)]])]


def answers(engine, filters_list: list[Filters], step: int | None = None) -> dict:
    """Every kind of answer the engine gives, for each filter, keyed by what was asked. With
    step, the breakdowns and a show's page at each resolution are asked a third at a time, by
    turns (a sequence of steps asks them all); without, all of them every time."""
    out: dict = {}
    for name in ("version", "row_count", "date_bounds", "is_demo"):
        _ask(out, name, getattr(engine, name))
    # The rows left out, and the earliest date allowed; the latest moves with the clock, which
    # may pass midnight between two builds.
    _ask(out, "left_out", lambda: (engine.left_out()[0], (engine.left_out()[1] or ("",))[0]))
    for text in ("", "Lost", "skam"):
        _ask(out, ("search", text), engine.search_titles, text)
    _ask(out, "top10_week_choices", _week_choices, engine)
    try:
        weeks = engine.top10_week_choices()[0]
    except Exception:  # recorded above
        weeks = []
    for sessiontype in SESSIONTYPES:
        for week in [None, *weeks]:  # every week's list, each with the weeks before it
            _ask(out, ("top10", week, sessiontype), engine.top10, week, sessiontype)
    for number, f in enumerate(filters_list):
        turns = None if step is None else iter(range(step + number, 10**6))
        _filtered_answers(out, engine, f, turns)
    return out


def _filtered_answers(out: dict, engine, f: Filters, turns) -> None:
    def now() -> bool:  # this combination's turn (always, when asking everything)
        return turns is None or next(turns) % 3 == 0

    dims = Filters(where=f.where)  # the Top 10 takes no dates: a week is its range
    for sessiontype in SESSIONTYPES:
        _ask(out, (f, "top10", sessiontype), engine.top10, None, sessiontype, dims)
    _ask(out, (f, "kpis"), engine.kpis, f)
    _ask(out, (f, "untitled"), engine.untitled_views, f)
    _ask(out, (f, "dimensions"), engine.dimensions, f.start, f.end)
    _ask(out, (f, "stickiness"), engine.stickiness, f)
    for metric in ("views", "unique_users", "minutes_watched"):  # hours and users per hour
        _ask(out, (f, "when", metric), engine.when, metric, f)
    for resolution in RESOLUTIONS:
        _ask(out, (f, "distribution", resolution), engine.distribution, resolution, f)
        _ask(out, (f, "compare", resolution), engine.kpis_answer, f, "previous", resolution)
        _ask(out, (f, "lifecycle", resolution), engine.lifecycle, resolution, f)
        for metric in METRIC_NAMES:
            _ask(out, (f, metric, resolution), engine.timeseries, metric, resolution, f)
            for dimension in DIMENSIONS:
                if now():
                    args = (metric, resolution, f, dimension, 2)  # limit 2: (other) appears
                    _ask(out, (f, "breakdown", *args), engine.breakdown, *args)
        for show in SHOWS:  # with its seasons and its episodes' drop-off
            if now():
                _ask(out, (f, "series", show, resolution), engine.title, f, resolution, None, show)
    for resolution in COHORT_RESOLUTIONS:
        for cohort in COHORT_DEFINITIONS:
            args = (resolution, 6, f, cohort)
            _ask(out, (f, "retention", *args), engine.retention, *args)
    for level in ("title", "season", "series"):
        _ask(out, (f, "toplist", level), engine.toplist, 50, f, level)
        _ask(out, (f, "details", level), engine.toplist_details, 50, f, level)
    for title in (*MOVIES, "Lost, Pilot", "Skam, Skam"):
        _ask(out, (f, "title", title), engine.title, f, "weekly", title)


def differences(got: dict, expected: dict, limit: int = 5) -> list[str]:
    """The first answers that differ, each with both sides (shortened)."""

    def short(text) -> str:
        text = str(text)
        return text if len(text) < 600 else text[:600] + "..."

    keys = [k for k in {**expected, **got} if got.get(k, "<none>") != expected.get(k, "<none>")]
    return [
        f"{key!r}\n  incremental: {short(got.get(key))}\n  full build:  {short(expected.get(key))}"
        for key in keys[:limit]
    ] + ([f"... {len(keys) - limit} more"] if len(keys) > limit else [])
