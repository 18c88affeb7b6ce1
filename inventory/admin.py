"""The Django admin of the inventory, for the portal's administrators.

Labels come from the models' verbose names. Each audited model's change page links to its
change history (pghistory's admin adds the "Events" button; the events are kept by triggers).
What the database keeps with composite foreign keys (a coverage row and a link in their lot's
contract, a link's municipality in its lot, a link's unit in its agency) is derived or checked
by the forms here, so a mistake shows as a form error and never as a failed commit.
"""

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Count
from django.forms.models import BaseInlineFormSet

from core.instants import truncate_minute
from inventory.models import (
    Agency,
    AgencyUnit,
    Carrier,
    Contract,
    Link,
    LinkRevision,
    Lot,
    LotMember,
    LotMunicipality,
    Municipality,
    PriceItem,
)
from inventory.services import covering_lot, link_status_for, lot_shares_check


@admin.register(Municipality)
class MunicipalityAdmin(admin.ModelAdmin):
    list_display = ["ibge_code", "name", "rmbh", "capital"]
    list_filter = ["rmbh", "capital"]
    search_fields = ["name", "ibge_code"]


@admin.register(Carrier)
class CarrierAdmin(admin.ModelAdmin):
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
    list_display = ["code", "name", "cnpj", "ticket_email"]
    search_fields = ["code", "name", "cnpj"]


class AgencyUnitInline(admin.TabularInline):
    model = AgencyUnit
    extra = 0
    autocomplete_fields = ["municipality"]


@admin.register(Agency)
class AgencyAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "cnpj", "participation", "manager", "substitute"]
    list_filter = ["participation"]
    list_select_related = ["manager", "substitute"]
    search_fields = ["code", "name", "cnpj"]
    autocomplete_fields = ["manager", "substitute"]
    inlines = [AgencyUnitInline]


@admin.register(AgencyUnit)
class AgencyUnitAdmin(admin.ModelAdmin):
    list_display = ["name", "agency", "municipality", "address"]
    list_filter = ["agency"]
    list_select_related = ["agency", "municipality"]
    search_fields = ["name", "address", "agency__code", "agency__name"]
    autocomplete_fields = ["agency", "municipality"]


@admin.register(Contract)
class ContractAdmin(admin.ModelAdmin):
    list_display = ["number", "regime", "start_date", "end_date", "value"]
    list_filter = ["regime"]
    search_fields = ["number"]


class LotMemberFormSet(BaseInlineFormSet):
    """A lot's contractor: one carrier, or a consortium whose shares sum to 100%."""

    def clean(self) -> None:
        super().clean()
        deleted = self.deleted_forms
        shares = [
            form.cleaned_data["share"]
            for form in self.forms
            if form.cleaned_data.get("share") is not None and form not in deleted
        ]
        try:
            lot_shares_check(shares)
        except ValidationError as exc:
            raise ValidationError(exc.messages) from exc


class LotMemberInline(admin.TabularInline):
    model = LotMember
    formset = LotMemberFormSet
    extra = 0
    ordering = ["position"]
    autocomplete_fields = ["carrier"]


class LotMunicipalityForm(forms.ModelForm):
    """Coverage of a municipality by a lot. Its contract is the lot's, set here rather than
    typed; within one contract a municipality belongs to one lot only."""

    class Meta:
        model = LotMunicipality
        fields = ["lot", "municipality"]

    def clean(self) -> dict:
        cleaned = super().clean()
        lot, municipality = cleaned.get("lot"), cleaned.get("municipality")
        if lot is None or municipality is None:
            return cleaned
        self.instance.contract_id = lot.contract_id
        other = (
            LotMunicipality.objects.filter(contract_id=lot.contract_id, municipality=municipality)
            .exclude(pk=self.instance.pk)
            .select_related("lot")
            .first()
        )
        if other is not None:
            self.add_error(
                "municipality", f"{municipality} já pertence ao {other.lot} deste contrato."
            )
        return cleaned


class LotMunicipalityFormSet(BaseInlineFormSet):
    """Coverage rows of a lot; a municipality with links in the lot cannot leave it."""

    def clean(self) -> None:
        super().clean()
        leaving = [
            form.instance.municipality_id
            for form in self.deleted_forms
            if form.instance.pk is not None
        ]
        if not leaving:
            return
        used = (
            Link.objects.filter(lot=self.instance, municipality_id__in=leaving)
            .values_list("municipality__name", flat=True)
            .distinct()
        )
        if used:
            raise ValidationError(
                f"Estes municípios têm acessos neste lote e não podem sair dele: {', '.join(used)}."
            )


class LotMunicipalityInline(admin.TabularInline):
    model = LotMunicipality
    form = LotMunicipalityForm
    formset = LotMunicipalityFormSet
    extra = 0
    autocomplete_fields = ["municipality"]


@admin.register(Lot)
class LotAdmin(admin.ModelAdmin):
    list_display = ["number", "name", "contract", "contractor", "municipality_count"]
    list_filter = ["contract"]
    list_select_related = ["contract"]
    search_fields = ["name", "contract__number", "members__carrier__name"]
    inlines = [LotMemberInline, LotMunicipalityInline]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .prefetch_related("members__carrier")
            .annotate(municipality_count=Count("coverage"))
        )

    def get_readonly_fields(self, request, obj=None):
        # Its coverage, prices and links hang from the contract: a lot never changes contract.
        return ["contract"] if obj is not None else []

    @admin.display(description="contratada (líder primeiro)")
    def contractor(self, lot: Lot) -> str:
        return ", ".join(str(member) for member in lot.members.all())

    @admin.display(description="municípios", ordering="municipality_count")
    def municipality_count(self, lot: Lot) -> int:
        return lot.municipality_count


