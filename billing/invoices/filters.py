"""The carrier invoices list: sorting by its columns (docs/ui.md, "Listas: ordenação")."""

import django_filters

from billing.invoices.models import CarrierInvoice
from core.sorting import Header, SortFilter

# One invoice per carrier and month: the two counts (annotations of
# billing.invoices.selectors.invoice_list) sort a handful of rows.
INVOICE_HEADERS = [
    Header("Operadora", "carrier", "carrier__name"),
    Header("Fatura", "number"),
    Header("Total faturado", "total", numeric=True),
    Header("Divergências", "differences", "difference_count", numeric=True),
    Header("Contestações sem solução", "unresolved", "unresolved_count", numeric=True),
    Header("Importada em", "imported", "imported_at"),
]


class InvoiceFilter(django_filters.FilterSet):
    o = SortFilter(headers=INVOICE_HEADERS, default="carrier")

    class Meta:
        model = CarrierInvoice
        fields: list[str] = []
