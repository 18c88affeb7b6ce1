"""Celery tasks of orders: thin, each calling one service, each safe to run twice."""

from celery import shared_task

from orders.selectors import order_answering_ids
from orders.services import order_verify_if_answering


@shared_task(ignore_result=True, acks_late=True)
def order_verify_task(order_id: int) -> None:
    """Verify one order whose link answers ICMP. State guard: a verified order is left alone."""
    order_verify_if_answering(order_id=order_id)


@shared_task(ignore_result=True)
def orders_verify_answering() -> None:
    """Periodic: find completed orders whose new link answered, one task each."""
    for order_id in order_answering_ids():
        order_verify_task.delay(order_id)
