"""Compare with the previous period on the page: the cards' changes as the data route's, the
previous value of a one-period range, each group's previous line, and how changes read."""

from __future__ import annotations

import pytest

from callbacks.charts import change


@pytest.mark.parametrize(
    ("key", "now", "before", "expected"),
    [
        # Issue 20: 48.91 % against 48.90 % is a change of 0.01 pp, shown as none at all.
        ("completion_rate", 0.4891, 0.4890, ("= 0.0 pp", "neutral")),
        ("completion_rate", 0.4886, 0.4890, ("= 0.0 pp", "neutral")),  # -0.04: not "−0.0"
        # Halves round away from zero, computed in decimal (the float 0.4895 - 0.4890 is
        # 0.0499999…); the arrow and the sign are those of the number shown.
        ("completion_rate", 0.4895, 0.4890, ("▲ +0.1 pp", "up")),
        ("completion_rate", 0.4885, 0.4890, ("▼ −0.1 pp", "down")),
        ("completion_rate", 0.5, 0.45, ("▲ +5.0 pp", "up")),
        ("views", 10_005, 10_000, ("▲ +0.1 %", "up")),
        ("views", 9_995, 10_000, ("▼ −0.1 %", "down")),
        ("views", 10_004, 10_000, ("= 0.0 %", "neutral")),
        ("views", 1_000, 1_000, ("= 0.0 %", "neutral")),
        ("views", 0, 0, ("= 0.0 %", "neutral")),
        ("views", 3, 0, ("new", "up")),
        ("views", 1, 8, ("▼ −87.5 %", "down")),
        ("hours_watched", 1000 / 60, 800 / 60, ("▲ +25.0 %", "up")),
        ("unique_users", 2_500_000, 1, ("▲ +249999900.0 %", "up")),
    ],
)
def test_a_change_reads_as_the_number_it_shows(key, now, before, expected):
    assert change(key, now, before) == expected
