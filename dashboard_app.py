"""Reelboard's entry point: the app factory, the module-level app for gunicorn/flask, and `main`."""

from __future__ import annotations

import functools
import logging
import sqlite3
import sys
import threading

import click
import dash
from flask import Flask

from callbacks import register_callbacks
from cli import register_commands
from cli.events import make_import_command
from config import PROJECT_ROOT, ConfigError, is_loopback, load_config
from data.events.analysis import compiled
from data.events.analysis.analytics import EventsAnalytics
from data.events.stores.first_run import ensure_database
from data.game.redis_connection import RedisProvider
from data.game.score_store import ScoreStore
from layouts.dashboard import build_layout
from routes import register_blueprints
from routes.mcp import register_mcp
from web import init_web, services
from web.auth import init_auth
from web.auth.accounts import accounts
from web.auth.startup import local_signin_link, serve_refusal
from web.paths import MCP_PATH

log = logging.getLogger("reelboard")


def create_app(test_config: dict | None = None) -> dash.Dash:
    """Build the Dash app and its Flask server; nothing here starts Redis or touches the events."""
    config = load_config(test_config)
    server = Flask(
        __name__,
        instance_path=str(config["INSTANCE_PATH"]),
        template_folder=str(PROJECT_ROOT / "templates"),
        static_folder=None,  # Dash serves assets/ at /assets/
    )
    server.config.update(config)
    config["INSTANCE_PATH"].mkdir(parents=True, exist_ok=True)

    # Shared services, created lazily on first use: a CLI command that needs no Redis starts none.
    redis_provider = RedisProvider.from_config(config)
    services.install(
        server,
        redis=redis_provider,
        scores=ScoreStore.from_config(redis_provider, config),
        analytics=EventsAnalytics(
            config["EVENT_STORE"].versions(),
            cache_bytes=config["ANALYTICS_CACHE_MB"] * 1024 * 1024,
            scoped_bytes=config["SCOPED_ROLLUPS_MB"] * 1024 * 1024,
            background_builds=config["ROLLUP_BACKGROUND_BUILDS"],
        ),
    )

    register_blueprints(server)
    register_commands(server)

    app = dash.Dash(
        __name__,
        server=server,
        title="Reelboard",
        update_title=None,
        assets_folder=str(PROJECT_ROOT / "assets"),
        # The game page links its own files; the dashboard need not load them.
        assets_ignore=r"^(game\.(js|css)|account\.js)$",
        serve_locally=True,
        suppress_callback_exceptions=False,
        # Passed always, so that Dash's own DASH_MCP_* environment variables are not read.
        enable_mcp=config["MCP_ENABLED"],
        mcp_path=MCP_PATH,
    )
    refresh_ms = max(1, int(config["LIVE_REFRESH_SECONDS"])) * 1000
    app.layout = functools.partial(build_layout, live_interval_ms=refresh_ms)
    register_callbacks(app)
    register_mcp(app)
    init_web(app)
    init_auth(app)  # after init_web: the guard goes first in line
    return app


_default_app: dash.Dash | None = None


def __getattr__(name: str):
    """Build the default app on first access (gunicorn's `server`, flask's `application`).

    Lazy so that `import dashboard_app` (tests, create_app callers) has no side effects.
    `application` is what `flask --app dashboard_app` picks up, since `app` is the Dash object.
    """
    global _default_app
    if name in {"app", "server", "application"}:
        if _default_app is None:
            try:
                _default_app = create_app()
            except (ConfigError, OSError) as exc:
                # The flask CLI prints a ClickException as one "Error: ..." line, no traceback.
                raise click.ClickException(_start_error(exc)) from None
        return _default_app if name == "app" else _default_app.server
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def _start_error(exc: Exception) -> str:
    """One line for a setting the app cannot start with (bad value, unwritable INSTANCE_PATH)."""
    if isinstance(exc, ConfigError):
        return str(exc)
    return f"cannot set up the instance folder (INSTANCE_PATH): {exc}"


def main() -> None:
    """Create the demo database on first run, then serve on HOST:PORT."""
    logging.basicConfig(
        level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )
    try:
        app = create_app()
    except (ConfigError, OSError) as exc:
        sys.exit(f"Error: {_start_error(exc)}")  # say what is wrong, without a traceback
    config = app.server.config
    store = config["EVENT_STORE"]
    try:
        created = ensure_database(store)
    except (OSError, *store.errors) as exc:
        sys.exit(f"Error: cannot open or create the event database {store.label}: {store.say(exc)}")
    if created:
        hint = make_import_command()
        print(f"Created a demo database at {store.label} (import real data: {hint})")
    # Read the events in the background so the first page does not wait for it.
    services.analytics(app.server).warm_up()
    # And compile the analysis' loops (numba; from its disk cache after the first run).
    threading.Thread(target=compiled.warm, name="compile-kernels", daemon=True).start()
    from web.alerts.runner import start_alerts

    start_alerts(app.server)  # alert rules and the daily digest, in the background
    link = _signin_line(app.server)
    url = f"http://{config['HOST']}:{config['PORT']}/"
    print(f"Reelboard is serving on {url}  (Ctrl-C to stop)", flush=True)
    if link:
        print(link, flush=True)
    # DASH_DEBUG gives Dash dev tools and reloading, never the Werkzeug console debugger.
    app.run(
        host=config["HOST"], port=config["PORT"], debug=config["DASH_DEBUG"], use_debugger=False
    )


def _signin_line(server) -> str | None:
    """On loopback with AUTH on, `Sign in: <one-time link>`; elsewhere refuse to serve while
    nobody could sign in. Exits with one line on a problem."""
    config = server.config
    if not config["AUTH"]:
        return None
    try:
        store = accounts(server)
        refusal = serve_refusal(config, store)
        if refusal:
            sys.exit(f"Error: {refusal}")
        if not is_loopback(config["HOST"]):
            return None
        return f"Sign in: {local_signin_link(config, store)}"
    except (OSError, sqlite3.Error, ValueError) as exc:
        sys.exit(f"Error: cannot prepare the sign-in (ACCOUNTS_DATABASE): {exc}")


if __name__ == "__main__":
    main()
