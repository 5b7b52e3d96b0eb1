"""The table of questions: each analysis with its parameters, its computation and its answer."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from data.events.catalog import METRICS, OTHER, Metric
from data.events.questions import answers, viewing_answers
from data.events.questions.parameters import (
    BINGE_LIMIT_PART,
    BREAKDOWN_PART,
    CHANGES_PART,
    COHORT_PART,
    COHORT_RESOLUTION_PART,
    COMPARE_PART,
    DATES_PART,
    FILTERS_PART,
    LEVEL_PART,
    LIFECYCLE_RESOLUTION_PART,
    LIMIT_PART,
    METRIC_PART,
    NUM_PART,
    PERIODS_PART,
    RESOLUTION_PART,
    TITLE_PART,
    TOP10_PART,
    Param,
    Part,
)
from data.events.questions.shape_parameters import PER_PART, WHEN_METRIC_PART

if TYPE_CHECKING:
    from data.events.analysis.analytics import EventsAnalytics


@dataclass(frozen=True)
class Question:
    """One analysis as every front end asks it: /data, the MCP tools and OpenAPI read this."""

    name: str  # the MCP tool's name
    path: str  # its /data route; {metric} stands for every catalog metric
    parts: tuple[Part, ...]  # its parameters, in the order they are parsed
    compute: Callable[..., Any]  # (analytics, **the parts' keywords) -> the JSON answer
    summary: str  # one line
    answer: str  # what the answer holds
    schema: Any  # the answer's JSON schema, or a function of the metric for {metric} paths
    details: str = ""  # more on how it counts, when a line is not enough
    # Refusals other than a bad parameter's 400 (status -> when), e.g. an unknown title's 404.
    refusals: dict[str, str] = field(default_factory=dict)

    def answer_schema(self, metric: Metric = METRICS[0]) -> dict:
        """The answer's JSON schema (for a {metric} path, that of the metric)."""
        return self.schema(metric) if callable(self.schema) else self.schema

    @property
    def params(self) -> tuple[Param, ...]:
        """Every parameter it takes, in order."""
        return tuple(param for part in self.parts for param in part.params)

    def parse(self, args: Mapping, required: bool = True) -> dict[str, Any]:
        """The computation's keywords from the arguments (InvalidParameter when one is bad);
        required=False lets a part it needs read None (another question of its path answers)."""
        parsed: dict[str, Any] = {}
        for part in self.parts:
            parsed.update(part.parse(args, required))
        return parsed

    def ask(self, analytics: EventsAnalytics, args: Mapping) -> Any:
        """Parse the arguments and compute the answer."""
        return self.compute(analytics, **self.parse(args))


