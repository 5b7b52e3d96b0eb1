"""Reads every Reelboard setting from the environment (or a test's dict) in one place."""

from __future__ import annotations

import ipaddress
import os
import secrets
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent


class ConfigError(ValueError):
    """A setting has a value Reelboard cannot use; the message says what is allowed."""


def _flag(value: str | None, default: bool = False) -> bool:
    if value is None or value.strip() == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def _int(name: str, value: str | None, default: int) -> int:
    if value is None or value.strip() == "":
        return default
    try:
        return int(value)
    except ValueError:
        raise ConfigError(f"{name} must be an integer, got {value!r}") from None


def _float(name: str, pick, default: float) -> float:
    """A positive number setting (seconds, CPU seconds)."""
    value = pick(name, default)
    try:
        number = float(value)
    except (TypeError, ValueError):
        raise ConfigError(f"{name} must be a number, got {value!r}") from None
    if not number > 0:
        raise ConfigError(f"{name} must be above 0, got {value!r}")
    return number


def event_store(database_url: str, instance_path: Path, base_dir: Path = PROJECT_ROOT, bounds=None):
    """The event store DATABASE_URL names: a SQLite file (relative paths from base_dir) or a
    PostgreSQL database; bounds (data/events/stores/date_bounds.py) say which event dates count."""
    from data.events.stores.event_stores import StoreUrlError, store_from_url

    try:
        return store_from_url(database_url, instance_path, base_dir, bounds)
    except StoreUrlError as error:
        raise ConfigError(str(error)) from None


def zones(report, event):
    """REPORT_TIMEZONE and EVENT_TIMEZONE (data/events/local_time.py), checked: an unknown
    zone name stops the start."""
    from data.events.local_time import ZoneError, Zones, check_zone

    try:
        return Zones(check_zone("REPORT_TIMEZONE", report), check_zone("EVENT_TIMEZONE", event))
    except ZoneError as error:
        raise ConfigError(str(error)) from None


def date_bounds(earliest, future_days, now=None, local=None):
    """The event dates that count (EVENTS_EARLIEST_DATE, EVENTS_FUTURE_TOLERANCE_DAYS), in the
    local days of `local` (zones()); now fixes the clock, for tests only (never read from the
    environment)."""
    import datetime as dt

    from data.events.local_time import UTC_ZONES
    from data.events.stores.date_bounds import DateBounds

    if not isinstance(earliest, dt.date):
        try:
            earliest = dt.date.fromisoformat(str(earliest).strip())
        except ValueError:
            raise ConfigError(
                f"EVENTS_EARLIEST_DATE must be a date like 1970-01-01, got {earliest!r}"
            ) from None
    if future_days < 0:
        raise ConfigError(f"EVENTS_FUTURE_TOLERANCE_DAYS must be 0 or more, got {future_days}")
    if isinstance(now, str):
        now = dt.datetime.fromisoformat(now)
    return DateBounds(earliest, future_days, now, local or UTC_ZONES)


def _path(value) -> Path:
    """A file setting as a path; relative ones from the project folder (as INSTANCE_PATH)."""
    path = Path(value)
    return path if path.is_absolute() else PROJECT_ROOT / path


