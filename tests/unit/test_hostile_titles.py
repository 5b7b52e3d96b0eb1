"""Hostile tests of the title insights, Top 10, retention and lifecycle (routes and page): each one
is a confirmed problem, failing until it is fixed."""

from __future__ import annotations

import tracemalloc
from urllib.parse import quote

import pytest

from callbacks.state import ViewState, from_query
from layouts import ids
from testkit.dash_client import DashCallbacks
from tests.unit.callback_support import STATE_KEY, _state
from tests.unit.test_title_insights import M, S, event, get


def _peak_bytes(client, url: str) -> tuple[int, int]:
    """(status, peak bytes traced by Python while answering url)."""
    tracemalloc.start()
    try:
        response = client.get(url)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    return response.status_code, peak


# -- a movie whose title is also a season's or a show's name -------------------------------------

# Show: season 1 of two episodes; a movie called "Show" and one called "Show: Season 3" (the name
# season 3 of the show rolls up to), and season 3's one episode.
COLLIDING = [
    event("2025-03-03", "a", "Show", M, minutes=50, runtime=100),
    event("2025-03-03", "a", "Show, Pilot", S, minutes=40, runtime=40, season=1, episode=1),
    event("2025-03-03", "b", "Show, Second", S, minutes=45, runtime=45, season=1, episode=2),
    event("2025-03-04", "a", "Show: Season 3", M, minutes=90, runtime=90),
    event("2025-03-04", "b", "Show: Season 3", M, minutes=90, runtime=90),
    event("2025-03-04", "a", "Show, Third", S, minutes=30, runtime=30, season=3, episode=1),
]


def test_top10_movie_named_like_a_season_keeps_its_own_runtime(serve):
    """A movie's runtime_hours is its runningtime (title_insights docstring); the movie
    "Show: Season 3" (90 min, 3 h watched) gets season 3's 30 minutes instead, so 6 views."""
    client = serve(COLLIDING)
    movies = get(client, "/data/top10/?week=2025-03-03&sessiontype=MOVIE")
    entry = next(e for e in movies if e["title"] == "Show: Season 3")
    assert entry["runtime_hours"] == 1.5
    assert entry["hours_viewed"] == 3.0
    assert entry["views"] == 2.0


def test_top10_keeps_a_movie_and_a_season_of_the_same_name_apart(serve):
    """ "a movie is one entry, a season of a series one entry": both lists together hold the
    movie (3 h) and season 3 (0.5 h) as two entries, not one of 3.5 h."""
    client = serve(COLLIDING)
    both = get(client, "/data/top10/?week=2025-03-03")
    named = sorted(e["hours_viewed"] for e in both if e["title"] == "Show: Season 3")
    assert named == [0.5, 3.0]


def test_series_toplist_counts_what_the_show_s_view_counts(serve):
    """level=series: the bar "Show" opens ?series=Show (3 views); the movie "Show" (1 view) is
    another entry, not added into the show's bar (which says 4)."""
    client = serve(COLLIDING)
    show = get(client, "/data/title/?series=Show")["kpis"]["views"]
    assert show == 3
    toplist = get(client, "/data/toplist/?level=series&num=50")
    named = sorted(e["values"] for e in toplist if e["title"] == "Show")
    assert named == [1, show]


def test_season_toplist_keeps_a_movie_apart_from_the_season_of_its_name(serve):
    """level=season: season 3 of Show (1 view) and the movie "Show: Season 3" (2 views) are two
    entries; they are summed into one of 3."""
    client = serve(COLLIDING)
    toplist = get(client, "/data/toplist/?level=season&num=50")
    named = sorted(e["values"] for e in toplist if e["title"] == "Show: Season 3")
    assert named == [1, 2]


# -- numbers past int32 ------------------------------------------------------------------------


def test_a_season_number_past_int32_is_kept(serve):
    """seasonnumber 2147483648 (2**31) is a known number, but the rollup's int32 cast turns it
    into "unknown": the season level shows the show alone and the show's view season None."""
    client = serve(
        [event("2025-03-03", "a", "Big, Ep", S, season=2**31, episode=1)],
    )
    assert get(client, "/data/toplist/?level=season") == [
        {"title": f"Big: Season {2**31}", "values": 1}
    ]
    assert get(client, "/data/title/?series=Big")["seasons"][0]["season"] == 2**31


