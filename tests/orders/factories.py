"""Factories for orders. An order is a draft activation of a new agency in a lot of its own
(Belo Horizonte), created by a user of its own, unless told otherwise; a dispatched order needs
its clock (`dispatched_at`, `deadline_days`, `base_due_at`, `due_at`, the database checks them
together). Orders people move through their steps are made by `orders.services` (the helpers
of tests/support/orders.py). A pause needs its order and start."""

import factory

from inventory.models import Municipality
from orders.choices import OrderType
from orders.models import Order, OrderPause
from tests.inventory.factories import BELO_HORIZONTE, AgencyFactory, LotFactory
from tests.people.factories import UserFactory
from tests.support.time import local


class OrderFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Order

    number = factory.Sequence(lambda n: f"OS-T-{n:06d}")
    order_type = OrderType.ACTIVATION
    lot = factory.SubFactory(LotFactory)
    contract = factory.LazyAttribute(lambda o: o.lot.contract)
    agency = factory.SubFactory(AgencyFactory)
    municipality = factory.LazyAttribute(lambda o: Municipality.objects.get(pk=BELO_HORIZONTE))
    created_by = factory.SubFactory(UserFactory)
    created_at = local(2026, 3, 2, 10)


class OrderPauseFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = OrderPause

    order = factory.SubFactory(OrderFactory)
    reason = "Sem acesso ao local"
