"""The MCP server's tools at /_mcp: a real MCP client over Streamable HTTP lists only the metric
tools, gets /data's numbers, and tool errors for bad arguments or a broken database."""

from __future__ import annotations

import logging
import re

from data.events.catalog import DIMENSION_NAMES, METRIC_NAMES
from data.events.params import COHORT_DEFINITIONS, DEFAULT_COHORT
from routes.mcp.tools import TOOL_NAMES
from tests.unit.mcp_support import _rpc, _with_session
from web import services

# (tool, arguments, the /data request with the same question)
PARITY = [
    *(
        (
            "timeseries",
            {"metric": metric, "resolution": "weekly", "start": "2025-03-01", "end": "2025-03-31"},
            f"/data/{metric}/?resolution=weekly&start=2025-03-01&end=2025-03-31",
        )
        for metric in METRIC_NAMES
    ),
    (
        "timeseries",
        {"metric": "views", "resolution": "monthly", "device": ["iPad", "Computer"]},
        "/data/views/?resolution=monthly&device=iPad&device=Computer",
    ),
    ("timeseries", {"metric": "unique_users"}, "/data/unique_users/"),
    *(
        (
            "breakdown",
            {"metric": metric, "breakdown": dimension, "limit": 2, "resolution": "monthly"},
            f"/data/{metric}/?breakdown={dimension}&limit=2&resolution=monthly",
        )
        for metric in METRIC_NAMES
        for dimension in DIMENSION_NAMES
    ),
    ("toplist", {"num": 3, "sessiontype": ["MOVIE"]}, "/data/toplist/?num=3&sessiontype=MOVIE"),
    ("toplist", {}, "/data/toplist/"),
    (
        "kpis",
        {"start": "2025-03-01", "end": "2025-03-31", "market": ["(none)"]},
        "/data/kpis/?start=2025-03-01&end=2025-03-31&market=(none)",
    ),
    ("kpis", {}, "/data/kpis/"),
    (
        "kpis",
        {"start": "2025-12-01", "compare": "previous", "resolution": "monthly"},
        "/data/kpis/?start=2025-12-01&compare=previous&resolution=monthly",
    ),
    (
        "dimensions",
        {"start": "2025-03-01", "end": "2025-03-31"},
        "/data/dimensions/?start=2025-03-01&end=2025-03-31",
    ),
    ("toplist", {"num": 5, "level": "season"}, "/data/toplist/?num=5&level=season"),
    (
        "title",
        {"series": "The Letter of Kiruna", "resolution": "monthly", "device": ["iPad"]},
        "/data/title/?series=The%20Letter%20of%20Kiruna&resolution=monthly&device=iPad",
    ),
    ("title", {"title": "Beyond the Heist"}, "/data/title/?title=Beyond%20the%20Heist"),
    ("top10", {"sessiontype": "SERIES"}, "/data/top10/?sessiontype=SERIES"),
    (
        "top10",
        {"week": "2025-06-02", "market": ["NO"]},
        "/data/top10/?week=2025-06-02&market=NO",
    ),
    (
        "retention",
        {"resolution": "monthly", "periods": 3, "sessiontype": ["SERIES"]},
        "/data/retention/?resolution=monthly&periods=3&sessiontype=SERIES",
    ),
    ("retention", {"start": "2025-06-01"}, "/data/retention/?start=2025-06-01"),
    (
        "retention",
        {"start": "2025-06-01", "cohort": "in_range"},
        "/data/retention/?start=2025-06-01&cohort=in_range",
    ),
    ("lifecycle", {"resolution": "monthly"}, "/data/lifecycle/?resolution=monthly"),
    ("lifecycle", {}, "/data/lifecycle/"),
    (
        "when",
        {"metric": "minutes_watched", "start": "2025-06-01", "market": ["NO"]},
        "/data/when/?metric=minutes_watched&start=2025-06-01&market=NO",
    ),
    ("when", {}, "/data/when/"),
    (
        "distribution",
        {"per": "viewer", "resolution": "monthly", "sessiontype": ["SERIES"]},
        "/data/distribution/?per=viewer&resolution=monthly&sessiontype=SERIES",
    ),
    ("distribution", {}, "/data/distribution/"),
    (
        "changes",
        {"day": "2025-12-10", "metric": "views", "limit": 3, "device": ["iPad"]},
        "/data/changes/?day=2025-12-10&metric=views&limit=3&device=iPad",
    ),
    ("binge", {}, "/data/binge/"),
    ("binge", {"limit": 3, "market": ["NO"]}, "/data/binge/?limit=3&market=NO"),
    (
        "stickiness",
        {"start": "2025-06-01", "end": "2025-07-15", "market": ["NO"]},
        "/data/stickiness/?start=2025-06-01&end=2025-07-15&market=NO",
    ),
]

