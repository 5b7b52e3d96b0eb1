"""The alert and digest settings: SMTP_URL's forms, and a clear refusal for a bad value."""

from __future__ import annotations

import datetime as dt

import pytest

from config import ConfigError, load_config
from data.alerts.settings import parse_smtp_url


def settings(tmp_path, **values) -> dict:
    return load_config({"INSTANCE_PATH": tmp_path, "SECRET_KEY": "x", **values}, environ={})


def test_smtp_url_forms():
    plain = parse_smtp_url("smtp://mail.example.com")
    assert (plain.host, plain.port, plain.starttls, plain.ssl, plain.user) == (
        "mail.example.com", 25, False, False, None,
    )  # fmt: skip
    tls = parse_smtp_url("smtp://ann%40x.org:p%3Ass@mail.example.com?starttls=1")
    assert (tls.port, tls.starttls, tls.user, tls.password) == (587, True, "ann@x.org", "p:ss")
    assert "p:ss" not in repr(tls)
    ssl = parse_smtp_url("smtps://mail.example.com:2465")
    assert (ssl.port, ssl.ssl, ssl.starttls) == (2465, True, False)


def test_defaults_and_values(tmp_path):
    config = settings(tmp_path)
    assert config["SMTP"] is None and config["DIGEST_TIME"] is None
    assert config["ALERT_DAILY_TIME"] == dt.time(7, 0) and config["ALERT_CHECK_SECONDS"] == 60
    config = settings(
        tmp_path,
        SMTP_URL="smtp://127.0.0.1:2525",
        DIGEST_TIME="8:30",
        DIGEST_TO="a@example.com, b@example.com",
        PUBLIC_URL="https://rb.example.com/",
    )
    assert config["SMTP"].port == 2525 and config["DIGEST_TIME"] == dt.time(8, 30)
    assert config["DIGEST_TO"] == ("a@example.com", "b@example.com")
    assert config["PUBLIC_URL"] == "https://rb.example.com"


@pytest.mark.parametrize(
    ("name", "value", "message"),
    [
        ("SMTP_URL", "mail.example.com", "SMTP_URL must look like smtp://"),
        ("SMTP_URL", "smtp://host:notaport", "SMTP_URL is not a valid URL"),
        ("DIGEST_TIME", "25:00", "DIGEST_TIME must be a time of day like 07:30"),
        ("ALERT_DAILY_TIME", "noon", "ALERT_DAILY_TIME must be a time of day"),
        ("DIGEST_TO", "team", "DIGEST_TO: 'team' is not an e-mail address"),
        ("DIGEST_WEBHOOK", "hooks.example.com", "DIGEST_WEBHOOK must be an http:// or https://"),
        ("PUBLIC_URL", "rb.example.com", "PUBLIC_URL must be an http:// or https://"),
        ("ALERT_CHECK_SECONDS", "0", "ALERT_CHECK_SECONDS must be a number of seconds above 0"),
        ("WEBHOOK_TIMEOUT_SECONDS", "soon", "WEBHOOK_TIMEOUT_SECONDS must be a number"),
        ("ALERT_FROM", "reelboard", "ALERT_FROM: 'reelboard' is not an e-mail address"),
    ],
)
def test_bad_settings_stop_the_start_with_a_message(tmp_path, name, value, message):
    with pytest.raises(ConfigError, match=message):
        settings(tmp_path, **{name: value})
