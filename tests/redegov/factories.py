"""Factories for the platform's own rows. A holiday is a state ponto facultativo unless told,
the kind staff add each year; Carnaval 2026's three are added together (`carnaval_2026`)."""

from datetime import date

import factory

from redegov.models import Holiday

CARNAVAL_2026 = {
    date(2026, 2, 16): "Carnaval",
    date(2026, 2, 17): "Carnaval",
    date(2026, 2, 18): "Quarta-feira de Cinzas",
}


class HolidayFactory(factory.django.DjangoModelFactory):
    """Pass the `date`."""

    class Meta:
        model = Holiday

    name = "Ponto facultativo"
    kind = Holiday.Kind.OPTIONAL


def carnaval_2026() -> None:
    """Carnaval 2026 (16 and 17 February, and Ash Wednesday), added as pontos facultativos."""
    for day, name in CARNAVAL_2026.items():
        HolidayFactory(date=day, name=name)
