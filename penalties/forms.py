"""Input of the proceeding pages; the rules live in `penalties.services`."""

from django import forms
from django.core.exceptions import ValidationError

from inventory.models import Lot
from penalties.choices import OpinionKind, Outcome, Sanction
from penalties.models import FineType
from redegov.uploads import PROCEEDING_DOCUMENT, UploadField


def _documents() -> UploadField:
    return UploadField(
        rule=PROCEEDING_DOCUMENT, label="Documentos (PDF, até 5 de 10 MB cada)", required=False
    )


class ProceedingOpenForm(forms.Form):
    lot = forms.ModelChoiceField(
        label="Lote", queryset=Lot.objects.select_related("contract").order_by("contract", "number")
    )
    sanction = forms.ChoiceField(label="Sanção proposta", choices=Sanction.choices)
    fine_type = forms.ModelChoiceField(
        label="Multa do catálogo do contrato",
        queryset=FineType.objects.select_related("contract"),
        required=False,
    )
    facts = forms.CharField(label="Fatos", widget=forms.Textarea(attrs={"rows": 5}))
    orders = forms.CharField(label="OS em atraso (números, separados por vírgula)", required=False)
    outages = forms.CharField(
        label="Indisponibilidades (números, separados por vírgula)", required=False
    )
    documents = _documents()

    def clean_orders(self) -> list[str]:
        return [n.strip() for n in self.cleaned_data["orders"].split(",") if n.strip()]

    def clean_outages(self) -> list[int]:
        try:
            return [
                int(n.strip().lstrip("#"))
                for n in self.cleaned_data["outages"].split(",")
                if n.strip()
            ]
        except ValueError as exc:
            raise ValidationError("Informe os números das indisponibilidades.") from exc


class FromFlagForm(forms.Form):
    sanction = forms.ChoiceField(label="Sanção proposta", choices=Sanction.choices)
    fine_type = forms.ModelChoiceField(
        label="Multa do catálogo do contrato", queryset=FineType.objects.none(), required=False
    )

    def __init__(self, *args, contract, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["fine_type"].queryset = FineType.objects.filter(contract=contract)


class TransitionForm(forms.Form):
    """One move: reasons, documents, and for a decision its outcome, amount and installments."""

    to = forms.CharField(widget=forms.HiddenInput)
    reason = forms.CharField(
        label="Motivo / fundamentação", widget=forms.Textarea(attrs={"rows": 3}), required=False
    )
    outcome = forms.ChoiceField(label="Decisão", choices=Outcome.choices, required=False)
    amount = forms.DecimalField(
        label="Multa reduzida (R$)", localize=True, max_digits=14, decimal_places=2, required=False
    )
    installments = forms.IntegerField(label="Parcelas", min_value=1, initial=1, required=False)
    documents = _documents()


class OpinionForm(forms.Form):
    kind = forms.ChoiceField(choices=OpinionKind.choices, widget=forms.HiddenInput)
    text = forms.CharField(label="Parecer", widget=forms.Textarea(attrs={"rows": 5}))
    documents = _documents()
