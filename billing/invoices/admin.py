from django.contrib import admin

from billing.invoices.models import CarrierInvoice, ClosingOverride, Difference, InvoiceLayout


@admin.register(InvoiceLayout)
class InvoiceLayoutAdmin(admin.ModelAdmin):
    list_display = ["carrier", "encoding", "delimiter", "decimal_comma", "header_rows"]


@admin.register(CarrierInvoice)
class CarrierInvoiceAdmin(admin.ModelAdmin):
    list_display = ["number", "carrier", "period", "total", "imported_at"]
    list_filter = ["carrier", "period"]
    exclude = ["content"]


@admin.register(Difference)
class DifferenceAdmin(admin.ModelAdmin):
    list_display = ["circuit_id", "kind", "state", "billed", "expected", "invoice"]
    list_filter = ["kind", "state"]


@admin.register(ClosingOverride)
class ClosingOverrideAdmin(admin.ModelAdmin):
    list_display = ["period", "user", "at", "reason"]
