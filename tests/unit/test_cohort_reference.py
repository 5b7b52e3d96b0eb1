"""GET /data/retention/ against testkit/reference_cohorts.py on both stores: random ranges,
filters and both cohort definitions, and the demo data's last 30 days, where they differ."""

from __future__ import annotations

import datetime as dt

import pytest

from data.events.params import COHORT_DEFINITIONS
from testkit import reference_analytics as ref
from testkit import reference_cohorts
from tests.unit.reference_checks import Params, query, read_raw
from tests.unit.test_postgres_store import read_raw_pg


def check_retention(client, raw, seed: int, rounds: int = 10) -> None:
    """Random questions to /data/retention/, each with both cohort definitions."""
    raw = ref.prepare(raw)
    params = Params(raw, seed, ordered=True)
    differ = 0
    for i in range(rounds):
        start, end = params.dates()
        where = params.where()
        resolution, periods = ("weekly", "monthly")[i % 2], params.rng.randint(1, 12)
        answers = []
        for cohort in COHORT_DEFINITIONS:
            q = query(start, end, where, resolution=resolution, periods=periods, cohort=cohort)
            answer = client.get(f"/data/retention/?{q}").get_json()
            expected = reference_cohorts.retention(
                raw, resolution, periods, start, end, where, cohort
            )
            assert answer == expected, q
            answers.append(answer)
        differ += answers[0] != answers[1]
    assert differ  # the definitions were told apart


def check_last_30_days(client, raw) -> None:
    """On the data's last 30 days, who is in a cohort under each definition: counted here from
    the rows (users first seen in the range; every user of the range) and by the reference."""
    ev = ref.prepare(raw)
    ev = ev[ev["user"].notna()]
    last = int(ev["day"].max())
    start, end = dt.date.fromordinal(last - 29), dt.date.fromordinal(last)
    inside = ev[ev["day"] >= start.toordinal()]
    first_day = ev.groupby("user")["day"].min()
    range_q = f"start={start}&end={end}"
    default = client.get(f"/data/retention/?{range_q}").get_json()
    in_range = client.get(f"/data/retention/?{range_q}&cohort=in_range").get_json()
    assert default == reference_cohorts.retention(raw, "weekly", 8, start, end)
    assert in_range == reference_cohorts.retention(raw, "weekly", 8, start, end, cohort="in_range")
    assert sum(c["size"] for c in default) == int((first_day >= start.toordinal()).sum())
    assert sum(c["size"] for c in in_range) == inside["user"].nunique()
    # The range's first cohort: everyone active in its first week with cohort=in_range, only
    # those never seen before by default.
    week_end = dt.date.fromisoformat(in_range[0]["cohort"]).toordinal() + 6
    early = set(inside[inside["day"] <= week_end]["user"])
    assert in_range[0]["size"] == len(early)
    assert default[0]["cohort"] == in_range[0]["cohort"]
    assert default[0]["size"] == sum(first_day[user] >= start.toordinal() for user in early)
    assert default[0]["size"] < in_range[0]["size"] / 2  # most had watched before


def test_retention_matches_the_reference_on_sqlite(client, demo_db):
    check_retention(client, read_raw(demo_db), seed=606)
    check_last_30_days(client, read_raw(demo_db))


@pytest.fixture
def pg_client(make_app, pg_demo):
    return make_app(DATABASE_URL=pg_demo.url).server.test_client()


def test_retention_matches_the_reference_on_postgresql(pg_client, pg_demo):
    raw = read_raw_pg(pg_demo.url)
    check_retention(pg_client, raw, seed=606)
    check_last_30_days(pg_client, raw)
