"""The proceeding list's filters; the choice lists offer only what the user may see."""

import django_filters
from django.http import HttpRequest

from inventory.models import Carrier, Lot
from penalties.choices import ProceedingStatus, Sanction
from penalties.models import Proceeding


def visible_carriers(request: HttpRequest):
    seen = Proceeding.objects.visible_to(request.user).values("carrier_id")
    return Carrier.objects.filter(pk__in=seen)


def visible_lots(request: HttpRequest):
    seen = Proceeding.objects.visible_to(request.user).values("lot_id")
    return Lot.objects.filter(pk__in=seen)


class ProceedingFilter(django_filters.FilterSet):
    """Filters of `penalties.selectors.proceeding_list(user=...)`."""

    q = django_filters.CharFilter(field_name="number", lookup_expr="icontains", label="Número")
    status = django_filters.MultipleChoiceFilter(choices=ProceedingStatus.choices, label="Situação")
    sanction = django_filters.ChoiceFilter(choices=Sanction.choices, label="Sanção")
    carrier = django_filters.ModelChoiceFilter(queryset=visible_carriers, label="Operadora")
    lot = django_filters.ModelChoiceFilter(queryset=visible_lots, label="Lote")

    class Meta:
        model = Proceeding
        fields: list[str] = []
