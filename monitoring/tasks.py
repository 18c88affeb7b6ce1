import time
from datetime import timedelta

from celery import shared_task
from django.conf import settings
from django.utils import timezone

from monitoring.selectors import ticket_messages_due
from monitoring.services import cycle_poll, snmp_poll
from monitoring.services.tickets import ticket_message_deliver
from redegov.exceptions import TransientError


@shared_task(ignore_result=True, acks_late=True, soft_time_limit=240, time_limit=300)
def poll_cycle() -> None:
    """One ICMP cycle for every link. Safe to run twice: a recorded cycle is never re-applied."""
    seconds = settings.MONITORING_CYCLE_SECONDS
    cycle_poll(
        cycle_id=int(time.time()) // seconds,
        length=timedelta(seconds=seconds),
        now=timezone.now(),
    )


@shared_task(ignore_result=True, time_limit=600)
def poll_snmp() -> None:
    """SNMP evidence of every link's CPE. Running it twice only refreshes the same readings."""
    snmp_poll(now=timezone.now())


@shared_task(
    ignore_result=True,
    acks_late=True,
    autoretry_for=(TransientError,),
    retry_backoff=30,
    retry_backoff_max=600,
    max_retries=5,
    soft_time_limit=90,
    time_limit=120,
)
def send_ticket_message(message_id: int) -> None:
    """Send a ticket message (e-mail and/or webhook). Safe to run twice: the message is claimed
    and each channel marked as sent; what still fails is left to the sweeper's next attempt."""
    ticket_message_deliver(message_id=message_id, now=timezone.now())


@shared_task(ignore_result=True, soft_time_limit=50, time_limit=60)
def sweep_ticket_messages() -> None:
    """Enqueue every ticket message still undelivered past its next attempt (a worker died
    before sending it, or a channel failed). Running it twice enqueues a message twice at most,
    and the claim lets only one send it."""
    for message_id in ticket_messages_due(now=timezone.now()):
        send_ticket_message.delay(message_id)