# -- long titles ---------------------------------------------------------------------------------


def test_a_long_title_the_toplist_names_can_be_opened(serve):
    """The tutorial table may hold a title of any length; the toplist names it, and /data/title/
    (whose title is "a title as the toplist names it") refuses it with a 400."""
    long_title = "L" * 600
    client = serve([event("2025-03-03", "a", long_title, M)])
    assert get(client, "/data/toplist/") == [{"title": long_title, "values": 1}]
    answer = client.get(f"/data/title/?title={quote(long_title)}")
    assert answer.status_code == 200, answer.get_json()


def test_the_page_reads_back_the_link_it_writes_for_a_long_title():
    """A title of 460 CJK characters (within the 500 allowed) makes a link of over 4,096
    characters: the page writes it, and on reload refuses it and shows the default view."""
    state = ViewState(title="界" * 460)
    link = state.query()
    read, notices = from_query(link)
    assert notices == []
    assert read == state


# -- memory --------------------------------------------------------------------------------------


def test_top10_does_not_allocate_weeks_times_titles(serve):
    """One stray event in 1970 and 2,000 titles: top10_weeks builds a (weeks x entries) float
    matrix, twice (minutes and hours): ~90 MB for a list of ten (~200 MB from 1900, a date
    now left out)."""
    rows = [event("1970-01-01", "u", "T-old", M)]
    rows += [event(f"2025-03-{1 + i % 28:02d}", f"u{i}", f"T{i}", M) for i in range(2_000)]
    client = serve(rows)
    get(client, "/data/views/")  # the rollup is built outside the measurement
    status, peak = _peak_bytes(client, "/data/top10/")
    assert status == 200
    assert peak < 50 * 2**20, f"{peak / 2**20:.0f} MiB for the Top 10"


def test_lifecycle_from_year_one_does_not_allocate_a_bitmap_of_empty_weeks(serve):
    """start=0001-01-01: the bitmap spans ~105,000 weeks x 2,000 users (~210 MB) though the data
    holds one month; /data/views/ over the same range peaks near 40 MB."""
    rows = [event(f"2025-03-{1 + i % 28:02d}", f"u{i % 2_000}", "T", M) for i in range(4_000)]
    client = serve(rows)
    get(client, "/data/views/")
    status, peak = _peak_bytes(client, "/data/lifecycle/?start=0001-01-01&end=2025-12-31")
    assert status == 200
    assert peak < 120 * 2**20, f"{peak / 2**20:.0f} MiB for the lifecycle"


def test_stray_rows_at_the_bounds_leave_the_top10_weeks_short(serve):
    """One row dated on the earliest day allowed and one on the latest: the week select listed
    every week between (2,945 options here; 521,724 for 0001-01-01..9999-12-31, which are now
    left out, see test_event_date_bounds.py). It lists the weeks with a Top 10."""
    rows = [
        event("1970-01-01", "a", "Old", M, runtime=90),
        event("2025-03-03", "a", "Film", M, runtime=90),
        event("2025-03-12", "b", "Film", M, runtime=90),
        event("2026-06-02", "c", "Late", M, runtime=90),
    ]
    client = serve(rows, EVENTS_NOW="2026-06-01T12:00:00+00:00")
    dash_api = DashCallbacks.for_flask(client)
    weeks = dash_api.response(ids.TOP10_WEEK, "options", {})[ids.TOP10_WEEK]["options"]
    assert [w["value"] for w in weeks] == [
        "latest", "2026-06-01", "2025-03-10", "2025-03-03", "1969-12-29",
    ]  # fmt: skip
    assert weeks[0]["label"] == "Latest complete week (Week of 25 May 2026)"


# -- the page ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("key", "value"), [("level", "x"), ("top10", "movie"), ("week", "2025-03-04")]
)
def test_a_bad_state_without_a_title_keeps_the_overview(client, key, value):
    """A state store with a bad Top 10 or toplist value and no title open: the title view's
    callback fails and hides the overview, opening an empty title view with the error."""
    dash_api = DashCallbacks.for_flask(client)
    response = dash_api.response(
        ids.OVERVIEW,
        "hidden",
        {STATE_KEY: _state(**{key: value}), f"{ids.THEME_SWITCH}.value": False},
    )
    assert response.get(ids.OVERVIEW, {}).get("hidden") is not True
