from django.contrib import admin

from monitoring.models import CarrierChannel, MonitoringSettings, TicketMessage


@admin.register(CarrierChannel)
class CarrierChannelAdmin(admin.ModelAdmin):
    """The webhook secret the NOC hands to each carrier (docs/tickets.md)."""

    list_display = ["carrier"]


@admin.register(MonitoringSettings)
class MonitoringSettingsAdmin(admin.ModelAdmin):
    list_display = ["contract", "repair_minutes_metro", "repair_minutes_interior"]


@admin.register(TicketMessage)
class TicketMessageAdmin(admin.ModelAdmin):
    list_display = ["carrier", "created_at", "delivered_at", "attempts", "last_error"]
    readonly_fields = [f.name for f in TicketMessage._meta.fields]
