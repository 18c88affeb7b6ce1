"""Celery tasks of fine proceedings: thin, each calling one service, each safe to run twice."""

from celery import shared_task

from penalties.services import proceeding_notice_send as notice_send
from penalties.services import proceedings_expire


@shared_task(ignore_result=True, acks_late=True, max_retries=5, retry_backoff=True)
def proceeding_notice_send(event_id: int) -> None:
    """E-mail one posted notice. Claim guard: a second run sends nothing."""
    notice_send(event_id=event_id)


@shared_task(ignore_result=True)
def proceedings_expire_task() -> None:
    """Periodic: the moves of the carriers' deadlines that expired (state guard: a proceeding
    already moved is not in the state the service looks for)."""
    proceedings_expire()
