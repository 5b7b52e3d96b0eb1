"""The table of questions: every question is served by a /data route, an MCP tool and an OpenAPI
path, the page's footer links every /data path, and a question asked directly answers as /data."""

from __future__ import annotations

import json

import pytest

from data.events.catalog import METRIC_NAMES
from data.events.params import InvalidParameter
from data.events.questions import QUESTIONS, data_paths, expand, question
from layouts.dashboard import footer
from routes.mcp.tools import TOOL_NAMES, TOOLS
from web import services
from web.paths import OPENAPI_PATH, json_routes


def _concrete(q) -> list[str]:
    return [path for path, _ in expand(q.path)]


def test_the_tools_are_the_questions_in_order():
    assert TOOL_NAMES == tuple(q.name for q in QUESTIONS)
    assert set(TOOL_NAMES) == {
        "timeseries",
        "breakdown",
        "toplist",
        "kpis",
        "dimensions",
        "title",
        "top10",
        "retention",
        "lifecycle",
        "changes",
        "binge",
        "stickiness",
        "when",
        "distribution",
    }


@pytest.mark.parametrize("q", QUESTIONS, ids=lambda q: q.name)
def test_every_question_is_served_by_data_mcp_and_openapi(client, q):
    spec = client.get(OPENAPI_PATH).get_json()
    for path in _concrete(q):
        assert client.get(path).status_code in (200, 400), path  # routed (title needs a name)
        assert path in spec["paths"], path
        documented = {p["name"] for p in spec["paths"][path]["get"]["parameters"]}
        assert {p.name for p in q.params if not p.in_path} <= documented, path
    tool = TOOLS[q.name]
    for param in q.params:  # each parameter's meaning, declared once, is in the tool's text
        assert f"- {param.name}" in tool.__doc__ and param.meaning in tool.__doc__
        if not param.in_path:
            (documented,) = [
                p for p in spec["paths"][_concrete(q)[0]]["get"]["parameters"]
                if p["name"] == param.name
            ]  # fmt: skip
            assert documented["schema"] == param.schema
            assert documented["description"].lower() == param.meaning.lower()


def test_every_metric_has_its_data_path():
    assert [p for p in data_paths() if p.strip("/").split("/")[-1] in METRIC_NAMES] == [
        f"/data/{metric}/" for metric in METRIC_NAMES
    ]


def test_the_footer_links_every_data_path_and_the_description():
    hrefs = [child.href for child in footer().children if hasattr(child, "href")]
    assert hrefs == json_routes() == [*data_paths(), OPENAPI_PATH]
    separators = [child for child in footer().children[1:] if isinstance(child, str)]
    assert separators == [" · "] * (len(hrefs) - 1)


def test_the_kpis_answer_documents_every_metric(client):
    spec = client.get(OPENAPI_PATH).get_json()
    schema = spec["paths"]["/data/kpis/"]["get"]["responses"]["200"]["content"]
    numbers = schema["application/json"]["schema"]
    assert set(numbers["required"]) == {*METRIC_NAMES, "completed_views"}
    assert set(client.get("/data/kpis/").get_json()) == set(numbers["required"])


@pytest.mark.parametrize(
    ("name", "args", "path"),
    [
        ("toplist", {"num": "3", "level": "season"}, "/data/toplist/?num=3&level=season"),
        ("timeseries", {"metric": "views"}, "/data/views/"),
        ("breakdown", {"metric": "views", "breakdown": "device"}, "/data/views/?breakdown=device"),
        ("lifecycle", {}, "/data/lifecycle/"),
        ("stickiness", {"start": "2025-03-05"}, "/data/stickiness/?start=2025-03-05"),
        ("when", {"metric": "unique_users"}, "/data/when/?metric=unique_users"),
        ("distribution", {"resolution": "weekly"}, "/data/distribution/?resolution=weekly"),
        (
            "changes",
            {"day": "2025-12-10", "market": "SE"},
            "/data/changes/?day=2025-12-10&market=SE",
        ),
    ],
)
def test_a_question_asked_directly_answers_as_data(app, client, name, args, path):
    with app.server.app_context():
        asked = question(name).ask(services.analytics(), args)
        as_json = json.loads(app.server.json.dumps(asked))  # as /data serialises it
    assert client.get(path).get_json() == as_json


def test_a_required_part_is_refused_when_missing():
    with pytest.raises(InvalidParameter, match="breakdown is required"):
        question("breakdown").parse({"metric": "views"})
