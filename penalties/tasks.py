"""Celery tasks of fine proceedings: thin, each calling one service, each safe to run twice."""

from celery import shared_task

from penalties.services import proceedings_expire


@shared_task(ignore_result=True)
def proceedings_expire_task() -> None:
    """Periodic: the moves of the carriers' deadlines that expired (state guard: a proceeding
    already moved is not in the state the service looks for)."""
    proceedings_expire()
