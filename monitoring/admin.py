from django.contrib import admin

from monitoring.models import CarrierChannel, MonitoringSettings, PollShard, ShardLot, TicketMessage


@admin.register(CarrierChannel)
class CarrierChannelAdmin(admin.ModelAdmin):
    """The webhook secret the NOC hands to each carrier (docs/tickets.md)."""

    list_display = ["carrier"]


@admin.register(MonitoringSettings)
class MonitoringSettingsAdmin(admin.ModelAdmin):
    list_display = ["contract", "repair_minutes_metro", "repair_minutes_interior"]


@admin.register(TicketMessage)
class TicketMessageAdmin(admin.ModelAdmin):
    list_display = ["carrier", "created_at", "delivery_id"]
    readonly_fields = [f.name for f in TicketMessage._meta.fields]


class ShardLotInline(admin.TabularInline):
    model = ShardLot
    extra = 1


@admin.register(PollShard)
class PollShardAdmin(admin.ModelAdmin):
    """Shards of the network and the Celery queue that polls each (docs/operations.md)."""

    list_display = ["name", "queue", "is_default"]
    inlines = [ShardLotInline]
