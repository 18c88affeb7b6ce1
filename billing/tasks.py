"""Celery tasks of billing: thin, each calling one service, each safe to run twice."""

from celery import shared_task

from billing.services import period_job_run


@shared_task(ignore_result=True, acks_late=True, soft_time_limit=1740, time_limit=1800)
def run_period_job(job_id: int) -> None:
    """Compute or close a month, or generate its technical reports. State guard: a job that
    is no longer queued is left alone."""
    period_job_run(job_id=job_id)
