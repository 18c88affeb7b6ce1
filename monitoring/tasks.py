import time
from datetime import timedelta

from celery import shared_task
from django.conf import settings
from django.utils import timezone

from monitoring.services import cycle_poll, snmp_poll


@shared_task(queue="poll", ignore_result=True, acks_late=True, time_limit=300)
def poll_cycle() -> None:
    """One ICMP cycle for every link. Safe to run twice: a recorded cycle is never re-applied."""
    seconds = settings.MONITORING_CYCLE_SECONDS
    cycle_poll(
        cycle_id=int(time.time()) // seconds,
        length=timedelta(seconds=seconds),
        now=timezone.now(),
    )


@shared_task(queue="poll", ignore_result=True, time_limit=600)
def poll_snmp() -> None:
    """SNMP evidence of every link's CPE. Running it twice only refreshes the same readings."""
    snmp_poll(now=timezone.now())
