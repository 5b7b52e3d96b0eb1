"""The alert and digest settings (SMTP_URL, ALERT_FROM, DIGEST_*, PUBLIC_URL), checked once."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from urllib.parse import parse_qs, unquote, urlsplit

EMAIL_RE = re.compile(r"^[^@\s<>,;\"]{1,64}@[^@\s<>,;\"]{1,255}$")
DEFAULT_FROM = "reelboard@localhost"
DEFAULT_DAILY_TIME = "07:00"
DEFAULT_BROWSER = "/usr/bin/chromium"  # Debian's Chromium, which the PNG export drives


class SettingsError(ValueError):
    """An alert or digest setting Reelboard cannot use; the message says what is allowed."""


@dataclass(frozen=True)
class SmtpSettings:
    """Where e-mail goes: smtp://[user:password@]host[:port][?starttls=1] (smtps:// for TLS)."""

    host: str
    port: int
    user: str | None = None
    password: str | None = field(default=None, repr=False)  # never logged, never shown
    starttls: bool = False
    ssl: bool = False


def parse_smtp_url(text: str) -> SmtpSettings:
    """SMTP_URL as SmtpSettings; SettingsError with the expected form otherwise."""
    form = "smtp://[user:password@]host[:port][?starttls=1] or smtps://..."
    try:
        parts = urlsplit(text.strip())
        port = parts.port
    except ValueError:
        raise SettingsError(f"SMTP_URL is not a valid URL: use {form}") from None
    if parts.scheme not in ("smtp", "smtps") or not parts.hostname:
        raise SettingsError(f"SMTP_URL must look like {form}")
    query = parse_qs(parts.query)
    starttls = query.get("starttls", ["0"])[-1].lower() in ("1", "true", "yes", "on")
    ssl = parts.scheme == "smtps"
    return SmtpSettings(
        host=parts.hostname,
        port=port or (465 if ssl else 587 if starttls else 25),
        user=unquote(parts.username) if parts.username else None,
        password=unquote(parts.password) if parts.password else None,
        starttls=starttls and not ssl,
        ssl=ssl,
    )


def parse_time(name: str, text) -> dt.time:
    """An HH:MM setting as a time; SettingsError otherwise."""
    if isinstance(text, dt.time):
        return text
    match = re.fullmatch(r"([01]?[0-9]|2[0-3]):([0-5][0-9])", str(text).strip())
    if not match:
        raise SettingsError(f"{name} must be a time of day like 07:30, got {str(text)[:40]!r}")
    return dt.time(int(match.group(1)), int(match.group(2)))


def parse_addresses(name: str, value) -> tuple[str, ...]:
    """A comma-separated list (or a list) of e-mail addresses; SettingsError for a bad one."""
    items = value if isinstance(value, list | tuple) else str(value or "").split(",")
    addresses = tuple(str(item).strip() for item in items if str(item).strip())
    for address in addresses:
        if not EMAIL_RE.match(address):
            raise SettingsError(f"{name}: {address[:80]!r} is not an e-mail address")
    return addresses


def check_webhook(name: str, url) -> str:
    """An http(s) URL to POST to; SettingsError otherwise."""
    text = str(url or "").strip()
    try:
        parts = urlsplit(text)
    except ValueError:
        parts = None
    if parts is None or parts.scheme not in ("http", "https") or not parts.netloc:
        raise SettingsError(f"{name} must be an http:// or https:// URL, got {text[:80]!r}")
    return text


def _seconds(name: str, value) -> float:
    try:
        seconds = float(value)
    except (TypeError, ValueError):
        seconds = 0.0
    if not 0 < seconds < float("inf"):
        raise SettingsError(f"{name} must be a number of seconds above 0, got {str(value)[:40]!r}")
    return seconds


def check_settings(pick) -> dict:
    """The settings from pick(name, default) (config.py's), checked."""
    smtp_url = pick("SMTP_URL") or None
    digest_time = pick("DIGEST_TIME") or None
    webhook = pick("DIGEST_WEBHOOK") or None
    seconds = _seconds("ALERT_CHECK_SECONDS", pick("ALERT_CHECK_SECONDS", 60))
    sender = str(pick("ALERT_FROM", DEFAULT_FROM)).strip()
    parse_addresses("ALERT_FROM", sender)
    public = str(pick("PUBLIC_URL", "") or "").strip().rstrip("/")
    if public:
        check_webhook("PUBLIC_URL", public)
    return {
        "SMTP_URL": smtp_url,
        "SMTP": parse_smtp_url(smtp_url) if smtp_url else None,
        "ALERT_FROM": sender,
        "ALERT_CHECK_SECONDS": seconds,
        "ALERT_DAILY_TIME": parse_time(
            "ALERT_DAILY_TIME", pick("ALERT_DAILY_TIME", DEFAULT_DAILY_TIME)
        ),
        "DIGEST_TIME": parse_time("DIGEST_TIME", digest_time) if digest_time else None,
        "DIGEST_TO": parse_addresses("DIGEST_TO", pick("DIGEST_TO", "")),
        "DIGEST_WEBHOOK": check_webhook("DIGEST_WEBHOOK", webhook) if webhook else None,
        "PUBLIC_URL": public or None,
        "CHROMIUM_PATH": pick("CHROMIUM_PATH", DEFAULT_BROWSER),
        "WEBHOOK_TIMEOUT_SECONDS": _seconds(
            "WEBHOOK_TIMEOUT_SECONDS", pick("WEBHOOK_TIMEOUT_SECONDS", 5)
        ),
    }
