"""Delivery of alerts and digests: a webhook POST (JSON with a Slack-compatible `text`) and
e-mail over SMTP. Knows nothing of the web app; errors come back as one line each."""

from __future__ import annotations

import json
import smtplib
import ssl
import urllib.error
import urllib.request
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import make_msgid

from data.alerts.settings import SmtpSettings

SMTP_TIMEOUT = 10  # seconds
ERROR_CHARS = 300


class DeliveryError(RuntimeError):
    """A channel could not be delivered to; the message says why, in one line."""


@dataclass(frozen=True)
class Image:
    """A PNG to send inline: its bytes and its file name."""

    data: bytes
    filename: str = "chart.png"


@dataclass(frozen=True)
class Delivery:
    """How to reach the outside: SMTP (None: no e-mail), the sender, the webhook timeout."""

    smtp: SmtpSettings | None
    sender: str
    timeout: float = 5.0


def _one_line(error: BaseException) -> str:
    text = " ".join(str(error).split()) or type(error).__name__
    return f"{type(error).__name__}: {text}"[:ERROR_CHARS]


def post_webhook(url: str, payload: dict, timeout: float) -> None:
    """POST payload as JSON; DeliveryError unless the receiver answers 2xx within timeout."""
    body = json.dumps(payload, default=str).encode()
    request = urllib.request.Request(
        url,
        data=body,
        method="POST",
        headers={"Content-Type": "application/json", "User-Agent": "Reelboard-alerts"},
    )
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310
            response.read(65536)
    except urllib.error.HTTPError as error:
        raise DeliveryError(f"the webhook answered HTTP {error.code}") from None
    except (OSError, ValueError) as error:
        raise DeliveryError(f"webhook: {_one_line(error)}") from None


def email_message(sender, to, subject: str, text: str, html=None, image=None) -> EmailMessage:
    """A plain-text e-mail, with an HTML part showing `image` inline when given."""
    message = EmailMessage()
    message["From"] = sender
    message["To"] = ", ".join(to)
    message["Subject"] = " ".join(subject.split())[:200]
    message.set_content(text)
    if html is not None:
        cid = make_msgid(domain="reelboard")
        message.add_alternative(html.replace("{cid}", cid[1:-1]), subtype="html")
        if image is not None:
            html_part = message.get_payload()[1]
            html_part.add_related(
                image.data, "image", "png", cid=cid, filename=image.filename, disposition="inline"
            )
    elif image is not None:
        message.add_attachment(image.data, "image", "png", filename=image.filename)
    return message


def send_email(smtp: SmtpSettings | None, message: EmailMessage) -> None:
    """Send over SMTP (STARTTLS or TLS as configured); DeliveryError on any failure."""
    if smtp is None:
        raise DeliveryError("e-mail is not configured: set SMTP_URL")
    try:
        if smtp.ssl:
            client = smtplib.SMTP_SSL(
                smtp.host, smtp.port, timeout=SMTP_TIMEOUT, context=ssl.create_default_context()
            )
        else:
            client = smtplib.SMTP(smtp.host, smtp.port, timeout=SMTP_TIMEOUT)
        with client:
            if smtp.starttls:
                client.starttls(context=ssl.create_default_context())
            if smtp.user:
                client.login(smtp.user, smtp.password or "")
            client.send_message(message)
    except (OSError, smtplib.SMTPException) as error:
        raise DeliveryError(f"e-mail: {_one_line(error)}") from None


def deliver(delivery: Delivery, channels: dict, payload: dict, subject: str, **mail) -> dict:
    """Send payload (its `text`) to each channel; {channel: error} for those that failed
    ("webhook", "email"), {} when all were delivered. Never raises for a delivery."""
    failed = {}
    if channels.get("webhook"):
        try:
            post_webhook(channels["webhook"], payload, delivery.timeout)
        except DeliveryError as error:
            failed["webhook"] = str(error)
    if channels.get("email"):
        try:
            message = email_message(
                delivery.sender, channels["email"], subject, payload["text"], **mail
            )
            send_email(delivery.smtp, message)
        except DeliveryError as error:
            failed["email"] = str(error)
    return failed
