"""Putting one message on the wire: SMTP through Django's e-mail backend, or an HTTP POST.
Both raise on any refusal (an OSError: smtplib's and urllib's errors are OSErrors)."""

import json
import urllib.request
from datetime import datetime

from django.conf import settings
from django.core.mail import EmailMessage, get_connection

from outbox.choices import Channel
from outbox.models import Message
from outbox.signing import signer_secret, webhook_signature


def message_id_header(message: Message) -> str:
    """The e-mail's Message-ID: the message's key, the same on every attempt."""
    domain = settings.DEFAULT_FROM_EMAIL.rpartition("@")[2] or "redegov"
    return f"<{message.key}@{domain}>"


def _send_email(message: Message) -> None:
    email = EmailMessage(
        message.subject,
        message.body,
        settings.DEFAULT_FROM_EMAIL,
        list(message.to),
        headers={**message.headers, "Message-ID": message_id_header(message)},
        connection=get_connection(fail_silently=False),
    )
    email.send()


def _post_webhook(message: Message, now: datetime) -> None:
    if not message.url.startswith(("http://", "https://")):
        raise ValueError(f"endereço de webhook inválido: {message.url}")
    body = json.dumps(message.payload, ensure_ascii=False).encode()
    headers = {
        "Content-Type": "application/json; charset=utf-8",
        "Idempotency-Key": str(message.key),
        **message.headers,
    }
    if message.signer:
        timestamp = str(int(now.timestamp()))
        signature = webhook_signature(
            secret=signer_secret(message.signer), timestamp=timestamp, body=body
        )
        headers["X-RedeGov-Timestamp"] = timestamp
        headers["X-RedeGov-Signature"] = f"sha256={signature}"
    request = urllib.request.Request(  # noqa: S310 - the scheme is checked above
        message.url, data=body, method="POST", headers=headers
    )
    with urllib.request.urlopen(  # noqa: S310
        request, timeout=settings.OUTBOX_WEBHOOK_TIMEOUT_SECONDS
    ):
        pass  # any 2xx; urlopen raises HTTPError for the others


def message_send(message: Message, now: datetime) -> None:
    if message.channel == Channel.EMAIL:
        _send_email(message)
    else:
        _post_webhook(message, now)
