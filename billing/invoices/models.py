"""Carrier invoices (docs/domain.md section 5, month closing): each carrier's own file layout,
kept in the database and editable by billing staff; an imported invoice's lines; and the
differences found by matching them to the month's statement lines, with their contestation."""

import re

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q

from billing.invoices.choices import Delimiter, DifferenceKind, DifferenceState, Encoding
from billing.models import MONEY, BillingPeriod
from inventory.models import Carrier, Link


class InvoiceLayout(models.Model):
    """How one carrier writes its invoice file: which columns hold the circuit and the amount,
    how the fields and numbers are written, how many lines come before and after the data, and
    how the circuit id is found inside its field."""

    carrier = models.OneToOneField(
        Carrier, on_delete=models.CASCADE, related_name="invoice_layout", verbose_name="operadora"
    )
    encoding = models.CharField(
        "codificação", max_length=10, choices=Encoding.choices, default=Encoding.UTF8
    )
    delimiter = models.CharField(
        "separador de campos", max_length=1, choices=Delimiter.choices, default=Delimiter.SEMICOLON
    )
    decimal_comma = models.BooleanField("valores com vírgula decimal (1.234,56)", default=True)
    header_rows = models.PositiveSmallIntegerField(
        "linhas de cabeçalho", default=1, help_text="Linhas antes da primeira linha de dados"
    )
    footer_rows = models.PositiveSmallIntegerField(
        "linhas de rodapé", default=0, help_text="Linhas no fim do arquivo a ignorar (totais)"
    )
    circuit_column = models.PositiveSmallIntegerField(
        "coluna do circuito", default=1, help_text="Posição da coluna, a partir de 1"
    )
    amount_column = models.PositiveSmallIntegerField(
        "coluna do valor", default=2, help_text="Posição da coluna, a partir de 1"
    )
    circuit_pattern = models.CharField(
        "padrão do circuito",
        max_length=200,
        blank=True,
        help_text="Expressão regular com um grupo que extrai o circuito do campo, "
        r"por exemplo CIRC:\s*([A-Z]{3}-\d{4}); vazio: o campo inteiro",
    )
    updated_at = models.DateTimeField("alterado em", auto_now=True)

    class Meta:
        verbose_name = "leiaute de fatura"
        verbose_name_plural = "leiautes de fatura"
        constraints = [
            models.CheckConstraint(
                condition=Q(circuit_column__gte=1, amount_column__gte=1)
                & ~Q(circuit_column=models.F("amount_column")),
                name="%(app_label)s_%(class)s_columns",
                violation_error_message="As colunas do circuito e do valor devem ser distintas e a "
                "partir de 1.",
            ),
        ]

    def __str__(self) -> str:
        return f"Leiaute de {self.carrier}"

    def clean(self) -> None:
        if self.circuit_pattern:
            try:
                groups = re.compile(self.circuit_pattern).groups
            except re.error as exc:
                raise ValidationError({"circuit_pattern": f"Expressão inválida: {exc}."}) from exc
            if groups != 1:
                message = "A expressão deve ter exatamente um grupo entre parênteses."
                raise ValidationError({"circuit_pattern": message})


class CarrierInvoice(models.Model):
    """A carrier's invoice for a month, as imported (one per carrier and month; importing again
    replaces it while none of its differences has been contested)."""

    period = models.ForeignKey(BillingPeriod, on_delete=models.PROTECT, related_name="invoices")
    carrier = models.ForeignKey(Carrier, on_delete=models.PROTECT, related_name="invoices")
    number = models.CharField("número da fatura", max_length=60)
    filename = models.CharField("arquivo", max_length=200)
    content = models.BinaryField("conteúdo do arquivo")
    imported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    imported_at = models.DateTimeField("importada em")
    total = models.DecimalField("total faturado", **MONEY)
    reconciled_at = models.DateTimeField("conferida em")

    class Meta:
        ordering = ["-period__year", "-period__month", "carrier__name"]
        verbose_name = "fatura da operadora"
        verbose_name_plural = "faturas das operadoras"
        constraints = [
            models.UniqueConstraint(
                fields=["period", "carrier"],
                name="%(app_label)s_%(class)s_one_per_carrier_and_month",
                violation_error_message="Já há uma fatura desta operadora nesta competência.",
            ),
        ]

    def __str__(self) -> str:
        return f"Fatura {self.number} de {self.carrier} ({self.period})"


class InvoiceLine(models.Model):
    """One billed line of an invoice, as read: the circuit as the carrier named it, the amount."""

    invoice = models.ForeignKey(CarrierInvoice, on_delete=models.CASCADE, related_name="lines")
    line_number = models.PositiveIntegerField("linha do arquivo")
    circuit_id = models.CharField("circuito", max_length=40)
    link = models.ForeignKey(Link, null=True, on_delete=models.PROTECT, related_name="+")
    amount = models.DecimalField("valor faturado", **MONEY)

    class Meta:
        ordering = ["invoice", "line_number"]
        verbose_name = "linha de fatura"
        verbose_name_plural = "linhas de fatura"

    def __str__(self) -> str:
        return f"{self.circuit_id} {self.amount}"


class Difference(models.Model):
    """A difference between an invoice and the month's statement (Divergência), and its
    contestation: staff contest it with a reason, the carrier answers, staff accept the answer or
    keep the contestation."""

    invoice = models.ForeignKey(
        CarrierInvoice, on_delete=models.CASCADE, related_name="differences"
    )
    kind = models.CharField("tipo", max_length=9, choices=DifferenceKind.choices)
    circuit_id = models.CharField("circuito", max_length=40)
    link = models.ForeignKey(Link, null=True, on_delete=models.PROTECT, related_name="+")
    invoice_line = models.ForeignKey(
        InvoiceLine, null=True, on_delete=models.CASCADE, related_name="differences"
    )
    billed = models.DecimalField("faturado", **MONEY, null=True)
    expected = models.DecimalField("devido", **MONEY, null=True)
    state = models.CharField(
        "situação", max_length=9, choices=DifferenceState.choices, default=DifferenceState.OPEN
    )
    contest_reason = models.TextField("motivo da contestação", blank=True)
    answer = models.TextField("resposta da operadora", blank=True)
    resolution = models.TextField("decisão", blank=True)

    class Meta:
        ordering = ["invoice", "circuit_id", "kind"]
        verbose_name = "divergência"
        verbose_name_plural = "divergências"

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.circuit_id}"


class DifferenceEvent(models.Model):
    """One move of a difference: who, when, from and to, and what they wrote."""

    difference = models.ForeignKey(Difference, on_delete=models.CASCADE, related_name="events")
    source = models.CharField(max_length=9, choices=DifferenceState.choices)
    target = models.CharField(max_length=9, choices=DifferenceState.choices)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField()
    text = models.TextField()

    class Meta:
        ordering = ["difference", "at", "pk"]

    def __str__(self) -> str:
        return f"{self.difference_id}: {self.source} → {self.target}"


class ClosingOverride(models.Model):
    """Billing staff's decision to close a month although contestations are still unresolved,
    with the reason."""

    period = models.ForeignKey(BillingPeriod, on_delete=models.PROTECT, related_name="+")
    reason = models.TextField("motivo")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField()

    class Meta:
        ordering = ["period", "at"]
        verbose_name = "fechamento com contestações em aberto"
        verbose_name_plural = "fechamentos com contestações em aberto"

    def __str__(self) -> str:
        return f"{self.period}: {self.reason}"
