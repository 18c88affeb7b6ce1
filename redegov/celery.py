"""The Celery app and the beat schedule: every periodic task is declared here."""

import os

from celery import Celery
from celery.schedules import crontab
from celery.signals import heartbeat_sent, worker_ready
from django.conf import settings

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "redegov.settings")

app = Celery("redegov")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

app.conf.beat_schedule = {
    # Every minute: the workers' heartbeat, read by /healthz to tell a live worker from a dead one.
    "worker-heartbeat": {"task": "redegov.tasks.worker_heartbeat", "schedule": 60.0},
    # Every cycle: one ICMP cycle per shard, sent to the shard's queue (its hosts poll it and
    # run the outage state machine). A cycle's instant is its scheduled time, so the default
    # 60-second cycle fires on the minute (crontab).
    "poll-dispatch": {
        "task": "monitoring.tasks.poll_dispatch",
        "schedule": crontab()
        if settings.MONITORING_CYCLE_SECONDS == 60
        else float(settings.MONITORING_CYCLE_SECONDS),
        "options": {"expires": float(settings.MONITORING_CYCLE_SECONDS)},
    },
    # Every 5 minutes: SNMP readings of every CPE (uptime, interface status, speed, counters),
    # one task per shard on the shard's queue.
    "snmp-dispatch": {
        "task": "monitoring.tasks.snmp_dispatch",
        "schedule": crontab(minute="*/5")
        if settings.MONITORING_SNMP_SECONDS == 300
        else float(settings.MONITORING_SNMP_SECONDS),
        "options": {"expires": float(settings.MONITORING_SNMP_SECONDS)},
    },
    # Daily at 00:15: next month's evidence partition made ahead, months past the retention
    # (MONITORING_EVIDENCE_MONTHS) dropped.
    "evidence-partitions": {
        "task": "monitoring.tasks.evidence_partitions",
        "schedule": crontab(hour=0, minute=15),
    },
    # Every minute (OUTBOX_SWEEP_SECONDS): outbox messages due again (their task was lost with a
    # worker or a flushed broker, or their last attempt failed) are handed to a delivery task;
    # those whose last allowed attempt never came back are dead-lettered.
    "outbox-sweep": {
        "task": "outbox.tasks.sweep_messages",
        "schedule": crontab()
        if settings.OUTBOX_SWEEP_SECONDS == 60
        else float(settings.OUTBOX_SWEEP_SECONDS),
        "options": {"expires": float(settings.OUTBOX_SWEEP_SECONDS)},
    },
    # Every minute: completed activations whose new link answered ICMP are verified.
    "orders-verify-answering": {"task": "orders.tasks.orders_verify_answering", "schedule": 60.0},
    # Daily at 00:05 local: fine proceedings whose carrier deadline (defense, appeal) ended at
    # 23:59:59 move on (no defense: to the opinions; no appeal: the decision is final).
    "penalties-expire": {
        "task": "penalties.tasks.proceedings_expire_task",
        "schedule": crontab(minute=5, hour=0),
    },
    # Daily at 08:00 local: carriers reminded of their defense or appeal deadlines ending within
    # two business days (an outbox e-mail per person and deadline, written once).
    "penalties-reminders": {
        "task": "penalties.tasks.proceeding_reminders_task",
        "schedule": crontab(minute=0, hour=8),
    },
}


@worker_ready.connect
@heartbeat_sent.connect
def _record_heartbeat(**_kwargs) -> None:
    from redegov.health import heartbeat_record

    heartbeat_record()