def _secret_key(instance_path: Path) -> str:
    """Generate the signing key once and keep it in the instance folder (mode 600)."""
    key_file = instance_path / "secret_key"
    if key_file.exists():
        return key_file.read_text().strip()
    instance_path.mkdir(parents=True, exist_ok=True)
    key = secrets.token_hex(32)
    # O_EXCL: when several workers start at once, exactly one writes the key.
    try:
        fd = os.open(key_file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return key_file.read_text().strip()
    with os.fdopen(fd, "w") as handle:
        handle.write(key)
    return key


def _oidc_settings(pick) -> dict:
    """Single sign-on (web/auth/oidc.py): on when OIDC_ISSUER and OIDC_CLIENT_ID are set. The
    claims rule (data/accounts/claims.py) is checked here, so a bad OIDC_LIMITS stops the start."""
    from data.accounts.claims import ClaimsPolicy

    settings = {
        "OIDC_ISSUER": (pick("OIDC_ISSUER") or "").strip() or None,
        "OIDC_CLIENT_ID": pick("OIDC_CLIENT_ID") or None,
        "OIDC_CLIENT_SECRET": pick("OIDC_CLIENT_SECRET") or None,
        # The callback URL registered at the provider; empty: this server's /signin/oidc/callback.
        "OIDC_REDIRECT_URI": pick("OIDC_REDIRECT_URI") or None,
        # Okta sends groups only for a `groups` scope; Google and Entra refuse unknown scopes.
        "OIDC_SCOPES": pick("OIDC_SCOPES", "openid email profile"),
        "OIDC_GROUPS_CLAIM": pick("OIDC_GROUPS_CLAIM", "groups"),
        "OIDC_ADMIN_GROUPS": pick("OIDC_ADMIN_GROUPS", ""),
        "OIDC_VIEWER_GROUPS": pick("OIDC_VIEWER_GROUPS", ""),
        "OIDC_LIMITS": pick("OIDC_LIMITS", ""),
        "OIDC_LIMITED_ONLY": _flag(str(pick("OIDC_LIMITED_ONLY", ""))),
    }
    if settings["OIDC_ISSUER"] and not settings["OIDC_CLIENT_ID"]:
        raise ConfigError("OIDC_ISSUER is set but OIDC_CLIENT_ID is not: set both (and the secret)")
    try:
        settings["OIDC_POLICY"] = ClaimsPolicy.from_settings(
            settings["OIDC_GROUPS_CLAIM"],
            settings["OIDC_ADMIN_GROUPS"],
            settings["OIDC_VIEWER_GROUPS"],
            settings["OIDC_LIMITS"],
            settings["OIDC_LIMITED_ONLY"],
        )
    except ValueError as error:
        raise ConfigError(str(error)) from None
    return settings


def _alert_settings(pick) -> dict:
    """Alerts and the daily digest (data/alerts/, web/alerts/); checked by data/alerts/settings."""
    from data.alerts.settings import SettingsError, check_settings

    try:
        return check_settings(pick)
    except SettingsError as error:
        raise ConfigError(str(error)) from None


def is_loopback(host: str) -> bool:
    """True for a loopback HOST (127.0.0.0/8, ::1, localhost): only this machine can connect."""
    text = str(host or "").strip().strip("[]").lower()
    if text == "localhost":
        return True
    try:
        return ipaddress.ip_address(text).is_loopback
    except ValueError:
        return False


def _auth(value) -> bool:
    """AUTH: on (default) or off."""
    text = str(value if value is not None else "on").strip().lower()
    if text in {"on", "1", "true", "yes", ""}:
        return True
    if text in {"off", "0", "false", "no"}:
        return False
    raise ConfigError(f"AUTH must be on or off, got {value!r}")


def allowed_hosts(value, host: str) -> tuple[str, ...]:
    """ALLOWED_HOSTS as lower-case names (IPv6 without brackets): the given comma list, or the
    loopback names plus HOST unless it is a wildcard (0.0.0.0, ::), which names no host."""
    if isinstance(value, (list, tuple, set, frozenset)):
        names = [str(name) for name in value]
    elif value is not None and str(value).strip():
        names = str(value).split(",")
    else:
        names = ["localhost", "127.0.0.1", "::1"]
        bare = str(host or "").strip().strip("[]")
        if bare and bare not in {"0.0.0.0", "::"}:
            names.append(bare)
    cleaned = [name.strip().strip("[]").lower() for name in names]
    return tuple(dict.fromkeys(name for name in cleaned if name))


def load_config(test_config: dict | None = None, environ: dict | None = None) -> dict:
    """Return the settings: test_config wins over the environment, which wins over defaults."""
    env = dict(os.environ if environ is None else environ)
    overrides = dict(test_config or {})

    def pick(name: str, default=None):
        if name in overrides:
            return overrides[name]
        value = env.get(name)
        return default if value is None or value == "" else value

    def number(name: str, default: int) -> int:
        return _int(name, str(pick(name, "")), default)

    instance_path = Path(pick("INSTANCE_PATH", PROJECT_ROOT / "instance"))
    if not instance_path.is_absolute():
        instance_path = PROJECT_ROOT / instance_path
    database_url = pick("DATABASE_URL", f"sqlite:///{instance_path / 'moviedb.sqlite'}")
    # Days are counted in REPORT_TIMEZONE; stored times without an offset are read in
    # EVENT_TIMEZONE. Either one changed makes a new version of the rollup (DateBounds.key).
    local = zones(pick("REPORT_TIMEZONE", "UTC"), pick("EVENT_TIMEZONE", "UTC"))
    # Events dated before the earliest date, or more than the tolerance after today (in the
    # report zone), are refused by an import and left out of every answer when another program
    # wrote them.
    bounds = date_bounds(
        pick("EVENTS_EARLIEST_DATE", "1970-01-01"),
        number("EVENTS_FUTURE_TOLERANCE_DAYS", 1),
        overrides.get("EVENTS_NOW"),
        local,
    )

    hours = pick("SESSION_HOURS", 12)
    try:
        session_hours = float(hours)
    except (TypeError, ValueError):
        session_hours = 0.0
    if not 0 < session_hours <= 24 * 366:
        raise ConfigError(f"SESSION_HOURS must be a number of hours above 0, got {hours!r}")

    config = {
        "INSTANCE_PATH": instance_path,
        # Accounts, their sessions and tokens (data/accounts/store.py), and the audit log.
        "ACCOUNTS_DATABASE": _path(pick("ACCOUNTS_DATABASE", instance_path / "accounts.sqlite")),
        "AUDIT_LOG": _path(pick("AUDIT_LOG", instance_path / "audit.log")),
        "SESSION_HOURS": session_hours,
        "DATABASE_URL": database_url,
        "REPORT_TIMEZONE": local.report,
        "EVENT_TIMEZONE": local.event,
        # A data/events/stores/event_stores.py store: SqliteStore(path) or PostgresStore(url).
        "EVENT_STORE": event_store(str(database_url), instance_path, bounds=bounds),
        "REDIS_URL": pick("REDIS_URL") or None,
        "REDIS_KEY_PREFIX": pick("REDIS_KEY_PREFIX", "reelboard:"),
        "SCORE_HISTORY_CAP": number("SCORE_HISTORY_CAP", 10000),
        "GAME_TTL_SECONDS": number("GAME_TTL_SECONDS", 86400),
        # Caps on unfinished games (each keeps ~600 bytes in Redis until GAME_TTL_SECONDS ends):
        # per client (an IPv4 address or an IPv6 /64) and in total.
        "GAME_MAX_ACTIVE_PER_CLIENT": number("GAME_MAX_ACTIVE_PER_CLIENT", 50),
        "GAME_MAX_ACTIVE": number("GAME_MAX_ACTIVE", 100000),
        # Memory ceiling of the embedded Redis (redis.conf syntax: 256mb, 1gb); past it Redis
        # evicts games in play, never scores. An external Redis (REDIS_URL) is configured there.
        "REDIS_MAXMEMORY": pick("REDIS_MAXMEMORY", "256mb"),
        # Memoised query results per process, bounded by size (each worker has its own).
        "ANALYTICS_CACHE_MB": number("ANALYTICS_CACHE_MB", 64),
        # And the encoded JSON of recent /data answers, so that asking again costs a copy.
        "ANSWER_CACHE_MB": number("ANSWER_CACHE_MB", 16),
        # Per worker, the copies of the data that limited accounts' answers read (one per
        # distinct limit in use, each the size of its rows' share of the rollup).
        "SCOPED_ROLLUPS_MB": number("SCOPED_ROLLUPS_MB", 256),
        # A database changed by another program is rebuilt by a separate process while the
        # previous version is served (off: the first request after the change builds it).
        "ROLLUP_BACKGROUND_BUILDS": _flag(str(pick("ROLLUP_BACKGROUND_BUILDS", "")), default=True),
        # How often an open dashboard asks whether new events landed (new data shows within
        # this plus one answer; nothing is asked while its tab is hidden).
        "LIVE_REFRESH_SECONDS": number("LIVE_REFRESH_SECONDS", 10),
        "HOST": pick("HOST", "127.0.0.1"),
        "PORT": number("PORT", 8050),
        "DASH_DEBUG": _flag(str(pick("DASH_DEBUG", ""))),
        "RATELIMIT_ENABLED": _flag(str(pick("RATELIMIT_ENABLED", "")), default=True),
        "RATELIMIT_GAME_START": pick("RATELIMIT_GAME_START", "10 per minute"),
        "RATELIMIT_GAME_GUESS": pick("RATELIMIT_GAME_GUESS", "120 per minute"),
        # Board reads: a page asks once per switch; a board with user= scans the ranking.
        "RATELIMIT_GAME_READ": pick("RATELIMIT_GAME_READ", "120 per minute"),
        # Generous for a page (a handful of callbacks per click) and scripts, not for floods.
        "RATELIMIT_DATA": pick("RATELIMIT_DATA", "600 per minute"),
        "RATELIMIT_CALLBACKS": pick("RATELIMIT_CALLBACKS", "1200 per minute"),
        # The page, its layout and callback list together (three per load), health checks,
        # and, each on a count of its own, every other route (assets, sign-in, /openapi.json).
        "RATELIMIT_PAGES": pick("RATELIMIT_PAGES", "120 per minute"),
        "RATELIMIT_HEALTH": pick("RATELIMIT_HEALTH", "120 per minute"),
        "RATELIMIT_DEFAULT": pick("RATELIMIT_DEFAULT", "1200 per minute"),
        # Admission by cost (web/admission/): per client, CPU seconds of work a minute across
        # /data, MCP and callbacks and how many of them at once, requests running at once across
        # all workers, and how long a request may wait for one of those before it is refused.
        "ADMISSION_CPU_PER_MINUTE": _float("ADMISSION_CPU_PER_MINUTE", pick, 20.0),
        "ADMISSION_CPU_BURST": _float("ADMISSION_CPU_BURST", pick, 5.0),
        "ADMISSION_RUNNING": number("ADMISSION_RUNNING", 2),
        "ADMISSION_WAIT_SECONDS": _float("ADMISSION_WAIT_SECONDS", pick, 10.0),
        # Dash's MCP server at /_mcp: the read-only metric tools for AI agents (off: a 404).
        "MCP_ENABLED": _flag(str(pick("MCP_ENABLED", "")), default=True),
        "FRAME_ANCESTORS": pick("FRAME_ANCESTORS", "'none'"),
        # How many reverse proxies in front set X-Forwarded-For (0: use the peer address).
        "TRUSTED_PROXIES": number("TRUSTED_PROXIES", 0),
        "GAME_MAX_BODY_BYTES": number("GAME_MAX_BODY_BYTES", 16384),
        # Every request body (Dash callbacks included) is capped; the game API caps lower.
        "MAX_CONTENT_LENGTH": number("MAX_CONTENT_LENGTH", 1 << 20),
        # Seconds a client gets to send a request's body (its headers get gunicorn's keepalive).
        "REQUEST_BODY_TIMEOUT": number("REQUEST_BODY_TIMEOUT", 10),
        # Seconds a client gets to take a whole answer; a slower reader's connection is dropped.
        "WRITE_TIMEOUT": number("WRITE_TIMEOUT", 30),
    }
    if config["WRITE_TIMEOUT"] <= 0:
        raise ConfigError(
            f"WRITE_TIMEOUT must be a number of seconds above 0, got {pick('WRITE_TIMEOUT')!r}"
        )
    config.update(_oidc_settings(pick))
    config.update(_alert_settings(pick))
    # Sign-in (web/auth/): AUTH=off keeps the open app of one person on their own machine.
    config["AUTH"] = _auth(pick("AUTH", "on"))
    if not config["AUTH"] and not is_loopback(config["HOST"]):
        raise ConfigError(
            f"AUTH=off is refused on HOST={config['HOST']}: only on a loopback address "
            "(127.0.0.1, ::1, localhost); create an account instead: "
            "flask --app dashboard_app users create NAME --role admin"
        )
    # The host names the app answers to (others: 400), against DNS rebinding.
    config["ALLOWED_HOSTS"] = allowed_hosts(pick("ALLOWED_HOSTS"), config["HOST"])
    # Secure session cookies even when the proxy in front does not say https.
    config["SESSION_COOKIE_SECURE"] = _flag(str(pick("SESSION_COOKIE_SECURE", "")))
    for key, value in overrides.items():
        config.setdefault(key, value)
    config["SECRET_KEY"] = pick("SECRET_KEY") or _secret_key(instance_path)
    return config
