"""Filters of the API's lists that the pages do not have (the others reuse the pages')."""

import django_filters

from monitoring.choices import WindowScope, WindowStatus
from monitoring.models import MaintenanceWindow


class MaintenanceWindowFilter(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(choices=WindowStatus.choices, label="Situação")
    scope = django_filters.ChoiceFilter(choices=WindowScope.choices, label="Abrangência")
    since = django_filters.DateFilter(
        field_name="start__date", lookup_expr="gte", label="Início a partir de"
    )

    class Meta:
        model = MaintenanceWindow
        fields: list[str] = []
