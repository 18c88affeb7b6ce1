from django.contrib import admin

from outbox.models import Message, MessageAction


class MessageActionInline(admin.TabularInline):
    model = MessageAction
    extra = 0
    can_delete = False
    readonly_fields = ["action", "by", "at", "reason", "error"]


@admin.register(Message)
class MessageAdmin(admin.ModelAdmin):
    """Read-only: messages are written by the portal's services and moved on the dead-letter
    page (/mensagens/nao-entregues/)."""

    list_display = ["kind", "channel", "recipient", "status", "attempts", "created_at", "sent_at"]
    list_filter = ["status", "kind", "channel"]
    search_fields = ["key", "ref", "subject", "url"]
    readonly_fields = [f.name for f in Message._meta.fields]
    inlines = [MessageActionInline]

    def has_add_permission(self, request) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
