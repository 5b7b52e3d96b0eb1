"""Run in a fresh interpreter by test_catalog_copy.py: a copy of the catalog gains a throwaway
metric and dimension, and the routes, OpenAPI, MCP, the page's controls, KPI cards and CSV
must follow with nothing else changed. Exits non-zero with the first difference."""

from __future__ import annotations

import csv
import io
import json
import sys
import tempfile
import types
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
METRIC, DIMENSION = "finished_views", "content"
# Inserted after the last entries of the catalog's own tuples: the only change to the catalog.
NEW_DIMENSION = '    Dimension("content", "contentid", "Content id", plain_value),\n'
NEW_METRIC = (
    '    Metric("finished_views", "Finished views", "views", "Views watched to the end", '
    'SUM, COUNT, "sky", measure="completed"),\n'
)


def install_catalog_copy() -> None:
    """Put the edited copy where `data.events.catalog` is imported from, before anything is."""
    source = (ROOT / "data/events/catalog.py").read_text(encoding="utf-8")
    dimensions_end = source.index(")\nDIMENSION_NAMES")
    source = source[:dimensions_end] + NEW_DIMENSION + source[dimensions_end:]
    metrics_end = source.index(")  # fmt: skip\nMETRIC_NAMES")
    source = source[:metrics_end] + NEW_METRIC + source[metrics_end:]
    import data.events

    module = types.ModuleType("data.events.catalog")
    module.__file__ = str(ROOT / "data/events/catalog.py")
    sys.modules["data.events.catalog"] = module
    exec(compile(source, "catalog copy", "exec"), module.__dict__)
    data.events.catalog = module


def check(condition: bool, what: str) -> None:
    if not condition:
        raise SystemExit(f"does not follow the catalog: {what}")


def main() -> None:
    install_catalog_copy()
    from layouts import ids
    from testkit.dash_client import DashCallbacks
    from tests.unit.route_fixture import fixture_app, fixture_rows

    rows = fixture_rows()
    app = fixture_app(Path(tempfile.mkdtemp()), rows)
    client = app.server.test_client()

    # The routes: the metric's own, the dimension as a filter, a breakdown and a list of values.
    series = client.get(f"/data/{METRIC}/")
    check(series.status_code == 200, f"/data/{METRIC}/ answers {series.status_code}")
    kpis = client.get("/data/kpis/").get_json()
    total = sum(row["values"] for row in series.get_json())
    check(kpis[METRIC] == total == kpis["completed_views"], f"kpis {METRIC} {kpis}")
    views_of_m1 = sum(1 for row in rows if row[2] == "m1" and row[0][:4].isdigit())
    filtered = client.get(f"/data/views/?{DIMENSION}=m1").get_json()
    check(sum(r["values"] for r in filtered) == views_of_m1, "the dimension filters")
    split = client.get(f"/data/{METRIC}/?breakdown={DIMENSION}&limit=3").get_json()
    check(split and all(DIMENSION in row for row in split), "the dimension breaks down")
    listed = client.get("/data/dimensions/").get_json()[DIMENSION]
    check({"value": "m1", "views": views_of_m1} in listed, "the dimension's values are listed")

    # The OpenAPI description and the MCP tools.
    spec = json.dumps(client.get("/openapi.json").get_json())
    check(f"/data/{METRIC}/" in spec or f'"{METRIC}"' in spec, "OpenAPI names the metric")
    check(f'"name": "{DIMENSION}"' in spec, "OpenAPI has the dimension's parameter")
    message = {"jsonrpc": "2.0", "id": 1, "method": "tools/list", "params": {}}
    tools = {t["name"]: t for t in client.post("/_mcp", json=message).get_json()["result"]["tools"]}
    timeseries = json.dumps(tools["timeseries"]["inputSchema"])
    check(f'"{METRIC}"' in timeseries and f'"{DIMENSION}"' in timeseries, "MCP timeseries")
    check(f'"{DIMENSION}"' in json.dumps(tools["breakdown"]["inputSchema"]), "MCP breakdown")

    # The page: a filter for the dimension, a KPI card and a chart choice for the metric.
    layout = client.get("/_dash-layout").get_data(as_text=True)
    check(f'"{ids.DIMENSION_FILTERS[DIMENSION]}"' in layout, "the page has the filter")
    check(f'"{ids.KPI_CARDS[METRIC]}"' in layout, "the page has the KPI card")
    check(f'"value": "{METRIC}"' in layout or f'"value":"{METRIC}"' in layout, "chart choice")
    state = {"resolution": "weekly", "chart1": METRIC, DIMENSION: ["m1", "m2"]}
    callbacks = DashCallbacks.for_flask(client)
    cards = callbacks.response(ids.KPI_UNIQUE_USERS, None, {f"{ids.STATE}.data": state})
    check(ids.KPI_CARDS[METRIC] in cards, "the KPI callback fills the metric's card")
    values = {f"{ids.STATE}.data": state, f"{ids.CHART1_CSV_BUTTON}.n_clicks": 1}
    download = callbacks.response(ids.CHART1_DOWNLOAD, "data", values)
    text = download[ids.CHART1_DOWNLOAD]["data"]["content"].removeprefix("\ufeff")
    header, *body = list(csv.reader(io.StringIO(text)))
    check(header[:2] == ["date", METRIC] and body, f"CSV of the metric: {header}")
    from callbacks.state import from_query

    chosen, notices = from_query(f"?{DIMENSION}=m1&chart2={METRIC}")
    check(chosen.values_of(DIMENSION) == ("m1",) and not notices, "the link keeps the filter")
    check(f"{DIMENSION}=m1" in chosen.query(), "the filter is written back to the link")
    print("the catalog copy's metric and dimension are everywhere")


if __name__ == "__main__":
    main()
