"""System checks of the outbox's settings (docs/operations.md, "Outbox")."""

from django.conf import settings
from django.core.checks import Error, register


@register()
def outbox_settings_check(app_configs=None, **kwargs) -> list[Error]:
    """A lease shorter than a send's timeouts would let a second sender start while the first
    is still waiting for its server: the receiver would get the message twice."""
    errors = []
    send_seconds = settings.EMAIL_TIMEOUT + settings.OUTBOX_WEBHOOK_TIMEOUT_SECONDS
    if send_seconds >= settings.OUTBOX_LEASE_SECONDS:
        errors.append(
            Error(
                f"OUTBOX_LEASE_SECONDS ({settings.OUTBOX_LEASE_SECONDS}) must exceed "
                f"DJANGO_EMAIL_TIMEOUT + OUTBOX_WEBHOOK_TIMEOUT_SECONDS ({send_seconds}).",
                id="outbox.E001",
            )
        )
    if settings.OUTBOX_MAX_ATTEMPTS < 1 or settings.OUTBOX_BACKOFF_SECONDS < 1:
        errors.append(
            Error(
                "OUTBOX_MAX_ATTEMPTS and OUTBOX_BACKOFF_SECONDS must be at least 1.",
                id="outbox.E002",
            )
        )
    return errors
