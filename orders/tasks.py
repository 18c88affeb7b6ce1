"""Celery tasks of orders: thin, each calling one service, each safe to run twice."""

from datetime import timedelta

from celery import shared_task

from orders.selectors import order_answering_ids, order_events_unnotified
from orders.services import order_event_notify, order_verify_if_answering

UNSENT_AFTER = timedelta(minutes=5)


@shared_task(ignore_result=True, acks_late=True, max_retries=5, retry_backoff=True)
def order_event_notify_task(event_id: int) -> None:
    """E-mail the next actor of one event. Claim guard: a second run sends nothing."""
    order_event_notify(event_id=event_id)


@shared_task(ignore_result=True, acks_late=True)
def order_verify_task(order_id: int) -> None:
    """Verify one order whose link answers ICMP. State guard: a verified order is left alone."""
    order_verify_if_answering(order_id=order_id)


@shared_task(ignore_result=True)
def orders_verify_answering() -> None:
    """Periodic: find completed orders whose new link answered, one task each."""
    for order_id in order_answering_ids():
        order_verify_task.delay(order_id)


@shared_task(ignore_result=True)
def orders_notify_sweep() -> None:
    """Periodic: send again the e-mails of events whose task was lost."""
    for event_id in order_events_unnotified(older_than=UNSENT_AFTER):
        order_event_notify_task.delay(event_id)
