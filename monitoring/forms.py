"""Input of the ticket, outage and maintenance pages; the rules live in the services."""

from django import forms

from inventory.models import Link, Lot, Municipality
from monitoring.choices import IrregularityStatus, Recurrence, Responsibility, WindowScope
from monitoring.services.responsibility import DISPUTABLE
from redegov.access import carrier_acts_on_link, lot_rows
from redegov.confirm import REASON_REQUIRED
from redegov.uploads import DISPUTE_EVIDENCE, IRREGULARITY_ATTACHMENT, UploadField
from redegov.widgets import SearchableSelect, SearchableSelectMultiple

DECIDED = [(value, label) for value, label in Responsibility.choices if value != "pending"]
LOCAL_INPUT = ["%Y-%m-%dT%H:%M", "%d/%m/%Y %H:%M"]


def _instant_field(label: str) -> forms.DateTimeField:
    return forms.DateTimeField(
        label=label,
        input_formats=LOCAL_INPUT,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
    )


class AcknowledgeForm(forms.Form):
    protocol = forms.CharField(label="Protocolo", max_length=60)


class RestorationForm(forms.Form):
    cause = forms.CharField(label="Causa", widget=forms.Textarea(attrs={"rows": 3}))


class ClassifyForm(forms.Form):
    responsibility = forms.ChoiceField(label="Responsabilidade", choices=DECIDED)
    reason = forms.CharField(label="Motivo", widget=forms.Textarea(attrs={"rows": 2}))


class BulkClassifyForm(ClassifyForm):
    outages = forms.TypedMultipleChoiceField(coerce=int, choices=(), required=True)

    def __init__(self, *args, outage_ids: list[int], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["outages"].choices = [(pk, pk) for pk in outage_ids]


class SplitForm(forms.Form):
    at = _instant_field("Dividir em")
    reason = forms.CharField(label="Motivo", widget=forms.Textarea(attrs={"rows": 2}))


class DisputeForm(forms.Form):
    requested = forms.ChoiceField(
        label="Responsabilidade pedida",
        choices=[(value, Responsibility(value).label) for value in DISPUTABLE],
    )
    text = forms.CharField(label="Justificativa", widget=forms.Textarea(attrs={"rows": 3}))
    files = UploadField(
        rule=DISPUTE_EVIDENCE,
        label="Evidências (PDF, PNG, JPEG, texto ou CSV; até 5 arquivos de 10 MB)",
        required=False,
    )


class DisputeDecisionForm(forms.Form):
    accept = forms.TypedChoiceField(
        label="Decisão",
        choices=[("1", "Aceitar"), ("0", "Rejeitar")],
        coerce=lambda value: value == "1",
    )
    reason = forms.CharField(
        label="Motivo",
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": REASON_REQUIRED},
    )


class MaintenanceForm(forms.Form):
    scope = forms.ChoiceField(label="Abrangência", choices=WindowScope.choices)
    links = forms.ModelMultipleChoiceField(
        label="Acessos",
        queryset=Link.objects.none(),
        required=False,
        widget=SearchableSelectMultiple,
    )
    lot = forms.ModelChoiceField(label="Lote", queryset=Lot.objects.none(), required=False)
    municipality = forms.ModelChoiceField(
        label="Município",
        queryset=Municipality.objects.none(),
        required=False,
        widget=SearchableSelect,
    )
    start = _instant_field("Início")
    end = _instant_field("Fim")
    recurrence = forms.ChoiceField(label="Recorrência", choices=Recurrence.choices)
    repeat_until = forms.DateField(
        label="Repetir até", required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    description = forms.CharField(
        label="Descrição do serviço", widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args, user, **kwargs) -> None:
        """Offers the links, lots and municipalities the user's carrier acts on now."""
        super().__init__(*args, **kwargs)
        links = Link.objects.live().filter(carrier_acts_on_link(user))
        self.fields["links"].queryset = links.order_by("circuit_id")
        self.fields["lot"].queryset = Lot.objects.filter(lot_rows(user))
        self.fields["municipality"].queryset = Municipality.objects.filter(
            pk__in=links.values("municipality_id")
        )


class WindowDecisionForm(forms.Form):
    to = forms.ChoiceField(
        choices=[("approved", "Aprovar"), ("rejected", "Rejeitar"), ("cancelled", "Cancelar")]
    )
    reason = forms.CharField(label="Motivo", required=False)


class IncidentNoteForm(forms.Form):
    """An acknowledgement (the button named "acknowledge") or a comment on a panel item."""

    subject = forms.ChoiceField(
        choices=[(s, s) for s in ("outage", "redundancy_loss", "irregularity")],
        widget=forms.HiddenInput,
    )
    pk = forms.IntegerField(widget=forms.HiddenInput)
    acknowledgement = forms.BooleanField(required=False, widget=forms.HiddenInput)
    text = forms.CharField(label="Comentário", required=False, max_length=2000)


class IrregularityForm(forms.Form):
    link = forms.ModelChoiceField(
        label="Acesso", queryset=Link.objects.none(), widget=SearchableSelect
    )
    description = forms.CharField(
        label="O que aconteceu", widget=forms.Textarea(attrs={"rows": 5}), max_length=5000
    )
    files = UploadField(
        rule=IRREGULARITY_ATTACHMENT,
        label="Anexos (PDF, PNG, JPEG ou texto; até 5 arquivos de 10 MB)",
        required=False,
    )

    def __init__(self, *args, agency_id: int | None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["link"].queryset = (
            Link.objects.live().filter(agency_id=agency_id).select_related("municipality")
        )
        self.fields["link"].label_from_instance = lambda link: (
            f"{link.circuit_id} · {link.municipality.name} · {link.address}"
        )


class IrregularityListForm(forms.Form):
    """The irregularity list's filter (docs/noc.md): a missing status is the role's default,
    so "Todas" has a value of its own."""

    ALL = "all"
    status = forms.ChoiceField(
        label="Situação",
        choices=[
            (IrregularityStatus.OPEN, "Pendentes"),
            (IrregularityStatus.ANSWERED, "Respondidas"),
            (ALL, "Todas"),
        ],
    )

    def __init__(self, query, *, default: str) -> None:
        super().__init__({"status": query.get("status") or default})
        self.default = default

    def status_selected(self) -> str:
        """The status to list, "" for all (the default when the query names none it knows)."""
        status = self.cleaned_data["status"] if self.is_valid() else self.default
        return "" if status == self.ALL else status


class SubscriptionForm(forms.Form):
    subscribed = forms.BooleanField(required=False)
