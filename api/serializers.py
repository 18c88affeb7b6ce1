"""The API's representations (output) and inputs. Output names the rows as integrators know
them (circuit ids, agency acronyms, carrier codes, lot numbers); instants are ISO 8601 with the
offset of America/Sao_Paulo, money a string with two decimals, as the `statement` command
writes it. Inputs only convert types: the rules are the services'."""

from datetime import date, datetime

from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from inventory.choices import AccessType
from inventory.models import AgencyUnit, Link, Lot, Municipality
from monitoring.choices import Recurrence, Responsibility, WindowScope
from monitoring.models import MaintenanceWindow, Outage, Ticket
from orders.choices import OrderType
from orders.models import Order
from orders.selectors import order_clock, orderable_units
from penalties.models import Proceeding

# Instants and dates accepted as input: the contract's world, not the calendar's edges.
EARLIEST = date(2000, 1, 1)
LATEST = date(2099, 12, 31)
RANGE_MESSAGE = "Informe uma data entre 01/01/2000 e 31/12/2099."


def _in_range(value: date | datetime) -> date | datetime:
    day = timezone.localdate(value) if isinstance(value, datetime) else value
    if not EARLIEST <= day <= LATEST:
        raise serializers.ValidationError(RANGE_MESSAGE)
    return value


class Instant(serializers.DateTimeField):
    """An ISO 8601 instant; without an offset it is local time (America/Sao_Paulo)."""

    def to_internal_value(self, value) -> datetime:
        return _in_range(super().to_internal_value(value))


class Day(serializers.DateField):
    def to_internal_value(self, value) -> date:
        return _in_range(super().to_internal_value(value))


# Output


class LinkSerializer(serializers.ModelSerializer):
    agency = serializers.CharField(source="agency.code")
    unit = serializers.CharField(source="unit.name", allow_null=True, default=None)
    municipality = serializers.CharField(source="municipality.name")
    ibge_code = serializers.IntegerField(source="municipality_id")
    contract = serializers.CharField(source="lot.contract.number")
    lot = serializers.IntegerField(source="lot.number")
    carriers = serializers.SerializerMethodField(help_text="códigos, o líder primeiro")
    speed_mbps = serializers.IntegerField(source="current_speed_mbps", help_text="em vigor")
    address = serializers.CharField(source="current_address", help_text="em vigor")

    class Meta:
        model = Link
        fields = [
            "id",
            "circuit_id",
            "agency",
            "unit",
            "municipality",
            "ibge_code",
            "contract",
            "lot",
            "carriers",
            "speed_mbps",
            "address",
            "access_type",
            "status",
            "activated_at",
            "cancelled_at",
        ]

    def get_carriers(self, link: Link) -> list[str]:
        return [member.carrier.code for member in link.lot.members.all()]


class OrderSerializer(serializers.ModelSerializer):
    agency = serializers.CharField(source="agency.code")
    unit = serializers.CharField(source="unit.name", allow_null=True, default=None)
    ibge_code = serializers.IntegerField(source="municipality_id")
    lot = serializers.IntegerField(source="lot.number")
    carrier = serializers.CharField(source="carrier.code", allow_null=True, default=None)
    circuit_id = serializers.CharField(source="link.circuit_id", allow_null=True, default=None)
    due_at = serializers.SerializerMethodField(
        help_text="prazo (instante), movido pelas pausas; uma pausa em curso o move enquanto dura"
    )

    class Meta:
        model = Order
        fields = [
            "id",
            "number",
            "order_type",
            "status",
            "agency",
            "unit",
            "ibge_code",
            "lot",
            "carrier",
            "address",
            "speed_mbps",
            "access_type",
            "site_contact",
            "notes",
            "requested_date",
            "circuit_id",
            "created_at",
            "dispatched_at",
            "due_at",
            "completed_at",
            "verified_at",
        ]

    @extend_schema_field(OpenApiTypes.DATETIME)
    def get_due_at(self, order: Order) -> str | None:
        """The due instant as moved so far, an open pause included (as on the order's page)."""
        due = order_clock(order).due_at
        return None if due is None else serializers.DateTimeField().to_representation(due)


