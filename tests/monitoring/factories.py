"""Factories for monitoring. An outage needs its link and start; it is an interruption imported
from a report unless told otherwise, with the model's default responsibility (pending). A loss
of redundancy needs its link and start, a period without measurement its start (in the default
shard unless told). A shard polls the lots it is given (`lots=[...]`). Tickets, disputes,
maintenance windows and irregularity reports are written by `monitoring.services`, which also
write the mail they send (tests/support/sla.py's `open_outage_with_ticket`, for one)."""

import factory

from monitoring.choices import OutageKind, OutageSource
from monitoring.models import BlindPeriod, Outage, PollShard, RedundancyLoss, ShardLot
from monitoring.services import shard_default


class OutageFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Outage

    kind = OutageKind.INTERRUPTION
    source = OutageSource.IMPORT


class RedundancyLossFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = RedundancyLoss


class PollShardFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PollShard
        skip_postgeneration_save = True

    name = factory.Sequence(lambda n: f"fatia{n}")
    queue = factory.LazyAttribute(lambda o: f"poll-{o.name}")

    @factory.post_generation
    def lots(self, create, lots, **kwargs):
        for lot in lots or ():
            ShardLot.objects.create(shard=self, lot=lot)


class BlindPeriodFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = BlindPeriod

    shard = factory.LazyFunction(shard_default)
