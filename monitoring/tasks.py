import time
from datetime import timedelta

from celery import shared_task
from django.conf import settings
from django.utils import timezone

from monitoring.services import cycle_poll


@shared_task(queue="poll", ignore_result=True, acks_late=True, time_limit=300)
def poll_cycle() -> None:
    """One ICMP cycle for every link. Safe to run twice: a recorded cycle is never re-applied."""
    seconds = settings.MONITORING_CYCLE_SECONDS
    cycle_poll(
        cycle_id=int(time.time()) // seconds,
        length=timedelta(seconds=seconds),
        now=timezone.now(),
    )
