"""Celery tasks of the outbox: the delivery of one message and the sweeper."""

from celery import shared_task
from django.utils import timezone

from outbox.selectors import messages_due
from outbox.services import message_deliver, messages_abandon


@shared_task(ignore_result=True, acks_late=True, soft_time_limit=90, time_limit=120)
def deliver_message(message_id: int) -> None:
    """Send one message. Claim guard: a second run finds it sent or held and does nothing;
    failures are recorded on the row and retried by the sweeper, not by Celery."""
    message_deliver(message_id=message_id, now=timezone.now())


@shared_task(ignore_result=True, soft_time_limit=50, time_limit=60)
def sweep_messages() -> None:
    """Periodic: enqueue every message due again (its task was lost with a worker or a flushed
    broker, or its last attempt failed) and dead-letter the abandoned ones. Running it twice
    enqueues a message twice at most, and the lease lets only one send it."""
    now = timezone.now()
    messages_abandon(now=now)
    for message_id in messages_due(now=now):
        deliver_message.delay(message_id)