class TicketSerializer(serializers.ModelSerializer):
    circuit_id = serializers.CharField(source="link.circuit_id")
    carrier = serializers.CharField(source="carrier.code")
    on_time = serializers.BooleanField(allow_null=True, help_text="vazio enquanto o acesso cai")

    class Meta:
        model = Ticket
        fields = [
            "id",
            "kind",
            "status",
            "circuit_id",
            "carrier",
            "outage",
            "opened_at",
            "start",
            "deadline_minutes",
            "due_at",
            "ended_at",
            "on_time",
            "protocol",
            "acknowledged_at",
            "restored_at",
            "restoration_cause",
            "closed_at",
        ]


class OutageSerializer(serializers.ModelSerializer):
    circuit_id = serializers.CharField(source="link.circuit_id")

    class Meta:
        model = Outage
        fields = [
            "id",
            "circuit_id",
            "start",
            "end",
            "kind",
            "source",
            "responsibility",
            "reference",
            "notes",
            "created_at",
        ]


class MaintenanceWindowSerializer(serializers.ModelSerializer):
    carrier = serializers.CharField(source="carrier.code")
    lot = serializers.IntegerField(source="lot.number", allow_null=True, default=None)
    ibge_code = serializers.IntegerField(source="municipality_id", allow_null=True)
    links = serializers.SlugRelatedField(slug_field="circuit_id", many=True, read_only=True)

    class Meta:
        model = MaintenanceWindow
        fields = [
            "id",
            "carrier",
            "scope",
            "lot",
            "ibge_code",
            "links",
            "start",
            "end",
            "recurrence",
            "repeat_until",
            "description",
            "status",
            "requested_at",
            "decided_at",
            "decision_reason",
        ]


class ProceedingSerializer(serializers.ModelSerializer):
    lot = serializers.IntegerField(source="lot.number")
    carrier = serializers.CharField(source="carrier.code")
    contract = serializers.CharField(source="contract.number")

    class Meta:
        model = Proceeding
        fields = [
            "id",
            "number",
            "contract",
            "lot",
            "carrier",
            "regime",
            "facts",
            "sanction",
            "proposed_amount",
            "status",
            "due_kind",
            "due_date",
            "outcome",
            "amount",
            "installments",
            "opened_at",
            "final_at",
        ]


class PeriodSerializer(serializers.Serializer):
    period = serializers.CharField(source="label", help_text="competência, AAAA-MM")
    status = serializers.CharField()
    computed_at = serializers.DateTimeField(allow_null=True)
    closed_at = serializers.DateTimeField(allow_null=True)


# The documents of the `statement` and `imr` commands, described for the schema.


def _money() -> serializers.CharField:
    return serializers.CharField(help_text="R$, duas casas decimais")


class AmountsSerializer(serializers.Serializer):
    """The six amounts of a statement line (billing.selectors.AMOUNTS)."""

    amount_due = _money()
    discount = _money()
    imr_adjustment = _money()
    fines = _money()
    corrections = _money()
    net = _money()


class StatementMemberSerializer(AmountsSerializer):
    carrier = serializers.CharField()
    share = serializers.CharField(help_text="%, quatro casas decimais")


class StatementLineSerializer(AmountsSerializer):
    circuit_id = serializers.CharField()
    agency = serializers.CharField()
    carrier = serializers.CharField(help_text="o líder, num consórcio")
    lot = serializers.IntegerField()
    outage_minutes = serializers.IntegerField()
    members = StatementMemberSerializer(many=True)


class StatementCorrectionSerializer(serializers.Serializer):
    circuit_id = serializers.CharField()
    corrects = serializers.CharField(help_text="a competência corrigida, AAAA-MM")
    reason = serializers.CharField()
    amount = serializers.CharField(help_text="R$, duas casas decimais")


class StatementSerializer(serializers.Serializer):
    period = serializers.CharField()
    status = serializers.CharField()
    month_minutes = serializers.IntegerField()
    lines = StatementLineSerializer(many=True)
    totals = AmountsSerializer()
    correction_items = StatementCorrectionSerializer(many=True)


class ImrResultSerializer(serializers.Serializer):
    indicator = serializers.CharField()
    scope = serializers.CharField()
    circuit_id = serializers.CharField(allow_null=True)
    carrier = serializers.CharField()
    contract = serializers.CharField(help_text="número do contrato do lote")
    lot_id = serializers.IntegerField(help_text="id do lote (o número só é único no contrato)")
    lot = serializers.IntegerField(help_text="número do lote no contrato")
    value = serializers.CharField(allow_null=True, help_text="%, quatro casas decimais")
    target = serializers.CharField(allow_null=True)
    met = serializers.BooleanField(allow_null=True)
    band = serializers.CharField(allow_null=True)
    inputs = serializers.DictField()


