"""Celery tasks of fine proceedings: thin, each calling one service, each safe to run twice."""

from celery import shared_task

from penalties.services import proceeding_deadline_reminders, proceedings_expire


@shared_task(ignore_result=True)
def proceedings_expire_task() -> None:
    """Periodic: the moves of the carriers' deadlines that expired (state guard: a proceeding
    already moved is not in the state the service looks for)."""
    proceedings_expire()


@shared_task(ignore_result=True)
def proceeding_reminders_task() -> None:
    """Periodic: remind carriers of their deadlines ending soon (natural key: each reminder's
    outbox key is derived from its deadline and recipient, so a second run writes nothing)."""
    proceeding_deadline_reminders()
