"""The Streamable HTTP rules Dash's MCP views leave out: Host and Origin checks (ALLOWED_HOSTS);
one JSON-RPC message per POST; ping, unknown methods and notifications answered without Dash;
405 for GET, DELETE."""

from __future__ import annotations

import functools
from collections.abc import Callable, Collection
from urllib.parse import urlsplit

from flask import Response, current_app, jsonify, request
from werkzeug.exceptions import MethodNotAllowed

from data.events.params import shown
from web.auth.hosts import host_allowed, same_site
from web.errors import ClientError

# The requests dash.mcp._server._process_mcp_message dispatches (Dash 4.4.1). Dash answers any
# other one with a logged traceback and -32603, so those are answered here (-32601) instead.
DASH_METHODS = frozenset(
    {
        "initialize",
        "tools/list",
        "tools/call",
        "resources/list",
        "resources/templates/list",
        "resources/read",
        "tasks/get",
        "tasks/result",
        "tasks/cancel",
    }
)
INVALID_REQUEST = -32600
METHOD_NOT_FOUND = -32601
INVALID_PARAMS = -32602
RESOURCE_NOT_FOUND = -32002  # the MCP spec's code for resources/read of an unknown URI
MAX_ID_CHARS = 200  # a request's id is echoed in its answer: longer ones are refused, not echoed
MAX_ECHO_CHARS = 200  # a URI echoed back in an error's data is at most this long
MALFORMED = (
    "an MCP request is one JSON-RPC object: a string method, a string or integer id, object params"
)


def same_origin_only(view: Callable) -> Callable:
    """Refuse (403) a request whose Host, or Origin when it has one, is not one of the names
    this server answers to (ALLOWED_HOSTS): the spec's Origin check against DNS rebinding.

    Agents and curl send no Origin and pass; a browser always sends one on a POST, so a page
    on another site, or on another name rebound to this server's address, cannot reach the
    tools through a visitor's browser. The configured names, not the request's own Host, are
    the measure: a rebound name makes Host and Origin agree with each other.
    """

    @functools.wraps(view)
    def checked(*args, **kwargs):
        allowed = current_app.config["ALLOWED_HOSTS"]
        host = request.headers.get("Host")
        if not host_allowed(host, allowed):  # the guard answers 400 first; kept for MCP alone
            raise ClientError(403, f"MCP requests for host {shown(host)} are refused")
        origin = request.headers.get("Origin")
        if origin is not None and not _is_allowed_origin(origin, allowed):
            raise ClientError(
                403,
                f"cross-origin MCP requests are refused: Origin {shown(origin)} is not one of "
                "this server's names (ALLOWED_HOSTS)",
            )
        return view(*args, **kwargs)

    return checked


def _is_allowed_origin(origin: str, allowed: Collection[str]) -> bool:
    """True when origin is http(s)://NAME[:port] with NAME one of the allowed host names."""
    try:
        path = urlsplit(origin.strip()).path
    except ValueError:
        return False
    return path in ("", "/") and same_site(origin, None, allowed, host=request.headers.get("Host"))


def checked_post(dash_view: Callable, tool_names: Collection[str]) -> Callable:
    """Dash's POST view behind the JSON-RPC checks and the answers Dash gets wrong."""

    def post():
        if not request.is_json:
            return dash_view()  # Dash answers 415 for another content type
        try:
            message = request.get_json(silent=True)
        except RecursionError:  # silent covers ValueError only: this was a 500 and a traceback
            raise ClientError(400, "the body is JSON nested too deeply") from None
        if message is None:
            return dash_view()  # not JSON at all: Dash's own 400
        _check_shape(message)
        if len(str(message.get("id"))) > MAX_ID_CHARS:
            # The id cannot be echoed: JSON-RPC's answer to a request whose id it cannot use.
            response = _error(
                None, INVALID_REQUEST, f"Invalid Request: id is {MAX_ID_CHARS} characters at most"
            )
            response.status_code = 400
            return response
        if "method" not in message or "id" not in message:
            # A notification, or a response to a server request (this server sends none): the
            # spec's 202 with no body. Dash would answer some of them, even run a tools/call.
            return Response(status=202)
        return _answer_here(message, tool_names) or dash_view()

    post.__name__ = post.__qualname__ = "mcp_post"
    return post


def _check_shape(message: object) -> None:
    """Refuse (400) what Dash reads unchecked: a non-object body or params, a non-string method."""
    # Dash reads message["method"].startswith and params.get: a 500 or a logged traceback.
    if not isinstance(message, dict):
        raise ClientError(400, MALFORMED)
    message_id = message.get("id")
    if (
        not isinstance(message.get("params", {}), dict | None)
        or not isinstance(message.get("method", ""), str)
        or isinstance(message_id, bool)
        or not isinstance(message_id, str | int | None)
        or ("method" not in message and "result" not in message and "error" not in message)
    ):
        raise ClientError(400, MALFORMED)


def _answer_here(message: dict, tool_names: Collection[str]) -> Response | None:
    """The answer to a request Dash would get wrong (ping, unknown, malformed params), or None."""
    method = message["method"]
    params = message.get("params") or {}
    if method == "ping":
        return _result(message["id"], {})
    if method not in DASH_METHODS:
        # The client's mistake: no log line (the access log has the request).
        return _error(message["id"], METHOD_NOT_FOUND, "Method not found")
    if method == "resources/read":
        # Only tools are exposed (routes/mcp/__init__.py): every URI is unknown; Dash would log a
        # traceback.
        uri = params.get("uri")
        shown_uri = uri if isinstance(uri, str) and len(uri) <= MAX_ECHO_CHARS else shown(uri)
        return _error(message["id"], RESOURCE_NOT_FOUND, "Resource not found", {"uri": shown_uri})
    if method == "tools/call" and not isinstance(params.get("arguments", {}), dict):
        return _error(message["id"], INVALID_PARAMS, "Invalid params: arguments is an object")
    # Dash logs an unknown name as an error, and a name that is no string with a traceback.
    if method == "tools/call" and not isinstance(params.get("name"), str):
        return _error(message["id"], INVALID_PARAMS, "Invalid params: name is a string")
    if method == "tools/call" and params["name"] not in tool_names:
        return _error(message["id"], INVALID_PARAMS, f"Unknown tool: {shown(params['name'])}")
    if method.startswith("tasks/"):
        # No tool here runs as a task (none is a background callback), so no taskId names one.
        # Dash would log the taskId at ERROR and echo it back, whatever its length.
        return _error(message["id"], INVALID_PARAMS, "Invalid params: no such task")
    return None


def _result(message_id: str | int, result: dict) -> Response:
    return jsonify({"jsonrpc": "2.0", "id": message_id, "result": result})


def _error(message_id: str | int | None, code: int, text: str, data: object = None) -> Response:
    error = {"code": code, "message": text}
    if data is not None:
        error["data"] = data
    return jsonify({"jsonrpc": "2.0", "id": message_id, "error": error})


def no_stream():
    """GET: this server sends nothing unprompted, so it offers no event stream (the spec's 405).

    Dash answers an empty stream that ends at once; the mcp client then reconnects every second
    for as long as the session is open. After a 405 it tries once more and stops.
    """
    raise MethodNotAllowed(
        valid_methods=["POST"],
        description="this MCP server offers no event stream: send JSON-RPC messages with POST",
    )


def no_session_end():
    """DELETE: there is one shared session, which no client can end (the spec allows a 405)."""
    raise MethodNotAllowed(
        valid_methods=["POST"],
        description="MCP sessions cannot be ended by the client here; just stop sending",
    )