class ImrSerializer(serializers.Serializer):
    period = serializers.CharField()
    results = ImrResultSerializer(many=True)


# Input


class OrderCreateSerializer(serializers.Serializer):
    """A draft order; which fields each type needs is `orders.services.order_create`'s rule."""

    order_type = serializers.ChoiceField(choices=OrderType.choices)
    unit = serializers.PrimaryKeyRelatedField(
        queryset=AgencyUnit.objects.none(), required=False, allow_null=True
    )
    ibge_code = serializers.PrimaryKeyRelatedField(
        queryset=Municipality.objects.all(), required=False, allow_null=True, source="municipality"
    )
    address = serializers.CharField(max_length=300, required=False, allow_blank=True)
    speed_mbps = serializers.IntegerField(
        min_value=1, max_value=100_000, required=False, allow_null=True
    )
    access_type = serializers.ChoiceField(
        choices=AccessType.choices, required=False, allow_blank=True
    )
    site_contact = serializers.CharField(max_length=200, required=False, allow_blank=True)
    notes = serializers.CharField(max_length=5000, required=False, allow_blank=True)
    circuit_id = serializers.SlugRelatedField(
        slug_field="circuit_id",
        queryset=Link.objects.none(),
        required=False,
        allow_null=True,
        source="link",
        help_text="o acesso alterado, cancelado ou mudado de endereço",
    )
    requested_date = Day(required=False, allow_null=True)

    def __init__(self, *args, user=None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if user is not None:  # None: the schema generator describes the fields
            self.fields["unit"].queryset = orderable_units(user=user)
            self.fields["circuit_id"].queryset = Link.objects.visible_to(user)


class ReasonSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=5000, required=False, allow_blank=True, default="")


class CompletionSerializer(ReasonSerializer):
    """The carrier's completion; an activation or address change names the installed link."""

    circuit_id = serializers.CharField(max_length=40, required=False, allow_blank=True)
    mgmt_ip = serializers.IPAddressField(required=False, allow_blank=True)
    mgmt_ip_secondary = serializers.IPAddressField(required=False, allow_blank=True)


class AcknowledgeSerializer(serializers.Serializer):
    protocol = serializers.CharField(max_length=60, help_text="o número do chamado na operadora")


class RestoreSerializer(serializers.Serializer):
    cause = serializers.CharField(max_length=5000)


class OutageCreateSerializer(serializers.Serializer):
    """One outage as one row of outages.csv (docs/import.md), with the same rules."""

    circuit_id = serializers.CharField(max_length=40)
    start = Instant()
    end = Instant(required=False, allow_null=True, help_text="vazio: ainda em aberto")
    responsibility = serializers.ChoiceField(choices=Responsibility.choices)
    reference = serializers.CharField(max_length=100, required=False, allow_blank=True)
    notes = serializers.CharField(max_length=5000, required=False, allow_blank=True)

    def import_values(self) -> dict[str, str]:
        """The row of text the import reads."""
        data = self.validated_data
        return {
            "circuit_id": data["circuit_id"],
            "start": data["start"].isoformat(),
            "end": data["end"].isoformat() if data.get("end") else "",
            "responsibility": data["responsibility"],
            "reference": data.get("reference", ""),
            "notes": data.get("notes", ""),
        }


class MaintenanceRequestSerializer(serializers.Serializer):
    scope = serializers.ChoiceField(choices=WindowScope.choices)
    lot = serializers.PrimaryKeyRelatedField(
        queryset=Lot.objects.all(), required=False, allow_null=True
    )
    ibge_code = serializers.PrimaryKeyRelatedField(
        queryset=Municipality.objects.all(), required=False, allow_null=True, source="municipality"
    )
    links = serializers.SlugRelatedField(
        slug_field="circuit_id", queryset=Link.objects.none(), many=True, required=False
    )
    start = Instant()
    end = Instant()
    recurrence = serializers.ChoiceField(choices=Recurrence.choices, default=Recurrence.NONE)
    repeat_until = Day(required=False, allow_null=True)
    description = serializers.CharField(max_length=5000)

    def __init__(self, *args, user=None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if user is not None:  # None: the schema generator describes the fields
            self.fields["links"].child_relation.queryset = Link.objects.visible_to(user)


class DefenseSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=20_000, required=False, allow_blank=True, default="")
    documents = serializers.ListField(
        child=serializers.FileField(), required=False, default=list, help_text="PDF até 10 MB"
    )
