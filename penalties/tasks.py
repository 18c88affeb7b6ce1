"""Celery tasks of fine proceedings: thin, each calling one service, each safe to run twice."""

from celery import shared_task
from django.utils import timezone

from penalties.services import (
    proceeding_deadline_reminders,
    proceeding_expire,
    proceedings_expired_ids,
)


@shared_task(ignore_result=True)
def proceedings_expire_task() -> None:
    """Periodic: one task per proceeding whose carrier deadline (defense, appeal) has ended."""
    for proceeding_id in proceedings_expired_ids(now=timezone.now()):
        proceeding_expire_task.delay(proceeding_id)


@shared_task(ignore_result=True, acks_late=True)
def proceeding_expire_task(proceeding_id: int) -> None:
    """Move one proceeding on at its deadline's end (state guard in the service: a proceeding
    already moved, or filed in time, is left alone; so it is safe to run twice)."""
    proceeding_expire(proceeding_id=proceeding_id, now=timezone.now())


@shared_task(ignore_result=True)
def proceeding_reminders_task() -> None:
    """Periodic: remind carriers of their deadlines ending soon (natural key: each reminder's
    outbox key is derived from its deadline and recipient, so a second run writes nothing)."""
    proceeding_deadline_reminders()
