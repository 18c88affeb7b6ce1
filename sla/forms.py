"""Input of the IMR pages: a month, filters, a definition change (with its bands) and a
decision on a repeated-breach flag. Each form turns its fields into domain values."""

from __future__ import annotations

from datetime import date
from typing import cast

from django import forms
from django.utils import timezone

from core.forms import MonthField
from inventory.models import Carrier, Contract, Lot
from orders.choices import OrderType
from sla.choices import BASE_OF_SCOPE, BandMeasure, FlagStatus, Formula
from sla.rules import Band, Rule


def last_month() -> tuple[int, int]:
    today = timezone.localdate()
    return (today.year, today.month - 1) if today.month > 1 else (today.year - 1, 12)


class ResultFilterForm(forms.Form):
    mes = MonthField(label="Competência", required=False)
    lote = forms.ModelChoiceField(
        queryset=Lot.objects.none(), required=False, label="Lote", empty_label="Todos"
    )
    indicador = forms.CharField(label="Indicador", required=False, max_length=10)
    descumpridos = forms.BooleanField(label="Só metas descumpridas", required=False)
    # Set by the access table's headers (sla.filters.ACCESS_RESULT_SORT); hidden so that
    # filtering keeps the sort.
    o = forms.CharField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, lots, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        lot_field = cast(forms.ModelChoiceField, self.fields["lote"])
        lot_field.queryset = lots
        lot_field.label_from_instance = lambda lot: f"{lot.contract} · Lote {lot.number}"  # type: ignore[method-assign,assignment]  # a per-form label, as Django allows

    def month(self) -> tuple[int, int]:
        return (self.cleaned_data.get("mes") if self.is_valid() else None) or last_month()


class DashboardForm(forms.Form):
    contrato = forms.ModelChoiceField(
        queryset=Contract.objects.order_by("-start_date"),
        required=False,
        label="Contrato",
        empty_label="Todos",
    )
    operadora = forms.ModelChoiceField(
        queryset=Carrier.objects.order_by("name"),
        required=False,
        label="Operadora",
        empty_label="Todas",
    )
    lote = forms.ModelChoiceField(
        queryset=Lot.objects.none(), required=False, label="Lote", empty_label="Todos"
    )
    mes = MonthField(label="Competência (piores acessos)", required=False)

    def __init__(self, *args, lots, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        lot_field = cast(forms.ModelChoiceField, self.fields["lote"])
        lot_field.queryset = lots
        lot_field.label_from_instance = lambda lot: f"{lot.contract} · Lote {lot.number}"  # type: ignore[method-assign,assignment]  # a per-form label, as Django allows

    def value(self, name: str):
        return self.cleaned_data.get(name) if self.is_valid() else None


class DefinitionForm(forms.Form):
    """A new version of an indicator from a month on. The formula (and so its scope and the
    base of its bands) is the indicator's own and is not changed here."""

    valid_from = MonthField(label="Vigente a partir de (competência)")
    name = forms.CharField(label="Nome", max_length=120)
    purpose = forms.CharField(label="Finalidade", widget=forms.Textarea(attrs={"rows": 2}))
    how_measured = forms.CharField(
        label="Forma de aferição", widget=forms.Textarea(attrs={"rows": 3})
    )
    target = forms.DecimalField(
        label="Meta (%)", max_digits=7, decimal_places=4, min_value=0, max_value=100, localize=True
    )
    target_redundant = forms.DecimalField(
        label="Meta para acesso redundante (%)",
        max_digits=7,
        decimal_places=4,
        min_value=0,
        max_value=100,
        required=False,
        localize=True,
    )
    order_types = forms.MultipleChoiceField(
        label="Tipos de OS contados",
        choices=OrderType.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    breach_run = forms.IntegerField(label="Reincidência: meses seguidos", min_value=1)
    breach_count = forms.IntegerField(label="Reincidência: vezes", min_value=1)
    breach_months = forms.IntegerField(label="… em quantos meses", min_value=1)
    reason = forms.CharField(
        label="Motivo (termo aditivo, decisão)", widget=forms.Textarea(attrs={"rows": 2})
    )

    @staticmethod
    def initial_for(rule: Rule) -> dict:
        return {
            "name": rule.name,
            "purpose": rule.purpose,
            "how_measured": rule.how_measured,
            "target": rule.target,
            "target_redundant": rule.target_redundant,
            "order_types": list(rule.order_types),
            "breach_run": rule.breach_run,
            "breach_count": rule.breach_count,
            "breach_months": rule.breach_months,
        }

    def valid_from_date(self) -> date:
        year, month = self.cleaned_data["valid_from"]
        return date(year, month, 1)

    def rule(self, current: Rule, bands: list[Band]) -> Rule:
        data = self.cleaned_data
        return Rule(
            code=current.code,
            name=data["name"],
            purpose=data["purpose"],
            how_measured=data["how_measured"],
            formula=current.formula,
            order_types=tuple(data["order_types"]),
            scope=current.scope,
            target=data["target"],
            target_redundant=data["target_redundant"]
            if current.formula == Formula.AVAILABILITY
            else None,
            bands=tuple(bands),
            breach_run=data["breach_run"],
            breach_count=data["breach_count"],
            breach_months=data["breach_months"],
        )


class BandForm(forms.Form):
    measure = forms.ChoiceField(label="Medida", choices=BandMeasure.choices)
    lower = forms.DecimalField(label="Acima de", max_digits=9, decimal_places=4, localize=True)
    upper = forms.DecimalField(
        label="Até (inclusive; vazio = sem limite)",
        max_digits=9,
        decimal_places=4,
        required=False,
        localize=True,
    )
    percentage = forms.DecimalField(
        label="Glosa (%)", max_digits=7, decimal_places=4, min_value=0, max_value=100, localize=True
    )


BandFormSet = forms.formset_factory(BandForm, extra=1, can_delete=True)


def bands_from(formset, scope: str) -> list[Band]:
    return [
        Band(
            f.cleaned_data["measure"],
            f.cleaned_data["lower"],
            f.cleaned_data["upper"],
            f.cleaned_data["percentage"],
            BASE_OF_SCOPE[scope],
        )
        for f in formset.forms
        if f.cleaned_data and not f.cleaned_data.get("DELETE")
    ]


def band_initial(rule: Rule) -> list[dict]:
    return [
        {"measure": b.measure, "lower": b.lower, "upper": b.upper, "percentage": b.percentage}
        for b in rule.bands
    ]


class FlagDecisionForm(forms.Form):
    to = forms.ChoiceField(
        label="Decisão",
        choices=[
            (FlagStatus.OPENED, "Processo aberto"),
            (FlagStatus.DISMISSED, "Arquivar sem processo"),
        ],
        widget=forms.RadioSelect,
    )
    proceeding_reference = forms.CharField(
        label="Número do processo", max_length=60, required=False
    )
    reason = forms.CharField(
        label="Motivo / observações", widget=forms.Textarea(attrs={"rows": 3}), required=False
    )
