"""Security headers on every response, error answers without tracebacks, forged Dash callbacks."""

from __future__ import annotations

import threading

import pytest

from data.game.embedded_redis import socket_path_for
from data.game.redis_processes import server_pids

ALWAYS = {
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "strict-origin-when-cross-origin",
}


def _directives(csp: str) -> dict[str, list[str]]:
    parsed = {}
    for part in csp.split(";"):
        words = part.split()
        if words:
            parsed[words[0]] = words[1:]
    return parsed


@pytest.mark.parametrize(
    "method, path, status",
    [
        ("GET", "/", 200),
        ("GET", "/_dash-layout", 200),
        ("GET", "/assets/vendor/bootstrap.min.css", 200),
        ("GET", "/data/toplist/?num=3", 200),
        ("GET", "/data/toplist/?num=abc", 400),
        ("GET", "/guess/", 200),
        ("GET", "/guess/hiscore?max_value=1", 400),
        ("GET", "/openapi.json", 200),
        ("GET", "/assets/no-such-file.css", 404),
        ("GET", "/guess/no/such/route", 404),
        ("PUT", "/openapi.json", 405),
        ("POST", "/_dash-update-component", 415),
    ],
)
def test_security_headers_on_every_kind_of_response(client, method, path, status):
    response = client.open(path, method=method)
    assert response.status_code == status
    for name, value in ALWAYS.items():
        assert response.headers[name] == value
    assert response.headers["X-Frame-Options"] == "DENY"
    csp = _directives(response.headers["Content-Security-Policy"])
    assert csp["frame-ancestors"] == ["'none'"]
    assert csp["connect-src"] == ["'self'"]
    assert set(csp["img-src"]) == {"'self'", "data:", "blob:"}


def test_script_src_is_self_plus_dash_hashes_without_unsafe(app, client):
    csp = _directives(client.get("/").headers["Content-Security-Policy"])
    script_src = csp["script-src"]
    assert script_src[0] == "'self'"
    assert set(script_src[1:]) == set(app.csp_hashes())
    assert len(script_src) > 1, "Dash's inline renderer script needs its hash"
    assert not any("unsafe" in source for source in script_src)
    assert csp["object-src"] == ["'none'"]


def test_frame_ancestors_from_config(make_app):
    client = make_app(FRAME_ANCESTORS="'self' https://intranet.example").server.test_client()
    response = client.get("/healthz")
    csp = _directives(response.headers["Content-Security-Policy"])
    assert csp["frame-ancestors"] == ["'self'", "https://intranet.example"]
    assert "X-Frame-Options" not in response.headers  # CSP frame-ancestors governs framing


def test_unexpected_error_is_logged_and_answered_without_traceback(make_app, caplog):
    app = make_app()
    server = app.server

    @server.get("/boom")
    def boom():
        raise RuntimeError("secret detail from deep inside")

    client = server.test_client()
    page = client.get("/boom")
    assert page.status_code == 500
    assert page.mimetype == "text/html"
    as_json = client.get("/boom", headers={"Accept": "application/json"})
    assert as_json.status_code == 500
    assert as_json.get_json() == {"error": "internal server error; the problem has been logged"}
    for response in (page, as_json):
        body = response.get_data(as_text=True)
        assert "Traceback" not in body and "secret detail" not in body
        assert response.headers["X-Content-Type-Options"] == "nosniff"
    # Only the errors themselves: a line summing up an earlier test's repeats may come first.
    logged = [r for r in caplog.records if r.name == "reelboard.errors" and r.exc_info]
    assert logged and "secret detail" in str(logged[0].exc_info[1])


def test_unknown_api_paths_are_json_404_not_the_dash_page(client):
    for path in ("/guess/a/b/c", "/_dash-nothing", "/healthz/extra", "/openapi.json/x"):
        response = client.get(path)
        assert response.status_code == 404, path
        assert response.is_json and "error" in response.get_json()
    page = client.get("/some/page")
    assert page.status_code == 200 and page.mimetype == "text/html"  # Dash's client-side routes
    missing_html = client.get("/assets/missing.js", headers={"Accept": "text/html"})
    assert missing_html.status_code == 404
    assert "<h1>404 Not Found</h1>" in missing_html.get_data(as_text=True)


@pytest.mark.parametrize(
    "body",
    [
        b"{",
        b"[]",
        b"null",
        b'"text"',
        b"{}",
        b'{"output": "nope.children", "outputs": {"id": "nope", "property": "children"}, '
        b'"inputs": [], "changedPropIds": []}',
        b'{"output": 5}',
        b'{"output": "chart1-graph.figure", "inputs": "x"}',
        b'{"output": "chart1-graph.figure", "outputs": {"id": "chart1-graph", '
        b'"property": "figure"}, "inputs": [{"id": "dashboard-state"}], "changedPropIds": []}',
    ],
)
def test_forged_dash_callback_payloads_are_400_json(client, body):
    client.get("/")
    response = client.post("/_dash-update-component", data=body, content_type="application/json")
    assert response.status_code == 400
    assert response.get_json()["error"].startswith("invalid Dash callback request")


def test_whole_request_body_is_capped(make_app):
    client = make_app(MAX_CONTENT_LENGTH=1000).server.test_client()
    response = client.post(
        "/_dash-update-component", data=b"{" + b" " * 5000 + b"}", content_type="application/json"
    )
    assert response.status_code == 413
    assert response.get_json()["error"].startswith("request body too large")


def test_game_api_body_limit_and_content_type(client):
    big = client.post(
        "/guess/start", data=b'{"user": "' + b"x" * 20000 + b'"}', content_type="application/json"
    )
    assert big.status_code == 413 and "error" in big.get_json()
    form = client.post("/guess/start", data="max_value=25")
    assert form.status_code == 415 and "error" in form.get_json()


def test_concurrent_first_requests_all_get_dash_bundles(make_app):
    """Dash's first-request set-up is serialized: no 'not a registered library' 500s."""
    app = make_app()
    server = app.server
    # The bundle URLs, read from a second app so that `server` has served nothing yet.
    html = make_app().server.test_client().get("/").get_data(as_text=True)
    bundles = [
        part.split('"')[0] for part in html.split('src="')[1:] if "_dash-component-suites" in part
    ]
    assert bundles
    statuses = []
    barrier = threading.Barrier(len(bundles))

    def fetch(url):
        client = server.test_client()
        barrier.wait()
        statuses.append(client.get(url).status_code)

    threads = [threading.Thread(target=fetch, args=(url,)) for url in bundles]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert statuses == [200] * len(bundles)


def test_creating_the_app_starts_no_redis(make_app, instance_dir):
    app = make_app(RATELIMIT_ENABLED=True)
    assert server_pids(socket_path_for(instance_dir / "redis")) == []
    # Every route counts its limit there, the page included: the first request starts it.
    assert app.server.test_client().get("/openapi.json").status_code == 200
    assert len(server_pids(socket_path_for(instance_dir / "redis"))) == 1


def test_cli_commands_start_no_redis(make_app, instance_dir):
    runner = make_app(RATELIMIT_ENABLED=True).server.test_cli_runner()
    result = runner.invoke(args=["ensure-db"])
    assert result.exit_code == 0, result.output
    assert server_pids(socket_path_for(instance_dir / "redis")) == []


def test_reload_hash_only_with_dash_debug(make_app):
    production = make_app().server.test_client().get("/_reload-hash")
    assert production.status_code == 404 and production.is_json
    assert "packages" not in production.text
    assert make_app(DASH_DEBUG=True).server.test_client().get("/_reload-hash").status_code == 200
