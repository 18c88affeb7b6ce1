"""Fine proceedings (docs/domain.md section 7): the per-contract deadlines and fine catalog, the
proceeding with its evidence, every step (event) and document, the opinions, and the
installments collected at each month's closing."""

from uuid import uuid4

from django.conf import settings
from django.db import models
from django.db.models import Q

from inventory.models import Carrier, Contract, Lot
from penalties.choices import (
    DeadlineKind,
    DocumentStep,
    OpinionKind,
    Outcome,
    ProceedingStatus,
    Sanction,
)
from penalties.querysets import ProceedingQuerySet

MONEY = {"max_digits": 14, "decimal_places": 2}


class PenaltySettings(models.Model):
    """A contract's deadlines (business days) and guarantee. Without a row, the defaults of the
    contract's legal regime apply (`penalties.deadlines.DEFAULT_DEADLINES`)."""

    contract = models.OneToOneField(
        Contract, on_delete=models.CASCADE, related_name="penalty_settings"
    )
    defense_days = models.PositiveSmallIntegerField("prazo de defesa (dias úteis)")
    appeal_days = models.PositiveSmallIntegerField("prazo de recurso (dias úteis)")
    reconsideration_days = models.PositiveSmallIntegerField("prazo de reconsideração (dias úteis)")
    superior_days = models.PositiveSmallIntegerField("prazo da decisão superior (dias úteis)")
    guarantee = models.DecimalField(
        "garantia contratual (R$)",
        **MONEY,
        default=0,
        help_text="o saldo de multas ao fim do contrato vai à garantia até este valor; o resto, "
        "à cobrança judicial",
    )

    class Meta:
        verbose_name = "prazos e garantia (multas)"
        verbose_name_plural = "prazos e garantia (multas)"
        constraints = [
            models.CheckConstraint(
                condition=Q(
                    defense_days__gt=0,
                    appeal_days__gt=0,
                    reconsideration_days__gt=0,
                    superior_days__gt=0,
                    guarantee__gte=0,
                ),
                name="%(app_label)s_%(class)s_positive",
            )
        ]

    def __str__(self) -> str:
        return str(self.contract)


class FineType(models.Model):
    """A fine of a contract's catalog: a fixed amount or a percentage of the contract's value
    (between 0,5% and 30% of it under Lei 14.133/21, checked by `penalties.services`)."""

    contract = models.ForeignKey(Contract, on_delete=models.PROTECT, related_name="fine_types")
    name = models.CharField("nome", max_length=200)
    legal_basis = models.CharField("fundamento legal", max_length=300)
    amount = models.DecimalField("valor (R$)", **MONEY, null=True, blank=True)
    percent = models.DecimalField(
        "percentual do valor do contrato", max_digits=7, decimal_places=4, null=True, blank=True
    )

    class Meta:
        ordering = ["contract", "name"]
        verbose_name = "tipo de multa"
        verbose_name_plural = "catálogo de multas"
        constraints = [
            models.CheckConstraint(
                condition=Q(amount__isnull=False, percent__isnull=True, amount__gt=0)
                | Q(amount__isnull=True, percent__isnull=False, percent__gt=0),
                name="%(app_label)s_%(class)s_amount_or_percent",
            ),
            models.UniqueConstraint(
                fields=["contract", "name"], name="%(app_label)s_%(class)s_unique_name"
            ),
        ]

    def __str__(self) -> str:
        return self.name


class ProceedingNumber(models.Model):
    """The last proceeding number issued in a year (PAM-2026-0001)."""

    year = models.PositiveSmallIntegerField(primary_key=True)
    last = models.PositiveIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.year}: {self.last}"


