import time
from datetime import timedelta

from celery import shared_task
from django.conf import settings
from django.utils import timezone

from monitoring.models import PollShard
from monitoring.services import cycle_poll, shard_default, snmp_poll
from monitoring.services.evidence import evidence_partitions_prune


def _shards() -> list[tuple[int, str]]:
    """(id, queue) of every shard; the default one is made again if it went missing, so that
    the links of lots no shard names are never left unpolled."""
    shard_default()
    return list(PollShard.objects.values_list("pk", "queue"))


@shared_task(ignore_result=True)
def poll_dispatch() -> None:
    """Send this cycle's task of every shard to the shard's queue; it expires when the cycle's
    time has passed (a late shard skips the cycle, which the NOC then sees unmeasured)."""
    seconds = settings.MONITORING_CYCLE_SECONDS
    cycle_id = int(time.time()) // seconds
    for shard_id, queue in _shards():
        poll_cycle.apply_async(
            args=[shard_id, cycle_id], queue=queue, expires=(cycle_id + 1) * seconds - time.time()
        )


@shared_task(ignore_result=True, acks_late=True, soft_time_limit=240, time_limit=300)
def poll_cycle(shard_id: int, cycle_id: int) -> None:
    """One shard's ICMP cycle. Safe to run twice: a recorded cycle is never re-applied."""
    cycle_poll(
        shard_id=shard_id,
        cycle_id=cycle_id,
        length=timedelta(seconds=settings.MONITORING_CYCLE_SECONDS),
        now=timezone.now(),
    )


@shared_task(ignore_result=True)
def snmp_dispatch() -> None:
    """Send the SNMP reading task of every shard to the shard's queue."""
    for shard_id, queue in _shards():
        poll_snmp.apply_async(
            args=[shard_id], queue=queue, expires=settings.MONITORING_SNMP_SECONDS
        )


@shared_task(ignore_result=True, time_limit=600)
def poll_snmp(shard_id: int) -> None:
    """SNMP evidence of a shard's CPEs. Running it twice only refreshes the same readings."""
    snmp_poll(shard_id=shard_id, now=timezone.now())


@shared_task(ignore_result=True)
def evidence_partitions() -> None:
    evidence_partitions_prune(today=timezone.localdate())
