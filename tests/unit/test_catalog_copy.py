"""A metric or a dimension is one catalog entry: a copy of the catalog with one more of each is
followed by the routes, OpenAPI, MCP, the page and CSV; a metric the page cannot show fails."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from data.events.catalog import COUNT, SUM, Metric

ROOT = Path(__file__).resolve().parents[2]


def test_a_throwaway_metric_and_dimension_in_a_catalog_copy_reach_everything():
    # A fresh interpreter: the copy must be in place before anything imports the catalog.
    done = subprocess.run(
        [sys.executable, "-m", "tests.unit.catalog_copy_check"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-4000:]
    assert "everywhere" in done.stdout


@pytest.mark.parametrize(
    ("changes", "complaint"),
    [
        ({"hue": "chartreuse"}, "hue"),
        ({"shown_as": "stars"}, "shown_as"),
        ({"kind": "median"}, "kind"),
        ({"measure": None}, "measure"),
        ({"counts": ""}, "counts"),
    ],
)
def test_a_metric_without_what_the_page_needs_cannot_be_declared(changes, complaint):
    entry = {
        "name": "finished_views",
        "label": "Finished views",
        "unit": "views",
        "counts": "Views watched to the end",
        "kind": SUM,
        "shown_as": COUNT,
        "hue": "sky",
        "measure": "completed",
    }
    with pytest.raises(ValueError, match=complaint):
        Metric(**{**entry, **changes})
