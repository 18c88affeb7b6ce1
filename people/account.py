"""Reads for a person's own page (docs/users.md, "Sua conta"): recent logins and failed
attempts, kept by django-axes."""

from axes.models import AccessFailureLog, AccessLog
from django_otp import user_has_device

RECENT = 10


def account_overview(user) -> dict[str, object]:
    """What the user's page shows: the latest logins and failed attempts under their username,
    and whether a second factor is enrolled."""
    mine = {"username": user.get_username()}
    return {
        "logins": list(AccessLog.objects.filter(**mine).order_by("-attempt_time")[:RECENT]),
        "failures": list(
            AccessFailureLog.objects.filter(**mine).order_by("-attempt_time")[:RECENT]
        ),
        "has_second_factor": user_has_device(user, confirmed=True),
    }