class Proceeding(models.Model):
    """A fine proceeding (processo administrativo de multa) against a lot's contractor: a
    carrier, or a consortium as a whole (`carrier` is its leader). The current deadline is
    `due_kind`/`due_date` (filing open until 23:59:59 local of that day); each step's deadline
    stays on its event. `amount` and `installments` are the decision's; `first_month` is the
    first month of collection (its first day), fixed when collection starts."""

    number = models.CharField("número", max_length=20, unique=True)
    contract = models.ForeignKey(Contract, on_delete=models.PROTECT, related_name="+")
    lot = models.ForeignKey(Lot, on_delete=models.PROTECT, related_name="proceedings")
    carrier = models.ForeignKey(
        Carrier, on_delete=models.PROTECT, related_name="proceedings", help_text="o líder"
    )
    regime = models.CharField("regime legal", max_length=5)
    flag = models.OneToOneField(
        "sla.BreachFlag",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="proceeding",
        verbose_name="reincidência",
    )
    facts = models.TextField("fatos")
    sanction = models.CharField("sanção proposta", max_length=10, choices=Sanction.choices)
    fine_type = models.ForeignKey(
        FineType, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    proposed_amount = models.DecimalField("multa proposta", **MONEY, null=True, blank=True)
    status = models.CharField(
        "situação", max_length=12, choices=ProceedingStatus.choices, default=ProceedingStatus.OPENED
    )
    due_kind = models.CharField(
        "prazo em curso", max_length=16, choices=DeadlineKind.choices, blank=True
    )
    due_date = models.DateField("último dia do prazo", null=True, blank=True)
    outcome = models.CharField("decisão", max_length=10, choices=Outcome.choices, blank=True)
    amount = models.DecimalField("multa decidida", **MONEY, null=True, blank=True)
    installments = models.PositiveSmallIntegerField("parcelas", default=1)
    final_at = models.DateTimeField("decisão final em", null=True, blank=True)
    first_month = models.DateField("primeira competência da cobrança", null=True, blank=True)
    leftover_guarantee = models.DecimalField("saldo para a garantia", **MONEY, default=0)
    leftover_judicial = models.DecimalField("saldo para cobrança judicial", **MONEY, default=0)
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    opened_at = models.DateTimeField("aberto em")

    objects = ProceedingQuerySet.as_manager()

    class Meta:
        ordering = ["-opened_at", "-pk"]
        verbose_name = "processo administrativo de multa"
        verbose_name_plural = "processos administrativos de multa"
        constraints = [
            models.CheckConstraint(
                condition=Q(proposed_amount__isnull=True) | Q(proposed_amount__gt=0),
                name="%(app_label)s_%(class)s_proposed_positive",
            ),
            models.CheckConstraint(
                condition=Q(amount__isnull=True) | Q(amount__gte=0),
                name="%(app_label)s_%(class)s_amount_not_negative",
            ),
            models.CheckConstraint(
                condition=Q(installments__gte=1), name="%(app_label)s_%(class)s_installments"
            ),
            models.CheckConstraint(
                condition=~Q(status=ProceedingStatus.COLLECTING)
                | Q(amount__gt=0, first_month__isnull=False),
                name="%(app_label)s_%(class)s_collecting_has_schedule",
            ),
        ]
        indexes = [models.Index(fields=["status"]), models.Index(fields=["lot", "status"])]

    def __str__(self) -> str:
        return self.number


class Evidence(models.Model):
    """A piece of evidence linked at opening: an IMR result (from a repeated-breach flag), a
    late service order or an outage, with what it showed then."""

    KINDS = [
        ("imr", "Resultado do IMR"),
        ("order", "OS em atraso"),
        ("outage", "Indisponibilidade"),
    ]

    proceeding = models.ForeignKey(Proceeding, on_delete=models.CASCADE, related_name="evidence")
    kind = models.CharField("tipo", max_length=10, choices=KINDS)
    reference = models.CharField("referência", max_length=60)
    description = models.TextField("descrição")
    url = models.CharField("endereço no portal", max_length=300, blank=True)

    class Meta:
        ordering = ["proceeding", "pk"]
        verbose_name = "evidência"
        verbose_name_plural = "evidências"

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.reference}"


