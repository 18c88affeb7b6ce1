from django.contrib import admin
from django.utils import timezone

from api.models import ApiToken, ApiWrite, IdempotencyKey
from api.services import api_token_revoke


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    """Users' tokens (created in the portal, never here); admins may revoke any of them."""

    list_display = [
        "name",
        "user",
        "prefix",
        "created_at",
        "expires_at",
        "last_used_at",
        "revoked_at",
    ]
    list_filter = ["revoked_at"]
    search_fields = ["name", "prefix", "user__username"]
    readonly_fields = [f.name for f in ApiToken._meta.fields]
    actions = ["revoke"]

    def has_add_permission(self, request) -> bool:
        return False

    @admin.action(description="Revogar os tokens selecionados")
    def revoke(self, request, queryset) -> None:
        now = timezone.now()
        for token in queryset:
            api_token_revoke(token=token, now=now)


@admin.register(ApiWrite)
class ApiWriteAdmin(admin.ModelAdmin):
    """The audit of writes through the API: read only."""

    list_display = ["at", "user", "token", "method", "path", "operation", "status_code"]
    list_filter = ["operation", "status_code"]
    search_fields = ["user__username", "token__prefix", "path", "object_id"]
    readonly_fields = [f.name for f in ApiWrite._meta.fields]
    date_hierarchy = "at"

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(IdempotencyKey)
class IdempotencyKeyAdmin(admin.ModelAdmin):
    list_display = ["key", "user", "outage", "status_code", "created_at"]
    search_fields = ["key", "user__username"]
    readonly_fields = [f.name for f in IdempotencyKey._meta.fields]
