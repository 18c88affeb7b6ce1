"""The demo's orders: every status, some late, some paused; a second run adds nothing."""

import pytest
from django.utils import timezone

from inventory.demo.build import seed_demo
from orders.choices import OrderStatus
from orders.demo import seed_demo_orders
from orders.models import Order


@pytest.mark.django_db
def test_demo_orders_cover_every_status_and_run_once(municipalities):
    seed_demo(links=60, seed=1)
    created = seed_demo_orders()
    assert created >= len(OrderStatus.values)
    assert set(Order.objects.values_list("status", flat=True)) == set(OrderStatus.values)
    assert Order.objects.late(timezone.now()).exists()
    assert Order.objects.filter(pauses__ended_at__isnull=True).exists()
    assert seed_demo_orders() == 0
