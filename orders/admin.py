"""The Django admin of orders: the per-contract deadlines are edited here; orders are read
(they move only through `orders.services.order_transition`, from their pages)."""

from django.contrib import admin

from orders.models import Order, OrderDeadline, OrderEvent, OrderPause


@admin.register(OrderDeadline)
class OrderDeadlineAdmin(admin.ModelAdmin):
    list_display = ["contract", "order_type", "region", "days", "business_days"]
    list_filter = ["contract", "order_type", "region"]


class ReadOnlyInline(admin.TabularInline):
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False


class OrderEventInline(ReadOnlyInline):
    model = OrderEvent
    # Stored files have no URL (redegov.uploads.PrivateStorage): the name only; the file is
    # downloaded from the order's page.
    exclude = ["attachment"]
    readonly_fields = ["attachment_name"]

    @admin.display(description="anexo")
    def attachment_name(self, event: OrderEvent) -> str:
        return event.attachment.name or "—"


class OrderPauseInline(ReadOnlyInline):
    model = OrderPause


@admin.register(Order)
class OrderAdmin(admin.ModelAdmin):
    list_display = ["number", "order_type", "status", "agency", "lot", "carrier", "due_at"]
    list_filter = ["order_type", "status", "lot"]
    search_fields = ["number", "address", "link__circuit_id"]
    list_select_related = ["agency", "lot", "carrier"]
    inlines = [OrderPauseInline, OrderEventInline]

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_add_permission(self, request) -> bool:
        return False
