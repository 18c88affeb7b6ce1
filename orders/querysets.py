"""Chainable reads of orders. Which orders a user may see is the access policy's rule
(`redegov.access.order_rows`); `visible_to` applies it."""

from datetime import datetime

from django.db import models
from django.db.models import Exists, F, OuterRef, Q

from orders.choices import CLOCK_RUNNING, NOT_COUNTED
from redegov.access import restrict


class OrderQuerySet(models.QuerySet):
    def visible_to(self, user) -> "OrderQuerySet":
        return restrict(self, user)

    def late(self, now: datetime) -> "OrderQuerySet":
        """Open orders past their due instant (a pause that began before it holds the clock),
        and orders stopped after it."""
        from orders.models import OrderPause

        held = Exists(
            OrderPause.objects.filter(
                order=OuterRef("pk"), ended_at__isnull=True, started_at__lte=OuterRef("due_at")
            )
        )
        running_late = Q(status__in=CLOCK_RUNNING, due_at__lt=now) & ~Q(held)
        stopped_late = Q(completed_at__gt=F("due_at")) & ~Q(status__in=NOT_COUNTED)
        return self.filter(running_late | stopped_late)
