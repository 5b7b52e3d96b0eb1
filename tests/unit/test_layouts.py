"""The dashboard layout: a fresh tree per call, every id defined once, no inline scripts."""

from __future__ import annotations

from dash import html
from dash.development.base_component import Component

from data.events.periods import DEFAULT_RESOLUTION
from layouts import ids
from layouts.dashboard import build_layout
from layouts.options import DEFAULT_TOPLIST_SIZE, TOPLIST_MAX, TOPLIST_MIN
from layouts.title_view import title_body


def _components(tree) -> list[Component]:
    found = []

    def walk(node):
        if isinstance(node, Component):
            found.append(node)
            walk(getattr(node, "children", None))
        elif isinstance(node, list | tuple):
            for child in node:
                walk(child)

    walk(tree)
    return found


def _by_id(tree) -> dict[str, Component]:
    components = [c for c in _components(tree) if getattr(c, "id", None)]
    by_id = {c.id: c for c in components}
    assert len(by_id) == len(components), "duplicate component ids"
    return by_id


def test_every_id_constant_is_kebab_case_and_in_the_layout():
    constants = {
        name: value
        for name, value in vars(ids).items()
        if name.isupper() and isinstance(value, str)
    }
    # The page, and what the title view builds while a title is open.
    numbers = {"views": 1, "unique_viewers": 1, "minutes_watched": 60, "completion_rate": 0.5}
    body = title_body(numbers, dict.fromkeys(("time", "completion", "devices", "markets"), {}), [])
    by_id = {**_by_id(build_layout()), **_by_id(html.Div(body))}
    for name, value in constants.items():
        assert value == value.lower() and "_" not in value and " " not in value, name
        assert value in by_id, f"{name} ({value}) is not in the layout"


def test_layout_is_built_fresh_each_time():
    first, second = build_layout(), build_layout()
    assert first is not second
    assert _by_id(first)[ids.RESOLUTION] is not _by_id(second)[ids.RESOLUTION]


def test_controls_have_the_issue_defaults():
    by_id = _by_id(build_layout())
    assert by_id[ids.RESOLUTION].value == DEFAULT_RESOLUTION == "daily"
    assert [o["value"] for o in by_id[ids.RESOLUTION].options] == ["daily", "weekly", "monthly"]
    slider = by_id[ids.TOPLIST_SIZE]
    assert (slider.min, slider.max, slider.value) == (TOPLIST_MIN, TOPLIST_MAX, 10)
    assert DEFAULT_TOPLIST_SIZE == 10 and (TOPLIST_MIN, TOPLIST_MAX) == (1, 50)
    assert [o["value"] for o in by_id[ids.SESSIONTYPE].options] == ["all", "MOVIE", "SERIES"]
    assert by_id[ids.URL].refresh is False  # URL updates must not reload the page
    assert by_id[ids.GAME_LINK].href == "/guess/"
    assert "make import FILE=" in str(by_id[ids.DEMO_NOTICE].children)


def test_layout_holds_no_script_tags():
    # The CSP forbids inline scripts: clientside code lives in assets/*.js.
    names = {type(c).__name__ for c in _components(build_layout())}
    assert "Script" not in names


def test_vendored_plotly_bundle_matches_the_plotly_package():
    # assets/vendor/plotly-basic.min.js (scatter + bar only, a quarter of the full bundle) is
    # what dcc.Graph uses when present; it must be the same plotly.js release as the package's.
    import re
    from pathlib import Path

    import plotly

    package_js = Path(plotly.__file__).parent / "package_data" / "plotly.min.js"
    vendored_js = Path(__file__).resolve().parents[2] / "assets" / "vendor" / "plotly-basic.min.js"
    version = re.compile(r"plotly\.js.*? v(\d+\.\d+\.\d+)")
    package_version = version.search(package_js.read_text(encoding="utf-8")[:300]).group(1)
    vendored_version = version.search(vendored_js.read_text(encoding="utf-8")[:300]).group(1)
    assert vendored_version == package_version
