"""Outages and who answers for them (docs/domain.md section 4).

PostgreSQL is the truth: every outage is a row, one timeline per link (no two outages of a link
overlap, whatever their kind or source); the NOC's decisions and the carriers' disputes are
rows beside them."""

from django.conf import settings
from django.contrib.postgres.constraints import ExclusionConstraint
from django.contrib.postgres.fields import DateTimeRangeField, RangeOperators
from django.db import models
from django.db.models import F, Func, Q

from core.history import audited
from inventory.models import Carrier, Link
from monitoring.choices import (
    DecisionAction,
    DisputeStatus,
    OutageKind,
    OutageSource,
    Responsibility,
)


class TsTzRange(Func):
    """tstzrange(start, end, '[)'): a NULL end is an open (unbounded) upper bound."""

    function = "TSTZRANGE"
    output_field = DateTimeRangeField()


@audited()
class Outage(models.Model):
    """An interval [start, end) in which a link was unavailable: an interruption (the link did
    not answer) or a degraded 5-minute window. `end` is null while an interruption is open.
    Instants are kept as measured (whole minutes with the production 60-second cycle); every
    count truncates them to the minute first. Responsibility decides whether they are counted."""

    link = models.ForeignKey(Link, on_delete=models.PROTECT, related_name="outages")
    start = models.DateTimeField("início")
    end = models.DateTimeField("fim", null=True, blank=True)
    kind = models.CharField("tipo", max_length=12, choices=OutageKind.choices)
    source = models.CharField("origem", max_length=6, choices=OutageSource.choices)
    responsibility = models.CharField(
        "responsabilidade",
        max_length=13,
        choices=Responsibility.choices,
        default=Responsibility.PENDING,
    )
    reference = models.CharField("referência", max_length=100, blank=True)
    notes = models.TextField("observações", blank=True)
    created_at = models.DateTimeField("registrada em", auto_now_add=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    split_from = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="pieces",
        verbose_name="dividida de",
        help_text="a primeira parte da indisponibilidade original, quando esta é uma parte dela",
    )

    class Meta:
        ordering = ["link", "start"]
        verbose_name = "indisponibilidade"
        verbose_name_plural = "indisponibilidades"
        constraints = [
            ExclusionConstraint(
                name="%(app_label)s_%(class)s_one_timeline_per_link",
                expressions=[
                    ("link", RangeOperators.EQUAL),
                    (TsTzRange("start", "end"), RangeOperators.OVERLAPS),
                ],
            ),
            models.CheckConstraint(
                condition=Q(end__isnull=True) | Q(end__gt=F("start")),
                name="%(app_label)s_%(class)s_end_after_start",
            ),
            models.CheckConstraint(
                condition=Q(end__isnull=False) | Q(kind=OutageKind.INTERRUPTION),
                name="%(app_label)s_%(class)s_only_interruptions_open",
            ),
        ]
        indexes = [
            models.Index(fields=["link", "start"]),
            models.Index(fields=["start"], name="monitoring_open_outages", condition=Q(end=None)),
            # The outage list, newest first (its default order), reads 50 rows down this index
            # instead of joining and sorting every outage (docs/benchmarks.md).
            models.Index(fields=["start", "id"], name="monitoring_outage_by_start"),
        ]

    def __str__(self) -> str:
        return f"{self.link} {self.get_kind_display()} {self.start:%d/%m/%Y %H:%M}"

    @property
    def root_id(self) -> int:
        """The first piece of the outage this one was split from (itself when never split)."""
        return self.split_from_id or self.pk


class RedundancyLoss(models.Model):
    """A redundant access working on one path only: no discount, but a ticket to the carrier."""

    link = models.ForeignKey(Link, on_delete=models.PROTECT, related_name="redundancy_losses")
    start = models.DateTimeField("início")
    end = models.DateTimeField("fim", null=True, blank=True)

    class Meta:
        ordering = ["link", "start"]
        verbose_name = "perda de redundância"
        verbose_name_plural = "perdas de redundância"
        constraints = [
            ExclusionConstraint(
                name="%(app_label)s_%(class)s_one_timeline_per_link",
                expressions=[
                    ("link", RangeOperators.EQUAL),
                    (TsTzRange("start", "end"), RangeOperators.OVERLAPS),
                ],
            ),
            models.CheckConstraint(
                condition=Q(end__isnull=True) | Q(end__gt=F("start")),
                name="%(app_label)s_%(class)s_end_after_start",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.link} {self.start:%d/%m/%Y %H:%M}"


class Dispute(models.Model):
    """A carrier's request to reclassify an outage, with its text and files; the NOC accepts or
    rejects it with a reason. One open dispute per outage at a time."""

    outage = models.ForeignKey(Outage, on_delete=models.PROTECT, related_name="disputes")
    carrier = models.ForeignKey(Carrier, on_delete=models.PROTECT, related_name="+")
    requested = models.CharField(
        "responsabilidade pedida", max_length=13, choices=Responsibility.choices
    )
    text = models.TextField("justificativa")
    filed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    filed_at = models.DateTimeField("apresentada em")
    status = models.CharField(
        "situação", max_length=10, choices=DisputeStatus.choices, default=DisputeStatus.OPEN
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField("decidida em", null=True, blank=True)
    decision_reason = models.TextField("motivo da decisão", blank=True)

    class Meta:
        ordering = ["filed_at"]
        verbose_name = "contestação"
        verbose_name_plural = "contestações"
        constraints = [
            models.UniqueConstraint(
                fields=["outage"],
                condition=Q(status=DisputeStatus.OPEN),
                name="%(app_label)s_%(class)s_one_open_per_outage",
            )
        ]

    def __str__(self) -> str:
        return f"Contestação {self.pk} ({self.outage})"


class DisputeAttachment(models.Model):
    """A file the carrier filed with a dispute (evidence)."""

    dispute = models.ForeignKey(Dispute, on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField("arquivo", upload_to="contestacoes/%Y/%m/")
    name = models.CharField("nome", max_length=200)

    class Meta:
        verbose_name = "anexo da contestação"
        verbose_name_plural = "anexos da contestação"

    def __str__(self) -> str:
        return self.name


class OutageDecision(models.Model):
    """One step in the life of an outage's responsibility: a classification, a split, an
    automatic maintenance classification, a dispute and its decision. `by` is None for the
    portal's own steps. Never edited: the outage's page shows them all."""

    outage = models.ForeignKey(Outage, on_delete=models.PROTECT, related_name="decisions")
    action = models.CharField("ação", max_length=16, choices=DecisionAction.choices)
    before = models.CharField("antes", max_length=13, choices=Responsibility.choices)
    after = models.CharField("depois", max_length=13, choices=Responsibility.choices)
    reason = models.TextField("motivo")
    split_at = models.DateTimeField("dividida em", null=True, blank=True)
    dispute = models.ForeignKey(
        Dispute, null=True, blank=True, on_delete=models.PROTECT, related_name="decisions"
    )
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    at = models.DateTimeField("em")

    class Meta:
        ordering = ["at", "pk"]
        verbose_name = "decisão sobre indisponibilidade"
        verbose_name_plural = "decisões sobre indisponibilidades"

    def __str__(self) -> str:
        return f"{self.get_action_display()} {self.at:%d/%m/%Y %H:%M}"