class ProceedingEvent(models.Model):
    """One step of a proceeding: who (empty: the portal), when, from which status to which,
    why, and the deadline it started (counted from the business day after it, in business days
    of the contract's table). A notice (`notice`) counts as delivered when posted, at `at`; its
    e-mailed copies are outbox messages written with it (`ref` "penalties.proceedingevent:<id>")."""

    proceeding = models.ForeignKey(Proceeding, on_delete=models.PROTECT, related_name="events")
    from_status = models.CharField(max_length=12, choices=ProceedingStatus.choices, blank=True)
    to_status = models.CharField(max_length=12, choices=ProceedingStatus.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    at = models.DateTimeField("em")
    label = models.CharField("passo", max_length=120)
    reason = models.TextField("motivo / fundamentação", blank=True)
    deadline_kind = models.CharField(max_length=16, choices=DeadlineKind.choices, blank=True)
    deadline_days = models.PositiveSmallIntegerField("dias úteis", null=True, blank=True)
    deadline_starts = models.DateField("prazo conta de", null=True, blank=True)
    deadline_date = models.DateField("último dia", null=True, blank=True)
    notice = models.BooleanField("notificação publicada", default=False)

    class Meta:
        ordering = ["proceeding", "at", "pk"]
        verbose_name = "passo do processo"
        verbose_name_plural = "passos do processo"

    def __str__(self) -> str:
        return f"{self.proceeding} {self.from_status or '-'} -> {self.to_status}"


def _document_path(document: "Document", filename: str) -> str:
    """Under MEDIA_ROOT, which the portal never serves: documents leave only through the
    permission-checked download view. The stored name is not the uploaded one."""
    stamp = f"{document.uploaded_at:%Y%m%d%H%M%S}"
    return f"processos/{document.proceeding_id}/{document.step}-{stamp}-{uuid4().hex[:8]}.pdf"


class Document(models.Model):
    """A PDF kept by a step (defense, opinion, decision, appeal, ...), with its author and
    instant. Checked for type and size by `redegov.uploads` (PROCEEDING_DOCUMENT)."""

    proceeding = models.ForeignKey(Proceeding, on_delete=models.PROTECT, related_name="documents")
    event = models.ForeignKey(
        ProceedingEvent, null=True, blank=True, on_delete=models.PROTECT, related_name="documents"
    )
    step = models.CharField("passo", max_length=16, choices=DocumentStep.choices)
    file = models.FileField("arquivo", upload_to=_document_path)
    name = models.CharField("nome enviado", max_length=200)
    size = models.PositiveIntegerField("tamanho (bytes)")
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    uploaded_at = models.DateTimeField("enviado em")

    class Meta:
        ordering = ["proceeding", "uploaded_at", "pk"]
        verbose_name = "documento"
        verbose_name_plural = "documentos"

    def __str__(self) -> str:
        return self.name


class Opinion(models.Model):
    """The technical opinion (billing staff) or the legal opinion (legal counsel), one of each
    per proceeding, both required before the decision."""

    proceeding = models.ForeignKey(Proceeding, on_delete=models.PROTECT, related_name="opinions")
    kind = models.CharField("tipo", max_length=10, choices=OpinionKind.choices)
    text = models.TextField("parecer")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField("em")

    class Meta:
        ordering = ["proceeding", "at"]
        verbose_name = "parecer"
        verbose_name_plural = "pareceres"
        constraints = [
            models.UniqueConstraint(
                fields=["proceeding", "kind"], name="%(app_label)s_%(class)s_one_per_kind"
            )
        ]

    def __str__(self) -> str:
        return f"{self.proceeding} {self.get_kind_display()}"


class CollectionMonth(models.Model):
    """A billing month whose closing recorded the fines' collections (they are final)."""

    year = models.PositiveSmallIntegerField("ano")
    month = models.PositiveSmallIntegerField("mês")
    closed_at = models.DateTimeField("fechada em")

    class Meta:
        ordering = ["year", "month"]
        verbose_name = "competência fechada (multas)"
        verbose_name_plural = "competências fechadas (multas)"
        constraints = [
            models.UniqueConstraint(fields=["year", "month"], name="%(app_label)s_%(class)s_one")
        ]

    def __str__(self) -> str:
        return f"{self.month:02d}/{self.year}"


class Collection(models.Model):
    """What a closed month collected of a fine: `due` (its installments due by then, less what
    earlier months collected), `collected` (deducted from the lot's statement lines) and
    `carried` (due - collected, carried to the next month)."""

    proceeding = models.ForeignKey(Proceeding, on_delete=models.PROTECT, related_name="collections")
    year = models.PositiveSmallIntegerField("ano")
    month = models.PositiveSmallIntegerField("mês")
    due = models.DecimalField("a cobrar", **MONEY)
    collected = models.DecimalField("cobrado", **MONEY)
    carried = models.DecimalField("saldo transportado", **MONEY)

    class Meta:
        ordering = ["proceeding", "year", "month"]
        verbose_name = "cobrança mensal"
        verbose_name_plural = "cobranças mensais"
        constraints = [
            models.UniqueConstraint(
                fields=["proceeding", "year", "month"], name="%(app_label)s_%(class)s_one"
            ),
            models.CheckConstraint(
                condition=Q(collected__gte=0, carried__gte=0, due__gte=0),
                name="%(app_label)s_%(class)s_not_negative",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.proceeding} {self.month:02d}/{self.year}"