# (tool, bad arguments, the /data request that is refused with the same message)
BAD = [
    ("toplist", {"num": 0}, "/data/toplist/?num=0"),
    ("toplist", {"num": "ten"}, "/data/toplist/?num=ten"),
    ("timeseries", {"metric": "views", "resolution": "hourly"}, "/data/views/?resolution=hourly"),
    ("timeseries", {"metric": "views", "start": "2025-02-30"}, "/data/views/?start=2025-02-30"),
    (
        "kpis",
        {"start": "2025-03-02", "end": "2025-03-01"},
        "/data/kpis/?start=2025-03-02&end=2025-03-01",
    ),
    ("kpis", {"sessiontype": ["TRAILER"]}, "/data/kpis/?sessiontype=TRAILER"),
    ("kpis", {"compare": "next"}, "/data/kpis/?compare=next"),
    ("breakdown", {"metric": "views", "breakdown": "title"}, "/data/views/?breakdown=title"),
    ("toplist", {"level": "episode"}, "/data/toplist/?level=episode"),
    ("title", {}, "/data/title/"),
    ("top10", {"week": "2025-06-03"}, "/data/top10/?week=2025-06-03"),
    ("retention", {"periods": "fifty"}, "/data/retention/?periods=fifty"),
    ("retention", {"cohort": "first_seen"}, "/data/retention/?cohort=first_seen"),
    ("lifecycle", {"resolution": "yearly"}, "/data/lifecycle/?resolution=yearly"),
    ("changes", {"resolution": "monthly"}, "/data/changes/?resolution=monthly"),
    ("binge", {"limit": "ten"}, "/data/binge/?limit=ten"),
    ("stickiness", {"end": "2025-13-01"}, "/data/stickiness/?end=2025-13-01"),
    ("when", {"metric": "completion_rate"}, "/data/when/?metric=completion_rate"),
    ("when", {"metric": "hours"}, "/data/when/?metric=hours"),
    ("when", {"start": "2025-13-01"}, "/data/when/?start=2025-13-01"),
    ("when", {"device": ["x" * 300]}, "/data/when/?device=" + "x" * 300),
    ("distribution", {"per": "title"}, "/data/distribution/?per=title"),
    ("distribution", {"resolution": "hourly"}, "/data/distribution/?resolution=hourly"),
    (
        "distribution",
        {"start": "2025-03-02", "end": "2025-03-01"},
        "/data/distribution/?start=2025-03-02&end=2025-03-01",
    ),
]


def _enum(schema) -> list | None:
    """The values an (optional) parameter's JSON schema allows: its enum, wherever it sits."""
    if isinstance(schema, dict):
        if "enum" in schema:
            return schema["enum"]
        schema = list(schema.values())
    if isinstance(schema, list):
        return next((found for part in schema if (found := _enum(part)) is not None), None)
    return None


