"""Chainable reads of orders. `visible_to` is the one place that decides which orders a user
may see: the link rule of `inventory.querysets.link_visibility_q` (network-wide roles all, an
agency manager the agency's, unit staff the unit's), and for a carrier the orders dispatched to
its lots (a consortium's members all see the lot's orders; drafts never leave the agency)."""

from datetime import datetime

from django.db import models
from django.db.models import Exists, F, OuterRef, Q

from inventory.querysets import link_visibility_q
from orders.choices import CLOCK_RUNNING, NOT_COUNTED
from redegov.roles import Role, has_role, sees_whole_network


def order_visibility_q(user) -> Q | None:
    """The condition on orders a user may see; None means every order."""
    if sees_whole_network(user):
        return None
    if has_role(user, Role.CARRIER) and user.carrier_id:
        return Q(lot__members__carrier_id=user.carrier_id, dispatched_at__isnull=False)
    return link_visibility_q(user)


class OrderQuerySet(models.QuerySet):
    def visible_to(self, user) -> "OrderQuerySet":
        condition = order_visibility_q(user)
        if condition is None:
            return self
        # The carrier condition crosses a to-many relation: keep one row per order.
        return self.filter(pk__in=self.model.objects.filter(condition).values("pk"))

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
