"""Admin: each contract's deadline table and guarantee, and its fine catalog (checked against
the legal range). Proceedings are read here, moved only in the portal."""

from django import forms
from django.contrib import admin

from penalties.models import FineType, PenaltySettings, Proceeding
from penalties.services import fine_type_check


@admin.register(PenaltySettings)
class PenaltySettingsAdmin(admin.ModelAdmin):
    list_display = [
        "contract",
        "defense_days",
        "appeal_days",
        "reconsideration_days",
        "superior_days",
        "guarantee",
    ]


class FineTypeForm(forms.ModelForm):
    class Meta:
        model = FineType
        fields = ["contract", "name", "legal_basis", "amount", "percent"]

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("contract") and (cleaned.get("amount") or cleaned.get("percent")):
            fine_type_check(FineType(**{k: cleaned.get(k) for k in self.Meta.fields}))
        return cleaned


@admin.register(FineType)
class FineTypeAdmin(admin.ModelAdmin):
    form = FineTypeForm
    list_display = ["name", "contract", "legal_basis", "amount", "percent"]
    list_filter = ["contract"]


@admin.register(Proceeding)
class ProceedingAdmin(admin.ModelAdmin):
    list_display = ["number", "contract", "lot", "carrier", "sanction", "status", "amount"]
    list_filter = ["status", "sanction"]
    search_fields = ["number"]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