def test_an_agent_lists_only_the_metric_tools_with_their_parameters(served):
    async def work(session):
        return await session.list_tools(), await session.list_resources()

    tools, resources = _with_session(served, work)
    # Not the dashboard's callbacks (URL sync, downloads), get_dash_component, or the layout.
    assert sorted(tool.name for tool in tools.tools) == sorted(TOOL_NAMES)
    assert resources.resources == []
    for tool in tools.tools:
        # Dash documents no optional parameter: the docstring names each one.
        for name in tool.input_schema["properties"]:
            assert re.search(rf"^- (\w+, )*{name}\b", tool.description, re.MULTILINE), name
    schema = next(t for t in tools.tools if t.name == "timeseries").input_schema
    assert schema["required"] == ["metric"]
    assert schema["properties"]["metric"]["enum"] == list(METRIC_NAMES)
    retention = next(t for t in tools.tools if t.name == "retention")
    assert list(COHORT_DEFINITIONS) == _enum(retention.input_schema["properties"]["cohort"])
    for name, meaning in COHORT_DEFINITIONS.items():
        assert f"{name}{' (default)' * (name == DEFAULT_COHORT)}, {meaning}" in (
            retention.description
        )


def test_every_tool_answers_the_numbers_of_data(served, client):
    async def work(session):
        return [await session.call_tool(tool, arguments) for tool, arguments, _ in PARITY]

    results = _with_session(served, work)
    for (tool, arguments, path), result in zip(PARITY, results, strict=True):
        expected = client.get(path)
        assert expected.status_code == 200, path
        assert not result.is_error, (tool, arguments, result.content)
        assert result.structured_content == {"result": expected.get_json()}, (tool, arguments)
    assert any(len(r.structured_content["result"]) > 3 for r in results)  # not all empty


def test_bad_arguments_are_tool_errors_saying_what_data_says(served, client):
    calls = [
        *((tool, arguments) for tool, arguments, _ in BAD),
        ("timeseries", {"metric": "watch_time"}),
        ("timeseries", {}),
        ("breakdown", {"metric": "views"}),
        ("breakdown", {"metric": "views", "breakdown": "device", "limit": 51}),
        ("toplist", {"nmu": 3}),
    ]

    async def work(session):
        return [await session.call_tool(tool, arguments) for tool, arguments in calls]

    results = _with_session(served, work)
    texts = [result.content[0].text for result in results]
    assert all(result.is_error for result in results)
    for (_, _, path), text in zip(BAD, texts, strict=False):
        refused = client.get(path)
        assert refused.status_code == 400, path
        assert text == f"InvalidParameter: {refused.get_json()['error']}"
    assert texts[len(BAD) :] == [
        f"InvalidParameter: metric must be one of {', '.join(METRIC_NAMES)}, got 'watch_time'",
        f"InvalidParameter: metric must be one of {', '.join(METRIC_NAMES)}, got None",
        f"InvalidParameter: breakdown is required: one of {', '.join(DIMENSION_NAMES)}",
        "InvalidParameter: limit must be an integer from 1 to 50 (default 5), got 51",
        "InvalidParameter: unknown argument 'nmu': toplist takes num, level, start, end, "
        + ", ".join(DIMENSION_NAMES),
    ]
    assert not any("Traceback" in text for text in texts)


def test_an_unexpected_failure_is_logged_and_answered_briefly(app, client, monkeypatch, caplog):
    def broken(*args, **kwargs):
        raise ZeroDivisionError("secret detail")

    monkeypatch.setattr(services.analytics(app.server), "toplist", broken)
    with caplog.at_level(logging.ERROR):
        answer = _rpc(client, "tools/call", {"name": "toplist", "arguments": {}})
    result = answer.get_json()["result"]
    assert answer.status_code == 200 and result["isError"]
    assert result["content"][0]["text"] == (
        "ToolFailed: internal server error; the problem has been logged"
    )
    assert any(record.exc_info for record in caplog.records)


def test_an_unreadable_database_is_the_same_tool_error_as_data_503(make_app, tmp_path):
    broken = tmp_path / "broken.sqlite"
    broken.write_bytes(b"this is not a database file at all" * 100)
    client = make_app(DATABASE_URL=f"sqlite:///{broken}").server.test_client()
    refused = client.get("/data/kpis/")
    answer = _rpc(client, "tools/call", {"name": "kpis", "arguments": {}})
    assert refused.status_code == 503 and answer.status_code == 200
    result = answer.get_json()["result"]
    assert result["isError"]
    assert result["content"][0]["text"] == f"EventStoreUnreadable: {refused.get_json()['error']}"