@admin.register(LotMember)
class LotMemberAdmin(admin.ModelAdmin):
    list_display = ["lot", "position", "carrier", "share"]
    list_filter = ["lot__contract", "carrier"]
    list_select_related = ["lot", "carrier"]
    search_fields = ["lot__name", "carrier__name", "carrier__code"]
    autocomplete_fields = ["lot", "carrier"]


@admin.register(LotMunicipality)
class LotMunicipalityAdmin(admin.ModelAdmin):
    form = LotMunicipalityForm
    list_display = ["municipality", "lot", "contract"]
    list_filter = ["contract", "lot"]
    list_select_related = ["municipality", "lot", "contract"]
    search_fields = ["municipality__name", "=municipality__ibge_code", "lot__name"]
    autocomplete_fields = ["lot", "municipality"]


@admin.register(PriceItem)
class PriceItemAdmin(admin.ModelAdmin):
    list_display = ["lot", "speed_mbps", "region", "access_type", "monthly_price", "valid_from"]
    list_filter = ["lot__contract", "lot", "region", "access_type", "valid_from"]
    list_select_related = ["lot"]
    search_fields = ["=speed_mbps", "lot__name"]
    autocomplete_fields = ["lot"]


class LinkRevisionForm(forms.ModelForm):
    """A dated change of a link. A move to another contract takes the lot of that contract
    which covers the link's municipality; instants are kept to the minute."""

    class Meta:
        model = LinkRevision
        fields = ["link", "effective_at", "speed_mbps", "address", "contract"]

    def clean(self) -> dict:
        cleaned = super().clean()
        if cleaned.get("effective_at"):
            cleaned["effective_at"] = truncate_minute(cleaned["effective_at"])
        link, contract = cleaned.get("link"), cleaned.get("contract")
        self.instance.lot = None
        if link is not None and contract is not None:
            try:
                self.instance.lot = covering_lot(contract, link.municipality, field="contract")
            except ValidationError as error:
                self.add_error(None, error)
        return cleaned


class LinkRevisionInline(admin.TabularInline):
    model = LinkRevision
    form = LinkRevisionForm
    extra = 0
    readonly_fields = ["lot"]
    autocomplete_fields = ["contract"]


class LinkForm(forms.ModelForm):
    """A link: its lot follows from contract and municipality, its status from its instants
    (as in `inventory.services.link_upsert`), and its unit must be one of its agency's."""

    class Meta:
        model = Link
        fields = [
            "circuit_id",
            "contract",
            "agency",
            "unit",
            "municipality",
            "address",
            "speed_mbps",
            "access_type",
            "activated_at",
            "cancelled_at",
            "mgmt_ip",
            "mgmt_ip_secondary",
            "snmp_community",
            "snmp_port",
            "if_index",
        ]

    def clean(self) -> dict:
        cleaned = super().clean()
        for name in ("activated_at", "cancelled_at"):
            if cleaned.get(name):
                cleaned[name] = truncate_minute(cleaned[name])
        # An empty second address is "no second path" (NULL), as the constraint reads it.
        cleaned["mgmt_ip_secondary"] = cleaned.get("mgmt_ip_secondary") or None
        activated_at, cancelled_at = cleaned.get("activated_at"), cleaned.get("cancelled_at")
        if cancelled_at and (activated_at is None or cancelled_at <= activated_at):
            self.add_error("cancelled_at", "O cancelamento deve ser posterior à ativação.")
        self.instance.status = link_status_for(activated_at, cancelled_at)
        contract, municipality = cleaned.get("contract"), cleaned.get("municipality")
        if contract is not None and municipality is not None:
            try:
                self.instance.lot = covering_lot(contract, municipality, field="municipality")
            except ValidationError as error:
                self.add_error(None, error)
        agency, unit = cleaned.get("agency"), cleaned.get("unit")
        if agency is not None and unit is not None and unit.agency_id != agency.pk:
            self.add_error("unit", f"A unidade {unit} não é do órgão {agency.code}.")
        return cleaned


@admin.register(Link)
class LinkAdmin(admin.ModelAdmin):
    form = LinkForm
    list_display = [
        "circuit_id",
        "agency",
        "municipality",
        "lot",
        "speed_mbps",
        "access_type",
        "status",
        "activated_at",
    ]
    list_filter = ["status", "access_type", "municipality__rmbh", "contract", "lot", "agency"]
    list_select_related = ["agency", "municipality", "lot"]
    search_fields = ["circuit_id", "address", "mgmt_ip"]
    autocomplete_fields = ["agency", "unit", "municipality"]
    readonly_fields = ["lot", "status"]
    inlines = [LinkRevisionInline]


@admin.register(LinkRevision)
class LinkRevisionAdmin(admin.ModelAdmin):
    form = LinkRevisionForm
    list_display = ["link", "effective_at", "speed_mbps", "address", "contract", "lot"]
    list_filter = ["contract"]
    list_select_related = ["link", "contract", "lot"]
    search_fields = ["link__circuit_id", "address"]
    autocomplete_fields = ["link", "contract"]
    readonly_fields = ["lot"]
