"""Factories for monitoring. An outage needs its link and start; it is an interruption imported
from a report unless told otherwise, with the model's default responsibility (pending)."""

import factory

from monitoring.choices import OutageKind, OutageSource
from monitoring.models import Outage


class OutageFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Outage

    kind = OutageKind.INTERRUPTION
    source = OutageSource.IMPORT