QUESTIONS: tuple[Question, ...] = (
    Question(
        "timeseries",
        "/data/{metric}/",
        (METRIC_PART, RESOLUTION_PART, FILTERS_PART),
        lambda a, metric, resolution, filters: a.timeseries(metric, resolution, filters),
        "A metric per day, week or month.",
        'One entry per period, [{"date": "YYYY-MM-DD", "values": number}, ...] in date order, '
        "zero-filled from the first to the last matching event, or across start..end when "
        "given. completion_rate is completed views (viewpercentage >= 90) over views with a "
        "known viewpercentage, 0 to 1 with 4 decimals, null for a period without such views.",
        answers.points,
    ),
    Question(
        "breakdown",
        "/data/{metric}/",
        (METRIC_PART, BREAKDOWN_PART, LIMIT_PART, RESOLUTION_PART, FILTERS_PART),
        lambda a, metric, breakdown, limit, resolution, filters: a.breakdown(
            metric, resolution, filters, breakdown, limit
        ),
        "A metric per period and per value of a dimension.",
        'One entry per period and group, [{"date": "YYYY-MM-DD", "<breakdown>": value, '
        '"values": number}, ...] by date, then by the group\'s rank: the `limit` values with '
        f"the most of the metric over the whole range, then all other values together as "
        f'"{OTHER}", zero-filled.',
        answers.points,
    ),
    Question(
        "toplist",
        "/data/toplist/",
        (NUM_PART, LEVEL_PART, FILTERS_PART),
        lambda a, num, level, filters: a.toplist(num, filters, level),
        "The most viewed titles, seasons or shows (views = events), ties by name; no empty titles.",
        '[{"title": "...", "values": views}, ...], most viewed first.',
        answers.TOPLIST,
    ),
    Question(
        "kpis",
        "/data/kpis/",
        (FILTERS_PART, COMPARE_PART, RESOLUTION_PART),
        lambda a, filters, compare, resolution: a.kpis_answer(filters, compare, resolution),
        "The headline numbers of the filtered events, optionally with the previous range's.",
        "Every metric over the range and completed_views, with compare=previous also "
        '"previous" (the same numbers) and "previous_range" ({"start", "end"}, null without '
        "a range).",
        answers.kpis(),
    ),
    Question(
        "dimensions",
        "/data/dimensions/",
        (DATES_PART,),
        lambda a, start, end: a.dimensions(start, end),
        "Each dimension's values with their views over start..end, most viewed first: the "
        "values the other questions' filters and breakdowns take.",
        '{"<dimension>": [{"value": "...", "views": N}, ...], ...}: values with at least one '
        "view; the empty value is (none).",
        answers.DIMENSIONS,
    ),
    Question(
        "title",
        "/data/title/",
        (TITLE_PART, RESOLUTION_PART, FILTERS_PART),
        lambda a, title, series, resolution, filters: a.title(filters, resolution, title, series),
        "One title's or one show's numbers over the filtered events.",
        '{"title" or "series", "resolution", "kpis": {"views", "unique_viewers", '
        '"minutes_watched", "completed_views", "completion_rate"}, "timeseries": [{"date", '
        '"views", "unique_viewers", "minutes_watched"}], "completion": {"histogram": views per '
        '10-point viewpercentage bin, ...}, "devices", "markets", "next": {"finishers", '
        '"titles": [{"title", "viewers", "share"}], "nothing_within_24h"}: what its finishers '
        '(views >= 90 %) watched next within 24 hours, and for a show "seasons" '
        'with their "episodes" in order (an episode is its season and episode numbers, or '
        "its contentid, never its title text); an episode's continued is the share of its "
        "viewers who watched the next episode, its drop_off the share who did not; for a "
        'show also "binge" (as /data/binge/ counts it for the show) and "funnel": per season '
        "whose episode 1 has a starter (a known user with a matching view of it), the share "
        "of starters with a matching view of each numbered episode within 7, 28 and 90 days: "
        "on one of the N days starting with the day of their first matching view of episode "
        "1 (day_k - day_1 < N; a range cuts the windows)}: zeros when the filters leave none "
        "of its events.",
        answers.TITLE,
        refusals={"404": "No event has the title (or no SERIES event the show)."},
    ),
    Question(
        "binge",
        "/data/binge/",
        (BINGE_LIMIT_PART, FILTERS_PART),
        lambda a, limit, filters: a.binge(filters, limit),
        "Binge watching per show: who watched at least 3 distinct episodes of it in one day.",
        '[{"series", "viewers", "binge_viewers", "share", "median_episodes"}, ...]: shows '
        "(SERIES rows rolled up as the toplist's series level) with a matching event, by "
        "binge_viewers, then viewers (both descending), then name; the first `limit`.",
        viewing_answers.BINGE,
        details=(
            "An episode is its show, season and episode numbers when both are known, else its "
            "contentid, else its title (never two seasons' same title text as one). A binge is "
            "one user's matching events of at least 3 distinct episodes of the show on one "
            "local day (REPORT_TIMEZONE). viewers: distinct known users with a matching event "
            "of the show; "
            "binge_viewers: those with at least one binge; share = binge_viewers / viewers (4 "
            "decimals); median_episodes: the median number of distinct episodes over the "
            "show's binge (user, day) instances, null without any. NULL users are no one."
        ),
    ),
    Question(
        "top10",
        "/data/top10/",
        (TOP10_PART,),
        lambda a, week, sessiontype, filters: a.top10(week, sessiontype, filters),
        f"The weekly Top {answers.TOP10_SIZE} as Netflix publishes it, ranked by views.",
        '[{"rank", "title", "hours_viewed", "runtime_hours", "views", "rank_last_week", '
        '"weeks_in_top10"}, ...]: up to ten entries, numbers rounded to 2 decimals; [] for a '
        "week without data.",
        answers.TOP10,
        details=(
            "A movie is one entry, a season of a series one entry. hours_viewed = minutes "
            "watched that week / 60; runtime_hours = a movie's runningtime, or the sum of the "
            "runningtime of a season's distinct episodes (each its most frequent value; "
            "episodes without one are skipped); views = hours_viewed / runtime_hours. Ties by "
            "hours_viewed, then title. Entries without a known runtime are left out."
        ),
    ),
    Question(
        "retention",
        "/data/retention/",
        (COHORT_RESOLUTION_PART, PERIODS_PART, COHORT_PART, FILTERS_PART),
        lambda a, resolution, periods, cohort, filters: a.retention(
            resolution, periods, filters, cohort
        ),
        "Users by the period of their first matching event, and who came back.",
        '[{"cohort": "YYYY-MM-DD", "size": N, "retained": [N0, N1, ...]}, ...]: one entry per '
        "cohort with at least one user, oldest first.",
        answers.RETENTION,
        details=(
            "A user's cohort is the period of their first matching event (one that passes the "
            "dimension filters): ever, by default, so that a user first seen before start is "
            "in no cohort, or in start..end with cohort=in_range. retained[k] counts the "
            "cohort's matching events in start..end only: a period cut by start or end counts "
            "only its days inside. The last period is that of end (never past the data's last "
            "day), or of the last matching event when end is left out. Users are distinct "
            "non-empty userid values."
        ),
    ),
    Question(
        "lifecycle",
        "/data/lifecycle/",
        (LIFECYCLE_RESOLUTION_PART, FILTERS_PART),
        lambda a, resolution, filters: a.lifecycle(resolution, filters),
        "New, returning, resurrecting and dormant users per period.",
        '[{"date", "new", "returning", "resurrecting", "dormant"}, ...]: one entry per period '
        "in date order, zero-filled as the time series are.",
        answers.LIFECYCLE,
        details=(
            "new: first matching event ever in the period (history before start counts); "
            "returning: active in the period and the one before; resurrecting: active in it, "
            "not in the one before, but earlier; dormant: active in the one before, not in it. "
            "Active means a matching event on a day of the period up to the range's end."
        ),
    ),
    Question(
        "stickiness",
        "/data/stickiness/",
        (FILTERS_PART,),
        lambda a, filters: a.stickiness(filters),
        "Stickiness: daily over 30-day active users per day, and users by active days a month.",
        '{"days": [{"date": "YYYY-MM-DD", "dau": N, "mau": N, "ratio": dau / mau}, ...] one '
        'entry per day in date order, zero-filled as the daily time series; "active_days": '
        '[{"month": "YYYY-MM", "days": N, "users": N}, ...] by month, then N ascending: the '
        "users active on exactly N days of the month.}",
        viewing_answers.STICKINESS,
        details=(
            "dau: the distinct users with a matching event (one that passes the dimension "
            "filters) on the day; mau: those of the 30 days ending on it (the day and the 29 "
            "before, reaching before start: the day's 30-day audience); ratio = dau / mau to 4 "
            "decimals, null when mau is 0. active_days counts, per calendar month the range's "
            "days fall in, only those days of it; months without users have no entry. Users "
            "are distinct non-empty userid values."
        ),
    ),
    Question(
        "changes",
        "/data/changes/",
        (CHANGES_PART,),
        lambda a, day, resolution, metric, limit, filters: a.changes(
            filters, day, resolution, metric, limit
        ),
        "What changed: a day's (or ISO week's) KPIs against their expected range, and the "
        "dimension values and titles that moved most.",
        '{"day", "baseline_days": the same weekday of the 6 weeks before, most recent first, '
        '"kpis": {"<metric>": {"value", "expected", "low", "high", "change", "flag"}} for '
        'every metric as /data/kpis/ counts it over the day (weekly: the week), "movers": '
        '{"<dimension>" and "title": [{"value", "value_today", "expected", "impact", '
        '"flag"}, ...]}}: `limit` movers each, by largest |impact| (ties by value), those '
        "without an expectation last.",
        answers.changes(),
        details=(
            "Expected value: the median of the same metric with the same filters over the "
            "baseline days (weekly: the 6 previous ISO weeks) that lie wholly inside the "
            "data's first..last event day; for completion_rate and minutes_per_viewer only "
            "those with a value. Fewer than 4: expected, low, high, change and flag are null. "
            "Band: expected +- 3 x 1.4826 x MAD (median absolute deviation from the median); "
            'flag is "above" or "below" when the value lies strictly outside it. change = '
            "(value - expected) / expected, null when expected is 0 or null. A mover's impact "
            "is its value minus its own expected value (the request's filters and that value) "
            "for `metric`; candidates have an event on the day or a baseline day; titles are "
            "named as the toplist names them. Numbers are not rounded beyond the KPIs' own "
            "rounding. start and end are refused."
        ),
    ),
    Question(
        "when",
        "/data/when/",
        (WHEN_METRIC_PART, FILTERS_PART),
        lambda a, metric, filters: a.when(metric, filters),
        "Prime time: a metric per weekday and hour of the day over the filtered range.",
        '[{"weekday": 0-6 (Monday 0), "hour": 0-23, "value": N}, ...]: all 168 cells, zeros '
        "included, by weekday then hour.",
        answers.WHEN,
        details=(
            "An event counts in the hour its event_date names ('YYYY-MM-DD HH:MM:SS', read as "
            "written: UTC; a PostgreSQL timestamp in UTC). Events whose date has no readable "
            "time ('YYYY-MM-DD' alone, a PostgreSQL date column) are left out of this matrix "
            "only. views counts events, minutes_watched sums totalminuteswatched (unknown as "
            "0), unique_users counts distinct userid values (NULL is no user) per cell: a user "
            "active on Mondays at 20h in two different weeks counts once in that cell."
        ),
    ),
    Question(
        "distribution",
        "/data/distribution/",
        (PER_PART, RESOLUTION_PART, FILTERS_PART),
        lambda a, per, resolution, filters: a.distribution(resolution, filters, per),
        "How minutes watched spread over viewers, per day, week or month.",
        '{"bins": [lower edges in minutes], "periods": [{"date": "YYYY-MM-DD", "viewers", '
        '"p50", "p90", "p99", "mean", "histogram": [viewers per bin]}, ...]}: one entry per '
        "period in date order, zero-filled as the time series are (viewers 0, percentiles "
        "and mean null).",
        answers.DISTRIBUTION,
        details=(
            "A period's viewers are the distinct userid values (NULL is no user) with a matching "
            "event in it (their count is unique_users); a viewer's minutes are the sum of their "
            "matching events' totalminuteswatched in the period, unknown minutes counting 0. "
            "p50, p90, p99 by nearest rank: the ceil(p / 100 * viewers)-th smallest; mean = "
            "minutes / viewers (4 decimals). Histogram bin i counts viewers with bins[i] <= "
            "minutes < bins[i + 1], the last bin bins[-1] minutes and more."
        ),
    ),
)
