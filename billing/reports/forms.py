"""Input of the report pages: the attestation (the digest of the figures the person read) and
the summary's filters (a contract, a month or the whole life)."""

from django import forms

from billing.models import BillingPeriod
from billing.reports.summaries import summary_contracts


class AttestForm(forms.Form):
    digest = forms.CharField(widget=forms.HiddenInput, min_length=64, max_length=64)


class SummaryForm(forms.Form):
    """GET filters that survive in the URL: ?contrato=1&competencia=2026-10."""

    contrato = forms.ModelChoiceField(
        queryset=summary_contracts(), label="Contrato", required=False, empty_label=None
    )
    competencia = forms.ChoiceField(label="Competência", required=False)

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.periods = {p.label: p for p in BillingPeriod.objects.order_by("-year", "-month")}
        self.fields["competencia"].choices = [("", "Toda a vigência")] + [
            (label, str(period)) for label, period in self.periods.items()
        ]

    def clean_competencia(self) -> BillingPeriod | None:
        return self.periods.get(self.cleaned_data["competencia"])
