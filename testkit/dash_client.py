"""Dash callback client: renderer-like /_dash-update-component payloads from /_dash-dependencies."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

DEPENDENCIES_URL = "/_dash-dependencies"
CALLBACK_URL = "/_dash-update-component"


def split_outputs(output: str) -> dict | list[dict]:
    """Dash's output key -> the `outputs` field the renderer sends (a dict, or a list of them)."""
    if output.startswith("..") and output.endswith(".."):
        parts = output[2:-2].split("...")
        return [dict(zip(("id", "property"), part.rsplit(".", 1), strict=True)) for part in parts]
    component, prop = output.rsplit(".", 1)
    return {"id": component, "property": prop}


def first_output(output: str) -> dict:
    """The first {"id", "property"} of Dash's output key."""
    outputs = split_outputs(output)
    return outputs[0] if isinstance(outputs, list) else outputs


def payload(spec: dict, values: dict | None = None, triggered: list[str] | None = None) -> dict:
    """The POST body for one callback spec ("output", "inputs", "state"), as the renderer sends it.

    values maps 'id.property' to the value sent (missing ones are sent as None); values=None leaves
    the "value" fields out for the caller to fill. triggered defaults to the first input.
    """

    def fields(entries: list[dict]) -> list[dict]:
        if values is None:
            return [dict(entry) for entry in entries]
        return [
            {**entry, "value": values.get(f"{entry['id']}.{entry['property']}")}
            for entry in entries
        ]

    if triggered is None:
        triggered = [f"{entry['id']}.{entry['property']}" for entry in spec["inputs"][:1]]
    return {
        "output": spec["output"],
        "outputs": split_outputs(spec["output"]),
        "inputs": fields(spec["inputs"]),
        "state": fields(spec.get("state", [])),
        "changedPropIds": triggered,
    }


class DashCallbacks:
    """Finds the server-side callbacks by their first output and posts payloads like the browser.

    Transport-neutral: `get(path)` and `post(path, json_body)` return responses with `.status_code`
    and `.text`; `for_flask` and `for_server` adapt a Flask test client and `requests`.
    """

    def __init__(self, get: Callable[[str], Any], post: Callable[[str, dict], Any]):
        self._post = post
        answer = get(DEPENDENCIES_URL)
        if answer.status_code != 200:
            raise RuntimeError(f"{DEPENDENCIES_URL} -> {answer.status_code}: {answer.text[:200]}")
        # Clientside callbacks never reach the server, so they are not ours to post.
        specs = json.loads(answer.text)
        self.specs = [spec for spec in specs if not spec.get("clientside_function")]

    @classmethod
    def for_flask(cls, client) -> DashCallbacks:
        """Through a Flask test client (app.server.test_client())."""
        return cls(client.get, lambda path, body: client.post(path, json=body))

    @classmethod
    def for_server(cls, base_url: str, session=None, timeout: float = 30) -> DashCallbacks:
        """Through `requests` (or a requests.Session) against a live server at base_url."""
        import requests  # only the live-server callers need it

        http = session or requests
        return cls(
            lambda path: http.get(base_url + path, timeout=timeout),
            lambda path, body: http.post(base_url + path, json=body, timeout=timeout),
        )

    def spec(self, component: str, prop: str | None = None) -> dict:
        """The callback whose first output is component(.prop); any property when prop is None."""
        for spec in self.specs:
            first = first_output(spec["output"])
            if first["id"] == component and prop in (None, first["property"].split("@")[0]):
                return spec
        raise LookupError(f"no callback with first output {component}.{prop or '*'}")

    def body(
        self, component: str, prop: str | None, values: dict, triggered: list[str] | None = None
    ) -> dict:
        """The payload for one callback; values maps 'id.property' to the value sent."""
        return payload(self.spec(component, prop), values, triggered)

    def send(self, body: dict):
        """POST a ready payload; the transport's response."""
        return self._post(CALLBACK_URL, body)

    def post(
        self, component: str, prop: str | None, values: dict, triggered: list[str] | None = None
    ):
        """POST one callback; the transport's response."""
        return self.send(self.body(component, prop, values, triggered))

    def response(self, *args, **kwargs) -> dict:
        """POST and return {component: {prop: value}} of a successful answer."""
        answer = self.post(*args, **kwargs)
        if answer.status_code != 200:
            raise AssertionError(f"{answer.status_code}: {answer.text[:500]}")
        return json.loads(answer.text)["response"]
