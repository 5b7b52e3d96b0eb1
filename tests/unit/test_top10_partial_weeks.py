"""The Top 10's weeks that the data covers only in part: marked, and not counted toward the
weeks an entry was listed after them."""

from __future__ import annotations

import datetime as dt

from layouts.top10 import PARTIAL, week_options
from tests.unit.test_title_insights import M, event, get


def test_a_partial_first_week_counts_only_in_its_own_list(serve):
    # Wednesday 2025-03-05 .. Sunday 2025-03-23: the first week is partial, the rest complete.
    days = ["2025-03-05", "2025-03-12", "2025-03-19", "2025-03-23"]
    client = serve([event(day, "a", "Heat", M, minutes=60, runtime=120) for day in days])
    weeks = [get(client, f"/data/top10/?week={w}") for w in ("2025-03-03", "2025-03-10")]
    weeks.append(get(client, "/data/top10/?week=2025-03-17"))
    assert [w[0]["weeks_in_top10"] for w in weeks] == [1, 1, 2]
    assert [w[0]["hours_viewed"] for w in weeks] == [1.0, 1.0, 2.0]
    assert weeks[1][0]["rank_last_week"] == 1  # listed last week, though in a partial one


def test_the_week_list_marks_partial_weeks(serve):
    from web import services

    # Wednesday 2025-03-05 .. Wednesday 2025-03-19: the first and the last week are partial.
    days = ["2025-03-05", "2025-03-12", "2025-03-19"]
    client = serve([event(day, "a", "Heat", M, minutes=60, runtime=120) for day in days])
    with client.application.app_context():
        mondays, latest, partial = services.analytics().top10_week_choices()
    march = [dt.date(2025, 3, d) for d in (3, 10, 17)]
    assert (mondays, latest, partial) == (march, march[1], {march[0], march[2]})
    labels = [o["label"] for o in week_options(mondays, latest, partial)]
    assert labels == [
        "Latest complete week (Week of 10 Mar 2025)",
        f"Week of 17 Mar 2025{PARTIAL}",
        "Week of 10 Mar 2025",
        f"Week of 3 Mar 2025{PARTIAL}",
    ]
