from celery import shared_task

from redegov.health import heartbeat_record


@shared_task(ignore_result=True)
def worker_heartbeat() -> None:
    """Runs on a worker: proves that beat schedules and a worker executes."""
    heartbeat_record()
